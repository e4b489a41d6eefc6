/**
 * The incubation verdict of an evaluated hypothesis, deflated for the number
 * of hypotheses the market has tried (DESIGN section 9, Bailey & López de
 * Prado 2014): the more evaluations finished, and the more their Sharpe
 * ratios vary, the higher the Sharpe ratio luck alone would give the best of
 * them (SR₀), and the more a hypothesis must beat.
 */
import { deflatedSharpe, type DsrUndefinedReason, expectedMaxSharpe } from '../stats/deflated-sharpe.js';
import { sampleVariance } from '../stats/moments.js';
import type { HypothesisEvaluation } from './evaluation-types.js';
import { incubationVerdict, type IncubationVerdict } from './incubation-verdict.js';

/** N and V of the deflated Sharpe ratio: how many evaluations finished and the variance of their daily Sharpe ratios. */
export interface TrialStats {
  n: number;
  /** Sample (n − 1) variance of the daily Sharpe ratios; 0 when n < 2. */
  variance: number;
}

/**
 * N and V from the daily (not annualised) Sharpe ratios of the market's
 * finished evaluations, this one included.
 *
 * @throws RangeError for a non-finite Sharpe ratio: an evaluation without one (no trades, constant equity) has no Sharpe to add; leave it out
 */
export function trialStats(dailySharpes: readonly number[]): TrialStats {
  const i = dailySharpes.findIndex((x) => !Number.isFinite(x));
  if (i >= 0) {
    throw new RangeError(`daily Sharpe #${i} is ${dailySharpes[i]}: pass only finite daily Sharpe ratios (leave out evaluations without one)`);
  }
  const n = dailySharpes.length;
  return { n, variance: n < 2 ? 0 : sampleVariance(dailySharpes) };
}

/** The deflated Sharpe ratio behind an incubation verdict, with every input (all daily), as plain data. */
export interface IncubationDeflation {
  /** DSR in [0, 1]; null when undefined (see `undefinedReason`), which fails the verdict. */
  dsr: number | null;
  /** Why DSR is null: no daily Sharpe (fewer than 2 returns or constant equity), T < 2, or 1 − γ₃·SR + (γ₄−1)/4·SR² ≤ 0. */
  undefinedReason: DsrUndefinedReason | null;
  /** SR₀: the daily Sharpe the best of N unskilled trials would show; 0 when N < 2. */
  sr0: number;
  /** (SR − SR₀)·√(T−1) / √(1 − γ₃·SR + (γ₄−1)/4·SR²); null when DSR is. */
  z: number | null;
  /** The hypothesis's daily Sharpe ratio (SR). */
  sharpe: number | null;
  /** T. */
  days: number;
  skewness: number | null;
  kurtosis: number | null;
  /** N. */
  trials: number;
  /** V. */
  trialVariance: number;
}

/** An incubation verdict with the deflated Sharpe ratio that went into it. */
export type IncubationOutcome = IncubationVerdict & { deflated: IncubationDeflation };

/**
 * INCUBATING → PAPER or RETIRED: the deflated Sharpe ratio of the
 * evaluation's daily returns against `trials`, then every rule of
 * {@link incubationVerdict}.
 *
 * @param trials N and V over the market's finished evaluations INCLUDING this one (see {@link trialStats})
 */
export function incubate(evaluation: HypothesisEvaluation, trials: TrialStats): IncubationOutcome {
  const d = evaluation.daily;
  let deflated: IncubationDeflation;
  if (d.sharpe === null || d.skewness === null || d.kurtosis === null) {
    deflated = {
      dsr: null,
      undefinedReason: 'not_finite',
      sr0: expectedMaxSharpe(trials.n, trials.variance),
      z: null,
      sharpe: d.sharpe,
      days: d.days,
      skewness: d.skewness,
      kurtosis: d.kurtosis,
      trials: trials.n,
      trialVariance: trials.variance,
    };
  } else {
    const r = deflatedSharpe({
      sharpe: d.sharpe,
      days: d.days,
      skewness: d.skewness,
      kurtosis: d.kurtosis,
      trials: trials.n,
      trialVariance: trials.variance,
    });
    deflated = {
      dsr: r.ok ? r.dsr : null,
      undefinedReason: r.ok ? null : r.reason,
      sr0: r.sr0,
      z: r.ok ? r.z : null,
      sharpe: d.sharpe,
      days: d.days,
      skewness: d.skewness,
      kurtosis: d.kurtosis,
      trials: trials.n,
      trialVariance: trials.variance,
    };
  }
  return { ...incubationVerdict(evaluation.figures, deflated.dsr), deflated };
}
