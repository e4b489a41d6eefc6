import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { isBrokerError } from '../../adapters/brokers/errors.js';
import { isTerminal, type BrokerOrder, type OrderRequest, type OrderStatus } from '../../adapters/brokers/port.js';
import { roundToTick } from '../../engine/tick.js';
import type { ExitReason } from '../../engine/exits/index.js';
import { usd } from '../../engine/risk/index.js';
import { makeScrubber } from '../../lib/logging/scrub.js';
import { exitClientOrderId } from './exit-ids.js';
import { DEFAULT_EXIT_LIMITS, type ExitDeps, type ExitLimits, type ExitOutcome, type ExitStatus } from './exit-types.js';
import { cents, errText, query, round6, rows, tx, withAdvisoryLock } from '../../adapters/db/sql.js';

/** First key of the per-position advisory lock (the second is hashtext("symbol|strategy")). */
const POSITION_LOCK = 774_219_102;
const ACTOR = 'exits';

export interface PositionKey {
  symbol: string;
  strategy: string;
}

export interface PositionRow extends PositionKey {
  qty: number;
  avg_cost: string;
  stop: string | null;
  time_stop_date: string | null;
}

/** An `orders` row of kind `exit`, as the desk reads it. */
export interface ExitOrderRow {
  id: string;
  client_order_id: string;
  broker: string;
  symbol: string;
  strategy: string;
  qty: number;
  limit_price: string;
  time_in_force: string;
  state: OrderStatus;
  broker_order_id: string | null;
  filled_qty: number;
  avg_fill_price: string | null;
  reject_reason: string | null;
  budget_date: string;
  exit_reason: ExitReason;
  decision_price: string | null;
  realized_pnl: string | null;
  submit_attempted_at: Date | null;
  booked_at: Date | null;
}

const ORDER_COLUMNS = `id, client_order_id, broker, symbol, strategy, qty, limit_price, time_in_force, state, broker_order_id, filled_qty, avg_fill_price,
  reject_reason, budget_date::text AS budget_date, exit_reason, decision_price, realized_pnl, submit_attempted_at, booked_at`;

/** How a run treats the kill switch and unsent orders. */
export interface ResolveContext {
  /** New York trading day of this run. */
  today: string;
  /** True for `/kill flatten` (or `exitsDuringKill`): the kill switch does not stop this order. */
  bypassKill: boolean;
}

/**
 * The sell limit of a marketable IOC exit: the bid minus the buffer, rounded
 * DOWN to the tick (a sell limit below the bid still executes at the bid;
 * the buffer only bounds the worst price if the bid drops while the order
 * travels). The mirror of `iocLimitPriceFromAsk` for buys.
 */
export function iocSellLimitFromBid(bid: number, buffer: number = DEFAULT_EXIT_LIMITS.limitBuffer): number {
  if (!Number.isFinite(bid) || bid <= 0) throw new RangeError(`bid must be a positive number, not ${String(bid)}`);
  if (!Number.isFinite(buffer) || buffer < 0 || buffer >= 1) throw new RangeError(`buffer must be in [0, 1), not ${String(buffer)}`);
  return roundToTick(bid * (1 - buffer), 'down');
}

/**
 * One exit order's life, with execute.ts's safety properties: the order row
 * (deterministic client order id, unique) is written before the POST; the
 * attempt is marked durably before the POST and from then on the order is
 * only looked up, never re-sent; booking (fills, position, realized P&L) is
 * one transaction guarded by `booked_at IS NULL`; every transition goes on
 * the audit chain. Callers hold the position lock ({@link ExitDesk.withPosition}).
 */
export class ExitDesk {
  readonly limits: ExitLimits;
  private readonly now: () => Date;
  private readonly scrub: (t: string) => string;
  readonly log: Logger | undefined;

  constructor(readonly deps: ExitDeps) {
    this.limits = { ...DEFAULT_EXIT_LIMITS, ...deps.limits };
    this.now = deps.now ?? (() => new Date());
    this.scrub = deps.scrub ?? makeScrubber([]);
    this.log = deps.logger?.child({ component: 'exits' });
  }

  /** Serialises all exit work on one position across processes; `'busy'` when another run holds it past `lockWaitMs`. */
  withPosition<T>(k: PositionKey, fn: () => Promise<T>): Promise<T | 'busy'> {
    return withAdvisoryLock(this.deps.ds, POSITION_LOCK, `${k.symbol}|${k.strategy}`, this.deps.lockWaitMs ?? 60_000, fn);
  }

  async position(k: PositionKey): Promise<PositionRow | null> {
    const found = await query<PositionRow>(
      this.deps.ds,
      `SELECT symbol, strategy, qty, avg_cost, stop, time_stop_date::text AS time_stop_date FROM positions WHERE symbol = $1 AND strategy = $2`,
      [k.symbol, k.strategy],
    );
    return found[0] ?? null;
  }

  /** Exit orders of the position not booked yet (possibly live at the broker), oldest first. */
  unbooked(k: PositionKey): Promise<ExitOrderRow[]> {
    return query<ExitOrderRow>(
      this.deps.ds,
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE kind = 'exit' AND symbol = $1 AND strategy = $2 AND booked_at IS NULL ORDER BY created_at, id`,
      [k.symbol, k.strategy],
    );
  }

  async orderByClientId(cid: string): Promise<ExitOrderRow | null> {
    const found = await query<ExitOrderRow>(this.deps.ds, `SELECT ${ORDER_COLUMNS} FROM orders WHERE client_order_id = $1 AND kind = 'exit'`, [cid]);
    return found[0] ?? null;
  }

  /**
   * Places a new exit order for the whole position (caller holds the lock and
   * has resolved every unbooked exit order of it first), then follows it to
   * its booked outcome. Never more than the day's attempts per reason.
   */
  async place(pos: PositionRow, reason: ExitReason, decisionPrice: number | null, bid: number | null, ctx: ResolveContext, why: string): Promise<ExitOutcome> {
    const k = { symbol: pos.symbol, strategy: pos.strategy };
    // Orders closed unsent (kill switch) do not use up an attempt, but they keep their client order id, so the next one counts past them.
    const tried = await query<{ n: number; sent: number }>(
      this.deps.ds,
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE submit_attempted_at IS NOT NULL OR broker_order_id IS NOT NULL)::int AS sent
         FROM orders WHERE kind = 'exit' AND symbol = $1 AND strategy = $2 AND budget_date = $3 AND exit_reason = $4`,
      [k.symbol, k.strategy, ctx.today, reason],
    );
    const attempts = tried[0]?.sent ?? 0;
    const seq = (tried[0]?.n ?? 0) + 1;
    const max = reason === 'flatten' ? this.limits.flattenMaxAttemptsPerDay : this.limits.maxAttemptsPerDay;
    if (attempts >= max) {
      return this.noOrder(k, reason, 'skipped', pos.qty, decisionPrice, `${label(reason)} ${k.symbol} (${k.strategy}) is due (${why}) but ${attempts} exit order(s) were already tried today; none is sent again automatically. Sell by hand or use /kill flatten.`);
    }
    if (bid === null || !(bid > 0)) {
      return this.noOrder(k, reason, 'failed', pos.qty, decisionPrice, `${label(reason)} ${k.symbol} (${k.strategy}) is due (${why}) but there is no bid to price the sell; nothing was sent. The next run tries again.`);
    }
    const limitPrice = iocSellLimitFromBid(bid, this.limits.limitBuffer);
    const cid = exitClientOrderId({ symbol: k.symbol, strategy: k.strategy, day: ctx.today, reason, attempt: seq });
    const now = this.now();
    const inserted = await query<{ id: string }>(
      this.deps.ds,
      `INSERT INTO orders (id, approval_id, kind, exit_reason, decision_price, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force,
                           state, budget_date, reserved_amount, created_at, updated_at)
       VALUES ($1, NULL, 'exit', $2, $3, $4, $5, $6, $7, 'sell', $8, $9, 'ioc', 'new', $10, 0, $11, $11)
       ON CONFLICT (client_order_id) DO NOTHING RETURNING id`,
      [randomUUID(), reason, decisionPrice, cid, this.deps.broker.name, k.symbol, k.strategy, pos.qty, limitPrice, ctx.today, now],
    );
    const order = await this.orderByClientId(cid);
    if (!order) throw new Error(`exit order ${cid} vanished right after it was written; run the exits job again (it only looks the order up)`);
    if (inserted.length > 0) {
      await this.audit('exit.created', {
        clientOrderId: cid,
        symbol: k.symbol,
        strategy: k.strategy,
        reason,
        why: this.text(why),
        qty: pos.qty,
        limitPrice,
        bid,
        decisionPrice,
        attempt: seq,
        ...(ctx.bypassKill ? { killSwitchBypass: true } : {}),
      });
    }
    return this.resolve(order, ctx);
  }

  /**
   * Takes an exit order from wherever it is to its booked outcome: sends it
   * if it was provably never sent (same trading day only), else looks it up
   * by client order id and books it once terminal.
   */
  async resolve(order: ExitOrderRow, ctx: ResolveContext): Promise<ExitOutcome> {
    if (order.booked_at !== null) return this.outcome(order);
    let b: BrokerOrder | null = null;
    if (order.state === 'new' && order.submit_attempted_at === null && order.broker_order_id === null) {
      if (order.budget_date !== ctx.today) {
        // Decided on an earlier day and never sent (the run died first): that decision is stale. Provably unsent, so closing it is safe.
        await this.closeUnsent(order, `never sent on ${order.budget_date} (the run stopped before submission); today's run decides afresh`, true);
        return this.outcome((await this.orderByClientId(order.client_order_id))!);
      }
      const sent = await this.submit(order, ctx);
      if (sent.kind === 'done') return sent.outcome;
      b = sent.order;
    }
    if (!b) {
      try {
        b = await this.deps.broker.getOrderByClientId(order.client_order_id);
      } catch (e) {
        if (!isBrokerError(e)) throw e;
        return this.outcome(order, `could not look exit order ${order.client_order_id} up: ${this.text(e.message)}; the next run looks again (it is never re-sent)`);
      }
      if (!b) {
        await this.audit('exit.unknown', { clientOrderId: order.client_order_id, symbol: order.symbol, note: 'not found at the broker; not re-sent' });
        return this.outcome(
          order,
          `exit order ${order.client_order_id} was sent earlier but ${this.deps.broker.name} does not show it (yet); it is never sent again — the next run looks again, or check /reconcile`,
        );
      }
    }
    await this.recordAck(order, b);
    if (!isTerminal(b.status)) {
      try {
        b = await this.deps.broker.waitForTerminal(order.client_order_id, { timeoutMs: this.deps.waitTimeoutMs ?? 30_000 });
      } catch (e) {
        if (!isBrokerError(e)) throw e;
        return this.outcome(order, `waiting for exit order ${order.client_order_id}: ${this.text(e.message)}; the next run looks again`);
      }
      if (!isTerminal(b.status)) {
        await this.recordAck(order, b);
        return this.outcome(order, `exit order ${order.client_order_id} is still ${b.status} at ${this.deps.broker.name}; the next run looks again`);
      }
    }
    await this.book(order, b);
    return this.outcome((await this.orderByClientId(order.client_order_id))!);
  }

  // --- the one submission ---------------------------------------------------------

  private async submit(o: ExitOrderRow, ctx: ResolveContext): Promise<{ kind: 'sent'; order: BrokerOrder } | { kind: 'done'; outcome: ExitOutcome }> {
    const done = async (message?: string) => ({ kind: 'done' as const, outcome: this.outcome((await this.orderByClientId(o.client_order_id))!, message) });
    const req: OrderRequest = {
      clientOrderId: o.client_order_id,
      symbol: o.symbol,
      side: 'sell',
      qty: o.qty,
      type: 'limit',
      limitPrice: Number(o.limit_price),
      timeInForce: o.time_in_force === 'day' ? 'day' : 'ioc',
    };
    await this.audit('exit.submitting', { clientOrderId: o.client_order_id, broker: this.deps.broker.name, symbol: o.symbol, qty: o.qty, limitPrice: req.limitPrice });
    // Right before the POST, as for entries (DESIGN §5.2) — unless this is the explicit flatten.
    if (!ctx.bypassKill) {
      const ks = await this.deps.killSwitch.state();
      if (ks.engaged) {
        await this.closeUnsent(o, `kill switch is ON (${ks.reason ?? 'no reason given'}): not sent`, true);
        const d = await done(killText(o.symbol, o.strategy, o.exit_reason, ks.reason));
        d.outcome.status = 'blocked';
        return d;
      }
    }
    // Durable "a POST may be out there" mark: from here on this order is only ever looked up.
    const marked = await query(this.deps.ds, `UPDATE orders SET submit_attempted_at = $2, updated_at = $2 WHERE id = $1 AND submit_attempted_at IS NULL RETURNING id`, [o.id, this.now()]);
    if (marked.length === 0) return done('the exit order was already sent by another run; it is only looked up');
    try {
      return { kind: 'sent', order: await this.deps.broker.submitOrder(req) };
    } catch (e) {
      // Anything but a BrokerError is a crash: the row stays "attempted"; the next run looks it up.
      if (!isBrokerError(e)) throw e;
      if (e.kind === 'rejected') {
        await this.closeUnsent(o, this.text(e.reason ?? e.detail), false);
        return done();
      }
      if (e.kind === 'unavailable' || e.kind === 'rate_limited' || e.kind === 'auth') {
        // The broker says nothing was placed: the same id may be sent again by the next run.
        await query(this.deps.ds, `UPDATE orders SET submit_attempted_at = NULL, updated_at = now() WHERE id = $1 AND state = 'new' AND broker_order_id IS NULL RETURNING id`, [o.id]);
        await this.audit('exit.not_sent', { clientOrderId: o.client_order_id, kind: e.kind, error: this.text(e.message) });
        const d = await done(`${this.text(e.message)}; nothing was placed — the next run sends the same order`);
        d.outcome.status = 'failed';
        return d;
      }
      // timeout_unknown, bad_response, not_found: the order may exist. Look it up, never re-POST.
      this.log?.warn({ clientOrderId: o.client_order_id, kind: e.kind }, 'exit order outcome unknown; looking it up by client order id');
      await this.audit('exit.outcome_unknown', { clientOrderId: o.client_order_id, kind: e.kind, error: this.text(e.message) });
      let found: BrokerOrder | null = null;
      try {
        found = await this.deps.broker.getOrderByClientId(o.client_order_id);
      } catch (le) {
        if (!isBrokerError(le)) throw le;
      }
      if (found) return { kind: 'sent', order: found };
      return done(`${this.text(e.message)}; the exit order is not visible yet and will only be looked up, never re-sent`);
    }
  }

  /** Books an order that never executed (kill switch, broker refusal, stale). `unattempted` guards against closing one that may have been sent. */
  private async closeUnsent(o: ExitOrderRow, reason: string, unattempted: boolean): Promise<void> {
    const now = this.now();
    const upd = await query(
      this.deps.ds,
      `UPDATE orders SET state = 'rejected', reject_reason = $2, realized_pnl = 0, booked_at = $3, updated_at = $3
        WHERE id = $1 AND booked_at IS NULL ${unattempted ? 'AND submit_attempted_at IS NULL' : ''} RETURNING id`,
      [o.id, reason, now],
    );
    if (upd.length > 0) await this.audit('exit.rejected', { clientOrderId: o.client_order_id, symbol: o.symbol, strategy: o.strategy, reason, sent: !unattempted });
  }

  // --- what the broker says, booked once --------------------------------------------

  private async recordAck(o: ExitOrderRow, b: BrokerOrder): Promise<void> {
    const upd = await query(
      this.deps.ds,
      `UPDATE orders SET state = $2, broker_order_id = $3, filled_qty = $4, avg_fill_price = $5, updated_at = now()
        WHERE id = $1 AND booked_at IS NULL AND (state IS DISTINCT FROM $2 OR broker_order_id IS DISTINCT FROM $3 OR filled_qty <> $4)
        RETURNING id`,
      [o.id, b.status, b.brokerOrderId, b.filledQty, b.avgFillPrice],
    );
    if (upd.length > 0 && o.state === 'new') {
      await this.audit('exit.submitted', { clientOrderId: o.client_order_id, brokerOrderId: b.brokerOrderId, status: b.status, broker: this.deps.broker.name });
    }
    o.state = b.status;
    o.broker_order_id = b.brokerOrderId;
  }

  /**
   * Books a terminal exit order exactly once: order fields, fills, the
   * position's qty (the row stays, at 0 when closed) and realized P&L, all in
   * one transaction guarded by `booked_at IS NULL`. Returns false when an
   * earlier run booked it. Also used by reconciliation.
   */
  async book(o: ExitOrderRow, b: BrokerOrder): Promise<boolean> {
    if (!isTerminal(b.status)) throw new Error(`exit order ${o.client_order_id} is ${b.status}, not terminal; it cannot be booked yet`);
    const now = this.now();
    const filled = b.filledQty;
    const avg = b.avgFillPrice ?? 0;
    const rejectReason = b.rejectReason ? this.text(b.rejectReason) : b.status === 'rejected' ? `${this.deps.broker.name} rejected the order` : null;
    const booked = await tx(this.deps.ds, async (r) => {
      const upd = await rows(
        r,
        `UPDATE orders SET state = $2, broker_order_id = $3, filled_qty = $4, avg_fill_price = $5, reject_reason = $6, booked_at = $7, updated_at = $7
          WHERE id = $1 AND booked_at IS NULL RETURNING id`,
        [o.id, b.status, b.brokerOrderId, filled, filled > 0 ? avg : null, rejectReason, now],
      );
      if (upd.length === 0) return null; // booked by an earlier run
      const pos = (await rows<{ qty: number; avg_cost: string }>(r, `SELECT qty, avg_cost FROM positions WHERE symbol = $1 AND strategy = $2 FOR UPDATE`, [o.symbol, o.strategy]))[0];
      const sold = pos ? Math.min(filled, pos.qty) : 0;
      const realized = filled > 0 && pos ? round6((avg - Number(pos.avg_cost)) * filled) : 0;
      await rows(r, `UPDATE orders SET realized_pnl = $2 WHERE id = $1`, [o.id, realized]);
      if (filled > 0) {
        const fills = b.fills && b.fills.length > 0 ? b.fills : [{ qty: filled, price: avg, at: b.updatedAt }];
        for (const [i, f] of fills.entries()) {
          await rows(r, `INSERT INTO fills (order_id, symbol, side, qty, price, filled_at, seq) VALUES ($1, $2, 'sell', $3, $4, $5, $6) ON CONFLICT (order_id, seq) DO NOTHING`, [
            o.id,
            o.symbol,
            f.qty,
            f.price,
            f.at,
            i,
          ]);
        }
        if (pos) {
          await rows(r, `UPDATE positions SET qty = qty - $3, realized_pnl = realized_pnl + $4, updated_at = $5 WHERE symbol = $1 AND strategy = $2`, [
            o.symbol,
            o.strategy,
            sold,
            realized,
            now,
          ]);
        }
      }
      return { realized, sold, held: pos?.qty ?? 0 };
    });
    if (!booked) return false;
    const action = b.status === 'rejected' && filled === 0 ? 'exit.rejected' : filled <= 0 ? 'exit.not_filled' : filled >= o.qty ? 'exit.filled' : 'exit.partially_filled';
    await this.audit(action, {
      clientOrderId: o.client_order_id,
      brokerOrderId: b.brokerOrderId,
      symbol: o.symbol,
      strategy: o.strategy,
      reason: o.exit_reason,
      qty: o.qty,
      filledQty: filled,
      avgFillPrice: b.avgFillPrice,
      realizedPnl: booked.realized,
      remainingQty: booked.held - booked.sold,
      ...(filled > booked.sold ? { overfilled: filled - booked.sold, note: 'the broker sold more than our books held; run /reconcile' } : {}),
      ...(rejectReason ? { rejectReason } : {}),
    });
    this.log?.info({ clientOrderId: o.client_order_id, status: b.status, filled, avg: b.avgFillPrice, realized: booked.realized }, 'exit booked');
    return true;
  }

  // --- outcomes and helpers -------------------------------------------------------------

  /** The outcome an order row stands for; `message` overrides the default sentence. */
  outcome(o: ExitOrderRow, message?: string): ExitOutcome {
    const avg = o.avg_fill_price === null ? null : Number(o.avg_fill_price);
    const status: ExitStatus =
      o.booked_at === null
        ? 'pending'
        : o.filled_qty >= o.qty
          ? 'filled'
          : o.filled_qty > 0
            ? 'partially_filled'
            : o.state === 'rejected'
              ? 'rejected'
              : 'not_filled';
    const realized = o.booked_at === null || o.realized_pnl === null ? null : cents(Number(o.realized_pnl));
    const out: ExitOutcome = {
      symbol: o.symbol,
      strategy: o.strategy,
      reason: o.exit_reason,
      status,
      qty: o.qty,
      filledQty: o.filled_qty,
      avgFillPrice: avg,
      realizedPnl: realized,
      orderState: o.state,
      clientOrderId: o.client_order_id,
      decisionPrice: o.decision_price === null ? null : Number(o.decision_price),
      limitPrice: Number(o.limit_price),
      remainingQty: 0,
      message: '',
    };
    out.message = message ?? defaultMessage(out, o.reject_reason);
    return out;
  }

  /** Fills in `remainingQty` from the position row. */
  async withRemaining(out: ExitOutcome): Promise<ExitOutcome> {
    const pos = await this.position(out);
    out.remainingQty = pos?.qty ?? 0;
    if (out.status === 'filled' || out.status === 'partially_filled') {
      out.message += out.remainingQty > 0 ? ` ${out.remainingQty} shares still held.` : ' Position closed.';
    }
    return out;
  }

  noOrder(k: PositionKey, reason: ExitReason, status: ExitStatus, held: number, decisionPrice: number | null, message: string): ExitOutcome {
    return {
      ...k,
      reason,
      status,
      qty: 0,
      filledQty: 0,
      avgFillPrice: null,
      realizedPnl: null,
      orderState: null,
      clientOrderId: null,
      decisionPrice,
      limitPrice: null,
      remainingQty: held,
      message: this.text(message),
    };
  }

  text(s: string): string {
    return this.scrub(s).slice(0, 500);
  }

  async audit(action: string, detail: Record<string, unknown>): Promise<void> {
    try {
      await this.deps.audit.append({ action, actor: ACTOR, ...detail });
    } catch (e) {
      // The trade already happened (or not); a failed audit write must not change that. Logged, never thrown.
      this.log?.error({ action, err: this.text(errText(e)) }, 'audit append failed');
    }
  }
}

export function label(reason: ExitReason): string {
  return reason === 'stop' ? 'Stop exit' : reason === 'time_stop' ? 'Time-stop exit' : 'Flatten';
}

export function killText(symbol: string, strategy: string, reason: ExitReason, why: string | null): string {
  return `${label(reason)} ${symbol} (${strategy}) is due but the kill switch is ON (${why ?? 'no reason given'}): nothing was sent. Use /kill flatten to sell anyway, or /resume.`;
}

function defaultMessage(o: ExitOutcome, rejectReason: string | null): string {
  const head = `${label(o.reason)} ${o.symbol} (${o.strategy})`;
  switch (o.status) {
    case 'filled':
    case 'partially_filled':
      return `${head}: sold ${o.filledQty}/${o.qty} @ ${usd(o.avgFillPrice ?? 0)}, realized ${usd(o.realizedPnl ?? 0)}.`;
    case 'not_filled':
      return `${head}: the IOC sell at ${usd(o.limitPrice ?? 0)} ended ${o.orderState ?? 'unfilled'} with nothing sold. The position is still open.`;
    case 'rejected':
      return `${head}: not executed — ${rejectReason ?? 'rejected'}. The position is still open.`;
    case 'pending':
      return `${head}: order ${o.clientOrderId ?? ''} is ${o.orderState ?? 'pending'}; the next run looks it up (never re-sent).`;
    default:
      return head;
  }
}
