import { assertPeriod, newColumn } from './period.js';

/**
 * The EMA step e' = (1 - alpha)·e + alpha·x, taken four bars at a time. With
 * beta = 1 - alpha, the state four bars on is
 *   e[t+3] = e·beta⁴ + ((x[t]·alpha·beta³ + x[t+1]·alpha·beta²) + (x[t+2]·alpha·beta + x[t+3]·alpha))
 * so the loop-carried dependency is one multiply and one add per FOUR bars;
 * the three bars in between are the plain one-step chain started from e
 *   o[t] = e·beta + x[t]·alpha, o[t+1] = o[t]·beta + x[t+1]·alpha, o[t+2] = …
 * which the next block does not wait for. (The one-step form chained a
 * multiply and an add per bar, and that latency chain was most of the
 * kernel's compute; taking two bars at a time halved it, four quarter it.)
 * Bars after the last whole block take the one-step chain too.
 * The results differ from the one-step form by rounding only (a few ulps; an
 * EMA forgets old errors). Blocks start at the bar after the seed;
 * {@link BlockSmoother} (the streams) and the point evaluators follow the same
 * blocks and expressions, so they all agree bit for bit.
 */
export interface EmaCoefficients {
  alpha: number;
  beta: number;
  beta4: number;
  alphaBeta: number;
  alphaBeta2: number;
  alphaBeta3: number;
}

/** Coefficients for smoothing factor `alpha` (EMA: 2/(n+1); Wilder: 1/n). */
export function emaCoefficients(alpha: number): EmaCoefficients {
  const beta = 1 - alpha;
  const beta2 = beta * beta;
  const alphaBeta2 = alpha * beta2;
  return { alpha, beta, beta4: beta2 * beta2, alphaBeta: alpha * beta, alphaBeta2, alphaBeta3: alphaBeta2 * beta };
}

/**
 * Writes EMA(n) of `src` into `out`, treating src[from..] as the valid input.
 * alpha = 2/(n+1); seeded with the SMA of the first n valid inputs at index
 * from + n - 1 (NaN before), then the four-bar step above.
 */
export function emaInto(src: Float64Array, n: number, from: number, out: Float64Array): void {
  const len = src.length;
  const first = from + n - 1;
  out.fill(Number.NaN, 0, Math.min(first, len));
  if (first >= len) return;
  const { alpha, beta, beta4, alphaBeta, alphaBeta2, alphaBeta3 } = emaCoefficients(2 / (n + 1));
  let s = 0;
  for (let j = from; j <= first; j++) s += src[j]!;
  let e = s / n;
  out[first] = e;
  let t = first + 1;
  for (; t + 3 < len; t += 4) {
    const x0 = src[t]!;
    const x1 = src[t + 1]!;
    const x2 = src[t + 2]!;
    const x3 = src[t + 3]!;
    const o0 = e * beta + x0 * alpha;
    const o1 = o0 * beta + x1 * alpha;
    const o2 = o1 * beta + x2 * alpha;
    e = e * beta4 + (x0 * alphaBeta3 + x1 * alphaBeta2 + (x2 * alphaBeta + x3 * alpha));
    out[t] = o0;
    out[t + 1] = o1;
    out[t + 2] = o2;
    out[t + 3] = e;
  }
  for (; t < len; t++) {
    e = e * beta + src[t]! * alpha;
    out[t] = e;
  }
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
  const { alpha, beta, beta4, alphaBeta, alphaBeta2, alphaBeta3 } = emaCoefficients(2 / (n + 1));
  let s = 0;
  for (let j = from; j <= first; j++) s += src[j]!;
  let e = s / n;
  emaOut[first] = e;
  diffOut[first] = minuend[first]! - e;
  let t = first + 1;
  for (; t + 3 < len; t += 4) {
    const x0 = src[t]!;
    const x1 = src[t + 1]!;
    const x2 = src[t + 2]!;
    const x3 = src[t + 3]!;
    const o0 = e * beta + x0 * alpha;
    const o1 = o0 * beta + x1 * alpha;
    const o2 = o1 * beta + x2 * alpha;
    e = e * beta4 + (x0 * alphaBeta3 + x1 * alphaBeta2 + (x2 * alphaBeta + x3 * alpha));
    emaOut[t] = o0;
    diffOut[t] = minuend[t]! - o0;
    emaOut[t + 1] = o1;
    diffOut[t + 1] = minuend[t + 1]! - o1;
    emaOut[t + 2] = o2;
    diffOut[t + 2] = minuend[t + 2]! - o2;
    emaOut[t + 3] = e;
    diffOut[t + 3] = minuend[t + 3]! - e;
  }
  for (; t < len; t++) {
    e = e * beta + src[t]! * alpha;
    emaOut[t] = e;
    diffOut[t] = minuend[t]! - e;
  }
}

/** Exponential moving average, alpha 2/(n+1), SMA(n)-seeded at index n-1. */
export function ema(values: Float64Array, n: number): Float64Array {
  assertPeriod('ema period', n);
  const out = newColumn(values.length);
  emaInto(values, n, 0, out);
  return out;
}

/**
 * Streaming twin of the four-bar step: after the seed, the first three bars
 * of each block continue the one-step chain from the block's start, and the
 * fourth advances the state by the whole block (see the top of this file).
 * Shared by {@link EmaStream} and the Wilder streams (ATR, RSI).
 */
export class BlockSmoother {
  private readonly c: EmaCoefficients;
  private e = Number.NaN;
  private phase = 0;
  private x0 = 0;
  private x1 = 0;
  private x2 = 0;
  value = Number.NaN;

  constructor(alpha: number) {
    this.c = emaCoefficients(alpha);
  }

  /** Starts smoothing from `seed` (the value at the seed bar). */
  seed(seed: number): number {
    this.e = seed;
    this.phase = 0;
    this.value = seed;
    return seed;
  }

  push(x: number): number {
    const c = this.c;
    const phase = this.phase;
    if (phase === 0) {
      this.x0 = x;
      this.value = this.e * c.beta + x * c.alpha;
    } else if (phase === 1) {
      this.x1 = x;
      this.value = this.value * c.beta + x * c.alpha;
    } else if (phase === 2) {
      this.x2 = x;
      this.value = this.value * c.beta + x * c.alpha;
    } else {
      this.e = this.e * c.beta4 + (this.x0 * c.alphaBeta3 + this.x1 * c.alphaBeta2 + (this.x2 * c.alphaBeta + x * c.alpha));
      this.value = this.e;
    }
    this.phase = (phase + 1) & 3;
    return this.value;
  }
}

/** Incremental EMA with the same seeding and op order as {@link ema}. */
export class EmaStream {
  private readonly smoother: BlockSmoother;
  private count = 0;
  private seedSum = 0;

  constructor(readonly n: number) {
    assertPeriod('ema period', n);
    this.smoother = new BlockSmoother(2 / (n + 1));
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
