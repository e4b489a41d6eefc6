import type { SqlSession } from '../../adapters/db/port.js';

/**
 * Average daily dollar volume (close × volume) over the last `sessions`
 * stored bars of a symbol, from `bars_daily`; null when none are stored.
 */
export function dollarAdvFromBars(db: SqlSession, sessions = 20): (symbol: string) => Promise<number | null> {
  return async (symbol) => {
    const found = await db.rows<{ adv: number | null; n: number }>(
      `SELECT avg(close * volume) AS adv, count(*)::int AS n
         FROM (SELECT close, volume FROM bars_daily WHERE symbol = $1 ORDER BY date DESC LIMIT $2) recent`,
      [symbol.toUpperCase(), sessions],
    );
    const row = found[0];
    return row && row.n > 0 && row.adv !== null ? Number(row.adv) : null;
  };
}
