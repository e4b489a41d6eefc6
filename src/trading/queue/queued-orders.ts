import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { SqlSession, TableSession } from '../../adapters/db/port.js';
import type { ControlsTables, QueuedKind, QueuedOrderRecord, QueuedState } from '../../adapters/db/tables/controls/port.js';
import type { BrokerClock } from '../../adapters/brokers/port.js';
import { queueWindow, queueWindowAt, type MarketHours, type QueueWindow } from '../../engine/market-hours.js';
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
 */

export type { QueuedKind, QueuedState } from '../../adapters/db/tables/controls/port.js';
/** One queued order, as figures (the `queued_orders` row; see the controls tables' port). */
export type QueuedOrder = QueuedOrderRecord;

/**
 * What the queue needs: Postgres, the market's hours and the clock. Its
 * state changes are reviewed SQL on `db`; its plain reads and the insert of a
 * queued exit go through `db.tables`.
 */
export interface QueueDeps {
  db: TableSession;
  hours: MarketHours;
  now: () => Date;
  /**
   * The broker's own clock (Alpaca's GET /v2/clock, cached and shared). While
   * our calendar says open but it says closed (an unscheduled closure, a halt
   * day), an entry may be queued for the open the broker names. Absent: our
   * calendar alone decides.
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
});
type Row = z.output<typeof Row>;

/** The columns a {@link Row} holds, optionally of a table alias (`q.`). */
function columns(t = ''): string {
  return `${t}id, ${t}kind, ${t}state, to_char(${t}session_date, 'YYYY-MM-DD') AS session_date, ${t}send_at, ${t}expires_at, ${t}approval_id, ${t}pick_id, ${t}symbol,
  ${t}strategy, ${t}side, ${t}qty, ${t}kill_epoch::text AS kill_epoch, ${t}requested_by::text AS requested_by, ${t}role, ${t}chat_id::text AS chat_id, ${t}card_message_id, ${t}created_at`;
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
          -- The open queue sends at the NYSE open: only a US pick is queued (a KR card offers no queue).
          AND market = 'US'
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
    [input.pickId, input.userId, now, randomUUID(), w.expiresAt, newId(), w.sessionDate, w.sendAt, input.role, input.chatId, input.cardMessageId ?? null],
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
  const clock = deps.brokerClock
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

/**
 * Queues the sale of one open position for the open (`/close` outside the
 * session): side sell, `qty` shares of (symbol, strategy). One queued sale per
 * position: a second request answers with the first. `killEpoch`: set when
 * an admin confirmed selling under the kill switch; the sale is then bound to
 * that epoch at the open as at the moment of the confirm.
 */
export async function queueExit(
  deps: QueueDeps,
  input: { symbol: string; strategy: string; qty: number; userId: number; role: Role; chatId: number; killEpoch?: number },
): Promise<QueueExitResult> {
  if (!roleAllows(input.role, 'trader')) return { kind: 'forbidden', role: input.role, needed: 'trader' };
  return insertExit(deps, 'close', input, (t) => t.queuedClose(input.symbol, input.strategy));
}

/** Queues `/kill flatten` for the open, bound to the kill epoch it was confirmed for. One per epoch. */
export async function queueFlatten(deps: QueueDeps, input: { killEpoch: number; userId: number; role: Role; chatId: number }): Promise<QueueExitResult> {
  if (!roleAllows(input.role, 'admin')) return { kind: 'forbidden', role: input.role, needed: 'admin' };
  return insertExit(deps, 'flatten', input, (t) => t.queuedFlatten(input.killEpoch));
}

/** Stores a queued exit unless its twin (`queued`: the one its unique index allows) is queued already; then answers with that one. */
async function insertExit(
  deps: QueueDeps,
  kind: 'close' | 'flatten',
  input: { symbol?: string; strategy?: string; qty?: number; userId: number; role: Role; chatId: number; killEpoch?: number },
  queued: (t: ControlsTables) => Promise<QueuedOrder | null>,
): Promise<QueueExitResult> {
  const now = deps.now();
  if (deps.hours.isOpen(now.getTime())) return { kind: 'market_open' };
  const w = queueWindow(deps.hours, now.getTime());
  if (!w) return { kind: 'no_session' };
  const stored = await deps.db.tables.controls.insertQueuedExit({
    id: newId(),
    kind,
    sessionDate: w.sessionDate,
    sendAt: w.sendAt,
    expiresAt: w.expiresAt,
    symbol: input.symbol ?? null,
    strategy: input.strategy ?? null,
    side: kind === 'close' ? 'sell' : null,
    qty: input.qty ?? null,
    killEpoch: input.killEpoch ?? null,
    requestedBy: input.userId,
    role: input.role,
    chatId: input.chatId,
    createdAt: now,
  });
  if (stored) return { kind: 'queued', order: stored };
  const existing = await queued(deps.db.tables.controls);
  if (!existing) throw new Error(`queued ${kind} vanished between insert and read`);
  return { kind: 'already_queued', order: existing };
}

export type CancelQueuedResult =
  | { kind: 'cancelled'; order: QueuedOrder }
  | { kind: 'not_found'; id: string }
  /** Already sent, cancelled or expired: nothing changed. */
  | { kind: 'not_queued'; order: QueuedOrder }
  | { kind: 'forbidden'; role: Role; needed: Role };

/** `/cancel <id>` and the Cancel button: QUEUED → CANCELLED (an entry's approval and pick with it), once. */
export async function cancelQueued(deps: Pick<QueueDeps, 'db' | 'now'>, input: { id: string; by: number; role: Role }): Promise<CancelQueuedResult> {
  const id = input.id.toLowerCase();
  if (!QUEUED_ID.test(id)) return { kind: 'not_found', id: input.id };
  const order = await deps.db.tables.controls.queuedOrder(id);
  if (!order) return { kind: 'not_found', id };
  const needed: Role = order.kind === 'flatten' ? 'admin' : 'trader';
  if (!roleAllows(input.role, needed)) return { kind: 'forbidden', role: input.role, needed };
  const closed = await closeQueued(deps.db, `id = $3`, [id], 'CANCELLED', String(input.by), deps.now());
  return closed[0] ? { kind: 'cancelled', order: closed[0] } : { kind: 'not_queued', order: (await deps.db.tables.controls.queuedOrder(id)) ?? order };
}

/** `/kill`: every queued order is cancelled (none may reach a broker at the open). */
export async function cancelAllQueued(deps: { db: SqlSession; now: () => Date }, by: string): Promise<QueuedOrder[]> {
  return closeQueued(deps.db, 'true', [], 'CANCELLED', by, deps.now());
}

/** Queued orders not sent yet, oldest first (/orders, /cancel without an id). */
export async function listQueued(db: TableSession): Promise<QueuedOrder[]> {
  return db.tables.controls.waitingQueuedOrders();
}

/** One queued order by id (any state), or null. */
export async function getQueued(db: TableSession, id: string): Promise<QueuedOrder | null> {
  if (!QUEUED_ID.test(id)) return null;
  return db.tables.controls.queuedOrder(id);
}

/** Queued orders whose expiry has passed become EXPIRED (an entry's approval `expired`, its pick EXPIRED); returns them, to tell their chats. */
export async function expireDue(deps: { db: SqlSession; now: () => Date }): Promise<QueuedOrder[]> {
  const now = deps.now();
  return closeQueued(deps.db, `expires_at <= $3`, [now], 'EXPIRED', 'open-queue', now);
}

/**
 * At the open (from open + 1 min until the expiry): QUEUED → SENT, each in
 * one statement with an entry's approval `queued` → `approved` and its pick
 * QUEUED → APPROVED, so the order path takes it from there (the execution
 * job re-quotes and runs every check). Also returns the rows SENT before and
 * still inside their window (a crash between this step and the enqueue may
 * have lost the hand-on): the caller's jobs are keyed by the queued order, so
 * handing one on twice runs it once. Nothing is released while the market is
 * closed; `kinds` limits it to the kinds the caller can hand on.
 */
export async function releaseDue(deps: QueueDeps, opts: { kinds?: readonly QueuedKind[] } = {}): Promise<QueuedOrder[]> {
  const now = deps.now();
  if (!deps.hours.isOpen(now.getTime())) return [];
  const kinds = opts.kinds ?? ['entry', 'close', 'flatten'];
  const rows = await rowsOf(
    deps.db,
    Row,
    `WITH due AS (
       UPDATE queued_orders SET state = 'SENT', sent_at = $1, updated_at = $1
        WHERE state = 'QUEUED' AND send_at <= $1 AND expires_at > $1 AND kind = ANY($2::text[])
       RETURNING ${COLUMNS}
     ), ap AS (
       UPDATE approvals a SET state = 'approved', updated_at = $1 FROM due WHERE a.id = due.approval_id AND a.state = 'queued'
     ), pk AS (
       UPDATE picks p SET state = 'APPROVED' FROM due WHERE p.id = due.pick_id AND p.state = 'QUEUED'
     )
     SELECT * FROM due`,
    [now, kinds],
  );
  // Sent before but perhaps never handed on (a crash between the flip and the enqueue): handed on
  // again, which is safe because every hand-on is keyed by the queued order (jobId), so it runs once.
  const resend = await deps.db.tables.controls.sentQueuedOrders(kinds, now);
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
