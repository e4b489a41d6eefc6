import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import type { SessionInfo } from '../../engine/calendar/index.js';
import { exitDayOf } from '../../engine/exits/index.js';
import { marketOfSymbol } from '../../engine/market/symbols.js';
import { queueWindow, type MarketHours } from '../../engine/market-hours.js';
import { closestNames } from '../../lib/closest-names.js';
import { errText } from '../../lib/errors.js';
import { roleAllows, type Role } from '../../lib/roles.js';
import { pgInt, pgNumeric, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowOf, rowsOf } from '../../lib/sql-rows.js';
import { Confirmations, type ConfirmBinding, type ConfirmRefusal, type IssuedConfirmation } from '../confirmations/confirmations.js';
import type { KillSwitchState } from '../kill-switch/kill-switch.js';
import { queueExit, type QueueDeps, type QueuedOrder } from '../queue/queued-orders.js';
import { ExitDesk, type PositionRow, type ResolveContext } from './exit-order.js';
import type { ExitDeps, ExitOutcome } from './exit-types.js';
import { resolveUnbooked } from './exits.js';
import type { OrderTimeInForce } from '../../lib/time-in-force.js';

/**
 * The manual close of one position (`/close SYMBOL [qty]`, the Close button
 * on /positions), in three steps:
 *
 * 1. {@link askClose} (bot): checks the request against the books, the kill
 *    switch and the session, and issues a confirmation bound to the position
 *    as shown (its version and the qty, in the subject) and to the kill epoch
 *    (its version) — single use, 5 minutes;
 * 2. {@link confirmClose} (bot, the Confirm button): refuses a token whose
 *    position changed, whose kill epoch moved, or that was used, and spends it;
 * 3. {@link closePosition} (worker): the sale through the exit desk and the
 *    one order lifecycle, under the position lock, with a client order id
 *    fixed by the spent token — so a retried or recovered job finds the same
 *    order and only looks it up: one request, at most one sell.
 *
 * Traders close while the kill switch is off; under the switch only an admin,
 * with the explicit "Sell under kill" confirmation bound to the kill epoch
 * (the lifecycle's pre-POST read stops the sale once the switch moves on), as
 * `/kill flatten` does.
 *
 * Outside the session an IOC cannot fill, so step 1 offers "Queue for the
 * open" instead: a token bound the same way (position version and qty, kill
 * epoch; single use, 5 minutes) that {@link confirmCloseQueue} spends to store
 * the sale as a QUEUED row (src/trading/queue) — never at the broker before
 * the open, where the open queue hands it to step 3 at open + 1 minute.
 */

/** A trader's close: the switch was off at the epoch in the token's version. */
export const CLOSE_CONFIRM: Pick<ConfirmBinding, 'action'> = { action: 'position.close' };
/** An admin's "Sell under kill": the switch was on at the epoch in the token's version. */
export const CLOSE_UNDER_KILL_CONFIRM: Pick<ConfirmBinding, 'action'> = { action: 'position.close_under_kill' };
/** A trader's "Queue sell for the open" (market closed, switch off at the token's epoch). */
export const CLOSE_QUEUE_CONFIRM: Pick<ConfirmBinding, 'action'> = { action: 'position.close_queue' };
/** An admin's "Queue sell under kill for the open": the queued sale is bound to the kill epoch in the token's version. */
export const CLOSE_QUEUE_UNDER_KILL_CONFIRM: Pick<ConfirmBinding, 'action'> = { action: 'position.close_queue_under_kill' };

const SELL_ACTIONS = [CLOSE_CONFIRM.action, CLOSE_UNDER_KILL_CONFIRM.action] as const;
const QUEUE_ACTIONS = [CLOSE_QUEUE_CONFIRM.action, CLOSE_QUEUE_UNDER_KILL_CONFIRM.action] as const;

/** One position as the close sees it. */
export interface HeldPosition {
  symbol: string;
  strategy: string;
  qty: number;
  avgCost: number;
  /** {@link positionVersion} of the row: changes whenever qty, cost or opening change. */
  version: string;
}

/** What a position's close buttons are bound to: qty, average cost and opening (a mark does not change it). */
export function positionVersion(p: { symbol: string; strategy: string; qty: number; avgCost: number; openedAt: Date }): string {
  return createHash('sha256')
    .update(JSON.stringify([p.symbol, p.strategy, p.qty, p.avgCost, p.openedAt.getTime()]))
    .digest('hex')
    .slice(0, 12);
}

/** A short, stable name for a position in button data (11 hex characters of its symbol and strategy). */
export function positionRef(p: { symbol: string; strategy: string }): string {
  return createHash('sha256').update(JSON.stringify([p.symbol, p.strategy])).digest('hex').slice(0, 11);
}

/** What asking and confirming need (the bot process). */
export interface CloseAskDeps {
  db: SqlSession;
  killSwitch: { state(): Promise<KillSwitchState> };
  /** When IOC orders can fill. */
  hours: MarketHours;
  now: () => Date;
  audit: { append(e: { action: string; actor: string | number; [k: string]: unknown }): Promise<number> };
  /** How the sale will rest at the broker (ALPACA_ENTRY_TIF), shown in the confirm; absent: IOC. */
  timeInForce?: OrderTimeInForce | null;
  /** Where a failed audit append of a refusal or a cancel is reported (the answer stands either way). */
  log?: Pick<Logger, 'error'>;
}

/** Reports a failed audit append of `action`; the answer it records is given anyway. */
function auditFailed(deps: CloseAskDeps, action: string): (err: unknown) => void {
  return (err) => deps.log?.error({ err, action }, 'audit append failed; the answer stands');
}

/** Who asks and what. `qty` null: the whole position. */
export interface CloseAskRequest {
  symbol: string;
  /** Set by the /positions button (it names one row); /close finds it from the symbol. */
  strategy?: string;
  qty: number | null;
  by: number;
  role: Role;
  /** The version the /positions button was drawn for: refused when the row changed since. */
  shownVersion?: string;
}

/**
 * - `ask`: a confirmation was issued (`underKill`: the admin's "Sell under kill");
 * - `no_position`: nothing held in that symbol; `closest`: held symbols that look like it;
 * - `ambiguous`: held under several strategies (the /positions buttons name one);
 * - `too_many`: more shares asked than held;
 * - `position_changed`: the /positions row changed (or closed) since it was shown;
 * - `market_closed`: outside the regular session (`nextOpen` in New York time) — an
 *   IOC cannot fill; `offer` is the bound "Queue for the open" choice (null when the
 *   calendar has no session ahead), `underKill` when it is the admin's under-kill one;
 * - `kill_switch`: the switch is on and the asker is not an admin;
 * - `kill_unknown`: the switch cannot be read (nothing can be confirmed against it).
 */
export type CloseAsk =
  | { kind: 'ask'; position: HeldPosition; qty: number; underKill: boolean; killReason: string | null; token: IssuedConfirmation; timeInForce: OrderTimeInForce | null }
  | { kind: 'no_position'; symbol: string; closest: string[] }
  | { kind: 'ambiguous'; symbol: string; strategies: string[] }
  | { kind: 'too_many'; position: HeldPosition; asked: number }
  | { kind: 'position_changed'; symbol: string; position: HeldPosition | null }
  | { kind: 'market_closed'; position: HeldPosition; qty: number; nextOpen: SessionInfo | null; offer: QueueOffer | null; underKill: boolean; killReason: string | null; timeInForce: OrderTimeInForce | null }
  | { kind: 'kill_switch'; reason: string | null }
  | { kind: 'kill_unknown' };

/** The "Queue for the open" choice: its token, and when the queued sale would go and expire. */
export interface QueueOffer {
  token: IssuedConfirmation;
  /** Open + 1 minute. */
  sendAt: Date;
  /** Open + 30 minutes: not sent by then, it expires. */
  expiresAt: Date;
}

/** An open position as stored (`avg_cost` numeric, as text). */
const PositionDbRowSchema = z.object({ symbol: pgText, strategy: pgText, qty: pgInt, avg_cost: pgNumeric, opened_at: pgTimestamp });
type PositionDbRow = z.output<typeof PositionDbRowSchema>;

function held(r: PositionDbRow): HeldPosition {
  const avgCost = Number(r.avg_cost);
  return { symbol: r.symbol, strategy: r.strategy, qty: r.qty, avgCost, version: positionVersion({ symbol: r.symbol, strategy: r.strategy, qty: r.qty, avgCost, openedAt: r.opened_at }) };
}

async function openPositions(db: SqlSession): Promise<HeldPosition[]> {
  const rows = await rowsOf(db, PositionDbRowSchema, `SELECT symbol, strategy, qty, avg_cost, opened_at FROM positions WHERE qty > 0 ORDER BY symbol, strategy`);
  return rows.map(held);
}

/** The open position a /positions button names (by {@link positionRef}), if still open. */
export async function positionByRef(db: SqlSession, ref: string): Promise<HeldPosition | null> {
  return (await openPositions(db)).find((p) => positionRef(p) === ref) ?? null;
}

/** The confirmation subject: the position, the version it was shown at, and the qty to sell. */
function subjectOf(p: HeldPosition, qty: number): string {
  return `position:${p.symbol}/${p.strategy}#${p.version}:${qty}`;
}

function parseSubject(s: string): { symbol: string; strategy: string; version: string; qty: number } | null {
  const m = /^position:([^/]+)\/(.+)#([0-9a-f]{12}):(\d+)$/.exec(s);
  return m ? { symbol: m[1]!, strategy: m[2]!, version: m[3]!, qty: Number(m[4]) } : null;
}

/** Step 1: checks the request and issues the bound confirmation (see {@link CloseAsk}). */
export async function askClose(deps: CloseAskDeps, req: CloseAskRequest): Promise<CloseAsk> {
  const symbol = req.symbol.trim().toUpperCase();
  const all = await openPositions(deps.db);
  const mine = all.filter((p) => p.symbol === symbol && (req.strategy === undefined || p.strategy === req.strategy));
  if (req.shownVersion !== undefined && (mine.length !== 1 || mine[0]!.version !== req.shownVersion)) return { kind: 'position_changed', symbol, position: mine[0] ?? null };
  if (mine.length === 0) return { kind: 'no_position', symbol, closest: closestNames(symbol, all.map((p) => p.symbol)) };
  if (mine.length > 1) return { kind: 'ambiguous', symbol, strategies: mine.map((p) => p.strategy) };
  const position = mine[0]!;
  const qty = req.qty ?? position.qty;
  if (qty > position.qty) return { kind: 'too_many', position, asked: qty };
  const ks = await deps.killSwitch.state();
  if (ks.epoch === null) return { kind: 'kill_unknown' };
  const underKill = ks.engaged;
  if (underKill && !roleAllows(req.role, 'admin')) {
    await deps.audit.append({ action: 'close.refused', actor: req.by, symbol, strategy: position.strategy, qty, why: 'kill_switch', killReason: ks.reason }).catch(auditFailed(deps, 'close.refused'));
    return { kind: 'kill_switch', reason: ks.reason };
  }
  const nowMs = deps.now().getTime();
  const killReason = underKill ? ks.reason : null;
  const timeInForce = deps.timeInForce ?? null;
  if (!deps.hours.isOpen(nowMs)) {
    const w = queueWindow(deps.hours, nowMs);
    if (!w) return { kind: 'market_closed', position, qty, nextOpen: null, offer: null, underKill, killReason, timeInForce };
    // Bound like the sell confirm: the position as shown, the qty, the kill epoch; single use, 5 minutes.
    const binding = { ...(underKill ? CLOSE_QUEUE_UNDER_KILL_CONFIRM : CLOSE_QUEUE_CONFIRM), subject: subjectOf(position, qty) };
    const token = await new Confirmations(deps.db, { now: deps.now }).issue({ ...binding, version: ks.epoch, issuedBy: req.by });
    await deps.audit.append({ action: 'close.queue_offered', actor: req.by, symbol, strategy: position.strategy, qty, held: position.qty, underKill, killEpoch: ks.epoch, sendAt: w.sendAt.toISOString() });
    const offer = { token, sendAt: w.sendAt, expiresAt: w.expiresAt };
    return { kind: 'market_closed', position, qty, nextOpen: deps.hours.nextOpen(nowMs), offer, underKill, killReason, timeInForce };
  }
  const binding = { ...(underKill ? CLOSE_UNDER_KILL_CONFIRM : CLOSE_CONFIRM), subject: subjectOf(position, qty) };
  const token = await new Confirmations(deps.db, { now: deps.now }).issue({ ...binding, version: ks.epoch, issuedBy: req.by });
  await deps.audit.append({ action: 'close.asked', actor: req.by, symbol, strategy: position.strategy, qty, held: position.qty, underKill, killEpoch: ks.epoch });
  return { kind: 'ask', position, qty, underKill, killReason, token, timeInForce };
}

/**
 * - `confirmed`: this press, and no other, spent the token; the sale may go
 *   (`day`: the New York trading day it was confirmed on, part of its order id);
 * - `refused`: the token is unknown, used, expired, or its kill epoch moved (`stale`);
 * - `position_changed`: the position is not what the confirmation showed (`heldNow` shares now);
 * - `market_closed`: the session ended since the ask;
 * - `forbidden`: "Sell under kill" pressed by someone who is not an admin.
 */
export type CloseConfirm =
  | { kind: 'confirmed'; symbol: string; strategy: string; qty: number; epoch: number; underKill: boolean; day: string; requestId: string }
  | { kind: 'refused'; refusal: ConfirmRefusal }
  | { kind: 'position_changed'; symbol: string; strategy: string; heldNow: number }
  | { kind: 'market_closed'; nextOpen: SessionInfo | null }
  | { kind: 'forbidden' };

/** A close token as issued; `outcome` is set exactly when it was used (a check constraint). */
const TokenPeekSchema = z.object({ action: pgText, subject: pgText, used_at: pgTimestamp.nullable(), outcome: z.enum(['redeemed', 'cancelled']).nullable() });
type TokenPeek = z.output<typeof TokenPeekSchema>;

/** The binding a close token of one of `actions` was issued for (the Confirmations API redeems only against a known binding). */
async function peek(db: SqlSession, tokenId: string, actions: readonly string[]): Promise<TokenPeek | null> {
  return (await rowOf(db, TokenPeekSchema, `SELECT action, subject, used_at, outcome FROM confirmations WHERE id = $1 AND action = ANY($2::text[])`, [tokenId, actions])) ?? null;
}

/** The position a token names, if it is still exactly as shown (version) with at least the qty to sell. */
async function checkShown(deps: CloseAskDeps, parsed: { symbol: string; strategy: string; version: string; qty: number }, by: number): Promise<{ kind: 'position_changed'; symbol: string; strategy: string; heldNow: number } | null> {
  const now = (await openPositions(deps.db)).find((p) => p.symbol === parsed.symbol && p.strategy === parsed.strategy);
  if (now && now.version === parsed.version && now.qty >= parsed.qty) return null;
  await deps.audit.append({ action: 'close.refused', actor: by, symbol: parsed.symbol, strategy: parsed.strategy, why: 'position_changed', heldNow: now?.qty ?? 0 }).catch(auditFailed(deps, 'close.refused'));
  return { kind: 'position_changed', symbol: parsed.symbol, strategy: parsed.strategy, heldNow: now?.qty ?? 0 };
}

/** Step 2: the Confirm (or "Sell under kill") button. Spends the token only when everything still holds. */
export async function confirmClose(deps: CloseAskDeps, tokenId: string, by: number, role: Role): Promise<CloseConfirm> {
  const t = await peek(deps.db, tokenId, SELL_ACTIONS);
  const parsed = t ? parseSubject(t.subject) : null;
  if (!t || !parsed) return { kind: 'refused', refusal: { kind: 'unknown' } };
  // A second tap is "already used", not "the position changed" (the first tap's sale changed it).
  if (t.used_at && t.outcome) return { kind: 'refused', refusal: { kind: 'used', how: t.outcome, usedAt: t.used_at } };
  const underKill = t.action === CLOSE_UNDER_KILL_CONFIRM.action;
  if (underKill && !roleAllows(role, 'admin')) return { kind: 'forbidden' };
  const changed = await checkShown(deps, parsed, by);
  if (changed) return changed;
  const nowMs = deps.now().getTime();
  if (!deps.hours.isOpen(nowMs)) return { kind: 'market_closed', nextOpen: deps.hours.nextOpen(nowMs) };
  const ks = await deps.killSwitch.state();
  const verdict = await new Confirmations(deps.db, { now: deps.now }).redeem(tokenId, { action: t.action, subject: t.subject }, { version: ks.epoch, changedAt: ks.changedAt }, by);
  if (verdict.kind !== 'ok') {
    await deps.audit.append({ action: 'close.refused', actor: by, symbol: parsed.symbol, strategy: parsed.strategy, why: verdict.kind }).catch(auditFailed(deps, 'close.refused'));
    return { kind: 'refused', refusal: verdict };
  }
  // The market's own trading day (Seoul's for a KRX code): the sale's order is filed under it.
  const day = exitDayOf(marketOfSymbol(parsed.symbol), nowMs);
  await deps.audit.append({ action: 'close.confirmed', actor: by, symbol: parsed.symbol, strategy: parsed.strategy, qty: parsed.qty, underKill, killEpoch: verdict.version, day });
  return { kind: 'confirmed', symbol: parsed.symbol, strategy: parsed.strategy, qty: parsed.qty, epoch: verdict.version, underKill, day, requestId: tokenId };
}

/**
 * - `queued`: this press spent the offer and the sale is a QUEUED row (`already`: the
 *   position had a queued sale from another offer; that one is the answer, nothing new);
 * - `refused`: the offer is unknown, used, cancelled, expired, or its kill epoch moved (`stale`);
 * - `position_changed`: the position is not what the offer showed (`heldNow` shares now);
 * - `market_open`: the session opened since the offer: /close sells at once now (the offer is left as it was);
 * - `no_session`: the calendar has no session ahead;
 * - `forbidden`: the under-kill offer pressed by someone who is not an admin.
 */
export type CloseQueueConfirm =
  | { kind: 'queued'; order: QueuedOrder; already: boolean; underKill: boolean }
  | { kind: 'refused'; refusal: ConfirmRefusal }
  | { kind: 'position_changed'; symbol: string; strategy: string; heldNow: number }
  | { kind: 'market_open'; symbol: string }
  | { kind: 'no_session' }
  | { kind: 'forbidden' };

/**
 * The "Queue sell for the open" button: spends the offer only when everything
 * still holds, then stores the sale with {@link queueExit} (one queued sale per
 * position; an admin's under-kill sale carries the epoch it was confirmed at).
 * Of concurrent presses exactly one spends the token, so a double tap queues once.
 */
export async function confirmCloseQueue(deps: CloseAskDeps, queue: QueueDeps, tokenId: string, by: number, role: Role, chatId: number): Promise<CloseQueueConfirm> {
  const t = await peek(deps.db, tokenId, QUEUE_ACTIONS);
  const parsed = t ? parseSubject(t.subject) : null;
  if (!t || !parsed) return { kind: 'refused', refusal: { kind: 'unknown' } };
  if (t.used_at && t.outcome) return { kind: 'refused', refusal: { kind: 'used', how: t.outcome, usedAt: t.used_at } };
  const underKill = t.action === CLOSE_QUEUE_UNDER_KILL_CONFIRM.action;
  if (underKill && !roleAllows(role, 'admin')) return { kind: 'forbidden' };
  const changed = await checkShown(deps, parsed, by);
  if (changed) return changed;
  // Not spent: the offer is simply out of place now; /close sells at once instead.
  if (deps.hours.isOpen(deps.now().getTime())) return { kind: 'market_open', symbol: parsed.symbol };
  const ks = await deps.killSwitch.state();
  const verdict = await new Confirmations(deps.db, { now: deps.now }).redeem(tokenId, { action: t.action, subject: t.subject }, { version: ks.epoch, changedAt: ks.changedAt }, by);
  if (verdict.kind !== 'ok') {
    await deps.audit.append({ action: 'close.queue_refused', actor: by, symbol: parsed.symbol, strategy: parsed.strategy, why: verdict.kind }).catch(auditFailed(deps, 'close.queue_refused'));
    return { kind: 'refused', refusal: verdict };
  }
  // The token is spent first (one winner); should this insert fail, nothing is queued and nothing sells: the trader asks again.
  const res = await queueExit(queue, { symbol: parsed.symbol, strategy: parsed.strategy, qty: parsed.qty, userId: by, role, chatId, ...(underKill ? { killEpoch: verdict.version } : {}) });
  switch (res.kind) {
    case 'queued':
    case 'already_queued':
      await deps.audit.append({
        action: res.kind === 'queued' ? 'close.queued' : 'close.already_queued',
        actor: by,
        queuedId: res.order.id,
        symbol: parsed.symbol,
        strategy: parsed.strategy,
        qty: res.order.qty,
        underKill,
        killEpoch: verdict.version,
        sendAt: res.order.sendAt.toISOString(),
        expiresAt: res.order.expiresAt.toISOString(),
      });
      return { kind: 'queued', order: res.order, already: res.kind === 'already_queued', underKill };
    case 'market_open':
      return { kind: 'market_open', symbol: parsed.symbol };
    case 'no_session':
      return { kind: 'no_session' };
    case 'forbidden':
      return { kind: 'forbidden' };
  }
}

/**
 * The Cancel button of a sell confirm or a queue offer: spends the token, so
 * the button next to it does nothing afterwards (`offer`: which one it was).
 */
export async function cancelClose(deps: CloseAskDeps, tokenId: string, by: number): Promise<{ kind: 'cancelled'; offer: 'sell' | 'queue' } | ConfirmRefusal> {
  const t = await peek(deps.db, tokenId, [...SELL_ACTIONS, ...QUEUE_ACTIONS]);
  if (!t) return { kind: 'unknown' };
  const c = await new Confirmations(deps.db, { now: deps.now }).cancel(tokenId, { action: t.action, subject: t.subject }, by);
  if (c.kind !== 'cancelled') return c;
  const offer = (QUEUE_ACTIONS as readonly string[]).includes(t.action) ? 'queue' : 'sell';
  const action = offer === 'queue' ? 'close.queue_declined' : 'close.cancelled';
  await deps.audit.append({ action, actor: by, subject: t.subject }).catch(auditFailed(deps, action));
  return { kind: 'cancelled', offer };
}

/** A confirmed close, as the worker's job carries it. */
export interface CloseRequest {
  symbol: string;
  strategy: string;
  qty: number;
  /** The spent confirmation (or queued order) this sale carries out: it fixes the client order id. */
  requestId: string;
  /** New York trading day it was confirmed on. */
  day: string;
  /** The kill epoch it was confirmed at: the sale stops once the switch is at another. Null: only "not engaged" is checked. */
  epoch: number | null;
  underKill: boolean;
  requestedBy: number | string;
}

/**
 * - `outcome`: the sale's outcome (filled, partly, not filled, rejected, pending, failed…),
 *   with the average cost it is measured against;
 * - `market_closed`: no order was sent: the session is not open;
 * - `position_changed`: fewer shares are held than the confirmation asked to sell;
 * - `stale`: confirmed on an earlier trading day: never sent;
 * - `exit_pending`: an earlier exit of the position is not settled yet: nothing new is sent;
 * - `busy`: another run holds the position.
 */
export type CloseResult =
  | { kind: 'outcome'; outcome: ExitOutcome; avgCost: number }
  | { kind: 'market_closed'; nextOpen: SessionInfo | null }
  | { kind: 'position_changed'; held: number; asked: number }
  | { kind: 'stale'; day: string }
  | { kind: 'exit_pending'; outcomes: ExitOutcome[] }
  | { kind: 'busy' };

/**
 * Step 3 (worker): sells the confirmed qty — IOC (or DAY, `ExitDeps.timeInForce`) at the bid with the buffer,
 * through the exit desk and the one order lifecycle (audit, kill-switch read
 * right before the POST, attempt mark, lookup never re-POST, booked once) —
 * under the position's advisory lock. Safe to run again for the same request.
 */
export async function closePosition(deps: ExitDeps, hours: MarketHours, req: CloseRequest): Promise<CloseResult> {
  const desk = new ExitDesk(deps);
  const nowMs = (deps.now?.() ?? new Date()).getTime();
  const k = { symbol: req.symbol, strategy: req.strategy };
  // Only an admin's "Sell under kill" passes the switch (bound to its epoch); a trader's close is stopped by any kill.
  const underKill = req.underKill && req.epoch !== null;
  const ctx: ResolveContext = { today: exitDayOf(marketOfSymbol(req.symbol), nowMs), bypassKill: underKill, ...(underKill ? { confirmedEpoch: req.epoch! } : {}) };
  const cid = await desk.closeClientOrderId({ symbol: req.symbol, strategy: req.strategy, day: req.day, requestId: req.requestId });
  const got = await desk.withPosition(k, async (): Promise<CloseResult> => {
    const avgCost = async () => Number((await desk.position(k))?.avg_cost ?? 0);
    // This request's order, if an earlier run wrote it: only ever resolved (looked up once it may have been sent).
    const mine = await desk.orderByClientId(cid);
    if (mine) return { kind: 'outcome', outcome: await desk.withRemaining(await desk.resolve(mine, ctx)), avgCost: await avgCost() };
    if (req.day !== ctx.today) return { kind: 'stale', day: req.day };
    if (desk.limits.requireOpenSession && !hours.isOpen(nowMs)) return { kind: 'market_closed', nextOpen: hours.nextOpen(nowMs) };
    const earlier = await resolveUnbooked(desk, k, ctx);
    if (earlier.blocked) return { kind: 'exit_pending', outcomes: earlier.outcomes };
    const pos: PositionRow | null = await desk.position(k);
    if (!pos || pos.qty < req.qty) return { kind: 'position_changed', held: pos?.qty ?? 0, asked: req.qty };
    let bid: number | null = null;
    try {
      bid = (await deps.quotes.latestQuote(k.symbol)).bid;
    } catch (e) {
      return { kind: 'outcome', outcome: desk.noOrder(k, 'close', 'failed', pos.qty, null, { code: 'no_quote', error: desk.text(errText(e)) }), avgCost: Number(pos.avg_cost) };
    }
    const trigger = { kind: 'close' as const, requestedBy: String(req.requestedBy), underKill: req.underKill };
    const outcome = await desk.withRemaining(await desk.placeClose(pos, req.qty, bid, ctx, trigger, cid));
    return { kind: 'outcome', outcome, avgCost: Number(pos.avg_cost) };
  });
  const result: CloseResult = got === 'busy' ? { kind: 'busy' } : got;
  await desk.audit('close.done', {
    symbol: req.symbol,
    strategy: req.strategy,
    qty: req.qty,
    requestedBy: String(req.requestedBy),
    result: result.kind,
    ...(result.kind === 'outcome' ? { status: result.outcome.status, clientOrderId: result.outcome.clientOrderId, filledQty: result.outcome.filledQty, realizedPnl: result.outcome.realizedPnl } : {}),
  });
  return result;
}
