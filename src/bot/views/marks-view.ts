import { usd } from '../../engine/risk/index.js';
import { round6 } from '../../lib/numbers.js';
import type { MarkToMarketResult, PositionMark } from '../../trading/execution/mark-to-market.js';
import { originText } from '../../trading/portfolio/mark-source.js';

/**
 * A day's mark in words: one line per position with where its price came
 * from ("Alpaca mark 16:10 ET", "close 2026-12-04"), then the totals (for the
 * close digest and support).
 */
export function markLines(r: MarkToMarketResult): string[] {
  return [
    ...r.positions.map(
      (m) =>
        `${m.symbol} (${m.strategy}) ${m.qty} @ ${m.price}${originNote(m, r.date)} vs cost ${round6(m.avgCost)}: ${signed(m.unrealizedPnl)}${m.source === 'last_price' || m.source === 'avg_cost' ? ` (no price for ${r.date}: marked at ${m.source === 'last_price' ? 'the last known price' : 'cost'})` : ''}`,
    ),
    `Equity ${usd(r.equity)} (${r.equitySource}), cash ${usd(r.cash)}, positions ${usd(r.marketValue)}; realized today ${signed(r.realizedPnl)}, unrealized ${signed(r.unrealizedPnl)}`,
  ];
}

/** " (Alpaca mark 16:10 ET)", " (close 2026-12-04; the broker gave no price)", or nothing when no price was found (said after). */
function originNote(m: PositionMark, date: string): string {
  if (!m.origin) return '';
  return ` (${originText(m.origin, date)}${m.brokerMissing ? '; the broker gave no price' : ''})`;
}

function signed(n: number): string {
  return n > 0 ? `+${usd(n)}` : usd(n);
}
