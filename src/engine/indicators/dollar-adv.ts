import { assertPeriod, newColumn } from './period.js';
import { RollingWindow } from './rolling-mean.js';

/**
 * Rolling average dollar volume: mean(close·volume) over the n bars ending at
 * t (inclusive). First value at n-1. Same rebase schedule as SMA, with the
 * products formed on the fly so no intermediate column is allocated.
 */
export function dollarAdv(close: Float64Array, volume: Float64Array, n = 20): Float64Array {
  assertPeriod('dollar ADV period', n);
  const len = close.length;
  const out = newColumn(len);
  const first = n - 1;
  out.fill(Number.NaN, 0, Math.min(first, len));
  // Rebase blocks as in rollingMeanInto.
  for (let b = first; b < len; b += n) {
    let sum = 0;
    for (let j = b - n + 1; j <= b; j++) sum += close[j]! * volume[j]!;
    out[b] = sum / n;
    const end = Math.min(b + n, len);
    for (let t = b + 1; t < end; t++) {
      sum += close[t]! * volume[t]! - close[t - n]! * volume[t - n]!;
      out[t] = sum / n;
    }
  }
  return out;
}

/** Incremental dollar ADV; `push(close, volume)` returns the value for that bar. */
export class DollarAdvStream {
  private readonly win: RollingWindow;

  constructor(readonly n = 20) {
    assertPeriod('dollar ADV period', n);
    this.win = new RollingWindow(n);
  }

  push(close: number, volume: number): number {
    this.win.push(close * volume);
    return this.win.mean;
  }
}
