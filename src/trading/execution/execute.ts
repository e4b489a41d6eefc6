import type { Logger } from 'pino';
import { z } from 'zod';
import type { SqlSession, UnitOfWork } from '../../adapters/db/port.js';
import type { Broker } from '../../adapters/brokers/port.js';
import { blockingFlags } from '../../lib/account-flags.js';
import type { QuoteProvider } from '../../adapters/market-data/port.js';
import { DriftBand, LiquidityGate, PolicyGate, PositionCaps, type GateName, type GateRefusal, type GateResult } from '../../engine/risk/index.js';
import type { EntryCandidate } from '../risk/entry-candidate.js';
import { DEFAULT_TIME_STOP_BARS, timeStopDate } from '../../engine/exits/time-stop.js';
import { DEFAULT_EXECUTION_LIMITS, type ExecutionLimits } from '../../engine/risk/limits.js';
import { isBrokerError } from '../../lib/broker-errors.js';
import { errText, isUniqueViolation } from '../../lib/errors.js';
import { makeScrubber } from '../../lib/logging/scrub.js';
import { round6 } from '../../lib/numbers.js';
import { isTerminal, type OrderStatus } from '../../lib/order-status.js';
import { pgBool, pgInt, pgJson, pgNumeric, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowOf, rowsOf } from '../../lib/sql-rows.js';
import type { KillSwitchState } from '../kill-switch/kill-switch.js';
import { AuditJournal, type AuditSink } from './audit-journal.js';
import { clientOrderIdFor } from './ids.js';
import { ALWAYS_OPEN, type MarketHours } from '../../engine/market-hours.js';
import { newRiskClosedReason, type NewRiskSession } from './new-risk-session.js';
import { sharedCalendarOverrides, type CalendarOverridesPort } from '../calendar/overrides-source.js';
import { lookUpEvidence } from './broker-evidence.js';
import { OrderLifecycle, OrdersRowSchema, refOf, type BookingFacts, type OrderBookkeeping, type UnsentCause } from './order-lifecycle.js';
import { bookedReason, brokerWords, reasonParam, scrubReason, storedReason, type RecordedReason } from './recorded-reasons.js';
import { randomUUID } from 'node:crypto';
import { approvalStateVersion } from './state-version.js';
import type { BrokerEvidence, SettleMode, SettleResult } from './stuck-types.js';
import { MARKETS, marketOfSymbol, type Market } from '../../engine/market/index.js';
import { marketDayOf } from '../../engine/market/session-day.js';
import { entryLimitPrice } from '../../engine/market/entry-limit.js';
import { currencyFigure } from '../../engine/risk/money-words.js';

/** What the execution job needs. Everything is injected so tests use the real pieces with test settings. */
export interface ExecutionDeps {
  db: UnitOfWork;
  broker: Broker;
  /** Re-prices the approved idea right before the order. */
  quotes: QuoteProvider;
  killSwitch: { state(): Promise<KillSwitchState> };
  audit: AuditSink;
  /** Average daily dollar volume of a symbol; null when unknown (the LiquidityGate then refuses). See `dollarAdvFromBars`. */
  dollarAdv(symbol: string): Promise<number | null>;
  /**
   * The market this executor trades (default US). It names the budget row (`daily_budget` is keyed
   * (market, date), dated by the market's own session date: KRX's in Seoul) and the order's market and
   * currency; `limits` are in its currency (the lead wires a second ExecutionDeps, in won, for KR).
   * An approval of another market's symbol is not executed here.
   */
  market?: Market;
  limits?: Partial<ExecutionLimits>;
  now?: () => Date;
  logger?: Logger;
  /** Removes secrets from any text stored or returned (default: bot-token shapes only). */
  scrub?: (text: string) => string;
  /** How long to wait for the order to become terminal at the broker. Default 30 s. */
  waitTimeoutMs?: number;
  /** How long a second runner of the same approval waits for the first to finish. Default 60 s. */
  lockWaitMs?: number;
  /** Time stop of a new position, in sessions with the entry session as 1 (DESIGN §6). Default 5. */
  timeStopBars?: number;
  /**
   * When entries may go: outside the session an entry is refused (`market_closed`) before anything
   * reaches the broker, judged on `now`. The app wires `marketHoursFor(config)` (the exchange's
   * sessions unless MARKET_HOURS=always); absent, no session gate (tests of the fill path).
   */
  marketHours?: MarketHours;
  /**
   * Run-time calendar overrides the session gate applies to `marketHours` (a closed day, a late
   * open). Default: `calendar_overrides` in `db`, re-read every 30 s.
   */
  calendarOverrides?: CalendarOverridesPort;
  /**
   * Time in force of entries: `ioc` (default), or `day` for a broker account that refuses IOC
   * (ALPACA_ENTRY_TIF=day): a DAY limit the lifecycle cancels once it has rested
   * `dayCancelAfterMs` unfilled (ALPACA_DAY_CANCEL_AFTER_S), booking what filled.
   */
  entryTimeInForce?: 'ioc' | 'day';
  /** How long a DAY entry may rest unfilled before it is cancelled. Default 30 s. */
  dayCancelAfterMs?: number;
  /**
   * The preflight gate of issue 20 (src/trading/preflight/gate.ts): null while entries may go, else
   * why not (the failing checks and what to run). Asked at the checks and again right before an
   * unsent order goes, so an approval tapped before a failing preflight cannot pass. A blocked
   * entry is closed `not_placed`, its budget released. Absent: no gate (paper brokers, tests).
   */
  preflightGate?: () => Promise<string | null>;
  /**
   * The portfolio gates of issue 21 (src/trading/risk/portfolio-gate.ts): correlation clusters and
   * value at risk, judged after the position caps with the account's equity. Absent: no portfolio
   * gates (tests of the fill path).
   */
  portfolioRisk?: (c: EntryCandidate) => Promise<GateResult>;
}

/** Which check stopped an approval before (or at) the broker. */
export type RefusalGate = GateName | 'kill_switch' | 'expired' | 'market_closed' | 'broker';

/** The numbers a confirmation message needs. */
export interface OrderSummary {
  approvalId: string;
  pickId: string;
  symbol: string;
  strategy: string;
  side: 'buy' | 'sell';
  qty: number;
  limitPrice: number;
  filledQty: number;
  avgFillPrice: number | null;
  /** filledQty × avgFillPrice. */
  filledNotional: number;
  clientOrderId: string;
  brokerOrderId: string | null;
  broker: string;
  orderState: OrderStatus;
  /** `day` for a DAY entry (ALPACA_ENTRY_TIF=day) whose unfilled rest Courtside cancels; absent for IOC. */
  timeInForce?: 'day';
  /** A partial fill: who ended the unfilled rest, as recorded on the order row at booking (`ioc_ended`); absent on older rows. */
  unfilledReason?: RecordedReason;
}

/**
 * Why nothing was ordered in this run, though a later run may succeed
 * (`error`: the scrubbed error text of the failing call).
 */
export type RetryableFailure =
  | { code: 'no_quote'; symbol: string; error: string }
  | { code: 'account_unreadable'; error: string }
  /** The broker said nothing was placed (down, rate limited): the same order is sent again by the next run. */
  | { code: 'not_placed'; error: string };

/**
 * Why the outcome is not known yet. Every case but `no_order_yet` concerns an
 * order that may exist: it is only ever looked up again, never re-sent.
 */
export type PendingCause =
  /** Another run holds the approval's lock. */
  | { code: 'busy' }
  /** Another run set the attempt mark first: it sends (or sent) the order. */
  | { code: 'claimed' }
  /** The submission's outcome is unknown and the order is not visible yet. */
  | { code: 'unknown'; error: string }
  | { code: 'lookup_failed'; error: string }
  /**
   * The broker holds a different order under this approval's client order id (a restored
   * database, a second installation, a manual order): nothing is booked from it and nothing is
   * sent again; an admin settles it (/stuck, /resolve). `error` carries the broker's evidence.
   */
  | { code: 'ambiguous'; error: string }
  /** Sent earlier, but the broker does not show it (yet). */
  | { code: 'missing'; clientOrderId: string; broker: string }
  | { code: 'wait_failed'; error: string }
  /** Still working at the broker when the wait ended. */
  | { code: 'working'; clientOrderId: string; status: OrderStatus; broker: string }
  /** The approval's stored state, without an order row yet. */
  | { code: 'no_order_yet'; approvalState: string }
  /** The order row's stored state, not booked yet. */
  | { code: 'order_open'; clientOrderId: string; orderState: OrderStatus };

/**
 * What became of an approval. `reason` on `not_filled`, `refused` and a
 * non-retryable `failed` is the reason RECORDED on the approval, a code with
 * its figures (recorded-reasons.ts; a gate refusal records the gate, the
 * limit and its numbers): a face words it.
 */
export type ExecutionOutcome =
  | ({ kind: 'filled' } & OrderSummary)
  | ({ kind: 'partially_filled' } & OrderSummary)
  | ({ kind: 'not_filled'; reason: RecordedReason } & OrderSummary)
  | { kind: 'refused'; approvalId: string; pickId: string; symbol: string; gate: RefusalGate; reason: RecordedReason; numbers: Record<string, number> }
  /** Closed for good: nothing was ordered (budget released). */
  | { kind: 'failed'; approvalId: string; retryable: false; reason: RecordedReason }
  /** Nothing changed; running the job again later can succeed. */
  | { kind: 'failed'; approvalId: string; retryable: true; cause: RetryableFailure }
  /**
   * The order may exist or is still working: run the job again later (it
   * only looks the order up; it never re-sends).
   */
  | { kind: 'pending'; approvalId: string; cause: PendingCause; clientOrderId?: string }
  | { kind: 'not_found'; approvalId: string };

/** An approval with its pick (`approved_by` bigint as text; the pick's prices double precision). */
const ApprovalRowSchema = z.object({
  id: pgText,
  pick_id: pgText,
  state: pgText,
  expires_at: pgTimestamp,
  approved_by: pgText,
  refused_gate: pgText.nullable(),
  /** The recorded reason (`jsonb`; read with `storedReason`). The old text column `reason` is converted into it by the migration. */
  reason_detail: pgJson,
  /** The refusal's figures; JSON stores a non-finite one (a correlation not measured: NaN) as null, read back as NaN. */
  numbers: z.record(z.string(), z.number().nullable().transform((v) => v ?? Number.NaN)).nullable(),
  symbol: pgText,
  strategy: pgText,
  entry: pgInt,
  stop: pgInt,
  pick_qty: pgInt,
  /** A hypothesis pick's own time stop (its exits, from the binding source); null for a Kobe pick, which uses the configured one. */
  source_time_stop_bars: pgInt.nullable(),
  /**
   * A hypothesis pick's profit target (the pick's levels are its binding
   * source's); null without one, and always null for a Kobe pick, whose
   * positions exit only by the stop and time stop.
   */
  source_target: pgInt.nullable(),
});
type ApprovalRow = z.output<typeof ApprovalRowSchema>;

/** An entry's order row ({@link ORDER_COLUMNS}). */
const OrderRowSchema = OrdersRowSchema.extend({ approval_id: pgText, reserved_amount: pgNumeric, market: pgText, currency: pgText });
type OrderRow = z.output<typeof OrderRowSchema>;
/** The order row just written, with the day's budget spent after its reservation (numeric). */
const CreatedRow = OrderRowSchema.extend({ spent: pgNumeric });
/** The day's budget spent so far (numeric) and the book the caps judge: open positions (int), the symbol's notional (numeric), whether it adds (null: no positions). */
const BookRow = z.object({ spent: pgNumeric, open: pgInt, existing: pgNumeric, adds: pgBool.nullable() });
const SpentRow = z.object({ spent: pgNumeric });
/** What an unsent order's closing releases: its reservation (numeric) and budget day (as text). */
const ReleasedRow = z.object({ reserved_amount: pgNumeric, budget_date: pgText, market: pgText });

/** The `orders` columns a run works with (also what the INSERT returns). */
const ORDER_COLUMNS = `id, approval_id, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force, state, broker_order_id,
  filled_qty, avg_fill_price, reject_reason, reject_detail, budget_date::text AS budget_date, reserved_amount, submit_attempted_at, booked_at, market, currency`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TERMINAL_APPROVAL = new Set(['filled', 'partially_filled', 'not_filled', 'refused', 'failed', 'cancelled', 'expired']);
/** First key of the per-approval advisory lock (the second is hashtext(approval id)). */
const LOCK_NAMESPACE = 774_219_101;
const ACTOR = 'execution';

/**
 * The execution job body: turns one approval into at most one broker order,
 * and can be run any number of times, concurrently, or again after a crash at
 * any point. It is a state machine keyed by the `orders` row:
 *
 * 1. no order row: expiry, the session (outside it: refused `market_closed`,
 *    nothing read from the broker or reserved), kill switch, re-quote, drift
 *    band, position caps, LiquidityGate and PolicyGate; then ONE statement
 *    reserves the daily budget (atomic conditional UPDATE) and inserts the
 *    order row with the deterministic client order id.
 * 2. from the order row on, the {@link OrderLifecycle} (shared with exits and
 *    flatten): kill switch and session again right before the POST, the durable attempt
 *    mark, the submission, broker-error triage, lookup (never a re-POST) of an
 *    order that was or may have been sent, the ack, and the booking, which
 *    here is ONE statement (fills, position, budget settlement, approval and
 *    pick states) guarded by `booked_at IS NULL` so it happens exactly once.
 *
 * Runs of one approval are serialised by a session advisory lock (released
 * by Postgres if the process dies), so a replay waits and then reports the
 * stored outcome.
 */
export async function executeApproval(deps: ExecutionDeps, approvalId: string): Promise<ExecutionOutcome> {
  if (!UUID.test(approvalId)) return { kind: 'not_found', approvalId };
  const run = new Run(deps, approvalId.toLowerCase());
  const out = await withApprovalLock(deps.db, run.approvalId, deps.lockWaitMs ?? 60_000, () => run.execute());
  if (out === 'busy') return { kind: 'pending', approvalId, cause: { code: 'busy' } };
  return out;
}

/**
 * Called when `execution.run` failed for good (retries exhausted): an
 * approval whose order cannot have reached the broker is closed as failed
 * (budget released) with `reason` recorded (its error figures scrubbed), so
 * nobody is told "being handled" about a dead job. One whose order may exist
 * is left alone: reconciliation books or reports it.
 */
export async function giveUpApproval(deps: ExecutionDeps, approvalId: string, reason: RecordedReason): Promise<ExecutionOutcome> {
  if (!UUID.test(approvalId)) return { kind: 'not_found', approvalId };
  const run = new Run(deps, approvalId.toLowerCase());
  const out = await withApprovalLock(deps.db, run.approvalId, deps.lockWaitMs ?? 60_000, () => run.giveUp(reason));
  return out === 'busy' ? { kind: 'pending', approvalId, cause: { code: 'busy' } } : out;
}

/** The recorded reason a gave-up approval is closed with: how many tries, and the last error. */
export function gaveUpReason(tries: number, error: string): RecordedReason {
  return { code: 'gave_up', tries, error };
}

/**
 * Settles an approval stuck after its attempt mark (the worker died between
 * the mark and the booking): only when the mark is older than `olderThan`,
 * under the SAME per-approval lock the executor holds (the fence against a
 * slow live executor: `lockWaitMs` short, a held lock is `busy` and left
 * alone). The order is looked up through `Broker.findSubmitted` — never sent
 * again: a final order is booked through the entry's booking; none at all
 * closes the approval failed (`lost_after_crash`, budget released); anything
 * else is `ambiguous` and left for an admin (see {@link SettleMode}).
 */
export async function settleApproval(deps: ExecutionDeps, approvalId: string, mode: SettleMode, opts: { olderThan: Date; lockWaitMs: number }): Promise<SettleResult> {
  if (!UUID.test(approvalId)) return { kind: 'not_found', approvalId };
  const run = new Run(deps, approvalId.toLowerCase());
  const out = await withApprovalLock(deps.db, run.approvalId, opts.lockWaitMs, () => run.settle(mode, opts.olderThan));
  return out === 'busy' ? { kind: 'busy', approvalId: run.approvalId } : out;
}

class Run {
  private readonly market: Market;
  private readonly limits: ExecutionLimits;
  private readonly now: () => Date;
  private readonly scrub: (t: string) => string;
  private readonly log: Logger | undefined;
  private readonly journal: AuditJournal;
  private readonly lifecycle: OrderLifecycle;
  /** The session gate of this entry (new risk), on the run's clock. */
  private readonly session: NewRiskSession;

  constructor(
    private readonly deps: ExecutionDeps,
    readonly approvalId: string,
  ) {
    this.market = deps.market ?? 'US';
    this.limits = { ...DEFAULT_EXECUTION_LIMITS, ...deps.limits };
    this.now = deps.now ?? (() => new Date());
    // Run-time calendar overrides (a closed day, a late open) apply to the exchange's hours.
    const overrides = deps.calendarOverrides ?? sharedCalendarOverrides(deps.db);
    this.session = { hours: deps.marketHours ?? ALWAYS_OPEN, market: this.market, now: this.now, overrides, onOverridesError: (err) => this.log?.warn({ err: this.text(errText(err)) }, 'calendar overrides not read; the entry is refused (calendar_unknown)') };
    this.scrub = deps.scrub ?? makeScrubber([]);
    this.log = deps.logger?.child({ approvalId });
    this.journal = new AuditJournal(deps.audit, ACTOR, { approvalId }, (action, err) => this.log?.error({ action, err: this.text(err) }, 'audit append failed'));
    this.lifecycle = new OrderLifecycle({
      db: deps.db,
      broker: deps.broker,
      killSwitch: deps.killSwitch,
      journal: this.journal,
      prefix: 'order',
      now: this.now,
      text: (s) => this.text(s),
      waitTimeoutMs: deps.waitTimeoutMs ?? 30_000,
      log: this.log,
    });
  }

  async execute(): Promise<ExecutionOutcome> {
    try {
      return await this.executeSteps();
    } finally {
      await this.journal.flush();
    }
  }

  private async executeSteps(): Promise<ExecutionOutcome> {
    const [approval, stored] = await Promise.all([this.loadApproval(), this.loadOrder()]);
    if (!approval) return { kind: 'not_found', approvalId: this.approvalId };
    let order = stored;
    if (TERMINAL_APPROVAL.has(approval.state)) return this.storedOutcome(approval, order);
    // Queued for the open (src/trading/queue): nothing may reach the broker before the open queue releases it.
    if (approval.state === 'queued') return { kind: 'pending', approvalId: this.approvalId, cause: { code: 'no_order_yet', approvalState: approval.state } };

    if (!order) {
      const planned = await this.plan(approval);
      if (planned.kind !== 'order') return planned.outcome;
      order = planned.order;
    }
    if (order.booked_at !== null) return this.storedOutcome(approval, order);
    // Right before the order goes: a preflight that failed since the checks stops it (one already sent is only followed).
    if (order.submit_attempted_at === null && order.broker_order_id === null) {
      const blocked = await this.preflightBlocked();
      if (blocked) return this.closeFailed(approval, order, blocked);
    }

    const cid = order.client_order_id;
    const broker = this.deps.broker.name;
    // An entry adds risk: the lifecycle checks the session right before the POST too.
    const res = await this.lifecycle.follow(order, 'check', this.bookkeeping(approval, order), { newRisk: this.session, dayCancelAfterMs: this.deps.dayCancelAfterMs ?? 30_000 });
    switch (res.kind) {
      case 'booked':
        return this.storedOutcome(res.value.approval, res.value.order);
      case 'booked_before':
      case 'blocked':
      case 'rejected':
      case 'market_closed':
        return this.reloaded();
      case 'not_placed': {
        // Bad credentials will not fix themselves: close the approval and release its budget now.
        if (res.error.kind === 'auth') return this.closeFailed(approval, order, { code: 'not_placed', error: this.text(res.error.message) });
        return { kind: 'failed', approvalId: this.approvalId, retryable: true, cause: { code: 'not_placed', error: this.text(res.error.message) } };
      }
      case 'claimed':
        return { kind: 'pending', approvalId: this.approvalId, clientOrderId: cid, cause: { code: 'claimed' } };
      case 'unknown':
      case 'lookup_failed': {
        // Ambiguous: the broker's evidence without the adapter's hint (the view says what happens next).
        if (res.error.kind === 'ambiguous') return { kind: 'pending', approvalId: this.approvalId, clientOrderId: cid, cause: { code: 'ambiguous', error: this.text(`${res.error.broker}: ${res.error.detail}`) } };
        return { kind: 'pending', approvalId: this.approvalId, clientOrderId: cid, cause: { code: res.kind, error: this.text(res.error.message) } };
      }
      case 'missing':
        return { kind: 'pending', approvalId: this.approvalId, clientOrderId: cid, cause: { code: 'missing', clientOrderId: cid, broker } };
      case 'wait_failed':
        return { kind: 'pending', approvalId: this.approvalId, clientOrderId: cid, cause: { code: 'wait_failed', error: this.text(res.error.message) } };
      case 'working':
        return { kind: 'pending', approvalId: this.approvalId, clientOrderId: cid, cause: { code: 'working', clientOrderId: cid, status: res.status, broker } };
    }
  }

  /** The preflight gate's reason to send nothing, as recorded (`not_placed`: nothing reached the broker), or null. */
  private async preflightBlocked(): Promise<RecordedReason | null> {
    const why = this.deps.preflightGate ? await this.deps.preflightGate() : null;
    return why === null ? null : { code: 'not_placed', error: this.text(why) };
  }

  private async reloaded(): Promise<ExecutionOutcome> {
    const [after, stored] = await Promise.all([this.loadApproval(), this.loadOrder()]);
    return this.storedOutcome(after!, stored);
  }

  // --- step 1: checks, reservation, order row ---------------------------------

  private async plan(a: ApprovalRow): Promise<{ kind: 'order'; order: OrderRow } | { kind: 'done'; outcome: ExecutionOutcome }> {
    const done = (outcome: ExecutionOutcome) => ({ kind: 'done' as const, outcome });
    const now = this.now();
    // Wiring, not trading: another market's approval must never draw on this market's budget or broker.
    if (marketOfSymbol(a.symbol) !== this.market) {
      throw new Error(`approval ${this.approvalId} is for ${a.symbol} (${marketOfSymbol(a.symbol)}), but this executor trades ${this.market}: route it to the ${marketOfSymbol(a.symbol)} executor`);
    }
    if (now.getTime() >= a.expires_at.getTime()) {
      return done(await this.refuse(a, 'expired', { code: 'expired', expiresAt: a.expires_at.toISOString() }, {}));
    }
    const closed = await newRiskClosedReason(this.session);
    if (closed) {
      // Nothing is read from the broker or reserved: the kill switch still comes first in what the trader hears.
      const ks = await this.deps.killSwitch.state();
      if (ks.engaged) return done(await this.refuse(a, 'kill_switch', { code: 'kill_switch', order: 'entry', killReason: ks.reason }, {}));
      return done(await this.refuse(a, 'market_closed', closed, {}));
    }
    // The budget's day is the market's own session date (a KR order at 23:30Z belongs to the next Seoul day).
    const day = marketDayOf(this.market, now.getTime());
    // The reads are independent: fetch them at once; the checks below still decide in their fixed
    // order, the kill switch first (and again right before the POST).
    // A failed quote or account read is answered below (retry, tell the trader); the others throw.
    const [[ks, book, adv], [quoteR, accountR]] = await Promise.all([
      Promise.all([
        this.deps.killSwitch.state(),
        rowsOf(
          this.deps.db,
          BookRow,
          // This market's budget and book only: its limits and the account equity are in its currency.
          `SELECT (SELECT COALESCE(SUM(spent), 0) FROM daily_budget WHERE market = $3 AND date = $2::date) AS spent, p.*
             FROM (SELECT count(DISTINCT symbol) FILTER (WHERE qty > 0)::int AS open,
                          COALESCE(SUM(qty * avg_cost) FILTER (WHERE symbol = $1 AND qty > 0), 0) AS existing,
                          bool_or(symbol = $1 AND qty > 0) AS adds
                     FROM positions WHERE market = $3) p`,
          [a.symbol, day, this.market],
        ),
        this.deps.dollarAdv(a.symbol).catch((err: unknown) => {
          // An unknown volume is an answer: the LiquidityGate refuses on it.
          this.log?.debug({ err, symbol: a.symbol }, 'dollar volume unreadable; judged as unknown');
          return null;
        }),
      ]),
      Promise.allSettled([this.deps.quotes.latestQuote(a.symbol), this.deps.broker.account()]),
    ]);
    const held = book[0];
    const spentToday = Number(held?.spent ?? 0);
    if (ks.engaged) return done(await this.refuse(a, 'kill_switch', { code: 'kill_switch', order: 'entry', killReason: ks.reason }, {}));
    // Before anything is reserved: with a live broker, no entry while the newest preflight has a ✗.
    const preflight = await this.preflightBlocked();
    if (preflight) return done(await this.closeFailed(a, null, preflight));
    if (quoteR.status === 'rejected') {
      return done({ kind: 'failed', approvalId: this.approvalId, retryable: true, cause: { code: 'no_quote', symbol: a.symbol, error: this.text(errText(quoteR.reason)) } });
    }
    const quote = quoteR.value;
    const side = 'buy' as const;
    const drift = DriftBand.check({ side, entry: a.entry, live: quote.ask, maxDriftPct: this.limits.maxDriftPct });
    if (!drift.ok) return done(await this.refuseGate(a, drift));

    // On the market's tick (KR: whole won on the KRX ETF tick of the Seoul session day, rounded
    // down so the buffer stays a cap; entry-limit.ts). This one figure is what the gates below
    // judge, what sizes to the per-order budget, what is reserved (qty × limit), what the order
    // row stores and what the broker is sent: the KIS adapter has nothing left to round.
    const limitPrice = entryLimitPrice({ market: this.market, date: day, ask: quote.ask, buffer: this.limits.limitBuffer });
    let qty = a.pick_qty;
    if (this.limits.sizeToPerOrderBudget && qty >= 1) qty = Math.max(1, Math.min(qty, Math.floor((this.limits.perOrderBudget + 1e-9) / limitPrice)));
    const notional = qty * limitPrice;
    const policyInput = {
      currency: MARKETS[this.market].currency,
      side,
      qty,
      price: limitPrice,
      perOrderBudget: this.limits.perOrderBudget,
      dailyBudget: this.limits.dailyBudget,
      ...(this.limits.minPrice !== undefined ? { minPrice: this.limits.minPrice } : {}),
      ...(this.limits.maxPrice !== undefined ? { maxPrice: this.limits.maxPrice } : {}),
    };
    const policy = PolicyGate.check({ ...policyInput, spentToday });
    if (!policy.ok) return done(await this.refuseGate(a, policy));

    const liquidity = LiquidityGate.check({
      dollarAdv: adv ?? 0,
      bid: quote.bid,
      ask: quote.ask,
      qty,
      price: limitPrice,
      minDollarAdv: this.limits.minDollarAdv,
      maxSpreadPct: this.limits.maxSpreadPct,
      maxOrderPctAdv: this.limits.maxOrderPctAdv,
    });
    if (!liquidity.ok) return done(await this.refuseGate(a, liquidity));

    if (accountR.status === 'rejected') {
      const e: unknown = accountR.reason;
      if (!isBrokerError(e)) throw e;
      if (!e.retryable) return done(await this.closeFailed(a, null, { code: 'account_unreadable', error: this.text(e.message) }));
      return done({ kind: 'failed', approvalId: this.approvalId, retryable: true, cause: { code: 'account_unreadable', error: this.text(e.message) } });
    }
    const blocked = blockingFlags(accountR.value.flags);
    if (blocked.length > 0) {
      // The broker would refuse it: say which flag, send nothing.
      return done(await this.refuse(a, 'broker', { code: 'account_blocked', broker: this.deps.broker.name, flags: blocked, status: accountR.value.flags?.status ?? null }, {}));
    }
    const equity = accountR.value.equity;
    const caps = PositionCaps.check({
      openPositions: held?.open ?? 0,
      addsToExisting: held?.adds ?? false,
      existingNotional: Number(held?.existing ?? 0),
      orderNotional: notional,
      equity,
      maxOpenPositions: this.limits.maxOpenPositions,
      maxPositionPct: this.limits.maxPositionPct,
    });
    if (!caps.ok) return done(await this.refuseGate(a, caps));
    if (this.deps.portfolioRisk) {
      const book = await this.deps.portfolioRisk({ symbol: a.symbol, strategy: a.strategy, qty, price: limitPrice, stop: Number(a.stop), equity, asOf: day });
      if (!book.ok) return done(await this.refuseGate(a, book));
    }

    // The authoritative daily-budget check: an atomic reservation, in the
    // same statement as the order row that carries it.
    const cid = clientOrderIdFor(this.approvalId);
    const reserved = round6(notional);
    const created = await this.reserveAndCreate(a, { cid, day, side, qty, limitPrice, reserved, now });
    if (created.kind === 'over_budget') {
      const fresh = PolicyGate.check({ ...policyInput, spentToday: await this.spent(day) });
      if (!fresh.ok) return done(await this.refuseGate(a, fresh));
      // The check passes on a re-read yet the reservation failed: another order took the last of the budget in between.
      const dailyBudget = this.limits.dailyBudget;
      return done(await this.refuse(a, 'policy', { code: 'budget_used_up', dailyBudget }, { notional, dailyBudget, ...currencyFigure(MARKETS[this.market].currency) }, 'daily_budget'));
    }
    const order = created.kind === 'created' ? created.order : await this.loadOrder();
    if (!order) throw new Error(`order row of approval ${this.approvalId} vanished`);
    if (created.kind === 'created') {
      // Committed together with `order.submitting`, before the POST.
      this.journal.soon('order.created', {
        pickId: a.pick_id,
        clientOrderId: cid,
        symbol: a.symbol,
        side,
        qty,
        limitPrice,
        ask: quote.ask,
        bid: quote.bid,
        reserved,
        budgetDate: day,
        spentToday: created.spent,
      });
    }
    return { kind: 'order', order };
  }

  /**
   * The authoritative budget check and the order row, as ONE statement (so one
   * round trip and one commit on the approve path): the daily-budget upsert
   * only adds when the sum stays within the budget (checked on the locked,
   * latest row), and the order row, the approval's `executing` and the pick's
   * `EXECUTING` are written only if it did. A second order row for the
   * approval violates a unique index, which aborts the whole statement — the
   * reservation included.
   */
  private async reserveAndCreate(
    a: ApprovalRow,
    o: { cid: string; day: string; side: 'buy' | 'sell'; qty: number; limitPrice: number; reserved: number; now: Date },
  ): Promise<{ kind: 'created'; spent: number; order: OrderRow } | { kind: 'over_budget' } | { kind: 'exists' }> {
    try {
      const row = await rowOf(
        this.deps.db,
        CreatedRow,
        `WITH res AS (
           INSERT INTO daily_budget AS b (market, currency, date, spent) SELECT $17, $18, $1::date, $2::numeric WHERE $2::numeric <= $3::numeric
           ON CONFLICT (market, date) DO UPDATE SET spent = b.spent + EXCLUDED.spent WHERE b.spent + EXCLUDED.spent <= $3::numeric
           RETURNING spent
         ), ins AS (
           INSERT INTO orders (id, approval_id, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force, state, budget_date, reserved_amount, decision_price, created_at, updated_at, market, currency)
           SELECT $4::uuid, $5::uuid, $6, $7, $8, $9, $10, $11::int, $12::numeric, $16, 'new', $1::date, $2::numeric, $13::numeric, $14::timestamptz, $14::timestamptz, $17, $18 FROM res
           RETURNING ${ORDER_COLUMNS}
         ), ap AS (
           UPDATE approvals SET state = 'executing', updated_at = $14::timestamptz WHERE id = $5::uuid AND state = 'approved' AND EXISTS (SELECT 1 FROM ins)
         ), pk AS (
           UPDATE picks SET state = 'EXECUTING' WHERE id = $15 AND state = 'APPROVED' AND EXISTS (SELECT 1 FROM ins)
         )
         SELECT res.spent, ins.* FROM res LEFT JOIN ins ON true`,
        [o.day, o.reserved, this.limits.dailyBudget, randomUUID(), this.approvalId, o.cid, this.deps.broker.name, a.symbol, a.strategy, o.side, o.qty, o.limitPrice, a.entry, o.now, a.pick_id, this.deps.entryTimeInForce ?? 'ioc', this.market, MARKETS[this.market].currency],
      );
      if (!row) return { kind: 'over_budget' };
      const { spent, ...order } = row;
      return { kind: 'created', spent: Number(spent), order };
    } catch (e) {
      if (isUniqueViolation(e, 'orders')) return { kind: 'exists' };
      throw e;
    }
  }


  /**
   * Ends an approval that cannot succeed and never reached the broker
   * (bad credentials, or given up after retries): an unsent order row is
   * closed and its budget released, the approval and pick become failed, so
   * a re-tap hears the truth. A row that may have been sent is never touched.
   */
  async closeFailed(a: ApprovalRow, o: OrderRow | null, reason: RecordedReason): Promise<ExecutionOutcome> {
    const now = this.now();
    const changed = await this.deps.db.transaction(async (tx) => {
      if (o && !(await closeUnsentOrder(tx, o, reason, now, { neverAttempted: true }))) return false;
      const upd = await tx.rows(
        `UPDATE approvals SET state = 'failed', reason = NULL, reason_detail = $2::jsonb, updated_at = $3 WHERE id = $1 AND state IN ('approved', 'executing') RETURNING id`,
        [this.approvalId, reasonParam(reason), now],
      );
      await tx.exec(`UPDATE picks SET state = 'FAILED' WHERE id = $1 AND state IN ('APPROVED', 'EXECUTING')`, [a.pick_id]);
      return upd.length > 0;
    });
    if (changed) await this.journal.now('execution.failed', { pickId: a.pick_id, reason, ...(o ? { clientOrderId: o.client_order_id, released: Number(o.reserved_amount) } : {}) });
    return this.reloaded();
  }

  /** After the last retry: closes the approval if nothing can have reached the broker; otherwise leaves it to reconciliation. */
  async giveUp(reason: RecordedReason): Promise<ExecutionOutcome> {
    const approval = await this.loadApproval();
    if (!approval) return { kind: 'not_found', approvalId: this.approvalId };
    const order = await this.loadOrder();
    if (TERMINAL_APPROVAL.has(approval.state)) return this.storedOutcome(approval, order);
    if (order && (order.submit_attempted_at !== null || order.broker_order_id !== null || order.booked_at !== null)) return this.storedOutcome(approval, order);
    return this.closeFailed(approval, order, scrubReason(reason, (s) => this.text(s)));
  }

  // --- settling an approval stuck after its attempt mark (settleApproval) -----------

  async settle(mode: SettleMode, olderThan: Date): Promise<SettleResult> {
    try {
      return await this.settleSteps(mode, olderThan);
    } finally {
      await this.journal.flush();
    }
  }

  private async settleSteps(mode: SettleMode, olderThan: Date): Promise<SettleResult> {
    const id = this.approvalId;
    const [a, o] = await Promise.all([this.loadApproval(), this.loadOrder()]);
    if (!a) return { kind: 'not_found', approvalId: id };
    const attemptedAt = o?.submit_attempted_at ?? null;
    if (TERMINAL_APPROVAL.has(a.state) || !o || o.booked_at !== null || attemptedAt === null || attemptedAt.getTime() > olderThan.getTime()) {
      return { kind: 'not_stuck', approvalId: id, outcome: this.storedOutcome(a, o) };
    }
    if (mode.kind !== 'auto') {
      // The confirmation was spent for the state the admin saw; under the lock, it must still be that state.
      const now = await approvalStateVersion(this.deps.db, id);
      if (now?.version !== mode.version) return { kind: 'changed', approvalId: id, version: now?.version ?? -1 };
    }
    // Another market's order is never looked up here: this broker would answer "none" and the order
    // would be closed as lost while it may be live (or filled) at its own broker.
    if (marketOfSymbol(o.symbol) !== this.market) {
      throw new Error(`order ${o.client_order_id} is for ${o.symbol} (${marketOfSymbol(o.symbol)}), but this executor settles ${this.market}: settle it with the ${marketOfSymbol(o.symbol)} broker`);
    }
    const { found, evidence } = await lookUpEvidence(this.deps.broker, refOf(o), (t) => this.text(t));
    const how = mode.kind === 'auto' ? 'recovery' : mode.kind;
    const by = mode.kind === 'auto' ? null : mode.by;
    if (found && isTerminal(found.status)) {
      // The broker's final answer is the truth whatever was asked: booked once, through the entry's booking.
      const res = await this.lifecycle.book(o, found, this.bookkeeping(a, o));
      if (res.kind === 'booked') await this.journal.now('execution.recovered', { pickId: a.pick_id, clientOrderId: o.client_order_id, how, by, attemptedAt: attemptedAt.toISOString(), evidence });
      return { kind: 'booked', approvalId: id, outcome: await this.reloaded(), evidence };
    }
    if (found) return { kind: 'ambiguous', approvalId: id, cause: mode.kind === 'mark_failed' ? 'order_at_broker' : 'working', evidence };
    if (mode.kind === 'book_fill') return { kind: 'ambiguous', approvalId: id, cause: 'nothing_to_book', evidence };
    // Nothing known: only an admin may decide (the pass leaves it for /resolve).
    if (evidence.kind === 'lookup_failed' && (mode.kind === 'auto' || (mode.kind === 'mark_failed' && mode.verified === true))) return { kind: 'ambiguous', approvalId: id, cause: 'lookup_failed', evidence };
    const reason: RecordedReason = { code: 'lost_after_crash', symbol: o.symbol, attemptedAt: attemptedAt.toISOString(), markedBy: by };
    const outcome = await this.closeLost(a, o, reason, evidence, how);
    return { kind: 'failed', approvalId: id, outcome, evidence };
  }

  /** Closes an attempted order the broker does not have (or an admin marked failed): order closed, budget released, approval failed. */
  private async closeLost(a: ApprovalRow, o: OrderRow, reason: RecordedReason, evidence: BrokerEvidence, how: string): Promise<ExecutionOutcome> {
    const now = this.now();
    const changed = await this.deps.db.transaction(async (tx) => {
      if (!(await closeUnsentOrder(tx, o, reason, now, { neverAttempted: false }))) return false;
      const upd = await tx.rows(
        `UPDATE approvals SET state = 'failed', reason = NULL, reason_detail = $2::jsonb, updated_at = $3 WHERE id = $1 AND state IN ('approved', 'executing') RETURNING id`,
        [this.approvalId, reasonParam(reason), now],
      );
      await tx.exec(`UPDATE picks SET state = 'FAILED' WHERE id = $1 AND state IN ('APPROVED', 'EXECUTING')`, [a.pick_id]);
      return upd.length > 0;
    });
    if (changed) {
      await this.journal.now('execution.lost_after_crash', { pickId: a.pick_id, clientOrderId: o.client_order_id, how, reason, released: Number(o.reserved_amount), evidence });
    }
    return this.reloaded();
  }

  // --- the entry's bookkeeping (the lifecycle calls it) ---------------------------

  private bookkeeping(a: ApprovalRow, o: OrderRow): OrderBookkeeping<{ approval: ApprovalRow; order: OrderRow }> {
    return {
      closeUnsent: (u) => this.finishUnsent(a, o, u),
      book: (f) => this.book(a, o, f),
    };
  }

  /** Closes an order that never reached the broker (kill switch, market closed, broker refusal): budget released, approval refused. */
  private async finishUnsent(a: ApprovalRow, o: OrderRow, u: UnsentCause): Promise<void> {
    const gate: RefusalGate = u.cause === 'kill_switch' ? 'kill_switch' : u.cause === 'market_closed' ? 'market_closed' : 'broker';
    const why: RecordedReason = u.cause === 'kill_switch' ? { code: 'kill_switch', order: 'entry', killReason: u.killSwitch.reason } : u.reason;
    const reason = scrubReason(why, (s) => this.text(s));
    const now = this.now();
    const closed = await this.deps.db.transaction(async (tx) => {
      // Market closed: decided before the attempt mark, so the row must still be provably unsent.
      if (!(await closeUnsentOrder(tx, o, reason, now, { neverAttempted: u.cause === 'market_closed' }))) return false;
      await this.setRefused(tx, a, gate, reason, {}, now);
      return true;
    });
    if (closed) await this.journal.now('order.refused', { pickId: a.pick_id, clientOrderId: o.client_order_id, gate, reason, released: Number(o.reserved_amount) });
  }

  /** Books the terminal order once; returns the booked rows, or null when an earlier run booked it. */
  private async book(a: ApprovalRow, o: OrderRow, f: BookingFacts): Promise<{ approval: ApprovalRow; order: OrderRow } | null> {
    const now = f.at;
    const filledQty = f.filledQty;
    const avg = f.avg;
    const actual = filledQty > 0 ? round6(filledQty * avg) : 0;
    const approvalState = f.status === 'rejected' ? 'refused' : filledQty <= 0 ? 'not_filled' : filledQty >= o.qty ? 'filled' : 'partially_filled';
    const rejectReason = f.rejectReason;
    const fills = f.fills;
    const refused = approvalState === 'refused';
    const approvalReason: RecordedReason | null = refused
      ? (rejectReason ?? { code: 'broker_rejected', broker: this.deps.broker.name, brokerReason: null })
      : approvalState === 'not_filled'
        ? { code: 'ioc_ended', status: f.status, ...(f.endedBy ? { endedBy: f.endedBy } : {}) }
        : null;
    // ONE statement books it all (one round trip, one commit), every part driven by the guarded
    // order UPDATE: a second booking finds booked_at set and changes nothing.
    const bookedRows = await rowsOf(
      this.deps.db,
      OrderRowSchema,
      BOOK_SQL,
      [
        o.id,
        f.status,
        f.brokerOrderId,
        filledQty,
        filledQty > 0 ? avg : null,
        f.brokerReason,
        now,
        fills.map((x) => x.qty),
        fills.map((x) => x.price),
        fills.map((x) => x.at),
        avg,
        a.stop,
        timeStopDate(o.budget_date, a.source_time_stop_bars ?? this.deps.timeStopBars ?? DEFAULT_TIME_STOP_BARS, this.market),
        actual,
        approvalState,
        reasonParam(approvalReason),
        this.approvalId,
        filledQty > 0 ? 'EXECUTED' : 'FAILED',
        a.pick_id,
        // The order row records who ended an order that ended short of its qty (the approval's reason above says it for nothing filled).
        reasonParam(bookedReason(f, o.qty)),
        a.source_target,
      ],
    );
    const booked = bookedRows[0] ?? null;
    if (!booked) return null;
    await this.journal.now(`order.${f.status}`, {
      pickId: a.pick_id,
      clientOrderId: o.client_order_id,
      brokerOrderId: f.brokerOrderId,
      symbol: o.symbol,
      qty: o.qty,
      filledQty,
      avgFillPrice: f.avgFillPrice,
      filledNotional: actual,
      released: round6(Number(booked.reserved_amount) - actual),
      ...(rejectReason ? { reason: rejectReason } : {}),
    });
    this.log?.info({ clientOrderId: o.client_order_id, status: f.status, filledQty, avgFillPrice: f.avgFillPrice }, 'order booked');
    const approval: ApprovalRow = { ...a, state: approvalState, reason_detail: approvalReason, ...(refused ? { refused_gate: 'broker', numbers: {} } : {}) };
    return { approval, order: booked };
  }

  // --- refusals, outcomes, helpers ---------------------------------------------

  /** A gate's refusal is recorded as the gate, the limit and its numbers (the words: `describeRefusal`). */
  private refuseGate(a: ApprovalRow, g: GateRefusal): Promise<ExecutionOutcome> {
    return this.refuse(a, g.gate, { code: 'gate', gate: g.gate, limit: g.limit, numbers: g.numbers }, g.numbers, g.limit);
  }

  private async refuse(a: ApprovalRow, gate: RefusalGate, reason: RecordedReason, numbers: Record<string, number>, limit?: string): Promise<ExecutionOutcome> {
    const recorded = scrubReason(reason, (s) => this.text(s));
    const now = this.now();
    const changed = await this.deps.db.transaction((tx) => this.setRefused(tx, a, gate, recorded, numbers, now));
    if (changed) await this.journal.now('execution.refused', { pickId: a.pick_id, symbol: a.symbol, gate, ...(limit ? { limit } : {}), reason: recorded, numbers });
    return this.reloaded();
  }

  private async setRefused(tx: SqlSession, a: ApprovalRow, gate: RefusalGate, reason: RecordedReason, numbers: Record<string, number>, now: Date): Promise<boolean> {
    const upd = await tx.rows(
      `UPDATE approvals SET state = 'refused', refused_gate = $2, reason = NULL, reason_detail = $3::jsonb, numbers = $4, updated_at = $5
        WHERE id = $1 AND state IN ('approved', 'executing') RETURNING id`,
      [this.approvalId, gate, reasonParam(reason), JSON.stringify(numbers), now],
    );
    await tx.exec(`UPDATE picks SET state = 'FAILED' WHERE id = $1 AND state IN ('APPROVED', 'EXECUTING')`, [a.pick_id]);
    return upd.length > 0;
  }

  private storedOutcome(a: ApprovalRow, o: OrderRow | null): ExecutionOutcome {
    // Every refused, failed and not_filled approval records its reason; the fallbacks only cover a row written by hand.
    const reason = storedReason(a.reason_detail);
    if (a.state === 'refused') {
      const gate = (a.refused_gate ?? 'broker') as RefusalGate;
      return { kind: 'refused', approvalId: a.id, pickId: a.pick_id, symbol: a.symbol, gate, reason: reason ?? { code: 'recorded', recorded: 'refused' }, numbers: a.numbers ?? {} };
    }
    if (a.state === 'failed') return { kind: 'failed', approvalId: a.id, reason: reason ?? { code: 'recorded', recorded: 'failed' }, retryable: false };
    // A queued order cancelled or expired before the open: nothing was ever ordered.
    if (a.state === 'cancelled' || a.state === 'expired') return { kind: 'failed', approvalId: a.id, reason: reason ?? { code: 'recorded', recorded: a.state }, retryable: false };
    if (!o) return { kind: 'pending', approvalId: a.id, cause: { code: 'no_order_yet', approvalState: a.state } };
    const avg = o.avg_fill_price === null ? null : Number(o.avg_fill_price);
    const summary: OrderSummary = {
      approvalId: a.id,
      pickId: a.pick_id,
      symbol: o.symbol,
      strategy: o.strategy,
      side: o.side,
      qty: o.qty,
      limitPrice: Number(o.limit_price),
      filledQty: o.filled_qty,
      avgFillPrice: avg,
      filledNotional: avg === null ? 0 : round6(o.filled_qty * avg),
      clientOrderId: o.client_order_id,
      brokerOrderId: o.broker_order_id,
      broker: o.broker,
      orderState: o.state,
      ...(o.time_in_force === 'day' ? { timeInForce: 'day' as const } : {}),
    };
    if (a.state === 'filled') return { kind: 'filled', ...summary };
    if (a.state === 'partially_filled') {
      const rest = storedReason(o.reject_detail);
      return { kind: 'partially_filled', ...summary, ...(rest ? { unfilledReason: rest } : {}) };
    }
    if (a.state === 'not_filled') return { kind: 'not_filled', reason: reason ?? { code: 'ioc_ended', status: o.state }, ...summary };
    return { kind: 'pending', approvalId: a.id, clientOrderId: o.client_order_id, cause: { code: 'order_open', clientOrderId: o.client_order_id, orderState: o.state } };
  }

  private async loadApproval(): Promise<ApprovalRow | null> {
    const found = await rowsOf(
      this.deps.db,
      ApprovalRowSchema,
      `SELECT a.id, a.pick_id, a.state, a.expires_at, a.approved_by, a.refused_gate, a.reason_detail, a.numbers,
              p.symbol, p.strategy, p.entry, p.stop, p.qty AS pick_qty,
              CASE WHEN p.strategy LIKE 'hyp:%' THEN
                (SELECT (s->>'timeStopBars')::int FROM jsonb_array_elements(p.pick_sources) s WHERE s->>'source' = p.strategy LIMIT 1)
              END AS source_time_stop_bars,
              CASE WHEN p.strategy LIKE 'hyp:%' THEN p.target END AS source_target
         FROM approvals a JOIN picks p ON p.id = a.pick_id WHERE a.id = $1`,
      [this.approvalId],
    );
    return found[0] ?? null;
  }

  private async loadOrder(): Promise<OrderRow | null> {
    const found = await rowsOf(this.deps.db, OrderRowSchema, `SELECT ${ORDER_COLUMNS} FROM orders WHERE approval_id = $1`, [this.approvalId]);
    return found[0] ?? null;
  }

  private async spent(day: string): Promise<number> {
    const found = await rowOf(this.deps.db, SpentRow, `SELECT spent FROM daily_budget WHERE market = $2 AND date = $1`, [day, this.market]);
    return Number(found?.spent ?? 0);
  }

  private text(s: string): string {
    return this.scrub(s).slice(0, 500);
  }
}

/** The entry's booking, as ONE statement: order, fills, position, budget settlement, approval and pick. */
const BOOK_SQL = `WITH upd AS (
         UPDATE orders SET state = $2, broker_order_id = $3, filled_qty = $4::int, avg_fill_price = $5::numeric, reject_reason = $6, reject_detail = $20::jsonb,
                booked_at = $7::timestamptz, updated_at = $7::timestamptz
          WHERE id = $1::uuid AND booked_at IS NULL RETURNING ${ORDER_COLUMNS}
       ), f AS (
         INSERT INTO fills (order_id, symbol, side, qty, price, filled_at, seq, market, currency)
         SELECT upd.id, upd.symbol, upd.side, x.qty, x.price, x.at, x.n - 1, upd.market, upd.currency
           FROM upd, unnest($8::int[], $9::numeric[], $10::timestamptz[]) WITH ORDINALITY AS x(qty, price, at, n)
         ON CONFLICT (order_id, seq) DO NOTHING
       ), pos AS (
         INSERT INTO positions AS p (symbol, strategy, qty, avg_cost, opened_at, stop, target, time_stop_date, updated_at, market, currency)
         SELECT upd.symbol, upd.strategy, $4::int, $11::numeric, $7::timestamptz, $12::numeric, $21::numeric, $13::date, $7::timestamptz, upd.market, upd.currency FROM upd WHERE $4::int > 0
         ON CONFLICT (symbol, strategy) DO UPDATE SET
           avg_cost   = CASE WHEN p.qty = 0 THEN EXCLUDED.avg_cost
                             ELSE (p.qty * p.avg_cost + EXCLUDED.qty * EXCLUDED.avg_cost) / (p.qty + EXCLUDED.qty) END,
           opened_at  = CASE WHEN p.qty = 0 THEN EXCLUDED.opened_at ELSE p.opened_at END,
           qty        = p.qty + EXCLUDED.qty,
           stop       = EXCLUDED.stop,
           -- The target goes with the stop: both are the levels of the latest pick's signal.
           target     = EXCLUDED.target,
           time_stop_date = CASE WHEN p.qty = 0 THEN EXCLUDED.time_stop_date ELSE p.time_stop_date END,
           updated_at = EXCLUDED.updated_at
       ), bud AS (
         -- Settle the reservation to what was actually spent.
         UPDATE daily_budget d SET spent = GREATEST(0, d.spent - upd.reserved_amount + $14::numeric) FROM upd WHERE d.market = upd.market AND d.date = upd.budget_date::date
       ), ap AS (
         UPDATE approvals SET state = $15::text, reason = NULL, reason_detail = $16::jsonb, updated_at = $7::timestamptz,
                refused_gate = CASE WHEN $15::text = 'refused' THEN 'broker' ELSE refused_gate END,
                numbers      = CASE WHEN $15::text = 'refused' THEN '{}'::jsonb ELSE numbers END
          WHERE id = $17::uuid AND EXISTS (SELECT 1 FROM upd) AND ($15::text <> 'refused' OR state IN ('approved', 'executing'))
       ), pk AS (
         UPDATE picks SET state = $18::text
          WHERE id = $19 AND EXISTS (SELECT 1 FROM upd) AND ($15::text <> 'refused' OR state IN ('APPROVED', 'EXECUTING'))
       )
       SELECT * FROM upd`;

/**
 * Closes an order row that never reached the broker (state `rejected`,
 * booked) with `reason` recorded, and releases its daily-budget reservation,
 * in the caller's transaction. `neverAttempted` also requires that no POST
 * was ever tried. False when the row was already booked (or may have been sent).
 */
async function closeUnsentOrder(tx: SqlSession, o: OrderRow, reason: RecordedReason, now: Date, opts: { neverAttempted: boolean }): Promise<boolean> {
  const row = await rowOf(
    tx,
    ReleasedRow,
    `UPDATE orders SET state = 'rejected', reject_reason = $2, reject_detail = $4::jsonb, booked_at = $3, updated_at = $3
      WHERE id = $1 AND booked_at IS NULL ${opts.neverAttempted ? 'AND submit_attempted_at IS NULL AND broker_order_id IS NULL' : ''}
      RETURNING reserved_amount, budget_date::text AS budget_date, market`,
    [o.id, brokerWords(reason), now, reasonParam(reason)],
  );
  if (!row) return false;
  await tx.exec(`UPDATE daily_budget SET spent = GREATEST(0, spent - $2) WHERE market = $3 AND date = $1`, [row.budget_date, row.reserved_amount, row.market]);
  return true;
}


/** Runs `fn` holding the approval's session advisory lock (see `UnitOfWork.withAdvisoryLock`). */
function withApprovalLock<T>(db: UnitOfWork, approvalId: string, waitMs: number, fn: () => Promise<T>): Promise<T | 'busy'> {
  return db.withAdvisoryLock(LOCK_NAMESPACE, approvalId, waitMs, fn);
}
