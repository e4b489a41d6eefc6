/** Small numeric helpers shared by metrics and Monte Carlo. */

/**
 * Percentile of an ascending-sorted array by linear interpolation between
 * closest ranks (the "R-7" / NumPy default definition): position (n−1)·p/100.
 *
 * @param p percentile in [0, 100]
 * @returns NaN for an empty array
 */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = ((n - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const frac = h - lo;
  const a = sorted[lo]!;
  return frac === 0 ? a : a + (sorted[hi]! - a) * frac;
}

/** The five percentiles reported for distributions. */
export interface Percentiles {
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}

/** Percentiles 5/25/50/75/95 of an ascending-sorted array. */
export function percentilesOf(sorted: ArrayLike<number>): Percentiles {
  return {
    p5: percentileSorted(sorted, 5),
    p25: percentileSorted(sorted, 25),
    p50: percentileSorted(sorted, 50),
    p75: percentileSorted(sorted, 75),
    p95: percentileSorted(sorted, 95),
  };
}
