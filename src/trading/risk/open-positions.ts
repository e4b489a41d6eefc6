import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgInt, pgNumber, pgText } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';
import type { Market } from '../../engine/market/markets.js';

/** One open position as the portfolio gates see it. */
export interface OpenPosition {
  symbol: string;
  strategy: string;
  qty: number;
  avgCost: number;
  /** The protective stop; null when the position has none (its open risk is then its whole cost). */
  stop: number | null;
  /** The last mark, or null before the first one. */
  lastPrice: number | null;
}

/** A `positions` row: qty integer, the prices numeric. */
const PositionRow = z.object({ symbol: pgText, strategy: pgText, qty: pgInt, avg_cost: pgNumber, stop: pgNumber.nullable(), last_price: pgNumber.nullable() });

/**
 * Every open position (qty > 0) of one market (default US), by symbol then
 * strategy. One market only: the gates weigh positions against that market's
 * equity in its currency, and won are never added to dollars.
 */
export async function loadOpenPositions(db: SqlSession, market: Market = 'US'): Promise<OpenPosition[]> {
  const rows = await rowsOf(
    db,
    PositionRow,
    `SELECT symbol, strategy, qty, avg_cost, stop, last_price FROM positions WHERE qty > 0 AND market = $1 ORDER BY symbol, strategy`,
    [market],
  );
  return rows.map((r) => ({ symbol: r.symbol, strategy: r.strategy, qty: r.qty, avgCost: r.avg_cost, stop: r.stop, lastPrice: r.last_price }));
}
