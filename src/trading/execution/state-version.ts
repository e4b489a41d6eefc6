import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowOf } from '../../lib/sql-rows.js';

/** The version as text (a bigint of microseconds) and the moment it stands for. */
const VersionRow = z.object({ v: pgText, at: pgTimestamp });

/**
 * The state version of an approval as a confirmation binds it (/resolve's
 * buttons): the latest `updated_at` of the approval and its order row, in
 * microseconds since the epoch (exact in a JS number until the year 2255).
 * Any change to either row (an ack, a booking, a closing) moves it, so a
 * press made for what an admin saw earlier is refused. Null when there is no
 * such approval.
 */
export async function approvalStateVersion(db: SqlSession, approvalId: string): Promise<{ version: number; changedAt: Date } | null> {
  const r = await rowOf(
    db,
    VersionRow,
    `SELECT floor(extract(epoch FROM greatest(a.updated_at, o.updated_at)) * 1000000)::bigint::text AS v, greatest(a.updated_at, o.updated_at) AS at
       FROM approvals a LEFT JOIN orders o ON o.approval_id = a.id WHERE a.id = $1`,
    [approvalId],
  );
  return r ? { version: Number(r.v), changedAt: r.at } : null;
}
