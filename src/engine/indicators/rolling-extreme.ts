import { scratchInt32 } from './scratch.js';

/**
 * Rolling max/min over a window that ends `lag` bars before t, via a
 * monotonic deque: each index is pushed and popped at most once, so a whole
 * column costs O(len) regardless of the window length.
 *
 * Window for index t is [t - n + 1 - lag, t - lag]; the first valid t is
 * n - 1 + lag. `lag` 1 gives Donchian channels (bar t excluded), `lag` 0 the
 * stochastic's highest-high/lowest-low (bar t included).
 *
 * Ties: an incoming value evicts older values that are EQUAL to it, so the
 * deque front is always the MOST RECENT index attaining the extreme. Turtle
 * Soup relies on that to ask "when was the low last set".
 *
 * Inputs are assumed finite (NaN comparisons would corrupt the deque order).
 */

/** Writes the rolling max into `out` (NaN in warm-up) and, if given, its most recent index into `idxOut` (-1 in warm-up). */
export function rollingMaxInto(
  src: Float64Array,
  n: number,
  lag: number,
  out: Float64Array,
  idxOut: Int32Array | null,
): void {
  const len = src.length;
  const first = n - 1 + lag;
  const warm = Math.min(first, len);
  out.fill(Number.NaN, 0, warm);
  if (idxOut !== null) idxOut.fill(-1, 0, warm);
  // Each index enters once, so a len-sized buffer never wraps.
  const dq = scratchInt32(len);
  let head = 0;
  let tail = 0;
  for (let t = lag; t < len; t++) {
    const j = t - lag;
    const v = src[j]!;
    while (tail > head && src[dq[tail - 1]!]! <= v) tail--;
    dq[tail++] = j;
    const lo = j - n + 1;
    while (dq[head]! < lo) head++;
    if (t >= first) {
      const k = dq[head]!;
      out[t] = src[k]!;
      if (idxOut !== null) idxOut[t] = k;
    }
  }
}

/** Mirror of {@link rollingMaxInto} for the rolling min. */
export function rollingMinInto(
  src: Float64Array,
  n: number,
  lag: number,
  out: Float64Array,
  idxOut: Int32Array | null,
): void {
  const len = src.length;
  const first = n - 1 + lag;
  const warm = Math.min(first, len);
  out.fill(Number.NaN, 0, warm);
  if (idxOut !== null) idxOut.fill(-1, 0, warm);
  const dq = scratchInt32(len);
  let head = 0;
  let tail = 0;
  for (let t = lag; t < len; t++) {
    const j = t - lag;
    const v = src[j]!;
    while (tail > head && src[dq[tail - 1]!]! >= v) tail--;
    dq[tail++] = j;
    const lo = j - n + 1;
    while (dq[head]! < lo) head++;
    if (t >= first) {
      const k = dq[head]!;
      out[t] = src[k]!;
      if (idxOut !== null) idxOut[t] = k;
    }
  }
}

/** Most recent index in [from, to] attaining the max of `src` there (O(to - from)); -1 if empty. */
export function argMaxRecent(src: ArrayLike<number>, from: number, to: number): number {
  let best = -1;
  let bestV = Number.NEGATIVE_INFINITY;
  for (let j = from; j <= to; j++) {
    const v = src[j]!;
    if (v >= bestV) {
      bestV = v;
      best = j;
    }
  }
  return best;
}

/** Most recent index in [from, to] attaining the min of `src` there (O(to - from)); -1 if empty. */
export function argMinRecent(src: ArrayLike<number>, from: number, to: number): number {
  let best = -1;
  let bestV = Number.POSITIVE_INFINITY;
  for (let j = from; j <= to; j++) {
    const v = src[j]!;
    if (v <= bestV) {
      bestV = v;
      best = j;
    }
  }
  return best;
}
