import { assertPeriod, newColumn } from './period.js';
import { RollingWindow, rollingMeanVarInto } from './rolling-mean.js';

/** Bollinger band columns (NaN during the first n-1 bars). */
export interface BollingerBands {
  middle: Float64Array;
  upper: Float64Array;
  lower: Float64Array;
}

/**
 * Bollinger bands: middle = SMA(n) (bit-identical to {@link sma}),
 * upper/lower = middle ± k·sd with the POPULATION sd (divisor n), as in
 * Bollinger's definition and most charting packages.
 */
export function bollinger(close: Float64Array, n = 20, k = 2): BollingerBands {
  assertPeriod('bollinger period', n);
  const len = close.length;
  const middle = newColumn(len);
  const upper = newColumn(len);
  const lower = newColumn(len);
  // Park the variance in `lower`, then turn it into the bands in place.
  rollingMeanVarInto(close, n, 0, 0, middle, lower);
  for (let t = 0; t < len; t++) {
    const w = k * Math.sqrt(lower[t]!);
    const m = middle[t]!;
    upper[t] = m + w;
    lower[t] = m - w;
  }
  return { middle, upper, lower };
}

/** One bar of Bollinger output. */
export interface BollingerPoint {
  middle: number;
  upper: number;
  lower: number;
}

/** Incremental Bollinger bands; `push(close)` updates and returns `this`. */
export class BollingerStream implements BollingerPoint {
  middle = Number.NaN;
  upper = Number.NaN;
  lower = Number.NaN;
  private readonly win: RollingWindow;

  constructor(
    readonly n = 20,
    readonly k = 2,
  ) {
    assertPeriod('bollinger period', n);
    this.win = new RollingWindow(n);
  }

  push(close: number): BollingerPoint {
    this.win.push(close);
    const w = this.k * Math.sqrt(this.win.variance(0));
    const m = this.win.mean;
    this.middle = m;
    this.upper = m + w;
    this.lower = m - w;
    return this;
  }
}
