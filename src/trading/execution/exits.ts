import { z } from 'zod';
import { decideExit, exitDayOf, exitSessionAt, type RuleExitReason } from '../../engine/exits/index.js';
import { ExitDesk, type PositionKey, type ResolveContext } from './exit-order.js';
import type { KillSwitchState } from '../kill-switch/kill-switch.js';
import type { ExitDeps, ExitOutcome, OrderExitReason } from './exit-types.js';
import { errText } from '../../lib/errors.js';
import { pgText } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';

export { DEFAULT_EXIT_LIMITS, type ExitDeps, type ExitLimits, type ExitNote, type ExitOutcome, type ExitStatus, type ExitTrigger, type OrderExitReason } from './exit-types.js';
export { iocSellLimitFromBid } from './exit-order.js';

export interface RunExitsOptions {
  /** The instant the run decides for (default `deps.now()` or the clock). Its date in the market's zone (New York, Seoul) is the trading day. */
  now?: Date;
}

/**
 * The exit job body: stop, time-stop and profit-target exits, WITHOUT
 * approval (they only reduce risk; DESIGN §4.4). For every position with shares (and every exit
 * order still unbooked), under a per-position advisory lock:
 *
 * 1. unbooked exit orders are resolved first (looked up by client order id,
 *    booked once; a same-day order that provably never left is sent) — a new
 *    exit is never placed while an older one may still be live;
 * 2. the pure rule (`decideExit`) checks the live bid against the stop, the
 *    time stop (on its date inside the window before the close, or at once
 *    when overdue), then the profit target of a position that has one (a
 *    LIVE hypothesis's, carried from its pick: the live bid at or above it);
 * 3. the kill switch is read; while it is on nothing is sent (unless
 *    `limits.exitsDuringKill`) and the outcome says `blocked`;
 * 4. one sell of the whole position at bid × (1 − buffer) — IOC, or a DAY
 *    limit Courtside cancels after ALPACA_DAY_CANCEL_AFTER_S on an account
 *    that refuses IOC (`deps.timeInForce`) — with a client
 *    order id fixed by position + trading day + reason + attempt, written to
 *    `orders` before the POST, then followed to its booked outcome.
 *
 * Safe to run any number of times, concurrently, or again after a crash: a
 * second run of the day places no second order for the same position and
 * reason (see `maxAttemptsPerDay`). Does nothing outside the regular
 * sessions of `deps.market` (unless `limits.requireOpenSession` is false):
 * NYSE's for US; KRX's for KR, and not in KRX's closing auction either, when
 * KRX takes no IOC order — the next run in the continuous session acts.
 *
 * @returns one outcome per exit acted on (or blocked / skipped / failed) in
 *   this run, for notifications. Positions that simply hold are not listed.
 */
export async function runExits(deps: ExitDeps, opts: RunExitsOptions = {}): Promise<ExitOutcome[]> {
  const desk = new ExitDesk(deps);
  const nowMs = (opts.now ?? deps.now?.() ?? new Date()).getTime();
  const market = deps.market ?? 'US';
  const session = exitSessionAt(market, nowMs, desk.limits.timeStopLeadMinutes);
  if (desk.limits.requireOpenSession && session.paused !== null) {
    // "Not now", not a failure: nothing reaches the broker (KIS refuses IOC in the auction), the next run acts.
    desk.log?.info({ at: new Date(nowMs).toISOString(), market, why: session.paused }, session.paused === 'closing_auction' ? 'exits: KRX closing auction, nothing sent' : 'exits: market closed, nothing to do');
    return [];
  }
  const today = session.today;
  const window = session.inTimeStopWindow;
  const ctx: ResolveContext = { today, bypassKill: desk.limits.exitsDuringKill };
  return forEachPosition(desk, 'stop', async (k) => {
    const out = await resolveUnbooked(desk, k, ctx);
    if (out.blocked) return out.outcomes;
    const pos = await desk.position(k);
    if (!pos || pos.qty <= 0) return out.outcomes;

    let bid: number | null = null;
    let quoteError: string | null = null;
    try {
      bid = (await deps.quotes.latestQuote(k.symbol)).bid;
    } catch (e) {
      quoteError = errText(e);
    }
    // Only a fallback for a missing bid: unreadable, the rule decides on what it has (a stop it cannot check is reported below).
    const noLastPrice = (err: unknown) => {
      desk.log?.debug({ err, symbol: k.symbol }, 'last price unreadable; deciding without it');
      return null;
    };
    const lastPrice = bid !== null && bid > 0 ? null : await (deps.lastPrice?.(k.symbol) ?? Promise.resolve(null)).catch(noLastPrice);
    const stop = pos.stop === null ? null : Number(pos.stop);
    const target = pos.target === null ? null : Number(pos.target);
    const d = decideExit({ position: { qty: pos.qty, stop, target, timeStopDate: pos.time_stop_date }, bid, lastPrice, today, inTimeStopWindow: window });
    if (!d.exit) {
      if (quoteError !== null && d.price === null && stop !== null) {
        // Silence here would hide an unchecked stop: say so.
        out.outcomes.push(desk.noOrder(k, 'stop', 'failed', pos.qty, stop, { code: 'stop_unchecked', error: desk.text(quoteError) }));
      }
      return out.outcomes;
    }
    if (!ctx.bypassKill) {
      const ks = await deps.killSwitch.state();
      if (ks.engaged) {
        await desk.audit('exit.blocked', { symbol: k.symbol, strategy: k.strategy, reason: d.exit, why: d.reason, killSwitch: ks.reason });
        out.outcomes.push(withBid(desk.noOrder(k, d.exit, 'blocked', pos.qty, decisionPriceOf(d.exit, stop, target, d.price), { code: 'kill_switch', why: ks.reason }), bid));
        return out.outcomes;
      }
    }
    const decisionPrice = decisionPriceOf(d.exit, stop, target, d.price);
    out.outcomes.push(withBid(await desk.withRemaining(await desk.place(pos, d.exit, decisionPrice, bid, ctx, { kind: 'rule', detail: d.reason })), bid));
    return out.outcomes;
  });
}

/** What an exit order records as its decision price: the level for a stop or target exit (what the rule compared), else the price seen (time stop). */
function decisionPriceOf(exit: RuleExitReason, stop: number | null, target: number | null, price: number | null): number | null {
  return exit === 'stop' ? stop : exit === 'target' ? target : price;
}

/** A target exit's outcome carries the bid that reached the target, so its notice names both (the other exits' outcomes stay as they were). */
function withBid(o: ExitOutcome, bid: number | null): ExitOutcome {
  return o.reason === 'target' && bid !== null && bid > 0 ? { ...o, bid } : o;
}

export interface FlattenOptions {
  now?: Date;
  /** Who confirmed `/kill flatten` (Telegram user id), for the audit chain. */
  requestedBy?: string | number;
  /** The kill epoch the flatten was confirmed for: once the switch is at another, nothing more is sold. */
  confirmedEpoch?: number;
}

/**
 * `/kill flatten`: sells every open position (IOC — or DAY, see `ExitDeps.timeInForce` — at bid × (1 − buffer),
 * `exit_reason` 'flatten'), with the same order discipline as the rule exits.
 * It runs EVEN WHILE THE KILL SWITCH IS ON, by design: it is the explicit,
 * confirmed admin request to remove risk (DESIGN §4.5); every order it
 * sends under the switch carries `killSwitchBypass` on the audit chain.
 * Unbooked exit orders of a position are resolved before anything new is
 * sent, and never more than `flattenMaxAttemptsPerDay` per position and day.
 * Does not cancel open orders: `/kill` cancels them first.
 */
export async function flattenAll(deps: ExitDeps, opts: FlattenOptions = {}): Promise<ExitOutcome[]> {
  const desk = new ExitDesk(deps);
  const nowMs = (opts.now ?? deps.now?.() ?? new Date()).getTime();
  const ctx: ResolveContext = { today: exitDayOf(deps.market ?? 'US', nowMs), bypassKill: true, ...(opts.confirmedEpoch !== undefined ? { confirmedEpoch: opts.confirmedEpoch } : {}) };
  const ks = await deps.killSwitch.state();
  await desk.audit('flatten.requested', { requestedBy: opts.requestedBy ?? null, killSwitchEngaged: ks.engaged });
  // Re-read before every sell (and before resolving, which may send a never-sent order): a confirmation acts only on its own epoch.
  let moved: KillSwitchState | null = null;
  const stillConfirmed = async (): Promise<boolean> => {
    if (opts.confirmedEpoch === undefined || moved) return moved === null;
    const now = await deps.killSwitch.state();
    if (now.epoch !== opts.confirmedEpoch) moved = now;
    return moved === null;
  };
  const stopped = (k: PositionKey, held: number): ExitOutcome =>
    desk.noOrder(k, 'flatten', 'skipped', held, null, { code: 'kill_switch_changed', confirmedEpoch: opts.confirmedEpoch ?? -1, epoch: moved?.epoch ?? null, changedAt: moved?.changedAt?.toISOString() ?? null });
  const outcomes = await forEachPosition(desk, 'flatten', async (k) => {
    if (!(await stillConfirmed())) return [stopped(k, (await desk.position(k))?.qty ?? 0)];
    const out = await resolveUnbooked(desk, k, ctx);
    if (out.blocked) return out.outcomes;
    const pos = await desk.position(k);
    if (!pos || pos.qty <= 0) return out.outcomes;
    let bid: number | null = null;
    try {
      bid = (await deps.quotes.latestQuote(k.symbol)).bid;
    } catch (e) {
      out.outcomes.push(desk.noOrder(k, 'flatten', 'failed', pos.qty, null, { code: 'no_quote', error: desk.text(errText(e)) }));
      return out.outcomes;
    }
    if (!(await stillConfirmed())) return [...out.outcomes, stopped(k, pos.qty)];
    out.outcomes.push(await desk.withRemaining(await desk.place(pos, 'flatten', bid, bid, ctx, { kind: 'flatten', requestedBy: String(opts.requestedBy ?? 'admin') })));
    return out.outcomes;
  });
  const changed = moved as KillSwitchState | null;
  if (changed) await desk.audit('flatten.stopped', { requestedBy: opts.requestedBy ?? null, confirmedEpoch: opts.confirmedEpoch ?? null, epoch: changed.epoch, changedAt: changed.changedAt?.toISOString() ?? null });
  await desk.audit('flatten.done', {
    requestedBy: opts.requestedBy ?? null,
    positions: outcomes.length,
    filled: outcomes.filter((o) => o.status === 'filled').length,
    open: outcomes.filter((o) => o.remainingQty > 0).length,
  });
  return outcomes;
}

const PositionKeyRow = z.object({ symbol: pgText, strategy: pgText });

/** Positions with shares plus positions with unbooked exit orders, each run under its lock; one failure never stops the others. */
async function forEachPosition(desk: ExitDesk, reason: OrderExitReason, fn: (k: PositionKey) => Promise<ExitOutcome[]>): Promise<ExitOutcome[]> {
  const keys = await rowsOf(
    desk.deps.db,
    PositionKeyRow,
    `SELECT symbol, strategy FROM positions WHERE qty > 0 AND market = $1
     UNION SELECT symbol, strategy FROM orders WHERE kind = 'exit' AND booked_at IS NULL AND market = $1
     ORDER BY symbol, strategy`,
    // One market's book per run: its broker holds only that market's positions.
    [desk.deps.market ?? 'US'],
  );
  const all: ExitOutcome[] = [];
  for (const k of keys) {
    try {
      const got = await desk.withPosition(k, () => fn(k));
      if (got === 'busy') {
        all.push(desk.noOrder(k, reason, 'pending', 0, null, { code: 'busy' }));
      } else {
        all.push(...got);
      }
    } catch (e) {
      // A crash mid-order leaves the row "attempted": the next run only looks it up. Keep protecting the other positions.
      desk.log?.error({ symbol: k.symbol, strategy: k.strategy, err: desk.text(errText(e)) }, 'exit run failed for a position');
      const pos = await desk.position(k).catch((err: unknown) => {
        // The run's failure is logged above; the outcome then says 0 shares held rather than guess.
        desk.log?.debug({ err, symbol: k.symbol, strategy: k.strategy }, 'position unreadable after a failed exit run');
        return null;
      });
      const held = pos?.qty ?? 0;
      all.push(
        desk.noOrder(k, reason, 'failed', held, null, { code: 'crashed', error: desk.text(errText(e)) }),
      );
    }
  }
  return all;
}

/** Resolves every unbooked exit order of the position; `blocked` when one is still live (nothing new may be sent). */
export async function resolveUnbooked(desk: ExitDesk, k: PositionKey, ctx: ResolveContext): Promise<{ outcomes: ExitOutcome[]; blocked: boolean }> {
  const outcomes: ExitOutcome[] = [];
  for (const o of await desk.unbooked(k)) {
    const r = await desk.withRemaining(await desk.resolve(o, ctx));
    outcomes.push(r);
    if (r.status === 'pending' || r.status === 'failed' || r.status === 'blocked') return { outcomes, blocked: true };
  }
  return { outcomes, blocked: false };
}
