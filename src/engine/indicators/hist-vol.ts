import { assertPeriod, newColumn } from './period.js';
import { RollingWindow, rollingMeanVarInto } from './rolling-mean.js';
import { scratchFloat64 } from './scratch.js';

/**
 * Historical volatility: SAMPLE sd (divisor n-1) of the last n daily log
 * returns ln(close[t]/close[t-1]), annualised by sqrt(periodsPerYear).
 * Returns start at index 1, so the first value is at index n.
 */
export function histVol(close: Float64Array, n = 20, periodsPerYear = 252): Float64Array {
  assertPeriod('historical volatility period', n, 2);
  const len = close.length;
  const out = newColumn(len);
  // The kernel reads `len` entries, so hand it an exact-length view of the scratch.
  const rets = scratchFloat64(len).subarray(0, len);
  rets[0] = Number.NaN;
  for (let t = 1; t < len; t++) rets[t] = Math.log(close[t]! / close[t - 1]!);
  rollingMeanVarInto(rets, n, 1, 1, null, out);
  const annual = Math.sqrt(periodsPerYear);
  for (let t = n; t < len; t++) out[t] = Math.sqrt(out[t]!) * annual;
  return out;
}

/** Incremental historical volatility; `push(close)` returns the value for that bar. */
export class HistVolStream {
  private readonly win: RollingWindow;
  private readonly annual: number;
  private prev = 0;
  private started = false;

  constructor(
    readonly n = 20,
    periodsPerYear = 252,
  ) {
    assertPeriod('historical volatility period', n, 2);
    this.win = new RollingWindow(n);
    this.annual = Math.sqrt(periodsPerYear);
  }

  push(close: number): number {
    const prev = this.prev;
    this.prev = close;
    if (!this.started) {
      this.started = true;
      return Number.NaN;
    }
    this.win.push(Math.log(close / prev));
    return this.win.full ? Math.sqrt(this.win.variance(1)) * this.annual : Number.NaN;
  }
}
