import { emaCoefficients, PairedSmoother } from './ema.js';
import { assertPeriod, nanColumn } from './period.js';
import { trueRangeBranchless as tr } from './true-range.js';

/**
 * Average true range, Wilder smoothing.
 *
 * Seeding: ATR[n-1] = mean(TR[0..n-1]), where TR[0] = high[0] - low[0]
 * (Wilder's original counts the first bar's range; some libraries, e.g.
 * `technicalindicators`, skip it and seed one bar later — the difference
 * decays by a factor (1 - 1/n) per bar). Then
 * ATR[t] = ATR[t-1]·(1 - 1/n) + TR[t]·(1/n), taken two bars at a time like
 * the EMA (see ema.ts): Wilder smoothing is an EMA with alpha 1/n, and the
 * per-bar latency chain (formerly subtract, multiply, add) was the cost.
 * The true range is computed in the same pass (no TR column), without
 * data-dependent branches (see trueRangeBranchless: within an ulp of the
 * price of trueRange(), usually exactly equal).
 */
export function atr(high: Float64Array, low: Float64Array, close: Float64Array, n: number): Float64Array {
  assertPeriod('atr period', n);
  const len = high.length;
  const out = nanColumn(len, n - 1);
  if (len < n) return out;
  const { alpha, beta, beta2, alphaBeta } = emaCoefficients(1 / n);
  let a = atrSeed(high, low, close, n);
  out[n - 1] = a;
  let t = n;
  for (; t + 1 < len; t += 2) {
    const tr0 = tr(high[t]!, low[t]!, close[t - 1]!);
    const tr1 = tr(high[t + 1]!, low[t + 1]!, close[t]!);
    out[t] = a * beta + tr0 * alpha;
    a = a * beta2 + (tr0 * alphaBeta + tr1 * alpha);
    out[t + 1] = a;
  }
  if (t < len) out[t] = a * beta + tr(high[t]!, low[t]!, close[t - 1]!) * alpha;
  return out;
}

/** mean(TR[0..n-1]): the seed at index n-1. */
function atrSeed(high: Float64Array, low: Float64Array, close: Float64Array, n: number): number {
  let s = high[0]! - low[0]!;
  for (let t = 1; t < n; t++) s += tr(high[t]!, low[t]!, close[t - 1]!);
  return s / n;
}

/**
 * `atr(...)[t]` without allocating, bit-identical to the column (same seed,
 * same pairing). O(t) because Wilder smoothing has unbounded memory, but one
 * tight loop (~10 µs for ten years of bars).
 */
export function atrAt(high: Float64Array, low: Float64Array, close: Float64Array, n: number, t: number): number {
  assertPeriod('atr period', n);
  if (t < n - 1 || t >= high.length) return Number.NaN;
  const { alpha, beta, beta2, alphaBeta } = emaCoefficients(1 / n);
  let a = atrSeed(high, low, close, n);
  let j = n;
  for (; j + 1 <= t; j += 2) {
    const tr0 = tr(high[j]!, low[j]!, close[j - 1]!);
    const tr1 = tr(high[j + 1]!, low[j + 1]!, close[j]!);
    a = a * beta2 + (tr0 * alphaBeta + tr1 * alpha);
  }
  // j === t: t is the first bar of a pair, one plain step past `a`.
  return j === t ? a * beta + tr(high[t]!, low[t]!, close[t - 1]!) * alpha : a;
}

/** Incremental ATR with the same seeding and op order as {@link atr}. */
export class AtrStream {
  private readonly smoother: PairedSmoother;
  private count = 0;
  private seedSum = 0;
  private a = Number.NaN;
  private prevClose = Number.NaN;

  constructor(readonly n: number) {
    assertPeriod('atr period', n);
    this.smoother = new PairedSmoother(1 / n);
  }

  push(high: number, low: number, close: number): number {
    const range = tr(high, low, this.prevClose);
    this.prevClose = close;
    this.count++;
    if (this.count < this.n) {
      this.seedSum += range;
    } else if (this.count === this.n) {
      this.seedSum += range;
      this.a = this.smoother.seed(this.seedSum / this.n);
    } else {
      this.a = this.smoother.push(range);
    }
    return this.a;
  }
}
