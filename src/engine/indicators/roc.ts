import { assertPeriod, nanColumn } from './period.js';

/** Rate of change in percent: 100·(close[t] - close[t-n]) / close[t-n]; first value at n. */
export function roc(close: Float64Array, n = 10): Float64Array {
  assertPeriod('roc period', n);
  const len = close.length;
  const out = nanColumn(len, n);
  for (let t = n; t < len; t++) {
    const past = close[t - n]!;
    out[t] = ((close[t]! - past) / past) * 100;
  }
  return out;
}

/** Momentum: close[t] - close[t-n]; first value at n. */
export function momentum(close: Float64Array, n = 10): Float64Array {
  assertPeriod('momentum period', n);
  const len = close.length;
  const out = nanColumn(len, n);
  for (let t = n; t < len; t++) out[t] = close[t]! - close[t - n]!;
  return out;
}

/**
 * Incremental ROC and momentum (they need the same lagged close): after
 * `push(close)`, `roc` and `momentum` hold the values for that bar.
 */
export class RocStream {
  roc = Number.NaN;
  momentum = Number.NaN;
  private readonly ring: Float64Array;
  private count = 0;

  constructor(readonly n = 10) {
    assertPeriod('roc period', n);
    this.ring = new Float64Array(n);
  }

  push(close: number): this {
    const slot = this.count % this.n;
    if (this.count >= this.n) {
      const past = this.ring[slot]!;
      this.roc = ((close - past) / past) * 100;
      this.momentum = close - past;
    }
    this.ring[slot] = close;
    this.count++;
    return this;
  }
}
