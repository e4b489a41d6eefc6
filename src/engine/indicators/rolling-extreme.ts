import { scratchFloat64, scratchInt32 } from './scratch.js';

/**
 * Rolling max/min over a window that ends `lag` bars before t, in O(len)
 * whatever the window length.
 *
 * Window for index t is [t - n + 1 - lag, t - lag]; the first valid t is
 * n - 1 + lag. `lag` 1 gives Donchian channels (bar t excluded), `lag` 0 the
 * stochastic's highest-high/lowest-low (bar t included).
 *
 * Ties: the reported index is always the MOST RECENT index attaining the
 * extreme. Turtle Soup relies on that to ask "when was the low last set".
 *
 * Algorithm (a lazy van Herk/Gil-Werman): most bars only compare the new
 * value with the running extreme, one predictable branch. Only when the
 * extreme leaves the window is the window scanned backwards once, storing
 * suffix extremes S[j] = extreme(src[j..e]) in scratch; while the window
 * still overlaps that block its extreme is the better of S[start] and the
 * running extreme of the bars after the block. As soon as the running one
 * wins (S only shrinks as the start advances) or the window has left the
 * block, it is back to the one-compare path. Blocks never overlap, so every
 * index is scanned backwards at most once: O(len) even on a monotonic
 * series, where the old monotonic deque paid unpredictable pops on every bar
 * and a plain "rescan on expiry" would be O(n) per bar.
 *
 * Inputs are assumed finite (a NaN never compares greater, so it would be
 * skipped rather than propagated).
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
  if (first >= len) return;
  const sv = scratchFloat64(len);
  const si = scratchInt32(len);
  let v = src[0]!;
  let k = 0;
  for (let j = 1; j < n; j++) {
    const x = src[j]!;
    if (x >= v) {
      v = x;
      k = j;
    }
  }
  out[first] = v;
  if (idxOut !== null) idxOut[first] = k;
  let t = first + 1;
  while (t < len) {
    // One compare a bar while the window's max (v at k) stays in the window.
    for (; t < len; t++) {
      const e = t - lag;
      const x = src[e]!;
      if (x >= v) {
        v = x;
        k = e;
      } else if (k <= e - n) {
        break;
      }
      out[t] = v;
      if (idxOut !== null) idxOut[t] = k;
    }
    if (t >= len) return;
    // It left: suffix maxima of the window [e - n + 1, e], scanned newest
    // first; strict > keeps the later index on ties.
    const blockEnd = t - lag;
    let bv = src[blockEnd]!;
    let bk = blockEnd;
    sv[blockEnd] = bv;
    si[blockEnd] = bk;
    for (let j = blockEnd - 1; j > blockEnd - n; j--) {
      const y = src[j]!;
      if (y > bv) {
        bv = y;
        bk = j;
      }
      sv[j] = bv;
      si[j] = bk;
    }
    out[t] = bv;
    if (idxOut !== null) idxOut[t] = bk;
    t++;
    // Max of the bars after the block (p at pk) vs what is left of the block;
    // the later bars win ties, and once they win they win until pk leaves.
    let p = Number.NEGATIVE_INFINITY;
    let pk = -1;
    for (; t < len; t++) {
      const e = t - lag;
      const x = src[e]!;
      if (x >= p) {
        p = x;
        pk = e;
      }
      const start = e - n + 1;
      if (start > blockEnd || p >= sv[start]!) {
        v = p;
        k = pk;
        out[t] = v;
        if (idxOut !== null) idxOut[t] = k;
        t++;
        break;
      }
      out[t] = sv[start]!;
      if (idxOut !== null) idxOut[t] = si[start]!;
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
  if (first >= len) return;
  const sv = scratchFloat64(len);
  const si = scratchInt32(len);
  let v = src[0]!;
  let k = 0;
  for (let j = 1; j < n; j++) {
    const x = src[j]!;
    if (x <= v) {
      v = x;
      k = j;
    }
  }
  out[first] = v;
  if (idxOut !== null) idxOut[first] = k;
  let t = first + 1;
  while (t < len) {
    for (; t < len; t++) {
      const e = t - lag;
      const x = src[e]!;
      if (x <= v) {
        v = x;
        k = e;
      } else if (k <= e - n) {
        break;
      }
      out[t] = v;
      if (idxOut !== null) idxOut[t] = k;
    }
    if (t >= len) return;
    const blockEnd = t - lag;
    let bv = src[blockEnd]!;
    let bk = blockEnd;
    sv[blockEnd] = bv;
    si[blockEnd] = bk;
    for (let j = blockEnd - 1; j > blockEnd - n; j--) {
      const y = src[j]!;
      if (y < bv) {
        bv = y;
        bk = j;
      }
      sv[j] = bv;
      si[j] = bk;
    }
    out[t] = bv;
    if (idxOut !== null) idxOut[t] = bk;
    t++;
    let p = Number.POSITIVE_INFINITY;
    let pk = -1;
    for (; t < len; t++) {
      const e = t - lag;
      const x = src[e]!;
      if (x <= p) {
        p = x;
        pk = e;
      }
      const start = e - n + 1;
      if (start > blockEnd || p <= sv[start]!) {
        v = p;
        k = pk;
        out[t] = v;
        if (idxOut !== null) idxOut[t] = k;
        t++;
        break;
      }
      out[t] = sv[start]!;
      if (idxOut !== null) idxOut[t] = si[start]!;
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
