import { assertPeriod } from './period.js';

/**
 * The EMA step e' = (1 - alpha)·e + alpha·x, taken two bars at a time:
 *   e[t]   = e·beta + x[t]·alpha
 *   e[t+1] = e·beta² + (x[t]·alpha·beta + x[t+1]·alpha)
 * so the loop-carried dependency is one multiply and one add per TWO bars.
 * The one-step form (x - e)·alpha + e chained a subtract, a multiply and an
 * add per bar, and that latency chain was most of the kernel's compute
 * (2.6× slower than this form on a cache-resident series).
 * The results differ from the one-step form by rounding only (~1 ulp per
 * step, and an EMA forgets old errors). The pairing starts at the bar after
 * the seed; {@link EmaStream} follows the same pairing, so the two agree bit
 * for bit.
 */
export interface EmaCoefficients {
  alpha: number;
  beta: number;
  beta2: number;
  alphaBeta: number;
}

/** Coefficients for smoothing factor `alpha` (EMA: 2/(n+1); Wilder: 1/n). */
export function emaCoefficients(alpha: number): EmaCoefficients {
  const beta = 1 - alpha;
  return { alpha, beta, beta2: beta * beta, alphaBeta: alpha * beta };
}

/**
 * Writes EMA(n) of `src` into `out`, treating src[from..] as the valid input.
 * alpha = 2/(n+1); seeded with the SMA of the first n valid inputs at index
 * from + n - 1 (NaN before), then the paired step above.
 */
export function emaInto(src: Float64Array, n: number, from: number, out: Float64Array): void {
  const len = src.length;
  const first = from + n - 1;
  out.fill(Number.NaN, 0, Math.min(first, len));
  if (first >= len) return;
  const { alpha, beta, beta2, alphaBeta } = emaCoefficients(2 / (n + 1));
  let s = 0;
  for (let j = from; j <= first; j++) s += src[j]!;
  let e = s / n;
  out[first] = e;
  let t = first + 1;
  for (; t + 1 < len; t += 2) {
    const x0 = src[t]!;
    const x1 = src[t + 1]!;
    out[t] = e * beta + x0 * alpha;
    e = e * beta2 + (x0 * alphaBeta + x1 * alpha);
    out[t + 1] = e;
  }
  if (t < len) out[t] = e * beta + src[t]! * alpha;
}

/**
 * {@link emaInto} that also writes diffOut[t] = minuend[t] - EMA[t] in the
 * same pass (NaN in warm-up): MACD's line and histogram are each one such
 * difference, so it needs three passes instead of five. `emaOut` receives
 * exactly what emaInto would write. Outputs must not alias `src`.
 */
export function emaDiffInto(
  src: Float64Array,
  n: number,
  from: number,
  minuend: Float64Array,
  emaOut: Float64Array,
  diffOut: Float64Array,
): void {
  const len = src.length;
  const first = from + n - 1;
  const warm = Math.min(first, len);
  emaOut.fill(Number.NaN, 0, warm);
  diffOut.fill(Number.NaN, 0, warm);
  if (first >= len) return;
  const { alpha, beta, beta2, alphaBeta } = emaCoefficients(2 / (n + 1));
  let s = 0;
  for (let j = from; j <= first; j++) s += src[j]!;
  let e = s / n;
  emaOut[first] = e;
  diffOut[first] = minuend[first]! - e;
  let t = first + 1;
  for (; t + 1 < len; t += 2) {
    const x0 = src[t]!;
    const x1 = src[t + 1]!;
    const e0 = e * beta + x0 * alpha;
    e = e * beta2 + (x0 * alphaBeta + x1 * alpha);
    emaOut[t] = e0;
    diffOut[t] = minuend[t]! - e0;
    emaOut[t + 1] = e;
    diffOut[t + 1] = minuend[t + 1]! - e;
  }
  if (t < len) {
    const e0 = e * beta + src[t]! * alpha;
    emaOut[t] = e0;
    diffOut[t] = minuend[t]! - e0;
  }
}

/** Exponential moving average, alpha 2/(n+1), SMA(n)-seeded at index n-1. */
export function ema(values: Float64Array, n: number): Float64Array {
  assertPeriod('ema period', n);
  const out = new Float64Array(values.length);
  emaInto(values, n, 0, out);
  return out;
}

/**
 * Streaming twin of the paired step: after the seed, odd steps report
 * e·beta + x·alpha and remember x; even steps advance e by two bars.
 * Shared by {@link EmaStream} and the Wilder streams (ATR, RSI).
 */
export class PairedSmoother {
  private readonly c: EmaCoefficients;
  private e = Number.NaN;
  private pending = Number.NaN;
  private odd = true;
  value = Number.NaN;

  constructor(alpha: number) {
    this.c = emaCoefficients(alpha);
  }

  /** Starts smoothing from `seed` (the value at the seed bar). */
  seed(seed: number): number {
    this.e = seed;
    this.odd = true;
    this.value = seed;
    return seed;
  }

  push(x: number): number {
    const c = this.c;
    if (this.odd) {
      this.pending = x;
      this.value = this.e * c.beta + x * c.alpha;
    } else {
      this.e = this.e * c.beta2 + (this.pending * c.alphaBeta + x * c.alpha);
      this.value = this.e;
    }
    this.odd = !this.odd;
    return this.value;
  }
}

/** Incremental EMA with the same seeding and op order as {@link ema}. */
export class EmaStream {
  private readonly smoother: PairedSmoother;
  private count = 0;
  private seedSum = 0;

  constructor(readonly n: number) {
    assertPeriod('ema period', n);
    this.smoother = new PairedSmoother(2 / (n + 1));
  }

  /** Current value (NaN until n inputs have been pushed). */
  get value(): number {
    return this.smoother.value;
  }

  push(x: number): number {
    this.count++;
    if (this.count < this.n) {
      this.seedSum += x;
      return Number.NaN;
    }
    if (this.count === this.n) {
      this.seedSum += x;
      return this.smoother.seed(this.seedSum / this.n);
    }
    return this.smoother.push(x);
  }
}
