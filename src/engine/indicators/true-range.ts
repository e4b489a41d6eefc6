/**
 * True range. TR[0] = high[0] - low[0] (no previous close yet);
 * TR[t] = max(high - low, |high - prevClose|, |low - prevClose|).
 */
export function trueRange(high: Float64Array, low: Float64Array, close: Float64Array): Float64Array {
  const len = high.length;
  const out = new Float64Array(len);
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

/** Incremental true range: `push(h, l, c)` returns TR of that bar. */
export class TrueRangeStream {
  private prevClose = Number.NaN;

  push(high: number, low: number, close: number): number {
    const tr = trueRangeValue(high, low, this.prevClose);
    this.prevClose = close;
    return tr;
  }
}
