import { type Bar, type BarSeries, toSeries } from '../../../../src/engine/bars.js';

/** [high, low, close] of one hand-written bar. */
export type Hlc = readonly [number, number, number];

/**
 * Builds a series from hand-written [high, low, close] bars. Open is the
 * previous close clamped into the bar (the rules never read it); volume is
 * constant; dates are consecutive calendar days from 2020-01-01.
 */
export function seriesFromHlc(bars: readonly Hlc[], symbol = 'HAND'): BarSeries {
  const rows: Bar[] = bars.map(([high, low, close], i) => {
    if (!(low <= close && close <= high)) throw new Error(`bad hand bar ${i}: ${high}/${low}/${close}`);
    const prev = i === 0 ? close : bars[i - 1]![2];
    const day = String(1 + (i % 28)).padStart(2, '0');
    const month = String(1 + (Math.floor(i / 28) % 12)).padStart(2, '0');
    const year = 2020 + Math.floor(i / (28 * 12));
    return { date: `${year}-${month}-${day}`, open: Math.min(high, Math.max(low, prev)), high, low, close, volume: 1_000_000 };
  });
  return toSeries(symbol, rows);
}

/** `count` identical quiet bars: high = price + 0.5, low = price - 0.5, close = price. */
export function flatBars(count: number, price: number): Hlc[] {
  return Array.from({ length: count }, () => [price + 0.5, price - 0.5, price] as const);
}
