import { z } from 'zod';
import type { Candle } from '../../adapters/charts/port.js';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgBool, pgInt, pgText } from '../../lib/sql-columns.js';
import { rowOf, rowsOf } from '../../lib/sql-rows.js';
import { FILL_CHART_BARS } from '../portfolio/fill-context.js';

/** What a close confirmation's chart shows besides the sale: recent candles, and whether they are synthetic DEMO bars. */
export interface CloseChartData {
  /** Oldest first, at most {@link FILL_CHART_BARS}. */
  candles: Candle[];
  demo: boolean;
}

/** One daily bar (prices are double precision; the date as `YYYY-MM-DD` text). */
const BarRow = z.object({ date: pgText, open: pgInt, high: pgInt, low: pgInt, close: pgInt });
const DemoRow = z.object({ demo: pgBool });

/** The symbol's recent daily candles (the same window as a fill confirmation's). */
export async function loadCloseChart(db: SqlSession, symbol: string): Promise<CloseChartData> {
  const [bars, demo] = await Promise.all([
    rowsOf(
      db,
      BarRow,
      `SELECT to_char(date, 'YYYY-MM-DD') AS date, open, high, low, close FROM (
         SELECT date, open, high, low, close FROM bars_daily WHERE symbol = $1 ORDER BY date DESC LIMIT $2) t ORDER BY date`,
      [symbol, FILL_CHART_BARS],
    ),
    rowOf(db, DemoRow, `SELECT demo FROM bar_symbols WHERE symbol = $1`, [symbol]),
  ]);
  return { candles: bars.map((b) => ({ date: b.date, o: b.open, h: b.high, l: b.low, c: b.close })), demo: demo?.demo ?? false };
}
