/**
 * Sample moments of a return series, in the plain (population, "biased")
 * form the deflated Sharpe ratio of Bailey & López de Prado uses: central
 * moments divided by n, skewness m₃/m₂^{3/2}, kurtosis m₄/m₂² (not excess:
 * a normal sample gives about 3).
 */

/** Skewness γ₃ and non-excess kurtosis γ₄ of a sample, with its mean and (population) standard deviation. */
export interface SampleMoments {
  n: number;
  mean: number;
  /** √m₂, dividing by n. */
  sd: number;
  skewness: number;
  /** Non-excess: a normal distribution has 3. */
  kurtosis: number;
}

/**
 * Moments of `xs`. Two passes (mean first, then central sums) because the
 * one-pass power sums lose the tiny daily returns to cancellation.
 *
 * @returns null for fewer than 2 values or a constant series (m₂ = 0), where
 * skewness and kurtosis are undefined
 */
export function sampleMoments(xs: ArrayLike<number>): SampleMoments | null {
  const n = xs.length;
  if (n < 2) return null;
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i]!;
  const mean = s / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  if (!(m2 > 0)) return null;
  return { n, mean, sd: Math.sqrt(m2), skewness: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) };
}

/** Sample skewness γ₃ = m₃/m₂^{3/2}; NaN where {@link sampleMoments} is null. */
export function skewness(xs: ArrayLike<number>): number {
  return sampleMoments(xs)?.skewness ?? Number.NaN;
}

/** Sample non-excess kurtosis γ₄ = m₄/m₂²; NaN where {@link sampleMoments} is null. */
export function kurtosis(xs: ArrayLike<number>): number {
  return sampleMoments(xs)?.kurtosis ?? Number.NaN;
}

/** Unbiased (n − 1) variance; NaN for fewer than 2 values. Used for V, the variance of the trials' Sharpe ratios. */
export function sampleVariance(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return Number.NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i]!;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i]! - mean) ** 2;
  return ss / (n - 1);
}
