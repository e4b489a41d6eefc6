import { assertPeriod, newColumn } from './period.js';
import { RollingWindow, rollingMeanVarInto } from './rolling-mean.js';
import { scratchFloat64 } from './scratch.js';

/**
 * Rolling z-score of close: (close - SMA(n)) / sd over the n bars ending at t,
 * POPULATION sd (consistent with Bollinger, so z = ±k on the k-band). 0 when
 * the window is flat. First value at n-1.
 * The deviation and variance come from shifted sums with a cancellation
 * rescan (see rolling-mean.ts), so even a window one ulp wide gives the
 * exact ±1-style answer rather than rounding noise.
 */
export function zScore(close: Float64Array, n = 20): Float64Array {
  assertPeriod('z-score period', n, 2);
  const len = close.length;
  const out = newColumn(len);
  const variance = scratchFloat64(len);
  rollingMeanVarInto(close, n, 0, 0, null, variance, out);
  for (let t = n - 1; t < len; t++) out[t] = zValue(out[t]!, variance[t]!);
  return out;
}

function zValue(deviation: number, variance: number): number {
  return variance > 0 ? deviation / Math.sqrt(variance) : 0;
}

/** Incremental z-score; `push(close)` returns the value for that bar. */
export class ZScoreStream {
  private readonly win: RollingWindow;

  constructor(readonly n = 20) {
    assertPeriod('z-score period', n, 2);
    this.win = new RollingWindow(n);
  }

  push(close: number): number {
    this.win.push(close);
    if (!this.win.full) return Number.NaN;
    return zValue(this.win.deviation, this.win.variance(0));
  }
}
