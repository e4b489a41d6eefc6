/**
 * Rolling-window mean/variance kernels shared by SMA, Bollinger, z-score,
 * %D, dollar ADV and historical volatility.
 *
 * A plain running sum drifts: every add/subtract rounds, and over thousands of
 * bars with large swings the error can exceed 1e-9 relative. We therefore
 * recompute the window sums from scratch every `n` bars ("rebase"), which
 * bounds the drift to `n` updates for one extra add per bar on average.
 *
 * The rebase schedule depends only on the bar index (rebase at the first valid
 * index f and at f + n, f + 2n, ...), so the batch kernels here, the point
 * evaluator {@link rollingMeanAt} and the streaming {@link RollingWindow}
 * perform the identical sequence of floating-point operations and agree bit
 * for bit — which is what lets `latestSignal` match `signals` exactly.
 */

/**
 * Rescan threshold: variance below this fraction of the accumulated squared
 * terms. Rounding error is about n·eps of that magnitude, so the variance
 * kept is accurate to ~n·eps/1e-6 relative (4e-8 at n = 200).
 */
const CANCELLATION = 1e-6;

/**
 * Writes mean(src[t-n+1..t]) into `out[t]` for every t >= from + n - 1 and NaN
 * before that. `from` is the first index of `src` holding a valid value.
 */
export function rollingMeanInto(src: Float64Array, n: number, from: number, out: Float64Array): void {
  const len = src.length;
  const first = from + n - 1;
  out.fill(Number.NaN, 0, Math.min(first, len));
  // One block per rebase: a fresh window sum, then n - 1 sliding updates.
  // Same ops as a per-bar countdown, without its counter and branch.
  for (let b = first; b < len; b += n) {
    let sum = 0;
    for (let j = b - n + 1; j <= b; j++) sum += src[j]!;
    out[b] = sum / n;
    const end = Math.min(b + n, len);
    for (let t = b + 1; t < end; t++) {
      sum += src[t]! - src[t - n]!;
      out[t] = sum / n;
    }
  }
}

/**
 * The value {@link rollingMeanInto} would write at index `t`, computed in
 * O(n) by replaying only the ops since the last rebase (bit-identical).
 */
export function rollingMeanAt(src: Float64Array, n: number, from: number, t: number): number {
  const first = from + n - 1;
  if (t < first || t >= src.length) return Number.NaN;
  const rebase = first + Math.floor((t - first) / n) * n;
  let sum = 0;
  for (let j = rebase - n + 1; j <= rebase; j++) sum += src[j]!;
  for (let j = rebase + 1; j <= t; j++) sum += src[j]! - src[j - n]!;
  return sum / n;
}

/**
 * Rolling mean and variance in one pass. `meanOut` (optional) receives exactly
 * what {@link rollingMeanInto} would write. `varOut` receives the variance with
 * divisor n - ddof (ddof 0 = population, 1 = sample), clamped at 0.
 * `devOut` (optional) receives src[t] - mean.
 *
 * Variance uses sums of deviations from a shift K (the newest value at the
 * last rebase) rather than raw sums of squares: prices sit far from zero, and
 * sum(x^2) - sum(x)^2/n would cancel catastrophically. The deviation is
 * likewise (src[t] - K) - S1/n, not src[t] - mean: for a window whose spread
 * is a few ulps, rounding the mean itself would be off by half the spread.
 *
 * Sliding updates still cancel when large values leave and the remaining
 * spread is tiny (a halted stock after a volatile month: returns all 0). We
 * track the magnitude of everything folded into S2 since the last scan; when
 * the variance drops below {@link CANCELLATION} of it, most digits are gone,
 * so the variance state alone is rescanned exactly around the newest value
 * (the sum, and so the mean, keeps its fixed schedule). A fresh scan around
 * a window value leaves S2 - S1²/n >= S2/n (Cauchy–Schwarz, one deviation is
 * 0), so rescans happen only when the spread truly collapses; the strict `<`
 * keeps an exactly flat window (everything 0) from rescanning every bar.
 */
export function rollingMeanVarInto(
  src: Float64Array,
  n: number,
  from: number,
  ddof: number,
  meanOut: Float64Array | null,
  varOut: Float64Array,
  devOut: Float64Array | null = null,
): void {
  const len = src.length;
  const first = from + n - 1;
  // Reciprocals: up to three divisions a bar were the kernel's throughput
  // limit. The mean keeps `sum / n` (it must equal the SMA bit for bit).
  const invN = 1 / n;
  const invDenom = 1 / (n - ddof);
  const warm = Math.min(first, len);
  if (meanOut !== null) meanOut.fill(Number.NaN, 0, warm);
  if (devOut !== null) devOut.fill(Number.NaN, 0, warm);
  varOut.fill(Number.NaN, 0, warm);
  let sum = 0;
  let shift = 0;
  let s1 = 0;
  let s2 = 0;
  let mag = 0;
  let untilRebase = 0;
  for (let t = first; t < len; t++) {
    const x = src[t]!;
    if (untilRebase === 0) {
      let s = 0;
      for (let j = t - n + 1; j <= t; j++) s += src[j]!;
      sum = s;
      untilRebase = n;
      shift = x;
      let a = 0;
      let b = 0;
      for (let j = t - n + 1; j <= t; j++) {
        const d = src[j]! - shift;
        a += d;
        b += d * d;
      }
      s1 = a;
      s2 = b;
      mag = b;
    } else {
      const old = src[t - n]!;
      sum += x - old;
      const dIn = x - shift;
      const dOut = old - shift;
      const qIn = dIn * dIn;
      const qOut = dOut * dOut;
      s1 += dIn - dOut;
      s2 += qIn - qOut;
      mag += qIn + qOut;
      if (s2 - s1 * s1 * invN < mag * CANCELLATION) {
        shift = x;
        let a = 0;
        let b = 0;
        for (let j = t - n + 1; j <= t; j++) {
          const d = src[j]! - shift;
          a += d;
          b += d * d;
        }
        s1 = a;
        s2 = b;
        mag = b;
      }
    }
    untilRebase--;
    if (meanOut !== null) meanOut[t] = sum / n;
    if (devOut !== null) devOut[t] = x - shift - s1 * invN;
    const v = (s2 - s1 * s1 * invN) * invDenom;
    varOut[t] = v > 0 ? v : 0;
  }
}

/**
 * Streaming twin of the batch kernels above: a ring buffer of the last `n`
 * values with the same rebase schedule and operation order, so `mean` and
 * `variance()` equal the batch columns bit for bit.
 */
export class RollingWindow {
  private readonly buf: Float64Array;
  private pos = 0;
  private count = 0;
  private sum = 0;
  private shift = 0;
  private s1 = 0;
  private s2 = 0;
  private mag = 0;
  private last = 0;

  constructor(readonly n: number) {
    this.buf = new Float64Array(n);
  }

  /** True once `n` values have been pushed. */
  get full(): boolean {
    return this.count >= this.n;
  }

  /** Mean of the last `n` values, NaN until full. */
  get mean(): number {
    return this.count >= this.n ? this.sum / this.n : Number.NaN;
  }

  /** Variance with divisor n - ddof, clamped at 0; NaN until full. */
  variance(ddof: number): number {
    if (this.count < this.n) return Number.NaN;
    const v = (this.s2 - this.s1 * this.s1 * (1 / this.n)) * (1 / (this.n - ddof));
    return v > 0 ? v : 0;
  }

  /** Newest value minus the window mean, computed from the shifted sums (see {@link rollingMeanVarInto}); NaN until full. */
  get deviation(): number {
    return this.count >= this.n ? this.last - this.shift - this.s1 * (1 / this.n) : Number.NaN;
  }

  /** Adds one value, evicting the oldest once the window is full. */
  push(x: number): void {
    const n = this.n;
    const buf = this.buf;
    const old = buf[this.pos]!;
    this.last = x;
    buf[this.pos] = x;
    this.pos = this.pos + 1 === n ? 0 : this.pos + 1;
    this.count++;
    if (this.count < n) return;
    if ((this.count - n) % n === 0) {
      // After the write, `pos` points at the oldest value: sum chronologically
      // so the op order matches the batch kernel.
      let s = 0;
      for (let i = 0, k = this.pos; i < n; i++) {
        s += buf[k]!;
        k = k + 1 === n ? 0 : k + 1;
      }
      this.sum = s;
      this.rescanVariance(x);
    } else {
      this.sum += x - old;
      const dIn = x - this.shift;
      const dOut = old - this.shift;
      const qIn = dIn * dIn;
      const qOut = dOut * dOut;
      this.s1 += dIn - dOut;
      this.s2 += qIn - qOut;
      this.mag += qIn + qOut;
      if (this.s2 - this.s1 * this.s1 * (1 / n) < this.mag * CANCELLATION) this.rescanVariance(x);
    }
  }

  /** Recomputes the shifted sums exactly around `shift`, oldest value first (batch op order). */
  private rescanVariance(shift: number): void {
    const n = this.n;
    const buf = this.buf;
    this.shift = shift;
    let a = 0;
    let b = 0;
    for (let i = 0, k = this.pos; i < n; i++) {
      const d = buf[k]! - shift;
      a += d;
      b += d * d;
      k = k + 1 === n ? 0 : k + 1;
    }
    this.s1 = a;
    this.s2 = b;
    this.mag = b;
  }
}
