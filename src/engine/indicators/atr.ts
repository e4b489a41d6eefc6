import { assertPeriod, nanColumn } from './period.js';
import { trueRangeValue } from './true-range.js';

/**
 * Average true range, Wilder smoothing.
 *
 * Seeding: ATR[n-1] = mean(TR[0..n-1]), where TR[0] = high[0] - low[0]
 * (Wilder's original counts the first bar's range; some libraries, e.g.
 * `technicalindicators`, skip it and seed one bar later — the difference
 * decays by a factor (1 - 1/n) per bar). Then
 * ATR[t] = ATR[t-1] + (TR[t] - ATR[t-1]) / n, evaluated as × (1/n): the
 * division sits on the loop's dependency chain and doubled the kernel's cost,
 * while the reciprocal changes results by at most an ulp per step.
 */
export function atr(high: Float64Array, low: Float64Array, close: Float64Array, n: number): Float64Array {
  assertPeriod('atr period', n);
  const len = high.length;
  const out = nanColumn(len, n - 1);
  if (len < n) return out;
  const k = 1 / n;
  let s = high[0]! - low[0]!;
  for (let t = 1; t < n; t++) s += trueRangeValue(high[t]!, low[t]!, close[t - 1]!);
  let a = s / n;
  out[n - 1] = a;
  for (let t = n; t < len; t++) {
    a += (trueRangeValue(high[t]!, low[t]!, close[t - 1]!) - a) * k;
    out[t] = a;
  }
  return out;
}

/**
 * `atr(...)[t]` without allocating, bit-identical to the column. O(t) because
 * Wilder smoothing has unbounded memory, but one tight loop (~10 µs for ten
 * years of bars).
 */
export function atrAt(high: Float64Array, low: Float64Array, close: Float64Array, n: number, t: number): number {
  assertPeriod('atr period', n);
  if (t < n - 1 || t >= high.length) return Number.NaN;
  const k = 1 / n;
  let s = high[0]! - low[0]!;
  for (let j = 1; j < n; j++) s += trueRangeValue(high[j]!, low[j]!, close[j - 1]!);
  let a = s / n;
  for (let j = n; j <= t; j++) a += (trueRangeValue(high[j]!, low[j]!, close[j - 1]!) - a) * k;
  return a;
}

/** Incremental ATR with the same seeding and op order as {@link atr}. */
export class AtrStream {
  private readonly k: number;
  private count = 0;
  private seedSum = 0;
  private a = Number.NaN;
  private prevClose = Number.NaN;

  constructor(readonly n: number) {
    assertPeriod('atr period', n);
    this.k = 1 / n;
  }

  push(high: number, low: number, close: number): number {
    const tr = trueRangeValue(high, low, this.prevClose);
    this.prevClose = close;
    this.count++;
    if (this.count < this.n) {
      this.seedSum += tr;
    } else if (this.count === this.n) {
      this.seedSum += tr;
      this.a = this.seedSum / this.n;
    } else {
      this.a += (tr - this.a) * this.k;
    }
    return this.a;
  }
}
