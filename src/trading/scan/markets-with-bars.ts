import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { MARKET_IDS, type Market } from '../../engine/market/markets.js';
import { rowsOf } from '../../lib/sql-rows.js';

const MarketRow = z.object({ market: z.enum(MARKET_IDS as [Market, ...Market[]]) });

/**
 * The markets whose symbols have bars stored, in {@link MARKET_IDS} order (US first): what a /scan
 * that names no market scans, one run each. Empty when nothing is stored.
 */
export async function marketsWithBars(db: SqlSession): Promise<Market[]> {
  const rows = await rowsOf(db, MarketRow, `SELECT DISTINCT market FROM bar_symbols WHERE last_date IS NOT NULL`);
  const found = new Set(rows.map((r) => r.market));
  return MARKET_IDS.filter((m) => found.has(m));
}
