import { newColumn } from './period.js';

/**
 * True range. TR[0] = high[0] - low[0] (no previous close yet);
 * TR[t] = max(high - low, |high - prevClose|, |low - prevClose|).
 */
export function trueRange(high: Float64Array, low: Float64Array, close: Float64Array): Float64Array {
  const len = high.length;
  const out = newColumn(len);
  if (len === 0) return out;
  out[0] = high[0]! - low[0]!;
  for (let t = 1; t < len; t++) out[t] = trueRangeValue(high[t]!, low[t]!, close[t - 1]!);
  return out;
}

/** TR of one bar given the previous close; pass NaN as `prevClose` for the first bar. */
export function trueRangeValue(high: number, low: number, prevClose: number): number {
  const hl = high - low;
  // NaN prevClose makes both comparisons false, leaving high - low.
  const hc = Math.abs(high - prevClose);
  const lc = Math.abs(low - prevClose);
  let tr = hl;
  if (hc > tr) tr = hc;
  if (lc > tr) tr = lc;
  return tr;
}

/**
 * True range for the Wilder kernels (ATR): max(high, prevClose) -
 * min(low, prevClose), which equals {@link trueRangeValue} when high >= low,
 * but with each max/min formed as (a + b ± |a - b|)/2. One bar in four has a
 * gap on typical data, so the compare-and-branch form mispredicted about once
 * every few bars and that, not the arithmetic, was most of ATR's cost.
 * The halving is exact, |a - b| is exact for prices within a factor of two
 * of each other (Sterbenz), and a + b rounds by at most half an ulp of the
 * larger price, so the result is the exact true range on almost every bar
 * and otherwise within about an ulp of the price (~1e-14 relative to it).
 * Invalid bars (high < low) and NaNs (e.g. the first bar's missing
 * prevClose) take the exact definition, on a branch that valid data never
 * takes.
 */
export function trueRangeBranchless(high: number, low: number, prevClose: number): number {
  if (!(high >= low) || prevClose !== prevClose) return trueRangeValue(high, low, prevClose);
  const hi = (high + prevClose + Math.abs(high - prevClose)) * 0.5;
  const lo = (low + prevClose - Math.abs(low - prevClose)) * 0.5;
  return hi - lo;
}

/** Incremental true range: `push(h, l, c)` returns TR of that bar. */
export class TrueRangeStream {
  private prevClose = Number.NaN;

  push(high: number, low: number, close: number): number {
    const tr = trueRangeValue(high, low, this.prevClose);
    this.prevClose = close;
    return tr;
  }
}
