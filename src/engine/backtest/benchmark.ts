import type { BarSeries } from '../bars.js';

/**
 * Buy-and-hold equity of a benchmark on a backtest's dates, for comparison.
 *
 * Buys `initial` worth (fractional shares, no costs) at the close of the first
 * date the benchmark has a bar on or before; earlier dates stay at `initial`.
 * Dates the benchmark is missing carry its last close forward.
 */
export function buyAndHold(benchmark: BarSeries, dates: readonly string[], initial: number): Float64Array {
  const out = new Float64Array(dates.length);
  const bd = benchmark.dates;
  let j = -1;
  let base = Number.NaN;
  for (let i = 0; i < dates.length; i++) {
    const d = dates[i]!;
    while (j + 1 < bd.length && bd[j + 1]! <= d) j++;
    if (j < 0) {
      out[i] = initial;
      continue;
    }
    const c = benchmark.close[j]!;
    if (Number.isNaN(base)) base = c;
    out[i] = (initial * c) / base;
  }
  return out;
}
