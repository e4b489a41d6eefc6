import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgInt, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';

/** Where expiries are recorded (the audit chain's `AuditLog.append`). */
export interface ExpiryAuditSink {
  append(e: { action: string; actor: string | number; [k: string]: unknown }): Promise<number>;
}

/** How often a worker sweeps expired picks. */
export const PICK_EXPIRY_SWEEP_MS = 60_000;
/** Picks that expired longer ago than this are history from before the sweep existed: not recorded now. */
const LOOK_BACK = `interval '7 days'`;
/** Most picks one sweep records (a whole scan's worth). */
const BATCH = 500;

/** An expired pick; `session_date` formatted as text in the statement. */
const ExpiredRow = z.object({ id: pgText, symbol: pgText, strategy: pgText, session_date: pgText, expires_at: pgTimestamp, qty: pgInt });

/**
 * Records each pick that expired undecided: one `pick.expired` audit row (the
 * decision journal reads `pick.*` from the chain), then PENDING → EXPIRED.
 * Picks expire lazily elsewhere (a listing or a late Approve flips the state
 * without a record), so an undecided pick is recorded whatever its state, once:
 * one that already has its audit row is skipped, so a sweep that died between
 * the two writes is completed by the next one without a second row.
 */
export async function recordExpiredPicks(db: SqlSession, audit: ExpiryAuditSink, now: Date): Promise<number> {
  const due = await rowsOf(
    db,
    ExpiredRow,
    `SELECT p.id, p.symbol, p.strategy, to_char(p.session_date, 'YYYY-MM-DD') AS session_date, p.expires_at, p.qty
       FROM picks p
      WHERE p.state IN ('PENDING', 'EXPIRED') AND p.decided_at IS NULL
        AND p.expires_at <= $1 AND p.expires_at > $1::timestamptz - ${LOOK_BACK}
        AND NOT EXISTS (SELECT 1 FROM audit_log l WHERE l.payload->>'action' = 'pick.expired' AND l.payload->>'pickId' = p.id)
      ORDER BY p.expires_at, p.id
      LIMIT ${BATCH}`,
    [now],
  );
  for (const p of due) {
    await audit.append({ action: 'pick.expired', actor: 'worker', pickId: p.id, symbol: p.symbol, strategy: p.strategy, session: p.session_date, qty: p.qty, expiredAt: p.expires_at.toISOString() });
  }
  if (due.length > 0) await db.exec(`UPDATE picks SET state = 'EXPIRED' WHERE id = ANY($1::text[]) AND state = 'PENDING'`, [due.map((p) => p.id)]);
  return due.length;
}
