import type { SqlSession } from '../../adapters/db/port.js';

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

/** Every open position (qty > 0), by symbol then strategy. */
export async function loadOpenPositions(db: SqlSession): Promise<OpenPosition[]> {
  const rows = await db.rows<{ symbol: string; strategy: string; qty: number; avg_cost: string; stop: string | null; last_price: string | null }>(
    `SELECT symbol, strategy, qty, avg_cost, stop, last_price FROM positions WHERE qty > 0 ORDER BY symbol, strategy`,
  );
  return rows.map((r) => ({
    symbol: r.symbol,
    strategy: r.strategy,
    qty: Number(r.qty),
    avgCost: Number(r.avg_cost),
    stop: r.stop === null ? null : Number(r.stop),
    lastPrice: r.last_price === null ? null : Number(r.last_price),
  }));
}
