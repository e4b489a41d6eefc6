import { bold, fmt, join, type FmtString } from 'telegraf/format';
import { price, strategyTitle } from '../format/display.js';
import type { MarketPositions, OpenPosition, PositionsSnapshot } from '../../trading/portfolio/types.js';
import { money, pct } from '../format/numbers.js';
import { originText } from '../../trading/portfolio/mark-source.js';
import { amountsFor } from '../format/market-amounts.js';
import { MARKET_TITLE } from './market-titles.js';

/** Said when nothing is held. */
export const NO_POSITIONS = 'No open positions.';

/**
 * /positions: the totals first (what the book is worth and how it is doing),
 * then two short lines per position, biggest P&L swing first. Phone-width:
 * no tables, one fact group per line.
 */
export function positionsView(s: PositionsSnapshot): FmtString {
  if (s.positions.length === 0) return fmt`${NO_POSITIONS} Approve a pick from /scan to open one; /orders shows recent orders.`;
  const books = s.markets ?? [];
  // One market (or a fixture without markets) reads as before; two get a section each, totals in each currency.
  if (books.length <= 1) {
    const only = books[0] ?? { market: 'US', currency: 'USD', positions: s.positions, totals: s.totals };
    return join([join(bookHead(only, `Open positions: ${String(only.totals.count)}`), '\n'), ...only.positions.map(positionLines)], '\n\n');
  }
  return join(
    books.map((b) => join([join(bookHead(b, `${MARKET_TITLE[b.market]}: ${String(b.totals.count)} open`), '\n'), ...b.positions.map(positionLines)], '\n\n')),
    '\n\n',
  );
}

/** A market's totals, in its currency: unrealized P&L (and its share of the priced cost), value and cost. */
function bookHead(b: MarketPositions, title: string): (string | FmtString)[] {
  const t = b.totals;
  const amount = amountsFor(b.market).amount;
  const pricedCost = b.positions.reduce((a, p) => a + (p.unrealizedPnl === null ? 0 : p.costBasis), 0);
  const head: (string | FmtString)[] = [
    fmt`📊 ${bold(title)}`,
    fmt`Unrealized ${bold(amount(t.unrealizedPnl, true))} (${pct(pricedCost > 0 ? t.unrealizedPnl / pricedCost : NaN, { signed: true })})`,
    `Value ${amount(t.marketValue)} · cost ${amount(t.costBasis)}`,
  ];
  if (t.unpriced > 0) head.push(`⚠️ ${t.unpriced} without a price (counted at cost, P&L unknown)`);
  return head;
}

/** Three short lines: symbol, size and P&L; cost → price and where the price is from ("Alpaca mark 2026-12-04 15:42 ET", "close 2026-12-04"); stop, target (when the position has one), time stop and strategy. */
export function positionLines(p: OpenPosition): FmtString {
  const { amount, price: px } = amountsFor(p.market);
  const icon = p.unrealizedPnl === null ? '⚪' : p.unrealizedPnl > 0 ? '🟢' : p.unrealizedPnl < 0 ? '🔴' : '⚪';
  const pnl = p.unrealizedPnl === null ? 'P&L unknown (no price)' : `${amount(p.unrealizedPnl, true)} (${pct(p.unrealizedPct ?? NaN, { signed: true })})`;
  const source = p.price === null ? 'no price' : p.priceOrigin ? originText(p.priceOrigin) : p.priceSource === 'close' ? `close ${p.priceAsOf ?? ''}`.trim() : `mark ${p.priceAsOf ?? ''}`.trim();
  const stop = p.stop === null ? 'no stop' : `stop ${px(p.stop)}${p.price !== null ? ` (${pct(p.stop / p.price - 1, { signed: true })})` : ''}`;
  const target = p.target === null ? [] : [`target ${px(p.target)}${p.price !== null ? ` (${pct(p.target / p.price - 1, { signed: true })})` : ''}`];
  const rest = [stop, ...target, ...(p.timeStopDate ? [`time stop ${p.timeStopDate}`] : []), strategyTitle(p.strategy)];
  return fmt`${icon} ${bold(p.symbol)} · ${String(p.qty)} sh · ${pnl}\n   cost ${px(p.avgCost)} → ${px(p.price)} (${source})\n   ${rest.join(' · ')}`;
}
