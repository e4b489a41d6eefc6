import type { Candle } from '../../adapters/charts/port.js';
import type { SqlSession } from '../../adapters/db/port.js';
import { FILL_CHART_BARS } from '../portfolio/fill-context.js';

/** What a close confirmation's chart shows besides the sale: recent candles, and whether they are synthetic DEMO bars. */
export interface CloseChartData {
  /** Oldest first, at most {@link FILL_CHART_BARS}. */
  candles: Candle[];
  demo: boolean;
}

/** The symbol's recent daily candles (the same window as a fill confirmation's). */
export async function loadCloseChart(db: SqlSession, symbol: string): Promise<CloseChartData> {
  const [bars, demo] = await Promise.all([
    db.rows<{ date: string; open: number; high: number; low: number; close: number }>(
      `SELECT to_char(date, 'YYYY-MM-DD') AS date, open, high, low, close FROM (
         SELECT date, open, high, low, close FROM bars_daily WHERE symbol = $1 ORDER BY date DESC LIMIT $2) t ORDER BY date`,
      [symbol, FILL_CHART_BARS],
    ),
    db.rows<{ demo: boolean }>(`SELECT demo FROM bar_symbols WHERE symbol = $1`, [symbol]),
  ]);
  return { candles: bars.map((b) => ({ date: b.date, o: b.open, h: b.high, l: b.low, c: b.close })), demo: demo[0]?.demo ?? false };
}
