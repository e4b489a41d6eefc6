import { scratchInt32 } from './scratch.js';

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
 * extreme leaves the window is the window scanned backwards once, recording
 * its suffix extremes (the bars that beat every later bar of the window: a
 * handful, kept in scratch); while the window still overlaps that block its
 * extreme is the better of the oldest record inside it and the running
 * extreme of the bars after the block. As soon as the running one wins
 * (what is left of the block only gets worse as the start advances) or the
 * window has left the block, it is back to the one-compare path. Blocks
 * never overlap, so every index is scanned backwards at most once: O(len)
 * even on a monotonic series, where the old monotonic deque paid
 * unpredictable pops on every bar and a plain "rescan on expiry" would be
 * O(n) per bar. The fast path takes two bars and the backward scan four per
 * loop iteration (V8 re-checks every typed array once per iteration), and
 * recording only the suffix extremes, instead of storing every suffix value
 * and index, halved the scan's memory traffic.
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
  const rec = scratchInt32(n);
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
    // One compare a bar while the window's max (v at k) stays in the window,
    // two bars per loop iteration.
    let expired = false;
    for (; t + 1 < len; t += 2) {
      const e = t - lag;
      const x0 = src[e]!;
      if (x0 >= v) {
        v = x0;
        k = e;
      } else if (k <= e - n) {
        expired = true;
        break;
      }
      out[t] = v;
      if (idxOut !== null) idxOut[t] = k;
      const x1 = src[e + 1]!;
      if (x1 >= v) {
        v = x1;
        k = e + 1;
      } else if (k <= e + 1 - n) {
        t++;
        expired = true;
        break;
      }
      out[t + 1] = v;
      if (idxOut !== null) idxOut[t + 1] = k;
    }
    if (!expired) {
      if (t >= len) return;
      // The last bar, alone.
      const e = t - lag;
      const x = src[e]!;
      if (x >= v) {
        v = x;
        k = e;
      } else if (k <= e - n) {
        expired = true;
      }
      if (!expired) {
        out[t] = v;
        if (idxOut !== null) idxOut[t] = k;
        return;
      }
    }
    // It left: scan the window [e - n + 1, e] newest first, recording each
    // bar that beats every newer one (strict >: the later index wins ties).
    // The records, newest first, are the window's suffix maxima; the
    // last one is the window's max.
    const blockEnd = t - lag;
    const stop = blockEnd - n;
    let bv = src[blockEnd]!;
    let m = 0;
    rec[m++] = blockEnd;
    let j = blockEnd - 1;
    for (; j - 3 > stop; j -= 4) {
      const y0 = src[j]!;
      const y1 = src[j - 1]!;
      const y2 = src[j - 2]!;
      const y3 = src[j - 3]!;
      if (y0 > bv) {
        bv = y0;
        rec[m++] = j;
      }
      if (y1 > bv) {
        bv = y1;
        rec[m++] = j - 1;
      }
      if (y2 > bv) {
        bv = y2;
        rec[m++] = j - 2;
      }
      if (y3 > bv) {
        bv = y3;
        rec[m++] = j - 3;
      }
    }
    for (; j > stop; j--) {
      const y = src[j]!;
      if (y > bv) {
        bv = y;
        rec[m++] = j;
      }
    }
    let q = m - 1;
    let r = rec[q]!;
    out[t] = bv;
    if (idxOut !== null) idxOut[t] = r;
    t++;
    // The max of the bars after the block (p at pk) vs what is left of the
    // block, whose max is the oldest record at or after the window start; the
    // later bars win ties, and once they win they win until pk leaves.
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
      if (start <= blockEnd) {
        // The start moves one bar at a time, so at most one record drops out.
        if (r < start) r = rec[--q]!;
        const rv = src[r]!;
        if (!(p >= rv)) {
          out[t] = rv;
          if (idxOut !== null) idxOut[t] = r;
          continue;
        }
      }
      v = p;
      k = pk;
      out[t] = v;
      if (idxOut !== null) idxOut[t] = k;
      t++;
      break;
    }
  }
}

/**
 * Mirror of {@link rollingMaxInto} for the rolling min (every comparison flipped). Written out
 * twice on purpose: a comparator callback or a negated copy of the input cost the hot loop more
 * than the kernel itself.
 */
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
  const rec = scratchInt32(n);
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
    // One compare a bar while the window's min (v at k) stays in the window,
    // two bars per loop iteration.
    let expired = false;
    for (; t + 1 < len; t += 2) {
      const e = t - lag;
      const x0 = src[e]!;
      if (x0 <= v) {
        v = x0;
        k = e;
      } else if (k <= e - n) {
        expired = true;
        break;
      }
      out[t] = v;
      if (idxOut !== null) idxOut[t] = k;
      const x1 = src[e + 1]!;
      if (x1 <= v) {
        v = x1;
        k = e + 1;
      } else if (k <= e + 1 - n) {
        t++;
        expired = true;
        break;
      }
      out[t + 1] = v;
      if (idxOut !== null) idxOut[t + 1] = k;
    }
    if (!expired) {
      if (t >= len) return;
      // The last bar, alone.
      const e = t - lag;
      const x = src[e]!;
      if (x <= v) {
        v = x;
        k = e;
      } else if (k <= e - n) {
        expired = true;
      }
      if (!expired) {
        out[t] = v;
        if (idxOut !== null) idxOut[t] = k;
        return;
      }
    }
    // It left: scan the window [e - n + 1, e] newest first, recording each
    // bar that beats every newer one (strict <: the later index wins ties).
    // The records, newest first, are the window's suffix minima; the
    // last one is the window's min.
    const blockEnd = t - lag;
    const stop = blockEnd - n;
    let bv = src[blockEnd]!;
    let m = 0;
    rec[m++] = blockEnd;
    let j = blockEnd - 1;
    for (; j - 3 > stop; j -= 4) {
      const y0 = src[j]!;
      const y1 = src[j - 1]!;
      const y2 = src[j - 2]!;
      const y3 = src[j - 3]!;
      if (y0 < bv) {
        bv = y0;
        rec[m++] = j;
      }
      if (y1 < bv) {
        bv = y1;
        rec[m++] = j - 1;
      }
      if (y2 < bv) {
        bv = y2;
        rec[m++] = j - 2;
      }
      if (y3 < bv) {
        bv = y3;
        rec[m++] = j - 3;
      }
    }
    for (; j > stop; j--) {
      const y = src[j]!;
      if (y < bv) {
        bv = y;
        rec[m++] = j;
      }
    }
    let q = m - 1;
    let r = rec[q]!;
    out[t] = bv;
    if (idxOut !== null) idxOut[t] = r;
    t++;
    // The min of the bars after the block (p at pk) vs what is left of the
    // block, whose min is the oldest record at or after the window start; the
    // later bars win ties, and once they win they win until pk leaves.
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
      if (start <= blockEnd) {
        // The start moves one bar at a time, so at most one record drops out.
        if (r < start) r = rec[--q]!;
        const rv = src[r]!;
        if (!(p <= rv)) {
          out[t] = rv;
          if (idxOut !== null) idxOut[t] = r;
          continue;
        }
      }
      v = p;
      k = pk;
      out[t] = v;
      if (idxOut !== null) idxOut[t] = k;
      t++;
      break;
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
