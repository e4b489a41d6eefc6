import { newColumn } from './period.js';

/**
 * Internal bar strength of one bar: (close - low) / (high - low), where the
 * close sits in the day's range (0 = at the low, 1 = at the high). A bar with
 * no range is 0.5 (neutral) rather than NaN. Also serves as the streaming form.
 */
export function ibsValue(high: number, low: number, close: number): number {
  const range = high - low;
  return range === 0 ? 0.5 : (close - low) / range;
}

/** IBS column; defined from the first bar (no warm-up). */
export function ibs(high: Float64Array, low: Float64Array, close: Float64Array): Float64Array {
  const len = high.length;
  const out = newColumn(len);
  for (let t = 0; t < len; t++) out[t] = ibsValue(high[t]!, low[t]!, close[t]!);
  return out;
}
