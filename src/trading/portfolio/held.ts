import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import type { Market } from '../../engine/market/markets.js';
import { rowsOf } from '../../lib/sql-rows.js';

const CountRow = z.object({ n: z.number().int() });

/**
 * How many open positions (qty > 0, any strategy) `market`'s book holds in
 * Postgres. A cheap yes/no for offers that only make sense with a book to act
 * on (`/kill flatten` of the KR book). Throws when Postgres does not answer:
 * the caller decides what an unknown book means.
 */
export async function heldCount(db: SqlSession, market: Market): Promise<number> {
  const rows = await rowsOf(db, CountRow, `SELECT count(*)::int AS n FROM positions WHERE market = $1 AND qty > 0`, [market]);
  return rows[0]?.n ?? 0;
}
