import { BlockSmoother, emaCoefficients } from './ema.js';
import { assertPeriod, nanColumn } from './period.js';
import { trueRangeBranchless as tr } from './true-range.js';

/**
 * Average true range, Wilder smoothing.
 *
 * Seeding: ATR[n-1] = mean(TR[0..n-1]), where TR[0] = high[0] - low[0]
 * (Wilder's original counts the first bar's range; some libraries, e.g.
 * `technicalindicators`, skip it and seed one bar later — the difference
 * decays by a factor (1 - 1/n) per bar). Then
 * ATR[t] = ATR[t-1]·(1 - 1/n) + TR[t]·(1/n), taken four bars at a time like
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
  const { alpha, beta, beta4, alphaBeta, alphaBeta2, alphaBeta3 } = emaCoefficients(1 / n);
  let a = atrSeed(high, low, close, n);
  out[n - 1] = a;
  let t = n;
  for (; t + 3 < len; t += 4) {
    const tr0 = tr(high[t]!, low[t]!, close[t - 1]!);
    const tr1 = tr(high[t + 1]!, low[t + 1]!, close[t]!);
    const tr2 = tr(high[t + 2]!, low[t + 2]!, close[t + 1]!);
    const tr3 = tr(high[t + 3]!, low[t + 3]!, close[t + 2]!);
    const o0 = a * beta + tr0 * alpha;
    const o1 = o0 * beta + tr1 * alpha;
    const o2 = o1 * beta + tr2 * alpha;
    a = a * beta4 + (tr0 * alphaBeta3 + tr1 * alphaBeta2 + (tr2 * alphaBeta + tr3 * alpha));
    out[t] = o0;
    out[t + 1] = o1;
    out[t + 2] = o2;
    out[t + 3] = a;
  }
  for (; t < len; t++) {
    a = a * beta + tr(high[t]!, low[t]!, close[t - 1]!) * alpha;
    out[t] = a;
  }
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
 * same four-bar blocks). O(t) because Wilder smoothing has unbounded memory,
 * but one tight loop (~10 µs for ten years of bars).
 */
export function atrAt(high: Float64Array, low: Float64Array, close: Float64Array, n: number, t: number): number {
  assertPeriod('atr period', n);
  if (t < n - 1 || t >= high.length) return Number.NaN;
  const { alpha, beta, beta4, alphaBeta, alphaBeta2, alphaBeta3 } = emaCoefficients(1 / n);
  let a = atrSeed(high, low, close, n);
  let j = n;
  for (; j + 3 <= t; j += 4) {
    const tr0 = tr(high[j]!, low[j]!, close[j - 1]!);
    const tr1 = tr(high[j + 1]!, low[j + 1]!, close[j]!);
    const tr2 = tr(high[j + 2]!, low[j + 2]!, close[j + 1]!);
    const tr3 = tr(high[j + 3]!, low[j + 3]!, close[j + 2]!);
    a = a * beta4 + (tr0 * alphaBeta3 + tr1 * alphaBeta2 + (tr2 * alphaBeta + tr3 * alpha));
  }
  // t sits in the block starting at j (or j === t + 1: t ended a block): the one-step chain from a.
  for (; j <= t; j++) a = a * beta + tr(high[j]!, low[j]!, close[j - 1]!) * alpha;
  return a;
}

/** Incremental ATR with the same seeding and op order as {@link atr}. */
export class AtrStream {
  private readonly smoother: BlockSmoother;
  private count = 0;
  private seedSum = 0;
  private a = Number.NaN;
  private prevClose = Number.NaN;

  constructor(readonly n: number) {
    assertPeriod('atr period', n);
    this.smoother = new BlockSmoother(1 / n);
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
