import type { CandleChartSpec, PriceLevel } from '../../adapters/charts/port.js';
import type { CloseChartData } from '../../trading/execution/close-chart.js';
import type { ExitOutcome } from '../../trading/execution/exit-types.js';
import { price } from '../format/display.js';

/**
 * Recent daily candles with the position's average cost and the sale's
 * average price, for a `/close` confirmation. Null without candles or
 * without a fill.
 */
export function closeChart(o: ExitOutcome, avgCost: number, data: CloseChartData): CandleChartSpec | null {
  if (data.candles.length === 0 || o.avgFillPrice === null || o.filledQty <= 0) return null;
  const levels: PriceLevel[] = [
    { role: 'entry', price: avgCost, label: `Cost ${price(avgCost)}` },
    { role: 'other', price: o.avgFillPrice, label: `Sold ${price(o.avgFillPrice)}` },
  ];
  return {
    kind: 'candles',
    title: `${o.symbol} · sold ${o.filledQty} @ ${price(o.avgFillPrice)}`,
    bars: data.candles,
    levels,
    width: 700,
    height: 400,
    ...(data.demo ? { watermark: 'DEMO' } : {}),
  };
}
