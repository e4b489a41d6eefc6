import { usd } from '../../engine/risk/index.js';
import { round6 } from '../../lib/numbers.js';
import type { MarkToMarketResult } from '../../trading/execution/mark-to-market.js';

/** A day's mark in words: one line per position, then the totals (for the close digest and support). */
export function markLines(r: MarkToMarketResult): string[] {
  return [
    ...r.positions.map(
      (m) =>
        `${m.symbol} (${m.strategy}) ${m.qty} @ ${m.price} vs cost ${round6(m.avgCost)}: ${signed(m.unrealizedPnl)}${m.source === 'last_price' || m.source === 'avg_cost' ? ` (no price for ${r.date}: marked at ${m.source === 'last_price' ? 'the last known price' : 'cost'})` : ''}`,
    ),
    `Equity ${usd(r.equity)} (${r.equitySource}), cash ${usd(r.cash)}, positions ${usd(r.marketValue)}; realized today ${signed(r.realizedPnl)}, unrealized ${signed(r.unrealizedPnl)}`,
  ];
}

function signed(n: number): string {
  return n > 0 ? `+${usd(n)}` : usd(n);
}
