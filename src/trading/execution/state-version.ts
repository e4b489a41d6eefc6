import type { SqlSession } from '../../adapters/db/port.js';

/**
 * The state version of an approval as a confirmation binds it (/resolve's
 * buttons): the latest `updated_at` of the approval and its order row, in
 * microseconds since the epoch (exact in a JS number until the year 2255).
 * Any change to either row (an ack, a booking, a closing) moves it, so a
 * press made for what an admin saw earlier is refused. Null when there is no
 * such approval.
 */
export async function approvalStateVersion(db: SqlSession, approvalId: string): Promise<{ version: number; changedAt: Date } | null> {
  const rows = await db.rows<{ v: string; at: Date }>(
    `SELECT floor(extract(epoch FROM greatest(a.updated_at, o.updated_at)) * 1000000)::bigint::text AS v, greatest(a.updated_at, o.updated_at) AS at
       FROM approvals a LEFT JOIN orders o ON o.approval_id = a.id WHERE a.id = $1`,
    [approvalId],
  );
  const r = rows[0];
  return r ? { version: Number(r.v), changedAt: r.at } : null;
}
