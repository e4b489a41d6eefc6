import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgInt } from '../../lib/sql-columns.js';
import { rowOf } from '../../lib/sql-rows.js';

/** avg() of double precision is double precision (null over no rows); the count is cast to int. */
const AdvRow = z.object({ adv: pgInt.nullable(), n: pgInt });

/**
 * Average daily dollar volume (close × volume) over the last `sessions`
 * stored bars of a symbol, from `bars_daily`; null when none are stored.
 */
export function dollarAdvFromBars(db: SqlSession, sessions = 20): (symbol: string) => Promise<number | null> {
  return async (symbol) => {
    const row = await rowOf(
      db,
      AdvRow,
      `SELECT avg(close * volume) AS adv, count(*)::int AS n
         FROM (SELECT close, volume FROM bars_daily WHERE symbol = $1 ORDER BY date DESC LIMIT $2) recent`,
      [symbol.toUpperCase(), sessions],
    );
    return row && row.n > 0 && row.adv !== null ? Number(row.adv) : null;
  };
}
