import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { roleAllows, type Role } from '../../lib/roles.js';
import { pgInt, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowOf } from '../../lib/sql-rows.js';

/** Who may approve or reject: traders and admins. */
export const APPROVER_ROLE: Role = 'trader';

/** How long after an approval its execution may still start. Default 15 minutes. */
export const DEFAULT_EXECUTION_WINDOW_MS = 15 * 60_000;

export interface DecideInput {
  pickId: string;
  /** Telegram user id of whoever tapped. */
  userId: number;
  role: Role;
  now: Date;
}

export interface DecideOptions {
  /** Appends `pick.approved` / `pick.rejected` to the audit chain when given. */
  audit?: { append(e: { action: string; actor: string | number; [k: string]: unknown }): Promise<number> };
  /** Approvals only: how long execution may take to start. Default 15 min. */
  executionWindowMs?: number;
  /** Where a failed audit append is reported (the decision stands either way). */
  log?: Pick<Logger, 'error'>;
}

export type ApproveResult =
  | { kind: 'approved'; approvalId: string; pickId: string; symbol: string; strategy: string; qty: number; entry: number; expiresAt: Date }
  | AlreadyDecided
  | { kind: 'expired'; pickId: string; expiredAt: Date }
  | { kind: 'not_found'; pickId: string }
  | { kind: 'forbidden'; pickId: string; role: Role; needed: Role };

export type RejectResult =
  | { kind: 'rejected'; pickId: string; symbol: string; strategy: string }
  | AlreadyDecided
  | { kind: 'expired'; pickId: string; expiredAt: Date }
  | { kind: 'not_found'; pickId: string }
  | { kind: 'forbidden'; pickId: string; role: Role; needed: Role };

/** The pick was decided before this tap: by whom, when, and (when approved) the approval to re-enqueue. */
export interface AlreadyDecided {
  kind: 'already_decided';
  pickId: string;
  state: string;
  decidedBy: number | null;
  decidedAt: Date | null;
  approvalId: string | null;
}

/** The pick as a decision finds it; `decided_by` is a bigint (text), the approval id a uuid. */
const PickStateRow = z.object({
  state: pgText,
  decided_by: pgText.nullable(),
  decided_at: pgTimestamp.nullable(),
  expires_at: pgTimestamp,
  approval_id: pgText.nullable(),
});

/** The pick an approval won (qty integer, entry double precision) and its approval. */
const ApprovedRow = z.object({ symbol: pgText, strategy: pgText, qty: pgInt, entry: pgInt, approval_id: pgText, expires_at: pgTimestamp });
const RejectedRow = z.object({ symbol: pgText, strategy: pgText });

/** Reports a failed audit append: the decision is committed already, so it stands. */
function auditFailed(opts: DecideOptions, action: string, pickId: string): (err: unknown) => void {
  return (err) => opts.log?.error({ err, action, pickId }, 'audit append failed; the decision stands');
}

/**
 * Approves a PENDING, unexpired pick: ONE statement flips the pick to
 * APPROVED (`UPDATE … WHERE state = 'PENDING' AND expires_at > now`) and
 * inserts the approval row from what it returned, so concurrent taps
 * serialise on the pick's row lock and exactly one of them wins; the unique
 * `approvals.pick_id` backs that up. Everyone else learns who decided, when.
 * Enqueue `execution.run` with the returned approval id (jobId
 * `exec-<approvalId>`); execution is idempotent anyway.
 */
export async function approvePick(db: SqlSession, input: DecideInput, opts: DecideOptions = {}): Promise<ApproveResult> {
  const { pickId, userId, role, now } = input;
  if (!roleAllows(role, APPROVER_ROLE)) return { kind: 'forbidden', pickId, role, needed: APPROVER_ROLE };
  const windowMs = opts.executionWindowMs ?? DEFAULT_EXECUTION_WINDOW_MS;
  const approvalId = randomUUID();
  const won = await rowOf(
    db,
    ApprovedRow,
    `WITH decided AS (
       UPDATE picks SET state = 'APPROVED', decided_by = $2, decided_at = $3
        WHERE id = $1 AND state = 'PENDING' AND expires_at > $3
       RETURNING id, symbol, strategy, qty, entry
     ), approval AS (
       INSERT INTO approvals (id, pick_id, approved_by, approved_at, expires_at, state, updated_at)
       SELECT $4, id, $2, $3, $5, 'approved', $3 FROM decided
       RETURNING id, expires_at
     )
     SELECT d.symbol, d.strategy, d.qty, d.entry, a.id AS approval_id, a.expires_at FROM decided d, approval a`,
    [pickId, userId, now, approvalId, new Date(now.getTime() + windowMs)],
  );
  if (won) {
    await opts.audit
      ?.append({ action: 'pick.approved', actor: userId, pickId, approvalId: won.approval_id, symbol: won.symbol, strategy: won.strategy, qty: won.qty })
      .catch(auditFailed(opts, 'pick.approved', pickId));
    return { kind: 'approved', approvalId: won.approval_id, pickId, symbol: won.symbol, strategy: won.strategy, qty: won.qty, entry: won.entry, expiresAt: won.expires_at };
  }
  return explainDecision(db, pickId, now);
}

/** Rejects a PENDING, unexpired pick; same atomicity and answers as {@link approvePick}. */
export async function rejectPick(db: SqlSession, input: DecideInput, opts: DecideOptions = {}): Promise<RejectResult> {
  const { pickId, userId, role, now } = input;
  if (!roleAllows(role, APPROVER_ROLE)) return { kind: 'forbidden', pickId, role, needed: APPROVER_ROLE };
  const won = await rowOf(
    db,
    RejectedRow,
    `UPDATE picks SET state = 'REJECTED', decided_by = $2, decided_at = $3
      WHERE id = $1 AND state = 'PENDING' AND expires_at > $3
     RETURNING symbol, strategy`,
    [pickId, userId, now],
  );
  if (won) {
    await opts.audit?.append({ action: 'pick.rejected', actor: userId, pickId, symbol: won.symbol, strategy: won.strategy }).catch(auditFailed(opts, 'pick.rejected', pickId));
    return { kind: 'rejected', pickId, symbol: won.symbol, strategy: won.strategy };
  }
  return explainDecision(db, pickId, now);
}

/** Why a decision did not apply: unknown pick, already decided, or expired (marked EXPIRED on the way). Also the queue's answer. */
export async function explainDecision(db: SqlSession, pickId: string, now: Date): Promise<AlreadyDecided | { kind: 'expired'; pickId: string; expiredAt: Date } | { kind: 'not_found'; pickId: string }> {
  const row = await rowOf(
    db,
    PickStateRow,
    `SELECT p.state, p.decided_by, p.decided_at, p.expires_at, a.id AS approval_id
       FROM picks p LEFT JOIN approvals a ON a.pick_id = p.id WHERE p.id = $1`,
    [pickId],
  );
  if (!row) return { kind: 'not_found', pickId };
  if (row.state === 'PENDING' || row.state === 'EXPIRED') {
    if (row.state === 'PENDING') await db.exec(`UPDATE picks SET state = 'EXPIRED' WHERE id = $1 AND state = 'PENDING' AND expires_at <= $2`, [pickId, now]);
    if (row.state === 'EXPIRED' || row.expires_at.getTime() <= now.getTime()) return { kind: 'expired', pickId, expiredAt: row.expires_at };
  }
  return {
    kind: 'already_decided',
    pickId,
    state: row.state,
    decidedBy: row.decided_by === null ? null : Number(row.decided_by),
    decidedAt: row.decided_at,
    approvalId: row.approval_id,
  };
}
