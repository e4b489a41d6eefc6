import type { DataSource } from 'typeorm';

/**
 * Average daily dollar volume (close × volume) over the last `sessions`
 * stored bars of a symbol, from `bars_daily`; null when none are stored.
 */
export function dollarAdvFromBars(ds: DataSource, sessions = 20): (symbol: string) => Promise<number | null> {
  return async (symbol) => {
    const found = (await ds.query(
      `SELECT avg(close * volume) AS adv, count(*)::int AS n
         FROM (SELECT close, volume FROM bars_daily WHERE symbol = $1 ORDER BY date DESC LIMIT $2) recent`,
      [symbol.toUpperCase(), sessions],
    )) as { adv: number | null; n: number }[];
    const row = found[0];
    return row && row.n > 0 && row.adv !== null ? Number(row.adv) : null;
  };
}
