import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { isTerminal } from '../../lib/order-status.js';
import { pgBool, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowOf } from '../../lib/sql-rows.js';
import { lookUpEvidence } from './broker-evidence.js';
import { ExitDesk, type ExitOrderRow } from './exit-order.js';
import type { ExecutionDeps } from './execute.js';
import type { ExitDeps } from './exit-types.js';
import { refOf } from './order-lifecycle.js';
import { reasonParam, type RecordedReason } from './recorded-reasons.js';
import type { BrokerEvidence, ExitResolveResult } from './stuck-types.js';

/**
 * An admin settling an EXIT order (stop, time stop, target, close, flatten)
 * stuck after its attempt mark — typically one whose client order id another
 * order holds at the broker, which no run will ever book and which blocks the
 * position's exits. Only two ways out, each under the position lock and only
 * for the exit row's state the admin was shown:
 *
 * - Mark failed: the broker has no order under the id, or the one there is not
 *   ours (its terms differ). The row is closed unbooked with nothing sold, so
 *   the position's next exit run decides afresh under a NEW row and id.
 * - Book fill: the broker's order IS ours and final: booked once through the
 *   exit desk's own booking, exactly as the recovery pass would.
 *
 * Never sends an order.
 */

/** Client order ids of exits and closes (`cx-<letter>-<yyyymmdd>-<hex>`, see exit-ids.ts), older forms included: /resolve looks them up. */
const EXIT_CID = /^cx-[a-z0-9-]{1,60}$/;

/** True when `text` has the shape of an exit's client order id (as /stuck lists it). */
export function looksLikeExitClientOrderId(text: string): boolean {
  return EXIT_CID.test(text.trim().toLowerCase());
}

/** What the evidence says about the order under our id: ours (`found`: its terms match what we sent), none there, not ours (other terms), or unknown (the lookup failed). */
export type ExitEvidenceVerdict = 'ours' | 'none' | 'not_ours' | 'unknown';

export function verdictOf(e: BrokerEvidence): ExitEvidenceVerdict {
  if (e.kind === 'found') return 'ours';
  if (e.kind === 'none') return 'none';
  return e.otherOrder ? 'not_ours' : 'unknown';
}

/** The choices the evidence allows (the press checks again against a fresh lookup). */
export function exitChoices(e: BrokerEvidence): { markFailed: boolean; bookFill: boolean } {
  const v = verdictOf(e);
  return { markFailed: v === 'none' || v === 'not_ours', bookFill: v === 'ours' && e.kind === 'found' && isTerminal(e.status) };
}

/** An exit row's version (microseconds, a bigint as text), the moment it stands for, its state and whether it is booked. */
const ExitVersionRow = z.object({ v: pgText, at: pgTimestamp, state: pgText, booked: pgBool });

/**
 * The state version of an exit order row as a /resolve confirmation binds it:
 * its `updated_at` in microseconds (as `approvalStateVersion`). Any write to
 * the row (an ack, a booking, a closing) moves it. Null when there is no such exit.
 */
export async function exitStateVersion(db: SqlSession, clientOrderId: string): Promise<{ version: number; changedAt: Date; state: string; booked: boolean } | null> {
  const r = await rowOf(
    db,
    ExitVersionRow,
    `SELECT floor(extract(epoch FROM updated_at) * 1000000)::bigint::text AS v, updated_at AS at, state, booked_at IS NOT NULL AS booked
       FROM orders WHERE client_order_id = $1 AND kind = 'exit'`,
    [clientOrderId],
  );
  return r ? { version: Number(r.v), changedAt: r.at, state: r.state, booked: r.booked } : null;
}

/** How an admin asked to settle an exit (the version is what they were shown). */
export type ExitSettleMode = { kind: 'mark_failed' | 'book_fill'; by: string; version: number };

/** The exit desk over the entries' deps (the bot's /resolve has those): look-ups and bookings only, never a POST. */
export function exitDeskFor(execution: ExecutionDeps, lockWaitMs: number): ExitDesk {
  const deps: ExitDeps = {
    db: execution.db,
    broker: execution.broker,
    quotes: execution.quotes,
    killSwitch: execution.killSwitch,
    audit: execution.audit,
    lockWaitMs,
    ...(execution.now ? { now: execution.now } : {}),
    ...(execution.logger ? { logger: execution.logger } : {}),
    ...(execution.scrub ? { scrub: execution.scrub } : {}),
  };
  return new ExitDesk(deps);
}

/**
 * Settles one stuck exit as an admin confirmed it (see the module comment).
 * `olderThan`: only an attempt mark older than this is stuck (a younger one
 * may have a live run). The broker is asked again at the press: what it says
 * now decides, not what the admin saw.
 */
export async function settleExit(desk: ExitDesk, clientOrderId: string, mode: ExitSettleMode, olderThan: Date): Promise<ExitResolveResult> {
  const cid = clientOrderId;
  const o = await desk.orderByClientId(cid);
  if (!o) return { kind: 'not_stuck', clientOrderId: cid };
  const got = await desk.withPosition({ symbol: o.symbol, strategy: o.strategy }, () => settleLocked(desk, cid, mode, olderThan));
  return got === 'busy' ? { kind: 'busy', clientOrderId: cid } : got;
}

async function settleLocked(desk: ExitDesk, cid: string, mode: ExitSettleMode, olderThan: Date): Promise<ExitResolveResult> {
  const o = await desk.orderByClientId(cid);
  const attemptedAt = o?.submit_attempted_at ?? null;
  if (!o || o.booked_at !== null || attemptedAt === null || attemptedAt.getTime() > olderThan.getTime()) return { kind: 'not_stuck', clientOrderId: cid };
  // The confirmation was spent for the state the admin saw; under the lock it must still be that state.
  const now = await exitStateVersion(desk.deps.db, cid);
  if (now?.version !== mode.version) return { kind: 'changed', clientOrderId: cid, version: now?.version ?? -1 };
  const { found, evidence } = await lookUpEvidence(desk.deps.broker, refOf(o), (t) => desk.text(t));
  const verdict = verdictOf(evidence);
  if (mode.kind === 'book_fill') {
    if (!found) return { kind: 'ambiguous', clientOrderId: cid, cause: verdict === 'not_ours' ? 'not_ours' : verdict === 'unknown' ? 'lookup_failed' : 'nothing_to_book', evidence };
    if (!isTerminal(found.status)) return { kind: 'ambiguous', clientOrderId: cid, cause: 'working', evidence };
    // The same booking the recovery pass and the exit runs use: once (booked_at IS NULL), position reduced, P&L.
    if (await desk.book(o, found)) await desk.audit('exit.recovered', { clientOrderId: cid, symbol: o.symbol, strategy: o.strategy, how: 'book_fill', by: mode.by, attemptedAt: attemptedAt.toISOString(), evidence });
    return { kind: 'booked', clientOrderId: cid, outcome: await desk.withRemaining(desk.outcome((await desk.orderByClientId(cid))!)), evidence };
  }
  // Mark failed: only when nothing of ours is there. A lookup that failed proves nothing, so it closes nothing.
  if (verdict === 'ours') return { kind: 'ambiguous', clientOrderId: cid, cause: 'order_at_broker', evidence };
  if (verdict === 'unknown') return { kind: 'ambiguous', clientOrderId: cid, cause: 'lookup_failed', evidence };
  if (!(await markFailed(desk, o, mode, attemptedAt, evidence))) {
    const after = await exitStateVersion(desk.deps.db, cid);
    return after?.booked ? { kind: 'not_stuck', clientOrderId: cid } : { kind: 'changed', clientOrderId: cid, version: after?.version ?? -1 };
  }
  return { kind: 'failed', clientOrderId: cid, outcome: await desk.withRemaining(desk.outcome((await desk.orderByClientId(cid))!)), evidence };
}

/**
 * Closes the exit row unbooked: state `rejected`, nothing filled, P&L 0, with the
 * recorded reason. The code is `lost_after_crash` with `markedBy` (the one the
 * entries' Mark failed records too): the exit desk's attempts-per-day count
 * skips it, so the position's next exit run may send a new order. Guarded on
 * the version too: a write the lock did not cover leaves the row alone.
 */
async function markFailed(desk: ExitDesk, o: ExitOrderRow, mode: ExitSettleMode, attemptedAt: Date, evidence: BrokerEvidence): Promise<boolean> {
  const reason: RecordedReason = { code: 'lost_after_crash', symbol: o.symbol, attemptedAt: attemptedAt.toISOString(), markedBy: mode.by, order: 'exit' };
  const now = desk.deps.now?.() ?? new Date();
  const upd = await desk.deps.db.rows(
    `UPDATE orders SET state = 'rejected', reject_reason = NULL, reject_detail = $3::jsonb, realized_pnl = 0, booked_at = $4, updated_at = $4
      WHERE id = $1 AND kind = 'exit' AND booked_at IS NULL AND floor(extract(epoch FROM updated_at) * 1000000)::bigint = $2 RETURNING id`,
    [o.id, mode.version, reasonParam(reason), now],
  );
  if (upd.length === 0) return false;
  await desk.audit('exit.marked_failed', { clientOrderId: o.client_order_id, symbol: o.symbol, strategy: o.strategy, reason: o.exit_reason, by: mode.by, recorded: reason, evidence });
  return true;
}
