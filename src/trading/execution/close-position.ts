import { createHash } from 'node:crypto';
import type { SqlSession } from '../../adapters/db/port.js';
import { nyLocalParts, type SessionInfo } from '../../engine/calendar/index.js';
import type { MarketHours } from '../../engine/market-hours.js';
import { closestNames } from '../../lib/closest-names.js';
import { errText } from '../../lib/errors.js';
import { roleAllows, type Role } from '../../lib/roles.js';
import { Confirmations, type ConfirmBinding, type ConfirmRefusal, type IssuedConfirmation } from '../confirmations/confirmations.js';
import type { KillSwitchState } from '../kill-switch/kill-switch.js';
import { closeClientOrderId } from './exit-ids.js';
import { ExitDesk, type PositionRow, type ResolveContext } from './exit-order.js';
import type { ExitDeps, ExitOutcome } from './exit-types.js';
import { resolveUnbooked } from './exits.js';

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
 */

/** A trader's close: the switch was off at the epoch in the token's version. */
export const CLOSE_CONFIRM: Pick<ConfirmBinding, 'action'> = { action: 'position.close' };
/** An admin's "Sell under kill": the switch was on at the epoch in the token's version. */
export const CLOSE_UNDER_KILL_CONFIRM: Pick<ConfirmBinding, 'action'> = { action: 'position.close_under_kill' };

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
 *   IOC cannot fill; a "Queue for the open" choice can be offered from here;
 * - `kill_switch`: the switch is on and the asker is not an admin;
 * - `kill_unknown`: the switch cannot be read (nothing can be confirmed against it).
 */
export type CloseAsk =
  | { kind: 'ask'; position: HeldPosition; qty: number; underKill: boolean; killReason: string | null; token: IssuedConfirmation }
  | { kind: 'no_position'; symbol: string; closest: string[] }
  | { kind: 'ambiguous'; symbol: string; strategies: string[] }
  | { kind: 'too_many'; position: HeldPosition; asked: number }
  | { kind: 'position_changed'; symbol: string; position: HeldPosition | null }
  | { kind: 'market_closed'; position: HeldPosition; qty: number; nextOpen: SessionInfo | null }
  | { kind: 'kill_switch'; reason: string | null }
  | { kind: 'kill_unknown' };

interface PositionDbRow {
  symbol: string;
  strategy: string;
  qty: number;
  avg_cost: string;
  opened_at: Date;
}

function held(r: PositionDbRow): HeldPosition {
  const avgCost = Number(r.avg_cost);
  return { symbol: r.symbol, strategy: r.strategy, qty: r.qty, avgCost, version: positionVersion({ symbol: r.symbol, strategy: r.strategy, qty: r.qty, avgCost, openedAt: r.opened_at }) };
}

async function openPositions(db: SqlSession): Promise<HeldPosition[]> {
  const rows = await db.rows<PositionDbRow>(`SELECT symbol, strategy, qty, avg_cost, opened_at FROM positions WHERE qty > 0 ORDER BY symbol, strategy`);
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
    await deps.audit.append({ action: 'close.refused', actor: req.by, symbol, strategy: position.strategy, qty, why: 'kill_switch', killReason: ks.reason }).catch(() => undefined);
    return { kind: 'kill_switch', reason: ks.reason };
  }
  const nowMs = deps.now().getTime();
  if (!deps.hours.isOpen(nowMs)) return { kind: 'market_closed', position, qty, nextOpen: deps.hours.nextOpen(nowMs) };
  const binding = { ...(underKill ? CLOSE_UNDER_KILL_CONFIRM : CLOSE_CONFIRM), subject: subjectOf(position, qty) };
  const token = await new Confirmations(deps.db, { now: deps.now }).issue({ ...binding, version: ks.epoch, issuedBy: req.by });
  await deps.audit.append({ action: 'close.asked', actor: req.by, symbol, strategy: position.strategy, qty, held: position.qty, underKill, killEpoch: ks.epoch });
  return { kind: 'ask', position, qty, underKill, killReason: underKill ? ks.reason : null, token };
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

interface TokenPeek {
  action: string;
  subject: string;
  used_at: Date | null;
  outcome: 'redeemed' | 'cancelled' | null;
}

/** The binding a close token was issued for (the Confirmations API redeems only against a known binding). */
async function peek(db: SqlSession, tokenId: string): Promise<TokenPeek | null> {
  const rows = await db.rows<TokenPeek>(`SELECT action, subject, used_at, outcome FROM confirmations WHERE id = $1 AND action IN ($2, $3)`, [
    tokenId,
    CLOSE_CONFIRM.action,
    CLOSE_UNDER_KILL_CONFIRM.action,
  ]);
  return rows[0] ?? null;
}

/** Step 2: the Confirm (or "Sell under kill") button. Spends the token only when everything still holds. */
export async function confirmClose(deps: CloseAskDeps, tokenId: string, by: number, role: Role): Promise<CloseConfirm> {
  const t = await peek(deps.db, tokenId);
  const parsed = t ? parseSubject(t.subject) : null;
  if (!t || !parsed) return { kind: 'refused', refusal: { kind: 'unknown' } };
  // A second tap is "already used", not "the position changed" (the first tap's sale changed it).
  if (t.used_at && t.outcome) return { kind: 'refused', refusal: { kind: 'used', how: t.outcome, usedAt: t.used_at } };
  const underKill = t.action === CLOSE_UNDER_KILL_CONFIRM.action;
  if (underKill && !roleAllows(role, 'admin')) return { kind: 'forbidden' };
  const now = (await openPositions(deps.db)).find((p) => p.symbol === parsed.symbol && p.strategy === parsed.strategy);
  if (!now || now.version !== parsed.version || now.qty < parsed.qty) {
    await deps.audit.append({ action: 'close.refused', actor: by, symbol: parsed.symbol, strategy: parsed.strategy, why: 'position_changed', heldNow: now?.qty ?? 0 }).catch(() => undefined);
    return { kind: 'position_changed', symbol: parsed.symbol, strategy: parsed.strategy, heldNow: now?.qty ?? 0 };
  }
  const nowMs = deps.now().getTime();
  if (!deps.hours.isOpen(nowMs)) return { kind: 'market_closed', nextOpen: deps.hours.nextOpen(nowMs) };
  const ks = await deps.killSwitch.state();
  const verdict = await new Confirmations(deps.db, { now: deps.now }).redeem(tokenId, { action: t.action, subject: t.subject }, { version: ks.epoch, changedAt: ks.changedAt }, by);
  if (verdict.kind !== 'ok') {
    await deps.audit.append({ action: 'close.refused', actor: by, symbol: parsed.symbol, strategy: parsed.strategy, why: verdict.kind }).catch(() => undefined);
    return { kind: 'refused', refusal: verdict };
  }
  const day = nyLocalParts(nowMs).date;
  await deps.audit.append({ action: 'close.confirmed', actor: by, symbol: parsed.symbol, strategy: parsed.strategy, qty: parsed.qty, underKill, killEpoch: verdict.version, day });
  return { kind: 'confirmed', symbol: parsed.symbol, strategy: parsed.strategy, qty: parsed.qty, epoch: verdict.version, underKill, day, requestId: tokenId };
}

/** The Cancel button: spends the token, so its Confirm does nothing afterwards. */
export async function cancelClose(deps: CloseAskDeps, tokenId: string, by: number): Promise<'cancelled' | ConfirmRefusal> {
  const t = await peek(deps.db, tokenId);
  if (!t) return { kind: 'unknown' };
  const c = await new Confirmations(deps.db, { now: deps.now }).cancel(tokenId, { action: t.action, subject: t.subject }, by);
  if (c.kind !== 'cancelled') return c;
  await deps.audit.append({ action: 'close.cancelled', actor: by, subject: t.subject }).catch(() => undefined);
  return 'cancelled';
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
 * Step 3 (worker): sells the confirmed qty — IOC at the bid with the buffer,
 * through the exit desk and the one order lifecycle (audit, kill-switch read
 * right before the POST, attempt mark, lookup never re-POST, booked once) —
 * under the position's advisory lock. Safe to run again for the same request.
 */
export async function closePosition(deps: ExitDeps, hours: MarketHours, req: CloseRequest): Promise<CloseResult> {
  const desk = new ExitDesk(deps);
  const nowMs = (deps.now?.() ?? new Date()).getTime();
  const k = { symbol: req.symbol, strategy: req.strategy };
  const ctx: ResolveContext = { today: nyLocalParts(nowMs).date, bypassKill: req.epoch !== null, ...(req.epoch !== null ? { confirmedEpoch: req.epoch } : {}) };
  const cid = closeClientOrderId({ symbol: req.symbol, strategy: req.strategy, day: req.day, requestId: req.requestId });
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
