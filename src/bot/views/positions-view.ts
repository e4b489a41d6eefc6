import { bold, fmt, join, type FmtString } from 'telegraf/format';
import { price, strategyTitle } from '../format/display.js';
import type { OpenPosition, PositionsSnapshot } from '../../trading/portfolio/types.js';
import { money, pct } from '../format/numbers.js';
import { originText } from '../../trading/portfolio/mark-source.js';

/** Said when nothing is held. */
export const NO_POSITIONS = 'No open positions.';

/**
 * /positions: the totals first (what the book is worth and how it is doing),
 * then two short lines per position, biggest P&L swing first. Phone-width:
 * no tables, one fact group per line.
 */
export function positionsView(s: PositionsSnapshot): FmtString {
  if (s.positions.length === 0) return fmt`${NO_POSITIONS} Approve a pick from /scan to open one; /orders shows recent orders.`;
  const t = s.totals;
  const pricedCost = s.positions.reduce((a, p) => a + (p.unrealizedPnl === null ? 0 : p.costBasis), 0);
  const head: (string | FmtString)[] = [
    fmt`📊 ${bold`Open positions: ${String(t.count)}`}`,
    fmt`Unrealized ${bold(money(t.unrealizedPnl, { signed: true }))} (${pct(pricedCost > 0 ? t.unrealizedPnl / pricedCost : NaN, { signed: true })})`,
    `Value ${money(t.marketValue)} · cost ${money(t.costBasis)}`,
  ];
  if (t.unpriced > 0) head.push(`⚠️ ${t.unpriced} without a price (counted at cost, P&L unknown)`);
  return join([join(head, '\n'), ...s.positions.map(positionLines)], '\n\n');
}

/** Three short lines: symbol, size and P&L; cost → price and where the price is from ("Alpaca mark 2026-12-04 15:42 ET", "close 2026-12-04"); stop, target (when the position has one), time stop and strategy. */
export function positionLines(p: OpenPosition): FmtString {
  const icon = p.unrealizedPnl === null ? '⚪' : p.unrealizedPnl > 0 ? '🟢' : p.unrealizedPnl < 0 ? '🔴' : '⚪';
  const pnl = p.unrealizedPnl === null ? 'P&L unknown (no price)' : `${money(p.unrealizedPnl, { signed: true })} (${pct(p.unrealizedPct ?? NaN, { signed: true })})`;
  const source = p.price === null ? 'no price' : p.priceOrigin ? originText(p.priceOrigin) : p.priceSource === 'close' ? `close ${p.priceAsOf ?? ''}`.trim() : `mark ${p.priceAsOf ?? ''}`.trim();
  const stop = p.stop === null ? 'no stop' : `stop ${price(p.stop)}${p.price !== null ? ` (${pct(p.stop / p.price - 1, { signed: true })})` : ''}`;
  const target = p.target === null ? [] : [`target ${price(p.target)}${p.price !== null ? ` (${pct(p.target / p.price - 1, { signed: true })})` : ''}`];
  const rest = [stop, ...target, ...(p.timeStopDate ? [`time stop ${p.timeStopDate}`] : []), strategyTitle(p.strategy)];
  return fmt`${icon} ${bold(p.symbol)} · ${String(p.qty)} sh · ${pnl}\n   cost ${price(p.avgCost)} → ${price(p.price)} (${source})\n   ${rest.join(' · ')}`;
}
