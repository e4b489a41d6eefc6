import { randomUUID } from 'node:crypto';
import { roundKrw } from '../../lib/money.js';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { BrokerOrder } from '../../adapters/brokers/port.js';
import { roundToTick } from '../../engine/tick.js';
import { roundToMarketTick } from '../../engine/market/ticks.js';
import { marketOfSymbol } from '../../engine/market/symbols.js';
import { makeScrubber } from '../../lib/logging/scrub.js';
import { cents, round6 } from '../../lib/numbers.js';
import { pgInt, pgNumeric, pgText } from '../../lib/sql-columns.js';
import { rowOf, rowsOf } from '../../lib/sql-rows.js';
import { AuditJournal } from './audit-journal.js';
import { closeClientOrderId, exitClientOrderId, legacyCloseClientOrderId, type CloseOrderKey } from './exit-ids.js';
import { DEFAULT_EXIT_LIMITS, type ExitDeps, type ExitLimits, type ExitNote, type ExitOutcome, type ExitStatus, type ExitTrigger, type OrderExitReason } from './exit-types.js';
import { neverSent, OrderLifecycle, OrdersRowSchema, refOf, type BookingFacts, type KillSwitchRule, type LifecycleResult, type OrderBookkeeping, type UnsentCause } from './order-lifecycle.js';
import { bookedReason, brokerWords, reasonParam, scrubReason, storedReason, type RecordedReason } from './recorded-reasons.js';
import { isTerminal } from '../../lib/order-status.js';
import { lookUpEvidence } from './broker-evidence.js';
import type { ExitSettleResult } from './stuck-types.js';
import { marketColumns } from '../../engine/market/columns.js';

/** First key of the per-position advisory lock (the second is hashtext("symbol|strategy")). */
const POSITION_LOCK = 774_219_102;
const ACTOR = 'exits';

export interface PositionKey {
  symbol: string;
  strategy: string;
}

/** A position as the desk reads it: numerics as text, `time_stop_date` read as `::text`. */
const PositionRowSchema = z.object({
  symbol: pgText,
  strategy: pgText,
  qty: pgInt,
  avg_cost: pgNumeric,
  stop: pgNumeric.nullable(),
  /** Profit target (numeric); null for none (Kobe picks, older positions). */
  target: pgNumeric.nullable(),
  time_stop_date: pgText.nullable(),
});
export type PositionRow = z.output<typeof PositionRowSchema>;

/** Why an exit order was placed, as `orders.exit_reason` allows it (a check constraint). */
const ExitReasonColumn = z.enum(['stop', 'time_stop', 'target', 'flatten', 'close']) satisfies z.ZodType<OrderExitReason>;

/** An `orders` row of kind `exit`, as the desk reads it ({@link ORDER_COLUMNS}). */
const ExitOrderRowSchema = OrdersRowSchema.extend({
  exit_reason: ExitReasonColumn,
  decision_price: pgNumeric.nullable(),
  realized_pnl: pgNumeric.nullable(),
});
export type ExitOrderRow = z.output<typeof ExitOrderRowSchema>;

/** Today's exit orders of a position for one reason: all of them, and those that were (or may have been) sent. */
const TriedRow = z.object({ n: pgInt, sent: pgInt });
const IdRow = z.object({ id: pgText });
/** A position's qty and average cost (numeric) at an exit's booking. */
const HeldRow = z.object({ qty: pgInt, avg_cost: pgNumeric });

const ORDER_COLUMNS = `id, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force, state, broker_order_id, filled_qty, avg_fill_price,
  reject_reason, reject_detail, budget_date::text AS budget_date, exit_reason, decision_price, realized_pnl, submit_attempted_at, booked_at`;

/** How a run treats the kill switch and unsent orders. */
export interface ResolveContext {
  /** The market's trading day of this run (New York's for US, Seoul's for KR): the exit orders' budget date. */
  today: string;
  /** True for `/kill flatten` (or `exitsDuringKill`): the kill switch does not stop this order. */
  bypassKill: boolean;
  /** A confirmed `/kill flatten`: its kill epoch. The lifecycle's pre-POST read stops a sell once the switch is at another. */
  confirmedEpoch?: number;
}

/**
 * The sell limit of a marketable exit (IOC, or DAY where the account refuses IOC): the bid minus the buffer, rounded
 * DOWN to the tick (a sell limit below the bid still executes at the bid;
 * the buffer only bounds the worst price if the bid drops while the order
 * travels). The mirror of `iocLimitPriceFromAsk` for buys.
 */
export function iocSellLimitFromBid(bid: number, buffer: number = DEFAULT_EXIT_LIMITS.limitBuffer, krx?: { date: string }): number {
  if (!Number.isFinite(bid) || bid <= 0) throw new RangeError(`bid must be a positive number, not ${String(bid)}`);
  if (!Number.isFinite(buffer) || buffer < 0 || buffer >= 1) throw new RangeError(`buffer must be in [0, 1), not ${String(buffer)}`);
  // A KRX code sells on the KRX ETF grid of its session day (whole won): the cent grid would store a limit KRX never shows.
  if (krx) return roundToMarketTick({ market: 'KR', instrument: KR_EXIT_INSTRUMENT, date: krx.date, price: bid * (1 - buffer) }, 'down');
  return roundToTick(bid * (1 - buffer), 'down');
}

/** Every KR position is an ETF: the project trades KRX ETFs only (as the KR paper book and the KR scan assume). */
const KR_EXIT_INSTRUMENT = 'etf';

/** The trigger as the audit chain records it. */
function triggerDetail(t: ExitTrigger): string {
  if (t.kind === 'rule') return t.detail;
  if (t.kind === 'flatten') return `/kill flatten by ${t.requestedBy}`;
  return `/close by ${t.requestedBy}${t.underKill ? ' (sell under kill)' : ''}`;
}

/**
 * What differs for exit orders: sizing (the whole position), the attempt
 * budget per day and reason, the client order id (from the order row's own
 * id and the installation id, see `exitClientOrderId`), and the
 * bookkeeping (position down, realized P&L). Submission, the kill-switch read,
 * the attempt mark, broker-error triage, lookup and booking order are the
 * {@link OrderLifecycle}'s, shared with entries. Callers hold the position
 * lock ({@link ExitDesk.withPosition}).
 */
export class ExitDesk {
  readonly limits: ExitLimits;
  private readonly now: () => Date;
  private readonly scrub: (t: string) => string;
  readonly log: Logger | undefined;
  private readonly journal: AuditJournal;
  private readonly lifecycle: OrderLifecycle;
  /** This database's installation id, read once per desk (see {@link installation}). */
  private installationId: Promise<string> | undefined;

  constructor(readonly deps: ExitDeps) {
    this.limits = { ...DEFAULT_EXIT_LIMITS, ...deps.limits };
    this.now = deps.now ?? (() => new Date());
    this.scrub = deps.scrub ?? makeScrubber([]);
    this.log = deps.logger?.child({ component: 'exits' });
    this.journal = new AuditJournal(deps.audit, ACTOR, {}, (action, err) => this.log?.error({ action, err: this.text(err) }, 'audit append failed'));
    this.lifecycle = new OrderLifecycle({
      db: deps.db,
      broker: deps.broker,
      killSwitch: deps.killSwitch,
      journal: this.journal,
      prefix: 'exit',
      now: this.now,
      text: (s) => this.text(s),
      waitTimeoutMs: deps.waitTimeoutMs ?? 30_000,
      log: this.log,
    });
  }

  /** Time in force of new exit sells (ALPACA_ENTRY_TIF): IOC unless the account refuses it. */
  private get timeInForce(): 'ioc' | 'day' {
    return this.deps.timeInForce ?? 'ioc';
  }

  /** Serialises all exit work on one position across processes; `'busy'` when another run holds it past `lockWaitMs`. */
  withPosition<T>(k: PositionKey, fn: () => Promise<T>): Promise<T | 'busy'> {
    return this.deps.db.withAdvisoryLock(POSITION_LOCK, `${k.symbol}|${k.strategy}`, this.deps.lockWaitMs ?? 60_000, fn);
  }

  async position(k: PositionKey): Promise<PositionRow | null> {
    const found = await rowOf(
      this.deps.db,
      PositionRowSchema,
      `SELECT symbol, strategy, qty, avg_cost, stop, target, time_stop_date::text AS time_stop_date FROM positions WHERE symbol = $1 AND strategy = $2`,
      [k.symbol, k.strategy],
    );
    return found ?? null;
  }

  /** Exit orders of the position not booked yet (possibly live at the broker), oldest first. */
  unbooked(k: PositionKey): Promise<ExitOrderRow[]> {
    return rowsOf(
      this.deps.db,
      ExitOrderRowSchema,
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE kind = 'exit' AND symbol = $1 AND strategy = $2 AND booked_at IS NULL ORDER BY created_at, id`,
      [k.symbol, k.strategy],
    );
  }

  /**
   * This database's installation id (the `installation` table, made by a
   * migration), which every exit and close client order id carries. Read once
   * per desk; a failed read is tried again by the next call.
   */
  installation(): Promise<string> {
    this.installationId ??= this.readInstallation().catch((e: unknown) => {
      this.installationId = undefined;
      throw e;
    });
    return this.installationId;
  }

  private async readInstallation(): Promise<string> {
    const read = async () => (await rowOf(this.deps.db, IdRow, `SELECT id FROM installation ORDER BY created_at, id LIMIT 1`))?.id;
    const found = await read();
    if (found !== undefined) return found;
    // The row is gone (a hand reset that emptied every table): exits must not stop for that, so make a new one.
    // The id only tells installations apart; the order row's own id is what keeps client order ids unique.
    await this.deps.db.exec(`INSERT INTO installation (id, created_at) VALUES (substr(replace(gen_random_uuid()::text, '-', ''), 1, 8), now()) ON CONFLICT DO NOTHING`);
    const made = await read();
    if (made === undefined) throw new Error('the installation table stays empty after writing its row; check the database (npm run migrate makes the table)');
    return made;
  }

  /**
   * The client order id of a manual close of this request (`closeClientOrderId`
   * with this installation). A close written by the release before ids
   * carried the installation is found under its old id, so a job retried
   * across the upgrade resolves its order instead of selling again.
   */
  async closeClientOrderId(k: Omit<CloseOrderKey, 'installation'>): Promise<string> {
    const legacy = legacyCloseClientOrderId(k);
    if (await this.orderByClientId(legacy)) return legacy;
    return closeClientOrderId({ ...k, installation: await this.installation() });
  }

  async orderByClientId(cid: string): Promise<ExitOrderRow | null> {
    const found = await rowOf(this.deps.db, ExitOrderRowSchema, `SELECT ${ORDER_COLUMNS} FROM orders WHERE client_order_id = $1 AND kind = 'exit'`, [cid]);
    return found ?? null;
  }

  /**
   * Places a new exit order for the whole position (caller holds the lock and
   * has resolved every unbooked exit order of it first), then follows it to
   * its booked outcome. Never more than the day's attempts per reason.
   */
  async place(pos: PositionRow, reason: Exclude<OrderExitReason, 'close'>, decisionPrice: number | null, bid: number | null, ctx: ResolveContext, trigger: ExitTrigger): Promise<ExitOutcome> {
    const k = { symbol: pos.symbol, strategy: pos.strategy };
    // Orders closed unsent (kill switch) do not use up an attempt, but they keep their client order id, so the next one counts past them.
    // Nor does one the recovery pass closed as lost after a crash: the broker showed no such order long after its attempt.
    const tried = await rowOf(
      this.deps.db,
      TriedRow,
      `SELECT count(*)::int AS n,
              count(*) FILTER (WHERE (submit_attempted_at IS NOT NULL OR broker_order_id IS NOT NULL) AND reject_detail->>'code' IS DISTINCT FROM 'lost_after_crash')::int AS sent
         FROM orders WHERE kind = 'exit' AND symbol = $1 AND strategy = $2 AND budget_date = $3 AND exit_reason = $4`,
      [k.symbol, k.strategy, ctx.today, reason],
    );
    const attempts = tried?.sent ?? 0;
    const seq = (tried?.n ?? 0) + 1;
    const max = reason === 'flatten' ? this.limits.flattenMaxAttemptsPerDay : this.limits.maxAttemptsPerDay;
    if (attempts >= max) return this.noOrder(k, reason, 'skipped', pos.qty, decisionPrice, { code: 'attempts_used', trigger, attempts });
    if (bid === null || !(bid > 0)) return this.noOrder(k, reason, 'failed', pos.qty, decisionPrice, { code: 'no_bid', trigger });
    // The id comes from the new row's own random id, never from `seq`: a restored database counts the same
    // `seq` again while the broker still holds the order sent under it. Retries never get here for this
    // order: they find its unbooked row (resolveUnbooked) and keep its id.
    const orderId = randomUUID();
    const cid = exitClientOrderId({ day: ctx.today, reason, orderId, installation: await this.installation() });
    return this.write(k, reason, pos.qty, decisionPrice, bid, cid, ctx, trigger, { attempt: seq }, orderId);
  }

  /**
   * A confirmed manual close: sells `qty` shares of the position (IOC or DAY at the
   * bid with the buffer, like every exit) under the client order id its
   * request fixes (`closeClientOrderId`), then follows the order to its
   * booked outcome. Run again for the same request (a retried job, another
   * worker after a crash) it finds the same row and only resolves it — sent
   * at most once, looked up ever after. The caller holds the position lock,
   * has resolved the position's other unbooked exits and checked `qty`
   * against what is held.
   */
  async placeClose(pos: PositionRow, qty: number, bid: number | null, ctx: ResolveContext, trigger: Extract<ExitTrigger, { kind: 'close' }>, cid: string): Promise<ExitOutcome> {
    const existing = await this.orderByClientId(cid);
    if (existing) return this.resolve(existing, ctx);
    const k = { symbol: pos.symbol, strategy: pos.strategy };
    if (!Number.isSafeInteger(qty) || qty <= 0 || qty > pos.qty) throw new RangeError(`a close sells 1 to ${pos.qty} shares of ${k.symbol}, not ${String(qty)}`);
    if (bid === null || !(bid > 0)) return this.noOrder(k, 'close', 'failed', pos.qty, null, { code: 'no_bid', trigger });
    return this.write(k, 'close', qty, bid, bid, cid, ctx, trigger, { requestedBy: trigger.requestedBy });
  }

  /** Writes the exit's `orders` row (id `orderId`, once per client order id), audits it, and follows it through the lifecycle. */
  private async write(
    k: PositionKey,
    reason: OrderExitReason,
    qty: number,
    decisionPrice: number | null,
    bid: number,
    cid: string,
    ctx: ResolveContext,
    trigger: ExitTrigger,
    extra: Record<string, unknown>,
    orderId: string = randomUUID(),
  ): Promise<ExitOutcome> {
    const limitPrice = iocSellLimitFromBid(bid, this.limits.limitBuffer, marketOfSymbol(k.symbol) === 'KR' ? { date: ctx.today } : undefined);
    const now = this.now();
    const inserted = await rowsOf(
      this.deps.db,
      IdRow,
      `INSERT INTO orders (id, approval_id, kind, exit_reason, decision_price, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force,
                           state, budget_date, reserved_amount, created_at, updated_at, market, currency)
       VALUES ($1, NULL, 'exit', $2, $3, $4, $5, $6, $7, 'sell', $8, $9, $12, 'new', $10, 0, $11, $11, $13, $14)
       ON CONFLICT (client_order_id) DO NOTHING RETURNING id`,
      [orderId, reason, decisionPrice, cid, this.deps.broker.name, k.symbol, k.strategy, qty, limitPrice, ctx.today, now, this.timeInForce, ...marketColumns(k.symbol)],
    );
    const order = await this.orderByClientId(cid);
    if (!order) throw new Error(`exit order ${cid} vanished right after it was written; run the exits job again (it only looks the order up)`);
    if (inserted.length > 0) {
      await this.audit('exit.created', {
        clientOrderId: cid,
        symbol: k.symbol,
        strategy: k.strategy,
        reason,
        why: this.text(triggerDetail(trigger)),
        qty,
        limitPrice,
        timeInForce: this.timeInForce,
        bid,
        decisionPrice,
        ...extra,
        ...(ctx.bypassKill ? { killSwitchBypass: true } : {}),
      });
    }
    return this.resolve(order, ctx);
  }

  /**
   * Takes an exit order from wherever it is to its booked outcome: sends it
   * if it was provably never sent (same trading day only), else looks it up
   * and books it once terminal — all through the shared order lifecycle.
   */
  async resolve(order: ExitOrderRow, ctx: ResolveContext): Promise<ExitOutcome> {
    if (order.booked_at !== null) return this.outcome(order);
    if (neverSent(order) && order.budget_date !== ctx.today) {
      // Decided on an earlier day and never sent (the run died first): that decision is stale. Provably unsent, so closing it is safe.
      await this.closeUnsent(order, { code: 'stale_exit', day: order.budget_date }, true);
      return this.outcome((await this.orderByClientId(order.client_order_id))!);
    }
    const rule: KillSwitchRule = !ctx.bypassKill ? 'check' : ctx.confirmedEpoch !== undefined ? { confirmedEpoch: ctx.confirmedEpoch } : 'bypass';
    // A DAY sell (an account that refuses IOC) is cancelled once it has rested this long; an IOC row ignores it.
    const res = await this.lifecycle.follow(order, rule, this.bookkeeping(order), { dayCancelAfterMs: this.deps.dayCancelAfterMs ?? 30_000 });
    return this.outcomeOf(order, res);
  }

  /** The outcome a lifecycle result stands for. */
  private async outcomeOf(order: ExitOrderRow, res: LifecycleResult<boolean>): Promise<ExitOutcome> {
    const reread = async (note: ExitNote = { code: 'order' }, status?: ExitStatus) => {
      const out = this.outcome((await this.orderByClientId(order.client_order_id))!, note);
      if (status) out.status = status;
      return out;
    };
    switch (res.kind) {
      case 'booked':
      case 'booked_before':
      case 'rejected':
      case 'market_closed': // never for exits: they reduce risk and pass no newRisk session (exits.ts keeps its own rule)
        return reread();
      case 'blocked':
        return res.confirmedEpoch !== undefined
          ? reread({ code: 'kill_switch_changed', confirmedEpoch: res.confirmedEpoch, epoch: res.killSwitch.epoch, changedAt: res.killSwitch.changedAt?.toISOString() ?? null }, 'blocked')
          : reread({ code: 'kill_switch', why: res.killSwitch.reason }, 'blocked');
      case 'claimed':
        return reread({ code: 'claimed' });
      case 'not_placed':
        return reread({ code: 'not_placed', error: this.text(res.error.message) }, 'failed');
      case 'unknown':
        if (res.error.kind === 'ambiguous') return reread({ code: 'ambiguous', error: this.text(`${res.error.broker}: ${res.error.detail}`) });
        return reread({ code: 'unknown', error: this.text(res.error.message) });
      case 'lookup_failed':
        if (res.error.kind === 'ambiguous') return this.outcome(order, { code: 'ambiguous', error: this.text(`${res.error.broker}: ${res.error.detail}`) });
        return this.outcome(order, { code: 'lookup_failed', error: this.text(res.error.message) });
      case 'missing':
        return this.outcome(order, { code: 'missing', broker: this.deps.broker.name });
      case 'wait_failed':
        return this.outcome(order, { code: 'wait_failed', error: this.text(res.error.message) });
      case 'working':
        return this.outcome(order, { code: 'working', status: res.status, broker: this.deps.broker.name });
    }
  }

  /**
   * The recovery pass for an exit order (stop, time stop, flatten) stuck
   * after its attempt mark older than `olderThan` (the run died before the
   * booking). Left alone, `runExits` would find it `missing` on every pass
   * and never place another exit for the position. Looked up, never sent
   * again: a final order is booked once; none at the broker is closed unsent
   * (`lost_after_crash`), so the next exit run decides afresh; anything else
   * is `ambiguous`. The caller holds the position lock.
   */
  async settleStuck(cid: string, olderThan: Date): Promise<ExitSettleResult> {
    const o = await this.orderByClientId(cid);
    const attemptedAt = o?.submit_attempted_at ?? null;
    if (!o || o.booked_at !== null || attemptedAt === null || attemptedAt.getTime() > olderThan.getTime()) return { kind: 'not_stuck', clientOrderId: cid };
    // Another market's exit is never looked up here: this broker would answer "none" and the sale,
    // maybe filled at its own broker, would be closed as lost.
    if (marketOfSymbol(o.symbol) !== (this.deps.market ?? 'US')) {
      throw new Error(`exit ${cid} is for ${o.symbol} (${marketOfSymbol(o.symbol)}), but these exits settle ${this.deps.market ?? 'US'}: settle it with the ${marketOfSymbol(o.symbol)} broker`);
    }
    const { found, evidence } = await lookUpEvidence(this.deps.broker, refOf(o), (t) => this.text(t));
    try {
      if (found && isTerminal(found.status)) {
        if (await this.book(o, found)) await this.audit('exit.recovered', { clientOrderId: cid, symbol: o.symbol, strategy: o.strategy, attemptedAt: attemptedAt.toISOString(), evidence });
        return { kind: 'booked', clientOrderId: cid, outcome: await this.withRemaining(this.outcome((await this.orderByClientId(cid))!)), evidence };
      }
      if (found) return { kind: 'ambiguous', clientOrderId: cid, cause: 'working', evidence };
      if (evidence.kind === 'lookup_failed') return { kind: 'ambiguous', clientOrderId: cid, cause: 'lookup_failed', evidence };
      await this.closeUnsent(o, { code: 'lost_after_crash', symbol: o.symbol, attemptedAt: attemptedAt.toISOString(), markedBy: null, order: 'exit' }, false);
      return { kind: 'closed', clientOrderId: cid, outcome: await this.withRemaining(this.outcome((await this.orderByClientId(cid))!)), evidence };
    } finally {
      await this.journal.flush();
    }
  }

  // --- the exit's bookkeeping (the lifecycle calls it) ------------------------------

  private bookkeeping(o: ExitOrderRow): OrderBookkeeping<boolean> {
    return {
      closeUnsent: (u: UnsentCause) =>
        u.cause === 'rejected'
          ? this.closeUnsent(o, u.reason, false)
          : u.cause === 'market_closed' // never for exits (see outcomeOf)
            ? this.closeUnsent(o, u.reason, true)
          : u.confirmedEpoch !== undefined
            ? this.closeUnsent(o, { code: 'kill_switch_changed', confirmedEpoch: u.confirmedEpoch, epoch: u.killSwitch.epoch }, true)
            : this.closeUnsent(o, { code: 'kill_switch', order: 'exit', killReason: u.killSwitch.reason }, true),
      book: async (f) => ((await this.bookFacts(o, f)) ? true : null),
    };
  }

  /** Books an order that never executed (kill switch, broker refusal, stale). `unattempted` guards against closing one that may have been sent. */
  private async closeUnsent(o: ExitOrderRow, why: RecordedReason, unattempted: boolean): Promise<void> {
    const now = this.now();
    const reason = scrubReason(why, (s) => this.text(s));
    const upd = await this.deps.db.rows(
      `UPDATE orders SET state = 'rejected', reject_reason = $2, reject_detail = $4::jsonb, realized_pnl = 0, booked_at = $3, updated_at = $3
        WHERE id = $1 AND booked_at IS NULL ${unattempted ? 'AND submit_attempted_at IS NULL' : ''} RETURNING id`,
      [o.id, brokerWords(reason), now, reasonParam(reason)],
    );
    if (upd.length > 0) await this.audit('exit.rejected', { clientOrderId: o.client_order_id, symbol: o.symbol, strategy: o.strategy, reason, sent: !unattempted });
  }

  /**
   * Books a terminal exit order exactly once (through the lifecycle): order
   * fields, fills, the position's qty (the row stays, at 0 when closed) and
   * realized P&L. Returns false when an earlier run booked it. Also used by
   * reconciliation.
   */
  async book(o: ExitOrderRow, b: BrokerOrder): Promise<boolean> {
    const res = await this.lifecycle.book(o, b, this.bookkeeping(o));
    return res.kind === 'booked';
  }

  /** The exit's guarded booking: one transaction, `booked_at IS NULL` so it happens once. */
  private async bookFacts(o: ExitOrderRow, f: BookingFacts): Promise<boolean> {
    const now = f.at;
    const filled = f.filledQty;
    const avg = f.avg;
    const recorded = bookedReason(f, o.qty);
    const booked = await this.deps.db.transaction(async (tx) => {
      const upd = await tx.rows(
        `UPDATE orders SET state = $2, broker_order_id = $3, filled_qty = $4, avg_fill_price = $5, reject_reason = $6, reject_detail = $8::jsonb, booked_at = $7, updated_at = $7
          WHERE id = $1 AND booked_at IS NULL RETURNING id`,
        [o.id, f.status, f.brokerOrderId, filled, filled > 0 ? avg : null, f.brokerReason, now, reasonParam(recorded)],
      );
      if (upd.length === 0) return null; // booked by an earlier run
      const pos = await rowOf(tx, HeldRow, `SELECT qty, avg_cost FROM positions WHERE symbol = $1 AND strategy = $2 FOR UPDATE`, [o.symbol, o.strategy]);
      const sold = pos ? Math.min(filled, pos.qty) : 0;
      // Won are whole: an average cost over several fills can carry a fraction, the booked P&L cannot.
      const realized = filled > 0 && pos ? (marketOfSymbol(o.symbol) === 'KR' ? roundKrw((avg - Number(pos.avg_cost)) * filled, 'round') : round6((avg - Number(pos.avg_cost)) * filled)) : 0;
      await tx.exec(`UPDATE orders SET realized_pnl = $2 WHERE id = $1`, [o.id, realized]);
      if (filled > 0) {
        for (const [i, x] of f.fills.entries()) {
          await tx.exec(`INSERT INTO fills (order_id, symbol, side, qty, price, filled_at, seq, market, currency) VALUES ($1, $2, 'sell', $3, $4, $5, $6, $7, $8) ON CONFLICT (order_id, seq) DO NOTHING`, [
            o.id,
            o.symbol,
            x.qty,
            x.price,
            x.at,
            i,
            ...marketColumns(o.symbol),
          ]);
        }
        if (pos) {
          await tx.exec(`UPDATE positions SET qty = qty - $3, realized_pnl = realized_pnl + $4, updated_at = $5 WHERE symbol = $1 AND strategy = $2`, [
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
    const action = f.status === 'rejected' && filled === 0 ? 'exit.rejected' : filled <= 0 ? 'exit.not_filled' : filled >= o.qty ? 'exit.filled' : 'exit.partially_filled';
    await this.audit(action, {
      clientOrderId: o.client_order_id,
      brokerOrderId: f.brokerOrderId,
      symbol: o.symbol,
      strategy: o.strategy,
      reason: o.exit_reason,
      qty: o.qty,
      filledQty: filled,
      avgFillPrice: f.avgFillPrice,
      realizedPnl: booked.realized,
      remainingQty: booked.held - booked.sold,
      ...(filled > booked.sold ? { overfilled: filled - booked.sold, note: 'the broker sold more than our books held; run /reconcile' } : {}),
      ...(recorded ? { rejectReason: recorded } : {}),
    });
    this.log?.info({ clientOrderId: o.client_order_id, status: f.status, filled, avg: f.avgFillPrice, realized: booked.realized }, 'exit booked');
    return true;
  }

  // --- outcomes and helpers -------------------------------------------------------------

  /** The outcome an order row stands for, with `note` (default: the row's own status says it all). */
  outcome(o: ExitOrderRow, note: ExitNote = { code: 'order' }): ExitOutcome {
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
    return {
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
      rejectReason: storedReason(o.reject_detail),
      ...(o.time_in_force === 'day' ? { timeInForce: 'day' as const } : {}),
      note,
    };
  }

  /** Fills in `remainingQty` from the position row. */
  async withRemaining(out: ExitOutcome): Promise<ExitOutcome> {
    const pos = await this.position(out);
    out.remainingQty = pos?.qty ?? 0;
    return out;
  }

  noOrder(k: PositionKey, reason: OrderExitReason, status: ExitStatus, held: number, decisionPrice: number | null, note: ExitNote): ExitOutcome {
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
      rejectReason: null,
      note,
    };
  }

  text(s: string): string {
    return this.scrub(s).slice(0, 500);
  }

  /** Appends an audit row now (the journal keeps the chain in the order things happened). */
  audit(action: string, detail: Record<string, unknown>): Promise<void> {
    return this.journal.now(action, detail);
  }
}
