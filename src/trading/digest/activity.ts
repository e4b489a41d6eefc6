import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { MARKETS, type Market } from '../../engine/market/markets.js';
import { pgBool } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';

const ActivityRow = z.object({ any: pgBool });

/**
 * Whether `market`'s book has anything for a digest of its session day `sessionDate` (a date in
 * the market's own zone: Seoul for KR): an open position, a pick made that day or still pending,
 * an approval or an order created or closed that day (fills and failures included), or an
 * order still open. Global alerts do not count: they are not the market's book, and the US
 * digest already carries them.
 *
 * Why: every user gets KR digests by default, at night New York time; on a US-only setup the KR
 * book is empty, and a scheduled KR digest then says nothing but "nothing happened" — so the
 * digest job skips it (/digest kr asked for by hand still answers).
 */
export async function marketBookHasNews(db: SqlSession, market: Market, sessionDate: string): Promise<boolean> {
  const zone = MARKETS[market].timeZone;
  const day = (col: string) => `(${col} AT TIME ZONE $3)::date = $2::date`;
  const rows = await rowsOf(
    db,
    ActivityRow,
    `SELECT (
       EXISTS (SELECT 1 FROM positions WHERE market = $1 AND qty > 0)
       OR EXISTS (SELECT 1 FROM picks WHERE market = $1 AND (state = 'PENDING' OR ${day('created_at')}))
       OR EXISTS (SELECT 1 FROM approvals a JOIN picks p ON p.id = a.pick_id WHERE p.market = $1 AND (${day('a.approved_at')} OR ${day('a.updated_at')}))
       OR EXISTS (SELECT 1 FROM orders WHERE market = $1 AND ((booked_at IS NULL AND state IN ('new', 'submitted', 'partially_filled')) OR ${day('created_at')} OR ${day('COALESCE(booked_at, updated_at)')}))
     ) AS any`,
    [market, sessionDate, zone],
  );
  return rows[0]?.any ?? false;
}
