/**
 * Deflated Sharpe ratio (Bailey & López de Prado 2014), exactly as DESIGN
 * section 9 defines it. Every input is per day, not annualised:
 *
 *   SR₀ = √V·((1−γ)·Φ⁻¹(1−1/N) + γ·Φ⁻¹(1−1/(N·e)))      (SR₀ = 0 when N < 2)
 *   DSR = Φ((SR − SR₀)·√(T−1) / √(1 − γ₃·SR + (γ₄−1)/4·SR²))
 *
 * γ = Euler–Mascheroni; N = hypotheses of the market whose evaluation
 * finished; V = the variance of their daily Sharpe ratios; T = days; γ₃, γ₄
 * = skewness and non-excess kurtosis of the hypothesis's daily returns.
 */
import { sampleMoments, sampleVariance } from './moments.js';
import { normCdf, normInv } from './normal.js';

/** Euler–Mascheroni constant γ. */
export const EULER_GAMMA = 0.5772156649015329;

/**
 * SR₀: the Sharpe ratio the best of N unskilled trials would be expected to
 * show, given the variance V of the trials' Sharpe ratios.
 *
 * @returns 0 when N < 2 (one trial selects nothing) or V ≤ 0
 */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (!(trials >= 2) || !(variance > 0)) return 0;
  return (
    Math.sqrt(variance) *
    ((1 - EULER_GAMMA) * normInv(1 - 1 / trials) + EULER_GAMMA * normInv(1 - 1 / (trials * Math.E)))
  );
}

/** What the deflated Sharpe ratio is computed from (all daily). */
export interface DeflatedSharpeInputs {
  /** Daily Sharpe ratio of the hypothesis (mean / sd of daily returns). */
  sharpe: number;
  /** T: the number of daily returns. */
  days: number;
  /** γ₃ of the daily returns. */
  skewness: number;
  /** γ₄ of the daily returns, non-excess (3 for a normal). */
  kurtosis: number;
  /** N: finished evaluations in the market (this one included). */
  trials: number;
  /** V: variance of those evaluations' daily Sharpe ratios. */
  trialVariance: number;
}

/** Why a deflated Sharpe ratio could not be computed. */
export type DsrUndefinedReason =
  /** T < 2: √(T−1) needs at least two days. */
  | 'too_few_days'
  /** 1 − γ₃·SR + (γ₄−1)/4·SR² ≤ 0 (or not finite): the Sharpe ratio's variance estimate breaks down. */
  | 'degenerate_moments'
  /** A non-finite input (a constant series has no Sharpe ratio). */
  | 'not_finite';

/** The deflated Sharpe ratio with every figure behind it, or why there is none. */
export type DeflatedSharpe =
  | (DeflatedSharpeInputs & { ok: true; sr0: number; z: number; dsr: number })
  | (DeflatedSharpeInputs & { ok: false; sr0: number; reason: DsrUndefinedReason });

/** DSR from its inputs. The result carries the inputs, SR₀ and the z-score, so a verdict can show them. */
export function deflatedSharpe(inputs: DeflatedSharpeInputs): DeflatedSharpe {
  const { sharpe: sr, days: t, skewness: g3, kurtosis: g4 } = inputs;
  const sr0 = expectedMaxSharpe(inputs.trials, inputs.trialVariance);
  if (![sr, t, g3, g4].every(Number.isFinite)) return { ...inputs, ok: false, sr0, reason: 'not_finite' };
  if (t < 2) return { ...inputs, ok: false, sr0, reason: 'too_few_days' };
  const denom2 = 1 - g3 * sr + ((g4 - 1) / 4) * sr * sr;
  if (!(denom2 > 0) || !Number.isFinite(denom2)) return { ...inputs, ok: false, sr0, reason: 'degenerate_moments' };
  const z = ((sr - sr0) * Math.sqrt(t - 1)) / Math.sqrt(denom2);
  return { ...inputs, ok: true, sr0, z, dsr: normCdf(z) };
}

/**
 * DSR of a hypothesis from its daily returns and the daily Sharpe ratios of
 * the market's finished evaluations (this one included). The daily Sharpe
 * uses the sample sd (n − 1), as the backtest metrics do, so it is their
 * annualised Sharpe / √252; skewness and kurtosis are the plain moment ratios.
 */
export function deflatedSharpeOfReturns(
  dailyReturns: ArrayLike<number>,
  trialSharpes: ArrayLike<number>,
): DeflatedSharpe {
  const n = trialSharpes.length;
  const trialVariance = n >= 2 ? sampleVariance(trialSharpes) : 0;
  const m = sampleMoments(dailyReturns);
  if (m === null) {
    const nan = Number.NaN;
    const inputs = { sharpe: nan, days: dailyReturns.length, skewness: nan, kurtosis: nan, trials: n, trialVariance };
    return { ...inputs, ok: false, sr0: expectedMaxSharpe(n, trialVariance), reason: 'not_finite' };
  }
  const sampleSd = m.sd * Math.sqrt(m.n / (m.n - 1));
  return deflatedSharpe({
    sharpe: m.mean / sampleSd,
    days: m.n,
    skewness: m.skewness,
    kurtosis: m.kurtosis,
    trials: n,
    trialVariance,
  });
}
