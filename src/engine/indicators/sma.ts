import { assertPeriod, newColumn } from './period.js';
import { RollingWindow, rollingMeanAt, rollingMeanInto } from './rolling-mean.js';

/**
 * Simple moving average: out[t] = mean(values[t-n+1..t]); first value at
 * index n-1, NaN before. Running sum with periodic exact recomputation (see
 * rolling-mean.ts), within ~1e-13 relative of a naive window sum.
 */
export function sma(values: Float64Array, n: number): Float64Array {
  assertPeriod('sma period', n);
  const out = newColumn(values.length);
  rollingMeanInto(values, n, 0, out);
  return out;
}

/** `sma(values, n)[t]` in O(n) without allocating, bit-identical to the batch column. */
export function smaAt(values: Float64Array, n: number, t: number): number {
  assertPeriod('sma period', n);
  return rollingMeanAt(values, n, 0, t);
}

/** Incremental SMA: `push(x)` returns the value for the bar just pushed (NaN in warm-up). */
export class SmaStream {
  private readonly win: RollingWindow;

  constructor(readonly n: number) {
    assertPeriod('sma period', n);
    this.win = new RollingWindow(n);
  }

  push(x: number): number {
    this.win.push(x);
    return this.win.mean;
  }
}
