import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgInt, pgNumeric, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';
import { num, numOr0, round6 } from './rows.js';
import { originOf, type MarkOrigin } from './mark-source.js';
import type { MarketPositions, OpenPosition, PositionsSnapshot, PriceSource } from './types.js';
import { MARKET_IDS, MARKETS } from '../../engine/market/markets.js';

/** Figures numeric (text) except the bar's float8 close; dates formatted in SQL; the bar columns NULL without bars. */
const PositionRow = z.object({
  symbol: pgText,
  market: z.enum(['US', 'KR']),
  strategy: pgText,
  qty: pgInt,
  avg_cost: pgNumeric,
  opened_at: pgTimestamp,
  stop: pgNumeric.nullable(),
  target: pgNumeric.nullable(),
  time_stop_date: pgText.nullable(),
  realized_pnl: pgNumeric,
  last_price: pgNumeric.nullable(),
  last_price_date: pgText.nullable(),
  last_price_at: pgTimestamp.nullable(),
  last_price_source: pgText.nullable(),
  bar_close: pgInt.nullable(),
  bar_date: pgText.nullable(),
});
type PositionRow = z.output<typeof PositionRow>;
const OPEN_POSITIONS_SQL = `SELECT p.symbol, p.market, p.strategy, p.qty, p.avg_cost, p.opened_at, p.stop, p.target,
            to_char(p.time_stop_date, 'YYYY-MM-DD') AS time_stop_date, p.realized_pnl, p.last_price,
            to_char(p.last_price_at AT TIME ZONE (CASE p.market WHEN 'KR' THEN 'Asia/Seoul' ELSE 'America/New_York' END), 'YYYY-MM-DD') AS last_price_date, p.last_price_at, p.last_price_source,
            b.close AS bar_close, to_char(b.date, 'YYYY-MM-DD') AS bar_date
       FROM positions p
       LEFT JOIN LATERAL (SELECT close, date FROM bars_daily d WHERE d.symbol = p.symbol ORDER BY d.date DESC LIMIT 1) b ON true
      WHERE p.qty > 0`;

/**
 * Open positions with a current price: `positions.last_price` (the mark,
 * with where it came from: the broker's price at its time, a close, or a mark
 * recorded before sources were kept), else the latest daily close of the symbol. The newest close per symbol is
 * one index probe on the (symbol, date) primary key, so this stays cheap
 * however long the bar history is.
 */
export async function loadOpenPositions(db: SqlSession): Promise<PositionsSnapshot> {
  const rows = await rowsOf(db, PositionRow, OPEN_POSITIONS_SQL);
  const positions = rows.map(toPosition).sort(byImportance);
  const markets = MARKET_IDS.flatMap((market): MarketPositions[] => {
    const held = positions.filter((p) => (p.market ?? 'US') === market);
    return held.length === 0 ? [] : [{ market, currency: MARKETS[market].currency, positions: held, totals: totalsOf(held) }];
  });
  // `totals` stays dollars (US only): won and dollars are never added.
  return { positions, ...(markets.length > 0 ? { markets } : {}), totals: totalsOf(positions.filter((p) => (p.market ?? 'US') === 'US')) };
}

function toPosition(r: PositionRow): OpenPosition {
  const avgCost = numOr0(r.avg_cost);
  const mark = num(r.last_price);
  const close = num(r.bar_close);
  let price: number | null = null;
  let priceSource: PriceSource = 'none';
  let priceAsOf: string | null = null;
  let priceOrigin: MarkOrigin | null = null;
  if (mark !== null && mark > 0) {
    price = mark;
    priceAsOf = r.last_price_date;
    priceOrigin = originOf(r.last_price_source, r.last_price_at, r.last_price_date);
    // A last price is never written at cost (mark-to-market leaves it alone then): 'cost' cannot occur here.
    priceSource = priceOrigin.kind === 'cost' ? 'mark' : priceOrigin.kind;
  } else if (close !== null && close > 0) {
    [price, priceSource, priceAsOf] = [close, 'close', r.bar_date];
    priceOrigin = r.bar_date ? { kind: 'close', date: r.bar_date } : { kind: 'mark', date: null };
  }
  const costBasis = round6(r.qty * avgCost);
  return {
    symbol: r.symbol,
    market: r.market,
    strategy: r.strategy,
    qty: r.qty,
    avgCost,
    openedAt: r.opened_at,
    stop: num(r.stop),
    target: num(r.target),
    timeStopDate: r.time_stop_date,
    realizedPnl: numOr0(r.realized_pnl),
    price,
    priceSource,
    priceAsOf,
    priceOrigin,
    costBasis,
    marketValue: price === null ? null : round6(r.qty * price),
    unrealizedPnl: price === null ? null : round6((price - avgCost) * r.qty),
    unrealizedPct: price === null || avgCost <= 0 ? null : price / avgCost - 1,
  };
}

/** Biggest P&L swing first (what the trader most needs to see), unpriced last, then by symbol for a stable order. */
function byImportance(a: OpenPosition, b: OpenPosition): number {
  if ((a.unrealizedPnl === null) !== (b.unrealizedPnl === null)) return a.unrealizedPnl === null ? 1 : -1;
  const d = Math.abs(b.unrealizedPnl ?? 0) - Math.abs(a.unrealizedPnl ?? 0);
  if (d !== 0) return d;
  return a.symbol.localeCompare(b.symbol) || a.strategy.localeCompare(b.strategy);
}

/** Totals over a set of positions (exported for views built from fixtures). */
export function totalsOf(positions: readonly OpenPosition[]): PositionsSnapshot['totals'] {
  let costBasis = 0;
  let marketValue = 0;
  let unrealizedPnl = 0;
  let unpriced = 0;
  for (const p of positions) {
    costBasis += p.costBasis;
    marketValue += p.marketValue ?? p.costBasis;
    if (p.unrealizedPnl === null) unpriced++;
    else unrealizedPnl += p.unrealizedPnl;
  }
  return { count: positions.length, costBasis: round6(costBasis), marketValue: round6(marketValue), unrealizedPnl: round6(unrealizedPnl), unpriced };
}
