import { assertPeriod, newColumn, newIndexColumn } from './period.js';
import { argMaxRecent, argMinRecent, rollingMaxInto, rollingMinInto } from './rolling-extreme.js';

/**
 * Donchian channel over the n bars BEFORE t (bar t excluded, so "close above
 * the upper band" is a genuine breakout): upper[t] = max(high[t-n..t-1]),
 * lower[t] = min(low[t-n..t-1]). First valid at t = n, NaN before.
 */
export function donchianUpper(high: Float64Array, n: number): Float64Array {
  assertPeriod('donchian period', n);
  const out = newColumn(high.length);
  rollingMaxInto(high, n, 1, out, null);
  return out;
}

/** Lower Donchian band, see {@link donchianUpper}. */
export function donchianLower(low: Float64Array, n: number): Float64Array {
  assertPeriod('donchian period', n);
  const out = newColumn(low.length);
  rollingMinInto(low, n, 1, out, null);
  return out;
}

/** Lower band plus, per bar, the index of the most recent bar in [t-n, t-1] whose low equals it (-1 in warm-up). */
export interface DonchianLowerWithIndex {
  lower: Float64Array;
  lowerIndex: Int32Array;
}

/** Lower Donchian band and the index of the most recent bar that set it, in one O(len) pass. */
export function donchianLowerWithIndex(low: Float64Array, n: number): DonchianLowerWithIndex {
  assertPeriod('donchian period', n);
  const lower = newColumn(low.length);
  const lowerIndex = newIndexColumn(low.length);
  rollingMinInto(low, n, 1, lower, lowerIndex);
  return { lower, lowerIndex };
}

/** Donchian values at one bar t (what the batch columns hold at t). */
export interface DonchianPoint {
  upper: number;
  lower: number;
  /** Most recent index in [t-n, t-1] with low == lower; -1 in warm-up. */
  lowerIndex: number;
}

/** Upper band at bar t in O(n); NaN in warm-up. */
export function donchianUpperAt(high: Float64Array, n: number, t: number): number {
  assertPeriod('donchian period', n);
  if (t < n || t >= high.length) return Number.NaN;
  return high[argMaxRecent(high, t - n, t - 1)]!;
}

/** Lower band and its most recent index at bar t in O(n). */
export function donchianLowerAt(low: Float64Array, n: number, t: number): { lower: number; lowerIndex: number } {
  assertPeriod('donchian period', n);
  if (t < n || t >= low.length) return { lower: Number.NaN, lowerIndex: -1 };
  const k = argMinRecent(low, t - n, t - 1);
  return { lower: low[k]!, lowerIndex: k };
}

/**
 * Incremental Donchian channel. `push(high, low)` returns the channel for the
 * bar just pushed, computed from the n bars before it; `lowerIndex` counts
 * bars pushed (0-based). It rescans a ring of n bars per push — O(n), which
 * is nothing at one push per day — and being a different algorithm from the
 * batch deque, the stream-vs-batch property test cross-checks both.
 */
export class DonchianStream implements DonchianPoint {
  upper = Number.NaN;
  lower = Number.NaN;
  lowerIndex = -1;
  private readonly highs: Float64Array;
  private readonly lows: Float64Array;
  private count = 0;

  constructor(readonly n: number) {
    assertPeriod('donchian period', n);
    this.highs = new Float64Array(n);
    this.lows = new Float64Array(n);
  }

  push(high: number, low: number): DonchianPoint {
    const n = this.n;
    const t = this.count;
    if (t >= n) {
      // Ring slot of bar j is j % n; scan bars t-n..t-1 oldest first so ties resolve to the most recent.
      let hi = Number.NEGATIVE_INFINITY;
      let lo = Number.POSITIVE_INFINITY;
      let loIdx = -1;
      for (let j = t - n; j < t; j++) {
        const slot = j % n;
        const h = this.highs[slot]!;
        const l = this.lows[slot]!;
        if (h > hi) hi = h;
        if (l <= lo) {
          lo = l;
          loIdx = j;
        }
      }
      this.upper = hi;
      this.lower = lo;
      this.lowerIndex = loIdx;
    }
    const slot = t % n;
    this.highs[slot] = high;
    this.lows[slot] = low;
    this.count = t + 1;
    return this;
  }
}
