import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import type { Broker, BrokerClock, BrokerOrder, Fill, OrderRequest, SubmittedOrderRef } from '../../adapters/brokers/port.js';
import { isBrokerError, type BrokerError } from '../../lib/broker-errors.js';
import { isTerminal, ORDER_STATUSES, type OrderStatus } from '../../lib/order-status.js';
import { pgInt, pgJson, pgNumeric, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import type { KillSwitchState } from '../kill-switch/kill-switch.js';
import type { AuditJournal } from './audit-journal.js';
import type { BrokerRejected, MarketClosed, OrderEndedBy, RecordedReason } from './recorded-reasons.js';
import { cancelCauseOf, recordCancelCause, type CancelCause } from './cancel-causes.js';
import { newRiskClosedReason, type NewRiskSession } from './new-risk-session.js';

/** How far short of a DAY order's cancel deadline the broker's wait may end: its slowest poll interval (alpaca-broker `pollDelayByAge`). */
const DAY_DEADLINE_SLACK_MS = 30_000;

/**
 * The columns of an `orders` row the lifecycle reads and updates, whatever
 * the order is for (an approval's entry, a stop or time exit, a flatten, a
 * manual `/close`). Numerics stay text (as the driver returns them).
 */
export const LifecycleOrderSchema = z.object({
  id: pgText,
  client_order_id: pgText,
  symbol: pgText,
  side: z.enum(['buy', 'sell']),
  qty: pgInt,
  limit_price: pgNumeric,
  time_in_force: pgText,
  state: z.enum(ORDER_STATUSES),
  broker_order_id: pgText.nullable(),
  submit_attempted_at: pgTimestamp.nullable(),
  booked_at: pgTimestamp.nullable(),
});
export type LifecycleOrder = z.output<typeof LifecycleOrderSchema>;

/** The columns every kind of `orders` row shares beyond the lifecycle's own (entries and exits add theirs); `budget_date` read as `::text`. */
export const OrdersRowSchema = LifecycleOrderSchema.extend({
  broker: pgText,
  strategy: pgText,
  filled_qty: pgInt,
  avg_fill_price: pgNumeric.nullable(),
  /** The broker's own words when it refused or ended the order (its data, kept as it said them). */
  reject_reason: pgText.nullable(),
  /** Why the order was closed without a fill, as a RecordedReason (`jsonb`; read it with `storedReason`). */
  reject_detail: pgJson,
  budget_date: pgText,
});
export type OrdersRow = z.output<typeof OrdersRowSchema>;

/** What the broker's terminal answer means for our books, worked out once for every kind of order. */
export interface BookingFacts {
  status: OrderStatus;
  brokerOrderId: string;
  filledQty: number;
  /** As the broker said: null until something fills. */
  avgFillPrice: number | null;
  /** `avgFillPrice`, or 0 when nothing filled. */
  avg: number;
  /** The broker's own words about the order (scrubbed), null when it said none: `orders.reject_reason`. */
  brokerReason: string | null;
  /** The reason recorded for a refused order (or one the broker said words about); null otherwise. */
  rejectReason: BrokerRejected | null;
  /** The executions to store: the broker's own, or one for the whole fill; none when nothing filled. */
  fills: Fill[];
  /** Who ended an order that did not fully fill (canceled or expired), from the broker's record and ours. */
  endedBy?: OrderEndedBy;
  /** When the booking happens. */
  at: Date;
}

/** Why an order is closed without ever executing (`reason`: the broker's refusal at submission, scrubbed). */
export type UnsentCause =
  /** `confirmedEpoch`: a confirmed flatten whose epoch moved (the switch may be off by now). */
  | { cause: 'kill_switch'; killSwitch: KillSwitchState; confirmedEpoch?: number }
  | { cause: 'rejected'; reason: BrokerRejected }
  /** A new-risk order (an entry) due outside the regular session: never POSTed (see {@link FollowOptions.newRisk}). */
  | { cause: 'market_closed'; reason: MarketClosed };

/**
 * What differs between kinds of orders at the two points where the books
 * change: closing an order that never executed, and booking a terminal one.
 * Both must be guarded by `booked_at IS NULL` so they happen at most once.
 */
export interface OrderBookkeeping<B> {
  /** Closes the order unsent (state `rejected`, booked) and undoes what it reserved; audits it. */
  closeUnsent(u: UnsentCause): Promise<void>;
  /** Books the terminal order: fills, position, budget, states; audits it. Null when an earlier run booked it. */
  book(f: BookingFacts): Promise<B | null>;
}

/**
 * Whether the kill switch may stop this order right before its POST: `check`
 * (engaged → not sent), `bypass` (exits configured to run under the switch),
 * or `{ confirmedEpoch }` — the confirmed `/kill flatten`, which sells under the
 * switch but only while it is still at the epoch the confirmation was made for.
 */
export type KillSwitchRule = 'check' | 'bypass' | { confirmedEpoch: number };

/** What only some kinds of orders ask of the lifecycle. */
export interface FollowOptions {
  /**
   * The order adds risk (an entry): right before its POST, after the kill
   * switch read, the market must be in its regular session, or the order is
   * closed unsent (`market_closed`) and nothing reaches the broker. Exits,
   * flatten and `/close` reduce risk and pass none: their behaviour is their
   * own (exits.ts, close-position.ts).
   */
  newRisk?: NewRiskSession;
  /**
   * A DAY order (time_in_force `day`, for accounts that refuse IOC) rests at the broker: once it
   * has rested this long since its attempt mark, unfilled or partly filled, the lifecycle cancels
   * it (cause `day_timeout`) and books what filled. Counted from the durable attempt mark, so a
   * run that resumes after a crash cancels an overdue order at once. Default: never cancelled here.
   */
  dayCancelAfterMs?: number;
}

/**
 * Where one run of the lifecycle left the order (the caller turns it into
 * its own outcome):
 * - `booked`: booked by this run (`value`: what the bookkeeping returned);
 * - `booked_before`: an earlier or concurrent run booked it;
 * - `blocked`: the kill switch was on right before the POST; closed unsent;
 * - `rejected`: the broker refused it at submission; closed unsent;
 * - `market_closed`: a new-risk order due outside the session; closed unsent, never POSTed;
 * - `not_placed`: the broker said nothing was placed (down, rate limited,
 *   bad credentials); the attempt mark is cleared so the same order may be sent again;
 * - `claimed`: another run set the attempt mark first; it sends (or sent) the order;
 * - `unknown`: the submission's outcome is unknown and the order is not visible (yet);
 * - `lookup_failed`: looking the sent order up failed;
 * - `missing`: sent earlier, but the broker does not show it (yet);
 * - `wait_failed`: waiting for a terminal state failed;
 * - `working`: still working at the broker when the wait ended.
 * Everything but `booked`, `booked_before`, `blocked`, `rejected`,
 * `market_closed` and `not_placed` leaves an order that may exist: it is only
 * ever looked up again.
 */
export type LifecycleResult<B> =
  | { kind: 'booked'; value: B }
  | { kind: 'booked_before' }
  | { kind: 'blocked'; killSwitch: KillSwitchState; confirmedEpoch?: number }
  | { kind: 'rejected'; reason: RecordedReason }
  | { kind: 'market_closed'; reason: MarketClosed }
  | { kind: 'not_placed'; error: BrokerError }
  | { kind: 'claimed' }
  | { kind: 'unknown'; error: BrokerError }
  | { kind: 'lookup_failed'; error: BrokerError }
  | { kind: 'missing' }
  | { kind: 'wait_failed'; error: BrokerError }
  | { kind: 'working'; status: OrderStatus };

export interface LifecycleDeps {
  db: SqlSession;
  broker: Broker;
  killSwitch: { state(): Promise<KillSwitchState> };
  /** The run's audit rows (the lifecycle queues and flushes its own there). */
  journal: AuditJournal;
  /** Audit action prefix: `order` for entries, `exit` for exits and flatten. */
  prefix: 'order' | 'exit';
  now: () => Date;
  /** Scrubs and shortens text stored or returned. */
  text: (s: string) => string;
  /** How long to wait for the order to become terminal. */
  waitTimeoutMs: number;
  log: Logger | undefined;
}

/** True when the order provably never left: no attempt mark, no broker id, not booked. Only such an order may be sent. */
export function neverSent(o: LifecycleOrder): boolean {
  return o.state === 'new' && o.submit_attempted_at === null && o.broker_order_id === null && o.booked_at === null;
}

/**
 * ONE order lifecycle for entries, exits, flatten and the manual `/close`
 * (close-position.ts), from a written `orders` row (deterministic client
 * order id) to its booked outcome. It is the only code that:
 *
 * 1. audits `<prefix>.submitting` and reads the kill switch strictly AFTER
 *    that audit write and right before the attempt mark and the POST (never
 *    only at enqueue) — unless the caller's rule is `bypass`; then, for a
 *    new-risk order ({@link FollowOptions.newRisk}), checks the session on the
 *    injected clock: closed → closed unsent, never POSTed;
 * 2. writes the durable attempt mark (`submit_attempted_at`): from then on
 *    the order is only ever looked up, never sent again;
 * 3. triages broker errors: `rejected` → closed unsent; `unavailable`,
 *    `rate_limited`, `auth` → mark cleared (the broker placed nothing);
 *    anything else → outcome unknown: looked up, NEVER re-POSTed;
 * 4. resolves a sent order through {@link Broker.findSubmitted};
 * 5. records the broker's ack, waits for a terminal state, and books it
 *    through the caller's guarded bookkeeping exactly once.
 *
 * The caller holds the lock that serialises runs of the same order (the
 * approval or position advisory lock) and decides what the result means.
 */
export class OrderLifecycle {
  constructor(private readonly deps: LifecycleDeps) {}

  /** Takes `order` as far as it can go in this run; sends it only when {@link neverSent} (and, for new risk, in session). */
  async follow<B>(order: LifecycleOrder, rule: KillSwitchRule, books: OrderBookkeeping<B>, opts: FollowOptions = {}): Promise<LifecycleResult<B>> {
    try {
      return await this.steps(order, rule, books, opts);
    } finally {
      await this.deps.journal.flush();
    }
  }

  private async steps<B>(order: LifecycleOrder, rule: KillSwitchRule, books: OrderBookkeeping<B>, opts: FollowOptions): Promise<LifecycleResult<B>> {
    if (order.booked_at !== null) return { kind: 'booked_before' };
    const { broker, journal } = this.deps;
    let b: BrokerOrder | null = null;
    if (neverSent(order)) {
      const sent = await this.submit(order, rule, books, opts);
      if (sent.kind !== 'sent') return sent;
      b = sent.order;
    }
    if (!b) {
      // Sent (or possibly sent) before: never again. Ask the broker.
      try {
        b = await broker.findSubmitted(refOf(order));
      } catch (e) {
        if (!isBrokerError(e)) throw e;
        return { kind: 'lookup_failed', error: e };
      }
      if (!b) {
        await journal.now(`${this.deps.prefix}.unknown`, { clientOrderId: order.client_order_id, symbol: order.symbol, note: 'not found at the broker; not re-sent' });
        return { kind: 'missing' };
      }
    }
    await this.recordAck(order, b);
    // An entry the broker queued (outside the session) is cancelled at once: no order waits there for the open.
    const queued = !isTerminal(b.status) && opts.newRisk !== undefined && (await this.cancelIfQueued(order, b, false));
    if (!isTerminal(b.status)) {
      // The ack is on the chain before the (possibly long) wait: a worker dying in it loses nothing.
      await journal.flush();
      const day = order.time_in_force === 'day' && opts.dayCancelAfterMs !== undefined ? this.dayDeadline(order, opts.dayCancelAfterMs) : null;
      try {
        const waitMs = day === null ? this.deps.waitTimeoutMs : Math.max(0, Math.min(this.deps.waitTimeoutMs, day - this.deps.now().getTime()));
        b = waitMs > 0 ? await broker.waitForTerminal(order.client_order_id, { timeoutMs: waitMs }) : b;
        if (day !== null && !isTerminal(b.status)) {
          // The broker's wait ends at its last look BEFORE the deadline (one poll interval short at most):
          // wait out the rest here, so the cancel goes on time and this run books the outcome — an exit
          // or a /close has no retry that would come back for it.
          const left = day - this.deps.now().getTime();
          if (left > 0 && left <= DAY_DEADLINE_SLACK_MS) await sleep(left);
          if (this.deps.now().getTime() >= day) {
            // Cancelled, or refused because it filled meanwhile: either way one more look books the final state.
            await this.cancelDay(order, b);
            b = await broker.waitForTerminal(order.client_order_id, { timeoutMs: Math.min(this.deps.waitTimeoutMs, 10_000) });
          }
        }
      } catch (e) {
        if (!isBrokerError(e)) throw e;
        return { kind: 'wait_failed', error: e };
      }
      if (!isTerminal(b.status) && opts.newRisk !== undefined && !queued && (await this.cancelIfQueued(order, b, true))) {
        // The clock changed under a cached answer: the cancel just went out; give it a short wait.
        try {
          b = await broker.waitForTerminal(order.client_order_id, { timeoutMs: Math.min(this.deps.waitTimeoutMs, 10_000) });
        } catch (e) {
          if (!isBrokerError(e)) throw e;
          return { kind: 'wait_failed', error: e };
        }
      }
      if (!isTerminal(b.status)) {
        await this.recordAck(order, b);
        return { kind: 'working', status: b.status };
      }
    }
    return this.book(order, b, books);
  }

  /** When a DAY order must be cancelled: its attempt mark (else now) plus the rest it is allowed. */
  private dayDeadline(o: LifecycleOrder, restMs: number): number {
    return (o.submit_attempted_at ?? this.deps.now()).getTime() + restMs;
  }

  /** Cancels a DAY order that rested too long (cause recorded first); true when the cancel went out. */
  private cancelDay(o: LifecycleOrder, b: BrokerOrder): Promise<boolean> {
    return this.cancelAtBroker(o, b, 'day_timeout', { filledQty: b.filledQty }, 'could not cancel a DAY order that rested too long; the next run tries again');
  }

  /**
   * Cancels our order at the broker for `cause`: the cause is recorded and audited first (so its
   * booking, whenever it comes, says Courtside cancelled it), then the cancel goes out. True when it
   * went out; a broker error is logged (`failed`) and the order is still followed.
   */
  private async cancelAtBroker(o: LifecycleOrder, b: BrokerOrder, cause: CancelCause, audit: Record<string, unknown>, failed: string): Promise<boolean> {
    const { broker, journal, prefix } = this.deps;
    if (!broker.cancelOrder) return false;
    try {
      await recordCancelCause(this.deps.db, { broker: broker.name, brokerOrderId: b.brokerOrderId, cause });
      await journal.now(`${prefix}.${cause === 'day_timeout' ? 'cancel_day' : 'cancel_queued'}`, { clientOrderId: o.client_order_id, brokerOrderId: b.brokerOrderId, ...audit });
      await broker.cancelOrder(b.brokerOrderId);
      return true;
    } catch (e) {
      if (!isBrokerError(e)) throw e;
      this.deps.log?.warn({ clientOrderId: o.client_order_id, err: e.message }, failed);
      return false;
    }
  }

  /**
   * The market_closed reason when the broker's own clock says closed, `{ error }` when it could not
   * be read (new risk is not sent blind: the run is retried), null when open or the broker keeps no clock.
   */
  private async brokerSaysClosed(): Promise<MarketClosed | { error: BrokerError } | null> {
    const { broker } = this.deps;
    if (!broker.clock) return null;
    try {
      const c = await broker.clock();
      if (c.isOpen) return null;
      return { code: 'market_closed', order: 'entry', at: this.deps.now().toISOString(), nextOpen: c.nextOpen, byBroker: broker.name };
    } catch (e) {
      if (!isBrokerError(e)) throw e;
      return { error: e };
    }
  }

  /**
   * Cancels an entry the broker holds queued (`accepted`, `pending_new`, `new` with nothing filled)
   * while its clock says the session is closed: Alpaca keeps such an order for the next open, when
   * nobody approved a price. Records the cause first, so the booking says "cancelled by Courtside".
   * True when a cancel went out. Failures are logged: the order is still followed, and the next run checks again.
   */
  private async cancelIfQueued(o: LifecycleOrder, b: BrokerOrder, fresh: boolean): Promise<boolean> {
    const { broker } = this.deps;
    if (!broker.clock || !broker.cancelOrder || b.filledQty > 0 || (b.status !== 'submitted' && b.status !== 'new')) return false;
    let clock: BrokerClock;
    try {
      clock = await broker.clock({ fresh });
    } catch (e) {
      if (!isBrokerError(e)) throw e;
      this.deps.log?.warn({ clientOrderId: o.client_order_id, err: e.message }, "could not read the broker's clock to check for a queued entry; the next run checks again");
      return false;
    }
    if (clock.isOpen) return false;
    const audit = { brokerStatus: b.brokerStatus ?? b.status, nextOpen: clock.nextOpen };
    return this.cancelAtBroker(o, b, 'outside_session', audit, 'could not cancel an order the broker holds queued; the next run checks again');
  }

  /**
   * Books a terminal broker order once (also how reconciliation books an
   * order the broker settled while no run followed it).
   */
  async book<B>(order: LifecycleOrder, b: BrokerOrder, books: OrderBookkeeping<B>): Promise<LifecycleResult<B>> {
    if (!isTerminal(b.status)) throw new Error(`order ${order.client_order_id} is ${b.status}, not terminal; it cannot be booked yet`);
    const filledQty = b.filledQty;
    const avg = b.avgFillPrice ?? 0;
    const brokerReason = b.rejectReason ? this.deps.text(b.rejectReason) : null;
    const facts: BookingFacts = {
      status: b.status,
      brokerOrderId: b.brokerOrderId,
      filledQty,
      avgFillPrice: b.avgFillPrice,
      avg,
      brokerReason,
      rejectReason: brokerReason !== null || b.status === 'rejected' ? { code: 'broker_rejected', broker: this.deps.broker.name, brokerReason } : null,
      fills: filledQty > 0 ? (b.fills && b.fills.length > 0 ? b.fills : [{ qty: filledQty, price: avg, at: b.updatedAt }]) : [],
      at: this.deps.now(),
    };
    const endedBy = await this.endedBy(order, b);
    if (endedBy) facts.endedBy = endedBy;
    // A queued `<prefix>.submitted` (the ack came back final) goes on the chain while the booking
    // runs, so it lands before `<prefix>.<final>` and a crash after the booking cannot take it along.
    const ackAudit = this.deps.journal.flush();
    const value = await books.book(facts);
    if (value === null) {
      await ackAudit;
      return { kind: 'booked_before' };
    }
    return { kind: 'booked', value };
  }

  /** Who ended a canceled or expired order: our record of a cancel we sent, else the broker's status and the order's kind. */
  private async endedBy(o: LifecycleOrder, b: BrokerOrder): Promise<OrderEndedBy | undefined> {
    if (b.status === 'expired') return 'expired';
    if (b.status !== 'canceled') return undefined;
    const ours = await cancelCauseOf(this.deps.db, b.brokerOrderId);
    if (ours) return ours;
    return o.time_in_force === 'day' ? 'outside_courtside' : 'ioc';
  }

  // --- the one submission ----------------------------------------------------------

  private async submit<B>(o: LifecycleOrder, rule: KillSwitchRule, books: OrderBookkeeping<B>, opts: FollowOptions): Promise<{ kind: 'sent'; order: BrokerOrder } | LifecycleResult<B>> {
    const { broker, journal, prefix, text } = this.deps;
    const req: OrderRequest = {
      clientOrderId: o.client_order_id,
      symbol: o.symbol,
      side: o.side,
      qty: o.qty,
      type: 'limit',
      limitPrice: Number(o.limit_price),
      timeInForce: o.time_in_force === 'day' ? 'day' : 'ioc',
    };
    journal.soon(`${prefix}.submitting`, { clientOrderId: o.client_order_id, broker: broker.name, symbol: o.symbol, qty: o.qty, limitPrice: req.limitPrice });
    // Every queued row (e.g. `order.created`) is on the chain before anything goes out.
    await journal.flush();
    if (rule !== 'bypass') {
      // Right before the POST (only the attempt mark in between), never only at enqueue (DESIGN §5.2).
      // Not read alongside the audit write: the read must not be older than everything before the POST.
      const ks = await this.deps.killSwitch.state();
      const confirmed = rule === 'check' ? undefined : rule.confirmedEpoch;
      if (confirmed === undefined ? ks.engaged : ks.epoch !== confirmed) {
        const moved = confirmed === undefined ? {} : { confirmedEpoch: confirmed };
        await books.closeUnsent({ cause: 'kill_switch', killSwitch: ks, ...moved });
        return { kind: 'blocked', killSwitch: ks, ...moved };
      }
    }
    if (opts.newRisk) {
      // As late as the kill switch read, on the injected clock: a run that started in session but
      // reaches its POST after the close (or a retry hours later) sends nothing.
      const closed = await newRiskClosedReason(opts.newRisk);
      if (closed) {
        await books.closeUnsent({ cause: 'market_closed', reason: closed });
        return { kind: 'market_closed', reason: closed };
      }
      // Our calendar says open; the broker's own clock must agree (it knows unscheduled closures).
      const byBroker = await this.brokerSaysClosed();
      if (byBroker && 'error' in byBroker) return { kind: 'not_placed', error: byBroker.error };
      if (byBroker) {
        await books.closeUnsent({ cause: 'market_closed', reason: byBroker });
        return { kind: 'market_closed', reason: byBroker };
      }
    }
    // Durable "a POST may be out there" mark, as late as possible: a crash before it leaves an
    // order that is simply sent by the next run; from here on it is only ever looked up.
    if (!(await this.markAttempt(o))) return { kind: 'claimed' };
    try {
      return { kind: 'sent', order: await broker.submitOrder(req) };
    } catch (e) {
      // Anything but a BrokerError is a crash: the row stays "attempted"; the next run looks it up.
      if (!isBrokerError(e)) throw e;
      if (e.kind === 'rejected') {
        const reason: BrokerRejected = { code: 'broker_rejected', broker: broker.name, brokerReason: text(e.reason ?? e.detail) };
        await books.closeUnsent({ cause: 'rejected', reason });
        return { kind: 'rejected', reason };
      }
      if (e.kind === 'unavailable' || e.kind === 'rate_limited' || e.kind === 'auth') {
        // The broker says nothing was placed: the same client order id may be sent again.
        await this.deps.db.exec(`UPDATE orders SET submit_attempted_at = NULL, updated_at = now() WHERE id = $1 AND state = 'new' AND broker_order_id IS NULL`, [o.id]);
        await journal.now(`${prefix}.not_sent`, { clientOrderId: o.client_order_id, kind: e.kind, error: text(e.message) });
        return { kind: 'not_placed', error: e };
      }
      // timeout_unknown, bad_response, not_found: the order may exist. Look it up, never re-POST.
      this.deps.log?.warn({ clientOrderId: o.client_order_id, kind: e.kind }, `${prefix === 'exit' ? 'exit order' : 'order'} outcome unknown; looking it up`);
      await journal.now(`${prefix}.outcome_unknown`, { clientOrderId: o.client_order_id, kind: e.kind, error: text(e.message) });
      let found: BrokerOrder | null = null;
      try {
        found = await broker.findSubmitted(refOf({ ...o, submit_attempted_at: o.submit_attempted_at ?? this.deps.now() }));
      } catch (le) {
        if (!isBrokerError(le)) throw le;
      }
      if (found) return { kind: 'sent', order: found };
      return { kind: 'unknown', error: e };
    }
  }

  /** Sets submit_attempted_at; false when another run already did (it sent, or may have sent, the order). */
  private async markAttempt(o: LifecycleOrder): Promise<boolean> {
    const at = this.deps.now();
    const marked = await this.deps.db.rows(`UPDATE orders SET submit_attempted_at = $2, updated_at = $2 WHERE id = $1 AND submit_attempted_at IS NULL RETURNING id`, [o.id, at]);
    if (marked.length > 0) o.submit_attempted_at = at;
    return marked.length > 0;
  }

  // --- what the broker says --------------------------------------------------------

  private async recordAck(o: LifecycleOrder, b: BrokerOrder): Promise<void> {
    const { journal, prefix, broker } = this.deps;
    const submitted = { clientOrderId: o.client_order_id, brokerOrderId: b.brokerOrderId, status: b.status, broker: broker.name };
    if (isTerminal(b.status) && o.state === 'new') {
      // Final already: the booking writes the same columns in its own statement next; no separate UPDATE.
      journal.soon(`${prefix}.submitted`, submitted);
    } else {
      const upd = await this.deps.db.rows(
        `UPDATE orders SET state = $2, broker_order_id = $3, filled_qty = $4, avg_fill_price = $5, updated_at = now()
          WHERE id = $1 AND booked_at IS NULL AND (state IS DISTINCT FROM $2 OR broker_order_id IS DISTINCT FROM $3 OR filled_qty <> $4)
          RETURNING id`,
        [o.id, b.status, b.brokerOrderId, b.filledQty, b.avgFillPrice],
      );
      if (upd.length > 0 && o.state === 'new') journal.soon(`${prefix}.submitted`, submitted);
    }
    o.state = b.status;
    o.broker_order_id = b.brokerOrderId;
  }
}

/** What the broker needs to find the order again (by client order id, or by its terms for a broker without them). Also the recovery pass's lookup. */
export function refOf(o: LifecycleOrder): SubmittedOrderRef {
  return {
    clientOrderId: o.client_order_id,
    brokerOrderId: o.broker_order_id,
    symbol: o.symbol,
    side: o.side,
    qty: o.qty,
    limitPrice: Number(o.limit_price),
    attemptedAt: o.submit_attempted_at,
  };
}
