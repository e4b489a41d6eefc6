import { assertPeriod } from './period.js';

/**
 * Writes EMA(n) of `src` into `out`, treating src[from..] as the valid input.
 * alpha = 2/(n+1); seeded with the SMA of the first n valid inputs at index
 * from + n - 1 (NaN before), then e += alpha * (x - e).
 */
export function emaInto(src: Float64Array, n: number, from: number, out: Float64Array): void {
  const len = src.length;
  const first = from + n - 1;
  out.fill(Number.NaN, 0, Math.min(first, len));
  if (first >= len) return;
  const alpha = 2 / (n + 1);
  let s = 0;
  for (let j = from; j <= first; j++) s += src[j]!;
  let e = s / n;
  out[first] = e;
  for (let t = first + 1; t < len; t++) {
    e = (src[t]! - e) * alpha + e;
    out[t] = e;
  }
}

/** Exponential moving average, alpha 2/(n+1), SMA(n)-seeded at index n-1. */
export function ema(values: Float64Array, n: number): Float64Array {
  assertPeriod('ema period', n);
  const out = new Float64Array(values.length);
  emaInto(values, n, 0, out);
  return out;
}

/** Incremental EMA with the same seeding and op order as {@link ema}. */
export class EmaStream {
  private readonly alpha: number;
  private count = 0;
  private seedSum = 0;
  private e = Number.NaN;

  constructor(readonly n: number) {
    assertPeriod('ema period', n);
    this.alpha = 2 / (n + 1);
  }

  /** Current value (NaN until n inputs have been pushed). */
  get value(): number {
    return this.e;
  }

  push(x: number): number {
    this.count++;
    if (this.count < this.n) {
      this.seedSum += x;
    } else if (this.count === this.n) {
      this.seedSum += x;
      this.e = this.seedSum / this.n;
    } else {
      this.e = (x - this.e) * this.alpha + this.e;
    }
    return this.e;
  }
}
