import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { SqlSession, TableSession } from '../../adapters/db/port.js';
import type { QueuedKind, QueuedOrderRecord, QueuedState } from '../../adapters/db/tables/controls/port.js';
import type { BrokerClock } from '../../adapters/brokers/port.js';
import { queueWindow, queueWindowAt, type MarketHours, type QueueWindow } from '../../engine/market-hours.js';
import type { SessionInfo } from '../../engine/calendar/types.js';
import type { Market } from '../../engine/market/markets.js';
import { marketOfSymbol } from '../../engine/market/symbols.js';
import { roleAllows, type Role } from '../../lib/roles.js';
import { pgInt, pgNumeric, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';
import { APPROVER_ROLE, explainDecision, type AlreadyDecided } from '../execution/approve-pick.js';

/**
 * Orders queued for the next open (migration 1764900000000): while the
 * market is closed an IOC cannot fill, so a trader may queue the order
 * instead. A queued order is a Postgres row only — never at the broker before
 * the open. At open + 1 minute {@link releaseDue} hands it to the usual path
 * (an entry's approval to `execution.run`: re-quoted, kill switch, drift band
 * and gates again, the one order lifecycle), and at open + 30 minutes
 * {@link expireDue} closes what was not sent.
 *
 * Each market has its own queue (issue 15): a row carries its market, its
 * session date is that market's (New York's for US, Seoul's for KR) and its
 * window is that market's open. KR rows wait for KRX's continuous session
 * (KRX_IOC_HOURS: never an auction; late-open days move the open), and the
 * open queue releases each market's rows on that market's hours only.
 */

export type { QueuedKind, QueuedState } from '../../adapters/db/tables/controls/port.js';
/**
 * One queued order, as figures (the `queued_orders` row; see the controls
 * tables' port) and its market: which exchange's open sends it and which lane
 * (broker, book) it goes to. The port's record has no market yet, so this
 * file reads and writes the rows itself.
 */
export type QueuedOrder = QueuedOrderRecord & {
  market: Market;
  /**
   * Who or what ended it (`closed_by`): a user id, `kill:<id>`, `open-queue` (its window passed) or
   * {@link SESSION_CLOSED_BY} (its session was closed by a calendar override); null while it waits or once sent.
   * Optional for orders built by hand (tests, views); every row this file reads carries it.
   */
  closedBy?: string | null;
};

/**
 * What the queue needs: Postgres, the market's hours and the clock. Every
 * read and write is reviewed SQL on `db` in this file (the rows name their
 * market, which the controls tables' port does not know), so `db.tables` is
 * not used here.
 */
export interface QueueDeps {
  db: TableSession;
  /** The market's order hours: NYSE's for US, KRX's continuous session (KRX_IOC_HOURS, overrides applied) for KR. */
  hours: MarketHours;
  /** Whose queue this is (default US): the rows it writes and releases, and what `hours` are of. */
  market?: Market;
  now: () => Date;
  /**
   * The broker's own clock (Alpaca's GET /v2/clock, cached and shared). While
   * our calendar says open but it says closed (an unscheduled closure, a halt
   * day), an entry may be queued for the open the broker names. Absent: our
   * calendar alone decides. US only: KR's hours are KRX's calendar.
   */
  brokerClock?: () => Promise<BrokerClock>;
  /** Where an unreadable broker clock is told (debug: it then counts as open, see entryWindow). */
  log?: Pick<Logger, 'debug'>;
}

/** A `queued_orders` row as {@link columns} returns it from the reviewed statements (bigints as text, the session date formatted); the enums are the table's CHECKs. */
const Row = z.object({
  id: pgText,
  kind: z.enum(['entry', 'close', 'flatten'] satisfies QueuedKind[]),
  state: z.enum(['QUEUED', 'SENT', 'CANCELLED', 'EXPIRED'] satisfies QueuedState[]),
  session_date: pgText,
  send_at: pgTimestamp,
  expires_at: pgTimestamp,
  approval_id: pgText.nullable(),
  pick_id: pgText.nullable(),
  symbol: pgText.nullable(),
  strategy: pgText.nullable(),
  side: z.enum(['buy', 'sell']).nullable(),
  qty: pgInt.nullable(),
  kill_epoch: pgNumeric.nullable(),
  requested_by: pgNumeric,
  role: z.enum(['viewer', 'trader', 'admin'] satisfies Role[]),
  chat_id: pgNumeric,
  card_message_id: pgInt.nullable(),
  created_at: pgTimestamp,
  market: z.enum(['US', 'KR'] satisfies Market[]),
  closed_by: pgText.nullable(),
});
type Row = z.output<typeof Row>;

/** The columns a {@link Row} holds, optionally of a table alias (`q.`). */
function columns(t = ''): string {
  return `${t}id, ${t}kind, ${t}state, to_char(${t}session_date, 'YYYY-MM-DD') AS session_date, ${t}send_at, ${t}expires_at, ${t}approval_id, ${t}pick_id, ${t}symbol,
  ${t}strategy, ${t}side, ${t}qty, ${t}kill_epoch::text AS kill_epoch, ${t}requested_by::text AS requested_by, ${t}role, ${t}chat_id::text AS chat_id, ${t}card_message_id, ${t}created_at, ${t}market, ${t}closed_by`;
}
const COLUMNS = columns();

function toQueued(r: Row): QueuedOrder {
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    sessionDate: r.session_date,
    sendAt: r.send_at,
    expiresAt: r.expires_at,
    approvalId: r.approval_id,
    pickId: r.pick_id,
    symbol: r.symbol,
    strategy: r.strategy,
    side: r.side,
    qty: r.qty,
    killEpoch: r.kill_epoch === null ? null : Number(r.kill_epoch),
    requestedBy: Number(r.requested_by),
    role: r.role,
    chatId: Number(r.chat_id),
    cardMessageId: r.card_message_id,
    createdAt: r.created_at,
    market: r.market,
    closedBy: r.closed_by,
  };
}

/** A queued order's id as /cancel takes it: `q` + 8 base-36 characters. */
export const QUEUED_ID = /^q[0-9a-z]{4,20}$/;

function newId(): string {
  return `q${BigInt(`0x${randomBytes(6).toString('hex')}`).toString(36).padStart(8, '0').slice(-8)}`;
}

/** Why nothing was queued. */
export type QueueRefusal =
  /** The market is open: place the order now instead. */
  | { kind: 'market_open' }
  /** No session ahead within the calendar. */
  | { kind: 'no_session' }
  | { kind: 'forbidden'; role: Role; needed: Role };

export type QueueEntryResult =
  | { kind: 'queued'; order: QueuedOrder }
  | QueueRefusal
  | AlreadyDecided
  | { kind: 'expired'; pickId: string; expiredAt: Date }
  | { kind: 'not_found'; pickId: string };

/**
 * "Queue for the open" on a pick card: its own approval. ONE statement flips
 * the PENDING, unexpired pick to QUEUED, writes its approval in state
 * `queued` (expiring at open + 30 min, so the order path refuses it after
 * that) and the queued row; concurrent taps serialise on the pick's row and
 * exactly one wins (as with Approve).
 */
export async function queueEntry(deps: QueueDeps, input: { pickId: string; userId: number; role: Role; chatId: number; cardMessageId?: number }): Promise<QueueEntryResult> {
  if (!roleAllows(input.role, APPROVER_ROLE)) return { kind: 'forbidden', role: input.role, needed: APPROVER_ROLE };
  const now = deps.now();
  const w = await entryWindow(deps, now);
  if ('kind' in w) return w;
  const rows = await rowsOf(
    deps.db,
    Row,
    `WITH decided AS (
       UPDATE picks SET state = 'QUEUED', decided_by = $2, decided_at = $3
        WHERE id = $1 AND state = 'PENDING' AND expires_at > $3
          -- Only this queue's market: the window is its exchange's open (a KR pick waits for KRX's).
          AND market = $12
       RETURNING id, symbol, strategy, qty, market
     ), approval AS (
       INSERT INTO approvals (id, pick_id, approved_by, approved_at, expires_at, state, updated_at)
       SELECT $4::uuid, id, $2, $3, $5, 'queued', $3 FROM decided
       RETURNING id, pick_id
     ), q AS (
       INSERT INTO queued_orders (id, kind, state, session_date, send_at, expires_at, approval_id, pick_id, symbol, strategy, side, qty, requested_by, role, chat_id, card_message_id, created_at, updated_at, market)
       SELECT $6, 'entry', 'QUEUED', $7::date, $8, $5, a.id, d.id, d.symbol, d.strategy, 'buy', d.qty, $2, $9, $10, $11, $3, $3, d.market
         FROM decided d JOIN approval a ON a.pick_id = d.id
       RETURNING ${COLUMNS}
     )
     SELECT * FROM q`,
    [input.pickId, input.userId, now, randomUUID(), w.expiresAt, newId(), w.sessionDate, w.sendAt, input.role, input.chatId, input.cardMessageId ?? null, marketOf(deps)],
  );
  if (rows[0]) return { kind: 'queued', order: toQueued(rows[0]) };
  return explainDecision(deps.db, input.pickId, now);
}

/**
 * When a queued entry would go: the calendar's next open while our calendar
 * says closed; while it says open, the open the broker's clock names if that
 * clock says closed (else the market is open: approve instead). A clock that
 * cannot be read counts as open here — Approve is then the way, and the order
 * path asks the clock again before anything is sent.
 */
async function entryWindow(deps: QueueDeps, now: Date): Promise<QueueWindow | QueueRefusal> {
  if (!deps.hours.isOpen(now.getTime())) return queueWindow(deps.hours, now.getTime()) ?? { kind: 'no_session' };
  // The broker clock is Alpaca's (NYSE): KRX's calendar alone decides for KR.
  const clock =
    deps.brokerClock && marketOf(deps) === 'US'
      ? await deps.brokerClock().catch((err: unknown) => {
        deps.log?.debug({ err }, 'broker clock not read: counted as open (Approve is the way; the order path asks the clock again)');
        return null;
      })
    : null;
  if (!clock || clock.isOpen) return { kind: 'market_open' };
  const open = clock.nextOpen === null ? Number.NaN : Date.parse(clock.nextOpen);
  // The broker's open must lie ahead: a stale or garbled answer queues nothing.
  return Number.isFinite(open) && open > now.getTime() ? queueWindowAt(open) : { kind: 'no_session' };
}

export type QueueExitResult = { kind: 'queued'; order: QueuedOrder } | { kind: 'already_queued'; order: QueuedOrder } | QueueRefusal;

/** The market a queue serves (US when unnamed: the queue before issue 15). */
function marketOf(deps: Pick<QueueDeps, 'market'>): Market {
  return deps.market ?? 'US';
}

/**
 * Queues the sale of one open position for the open (`/close` outside the
 * session): side sell, `qty` shares of (symbol, strategy). One queued sale per
 * position: a second request answers with the first. `killEpoch`: set when
 * an admin confirmed selling under the kill switch; the sale is then bound to
 * that epoch at the open as at the moment of the confirm. The symbol's market
 * must be this queue's (a KRX code waits for KRX's open, never NYSE's).
 */
export async function queueExit(
  deps: QueueDeps,
  input: { symbol: string; strategy: string; qty: number; userId: number; role: Role; chatId: number; killEpoch?: number },
): Promise<QueueExitResult> {
  if (!roleAllows(input.role, 'trader')) return { kind: 'forbidden', role: input.role, needed: 'trader' };
  // A wiring mistake, not a user's: queued on the wrong market's hours it would wait for the wrong open.
  if (marketOfSymbol(input.symbol) !== marketOf(deps)) throw new Error(`${input.symbol} is not a ${marketOf(deps)} symbol: its sale is queued on its own market's queue`);
  return insertExit(deps, 'close', input, { where: `kind = 'close' AND symbol = $1 AND strategy = $2`, params: [input.symbol, input.strategy] });
}

/** Queues `/kill flatten` of this queue's market for its open, bound to the kill epoch it was confirmed for. One per epoch and market. */
export async function queueFlatten(deps: QueueDeps, input: { killEpoch: number; userId: number; role: Role; chatId: number }): Promise<QueueExitResult> {
  if (!roleAllows(input.role, 'admin')) return { kind: 'forbidden', role: input.role, needed: 'admin' };
  return insertExit(deps, 'flatten', input, { where: `kind = 'flatten' AND kill_epoch = $1 AND market = $2`, params: [input.killEpoch, marketOf(deps)] });
}

/**
 * Stores a queued exit unless its twin (`twin`: the QUEUED row its unique index
 * allows) is queued already; then answers with that one. Written here, not
 * through the tables port, because the row names its market.
 */
async function insertExit(
  deps: QueueDeps,
  kind: 'close' | 'flatten',
  input: { symbol?: string; strategy?: string; qty?: number; userId: number; role: Role; chatId: number; killEpoch?: number },
  twin: { where: string; params: unknown[] },
): Promise<QueueExitResult> {
  const now = deps.now();
  if (deps.hours.isOpen(now.getTime())) return { kind: 'market_open' };
  const w = queueWindow(deps.hours, now.getTime());
  if (!w) return { kind: 'no_session' };
  const stored = await rowsOf(
    deps.db,
    Row,
    `INSERT INTO queued_orders (id, kind, state, session_date, send_at, expires_at, symbol, strategy, side, qty, kill_epoch, requested_by, role, chat_id, created_at, updated_at, market)
     VALUES ($1, $2, 'QUEUED', $3::date, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15)
     ON CONFLICT DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      newId(),
      kind,
      w.sessionDate,
      w.sendAt,
      w.expiresAt,
      input.symbol ?? null,
      input.strategy ?? null,
      kind === 'close' ? 'sell' : null,
      input.qty ?? null,
      input.killEpoch ?? null,
      input.userId,
      input.role,
      input.chatId,
      now,
      marketOf(deps),
    ],
  );
  if (stored[0]) return { kind: 'queued', order: toQueued(stored[0]) };
  const existing = await rowsOf(deps.db, Row, `SELECT ${COLUMNS} FROM queued_orders WHERE state = 'QUEUED' AND ${twin.where} LIMIT 1`, twin.params);
  if (!existing[0]) throw new Error(`queued ${kind} vanished between insert and read`);
  return { kind: 'already_queued', order: toQueued(existing[0]) };
}

export type CancelQueuedResult =
  | { kind: 'cancelled'; order: QueuedOrder }
  | { kind: 'not_found'; id: string }
  /** Already sent, cancelled or expired: nothing changed. */
  | { kind: 'not_queued'; order: QueuedOrder }
  | { kind: 'forbidden'; role: Role; needed: Role };

/** `/cancel <id>` and the Cancel button: QUEUED → CANCELLED (an entry's approval and pick with it), once. Any market's row. */
export async function cancelQueued(deps: { db: SqlSession; now: () => Date }, input: { id: string; by: number; role: Role }): Promise<CancelQueuedResult> {
  const id = input.id.toLowerCase();
  if (!QUEUED_ID.test(id)) return { kind: 'not_found', id: input.id };
  const order = await getQueued(deps.db, id);
  if (!order) return { kind: 'not_found', id };
  const needed: Role = order.kind === 'flatten' ? 'admin' : 'trader';
  if (!roleAllows(input.role, needed)) return { kind: 'forbidden', role: input.role, needed };
  const closed = await closeQueued(deps.db, `id = $3`, [id], 'CANCELLED', String(input.by), deps.now());
  return closed[0] ? { kind: 'cancelled', order: closed[0] } : { kind: 'not_queued', order: (await getQueued(deps.db, id)) ?? order };
}

/** `/kill`: every queued order of every market is cancelled (none may reach a broker at any open). */
export async function cancelAllQueued(deps: { db: SqlSession; now: () => Date }, by: string): Promise<QueuedOrder[]> {
  return closeQueued(deps.db, 'true', [], 'CANCELLED', by, deps.now());
}

/** Queued orders not sent yet, of every market, oldest first (/orders, /cancel without an id). */
export async function listQueued(db: SqlSession): Promise<QueuedOrder[]> {
  return (await rowsOf(db, Row, `SELECT ${COLUMNS} FROM queued_orders WHERE state = 'QUEUED' ORDER BY created_at, id`)).map(toQueued);
}

/** One queued order by id (any state), or null. */
export async function getQueued(db: SqlSession, id: string): Promise<QueuedOrder | null> {
  if (!QUEUED_ID.test(id)) return null;
  const rows = await rowsOf(db, Row, `SELECT ${COLUMNS} FROM queued_orders WHERE id = $1`, [id]);
  return rows[0] ? toQueued(rows[0]) : null;
}

/**
 * Queued orders whose expiry has passed become EXPIRED (an entry's approval
 * `expired`, its pick EXPIRED); returns them, to tell their chats. Every
 * market by default (an expiry is an instant); `markets` limits it, so a run
 * that cannot trust one market's hours (KRX's overrides unreadable: a late
 * open may have moved the expiry) leaves that market's rows for the next run.
 */
export async function expireDue(deps: { db: SqlSession; now: () => Date }, opts: { markets?: readonly Market[] } = {}): Promise<QueuedOrder[]> {
  const now = deps.now();
  if (!opts.markets) return closeQueued(deps.db, `expires_at <= $3`, [now], 'EXPIRED', 'open-queue', now);
  return closeQueued(deps.db, `expires_at <= $3 AND market = ANY($4::text[])`, [now, opts.markets], 'EXPIRED', 'open-queue', now);
}

/** What {@link rewindowQueued} did: rows moved to their session's new open, and rows whose session was closed (expired). */
export interface RewindowResult {
  /** Moved within their session date (a late open declared after they were queued). */
  moved: QueuedOrder[];
  /** EXPIRED because their session date is no longer a session (a closure declared after they were queued); their chats are to be told. */
  expired: QueuedOrder[];
}

/** Why a row was expired before its open: its session was closed by a run-time calendar override. `closed_by` of the row. */
export const SESSION_CLOSED_BY = 'open-queue:session-closed';

/**
 * Keeps this market's QUEUED rows on the session they were queued for, at
 * the open `deps.hours` now names for it. A late open declared after the
 * order was queued (a run-time calendar override) moves its send and expiry
 * to the new open + 1 and + 30 minutes — an entry's approval expiry with it.
 * A row is never moved to another day: the trader approved that session's
 * open, and a later one would take the risk at a time nobody chose (the card
 * still names the old day). So a row whose session date is closed by an
 * override is EXPIRED now (closed by
 * {@link SESSION_CLOSED_BY}, its window kept), for the caller to tell its chat. A row whose
 * session cannot be found (beyond the calendar) is left alone.
 *
 * Run before {@link expireDue}, so an order whose open moved is not expired
 * at the old one. For markets whose hours are the whole truth (KRX's
 * calendar with overrides): a US row queued for the open the broker's clock
 * named is not on the calendar's session, so this is not run for US. Rows
 * whose window is unchanged are not touched.
 */
export async function rewindowQueued(deps: Pick<QueueDeps, 'db' | 'hours' | 'market' | 'now'>): Promise<RewindowResult> {
  const now = deps.now();
  // Rows past their stored expiry too: after a run that skipped them (overrides unreadable), a late open may have
  // moved their window past now. A row whose real window has passed keeps it and is expired by expireDue.
  const waiting = (await rowsOf(deps.db, Row, `SELECT ${COLUMNS} FROM queued_orders WHERE state = 'QUEUED' AND market = $1 ORDER BY created_at, id`, [marketOf(deps)])).map(toQueued);
  const moved: QueuedOrder[] = [];
  const expired: QueuedOrder[] = [];
  for (const q of waiting) {
    const session = sessionOnDate(deps.hours, q.sessionDate, q.createdAt.getTime());
    if (session === 'unknown') continue;
    if (session === 'closed') {
      // Its window is kept (the table wants expires_at > send_at); closed_by says why it ended before it.
      const closed = await closeQueued(deps.db, `id = $3`, [q.id], 'EXPIRED', SESSION_CLOSED_BY, now);
      expired.push(...closed);
      continue;
    }
    const w = queueWindowAt(session.open, session.date);
    if (w.sendAt.getTime() === q.sendAt.getTime() && w.expiresAt.getTime() === q.expiresAt.getTime()) continue;
    const rows = await rowsOf(
      deps.db,
      Row,
      `WITH q AS (
         UPDATE queued_orders SET send_at = $2, expires_at = $3, updated_at = $4
          WHERE id = $1 AND state = 'QUEUED' AND session_date = $5::date
         RETURNING ${COLUMNS}
       ), ap AS (
         UPDATE approvals a SET expires_at = $3, updated_at = $4 FROM q WHERE a.id = q.approval_id AND a.state = 'queued'
       )
       SELECT * FROM q`,
      [q.id, w.sendAt, w.expiresAt, now, q.sessionDate],
    );
    if (rows[0]) moved.push(toQueued(rows[0]));
  }
  return { moved, expired };
}

/** How many sessions {@link sessionOnDate} steps through before giving up (a row waits for the next session, so one or two). */
const MAX_SESSION_STEPS = 10;

/**
 * The session `hours` name for `date` (exchange-local `YYYY-MM-DD`), looking
 * forward from `fromMs` (when the row was queued, before that session's open):
 * the session; `closed` when the calendar steps past `date` without a session
 * on it; `unknown` beyond the calendar or too far ahead.
 */
function sessionOnDate(hours: MarketHours, date: string, fromMs: number): SessionInfo | 'closed' | 'unknown' {
  let at = fromMs;
  for (let i = 0; i < MAX_SESSION_STEPS; i++) {
    const s = hours.nextOpen(at);
    if (!s) return 'unknown';
    if (s.date === date) return s;
    if (s.date > date) return 'closed';
    // An earlier session (one reopened after the row was queued): look past it.
    at = s.open + 1;
  }
  return 'unknown';
}

/**
 * At the open (from open + 1 min until the expiry): QUEUED → SENT, each in
 * one statement with an entry's approval `queued` → `approved` and its pick
 * QUEUED → APPROVED, so the order path takes it from there (the execution
 * job re-quotes and runs every check). Also returns the rows SENT before and
 * still inside their window (a crash between this step and the enqueue may
 * have lost the hand-on): the caller's jobs are keyed by the queued order, so
 * handing one on twice runs it once. Only this queue's market's rows, and
 * nothing while its exchange takes no orders; `kinds` limits it to the kinds
 * the caller can hand on.
 */
export async function releaseDue(deps: QueueDeps, opts: { kinds?: readonly QueuedKind[] } = {}): Promise<QueuedOrder[]> {
  const now = deps.now();
  if (!deps.hours.isOpen(now.getTime())) return [];
  const kinds = opts.kinds ?? ['entry', 'close', 'flatten'];
  const market = marketOf(deps);
  const rows = await rowsOf(
    deps.db,
    Row,
    `WITH due AS (
       UPDATE queued_orders SET state = 'SENT', sent_at = $1, updated_at = $1
        WHERE state = 'QUEUED' AND send_at <= $1 AND expires_at > $1 AND kind = ANY($2::text[]) AND market = $3
       RETURNING ${COLUMNS}
     ), ap AS (
       UPDATE approvals a SET state = 'approved', updated_at = $1 FROM due WHERE a.id = due.approval_id AND a.state = 'queued'
     ), pk AS (
       UPDATE picks p SET state = 'APPROVED' FROM due WHERE p.id = due.pick_id AND p.state = 'QUEUED'
     )
     SELECT * FROM due`,
    [now, kinds, market],
  );
  // Sent before but perhaps never handed on (a crash between the flip and the enqueue): handed on
  // again, which is safe because every hand-on is keyed by the queued order (jobId), so it runs once.
  const resend = (await rowsOf(deps.db, Row, `SELECT ${COLUMNS} FROM queued_orders WHERE state = 'SENT' AND expires_at > $1 AND kind = ANY($2::text[]) AND market = $3`, [now, kinds, market])).map(toQueued);
  const fresh = rows.map(toQueued);
  const ids = new Set(fresh.map((q) => q.id));
  return [...fresh, ...resend.filter((q) => !ids.has(q.id))];
}

/** QUEUED → `state` for the rows `where` selects ($1 = now, $2 = by, $3… = params), with an entry's approval and pick; returns the rows changed. */
async function closeQueued(db: SqlSession, where: string, params: unknown[], state: 'CANCELLED' | 'EXPIRED', by: string, now: Date): Promise<QueuedOrder[]> {
  const approvalState = state === 'CANCELLED' ? 'cancelled' : 'expired';
  const rows = await rowsOf(
    db,
    Row,
    `WITH closed AS (
       UPDATE queued_orders SET state = '${state}', closed_at = $1, closed_by = $2, updated_at = $1
        WHERE state = 'QUEUED' AND ${where}
       RETURNING ${COLUMNS}
     ), ap AS (
       UPDATE approvals a SET state = '${approvalState}', updated_at = $1 FROM closed WHERE a.id = closed.approval_id AND a.state = 'queued'
     ), pk AS (
       UPDATE picks p SET state = '${state}' FROM closed WHERE p.id = closed.pick_id AND p.state = 'QUEUED'
     )
     SELECT * FROM closed ORDER BY created_at, id`,
    [now, by, ...params],
  );
  return rows.map(toQueued);
}
