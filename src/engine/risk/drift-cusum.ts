/**
 * The sequential drift test of live trades against their reference distribution (issue 21,
 * part 3): a lower one-sided CUSUM on standardized R multiples. Pure: no I/O, no clock; the
 * caller hands the trades in the order they closed, and the statistic after trade t depends only
 * on trades 1..t (no lookahead).
 *
 * The test. With the reference's mean μ and sample standard deviation σ, each live trade's
 * z = (R − μ) / σ, and
 *
 *     S₀ = 0,   Sₜ = max(0, Sₜ₋₁ − zₜ − k)
 *
 * grows while live trades fall short of the reference by more than k standard deviations on
 * average, and drains back to 0 otherwise. It is out of band while Sₜ ≥ h.
 *
 * The stated false-alarm rate. h is calibrated by simulation from the reference itself (trades
 * drawn with replacement, so a skewed R distribution is judged as it is, not as a normal one):
 * {@link DRIFT_CALIBRATION_RUNS} runs of {@link DRIFT_HORIZON} trades, and h is the
 * (1 − {@link DRIFT_CALIBRATION_LEVEL}) quantile of each run's maximum S. The calibration level
 * sits below the stated bound ({@link DRIFT_FALSE_ALARM_BOUND}) so that the simulation's own
 * sampling error cannot push the real rate past it: an in-distribution subject raises a false
 * alarm within its first 100 live trades with probability ≤ 5 %. (Beyond 100 trades the chance
 * of a false alarm keeps growing slowly, as with any repeated test; the bound is stated for 100.)
 */
import { mulberry32 } from '../backtest/prng.js';

/** The CUSUM's reference value k, in standard deviations: tuned to a shift of one σ (2k). */
export const DRIFT_K = 0.5;
/** The horizon the false-alarm bound is stated over, in live trades. */
export const DRIFT_HORIZON = 100;
/** The stated false-alarm bound: P(an alarm within {@link DRIFT_HORIZON} in-distribution trades). */
export const DRIFT_FALSE_ALARM_BOUND = 0.05;
/** The quantile level h is calibrated at (below the bound, a margin for simulation error). */
export const DRIFT_CALIBRATION_LEVEL = 0.03;
/** Simulated runs behind each calibration. */
export const DRIFT_CALIBRATION_RUNS = 4000;
/** The calibration's fixed seed: the same reference always gives the same h. */
export const DRIFT_CALIBRATION_SEED = 20_261_207;
/** Fewer reference trades than this: no distribution to judge against (`too_few`). */
export const DRIFT_MIN_REFERENCE = 30;
/** Fewer live trades than this: too early to say (`too_few`). */
export const DRIFT_MIN_LIVE = 5;

/** Mean and sample standard deviation of a reference. */
export interface ReferenceMoments {
  mean: number;
  sd: number;
}

/** The mean and sample standard deviation of `rs`; null with fewer than 2 values or no spread. */
export function referenceMoments(rs: readonly number[]): ReferenceMoments | null {
  const n = rs.length;
  if (n < 2) return null;
  let sum = 0;
  for (const r of rs) sum += r;
  const mean = sum / n;
  let ss = 0;
  for (const r of rs) ss += (r - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  return sd > 1e-12 ? { mean, sd } : null;
}

/**
 * The lower CUSUM path: element t is S after live trade t+1 (see the file note).
 *
 * @param rs live R multiples in the order they closed
 */
export function lowerCusum(rs: readonly number[], m: ReferenceMoments, k: number = DRIFT_K): number[] {
  const out: number[] = [];
  let s = 0;
  for (const r of rs) {
    s = Math.max(0, s - (r - m.mean) / m.sd - k);
    out.push(s);
  }
  return out;
}

/** A calibrated threshold and how it was obtained (so reports can state it). */
export interface CusumCalibration {
  k: number;
  threshold: number;
  horizon: number;
  runs: number;
  /** The quantile level h was taken at. */
  level: number;
  /** The stated bound the level keeps under. */
  bound: number;
}

/**
 * Calibrates h for `reference` by simulation from the reference (see the file note).
 * Deterministic: the same reference and options give the same h.
 *
 * @throws RangeError when the reference has fewer than 2 values or no spread
 */
export function calibrateCusum(
  reference: readonly number[],
  opts: { k?: number; horizon?: number; runs?: number; level?: number; seed?: number } = {},
): CusumCalibration {
  const m = referenceMoments(reference);
  if (!m) throw new RangeError('a reference needs at least 2 trades with some spread');
  const k = opts.k ?? DRIFT_K;
  const horizon = opts.horizon ?? DRIFT_HORIZON;
  const runs = opts.runs ?? DRIFT_CALIBRATION_RUNS;
  const level = opts.level ?? DRIFT_CALIBRATION_LEVEL;
  const rnd = mulberry32(opts.seed ?? DRIFT_CALIBRATION_SEED);
  // Standardize once; each simulated trade is a draw of one standardized reference trade.
  const z = reference.map((r) => (r - m.mean) / m.sd);
  const maxima = new Float64Array(runs);
  for (let i = 0; i < runs; i++) {
    let s = 0;
    let max = 0;
    for (let t = 0; t < horizon; t++) {
      s = Math.max(0, s - z[Math.floor(rnd() * z.length)]! - k);
      if (s > max) max = s;
    }
    maxima[i] = max;
  }
  maxima.sort();
  // The smallest h with at most `level` of the runs reaching it: the run at rank ⌈(1−level)·runs⌉,
  // nudged up so that "≥ h" excludes it and everything below.
  const idx = Math.min(runs - 1, Math.ceil((1 - level) * runs));
  const threshold = maxima[idx]! + 1e-9;
  return { k, threshold, horizon, runs, level, bound: DRIFT_FALSE_ALARM_BOUND };
}

/** What {@link runDriftTest} found. */
export interface DriftTestResult {
  state: 'in_band' | 'out_of_band' | 'too_few';
  liveTrades: number;
  referenceTrades: number;
  /** S after the last live trade (0 when too_few). */
  statistic: number;
  /** h (0 when there is no usable reference). */
  threshold: number;
  k: number;
  liveMeanR: number | null;
  referenceMeanR: number | null;
  referenceSdR: number | null;
  /** 1-based index of the live trade at which S first reached h, null if it never did. */
  firstBreachTrade: number | null;
}

/**
 * Runs the test of `live` (R multiples in closing order) against `reference`.
 * `calibration` may be passed in when the caller already has it (it depends only on the reference).
 */
export function runDriftTest(reference: readonly number[], live: readonly number[], calibration?: CusumCalibration): DriftTestResult {
  const m = reference.length >= DRIFT_MIN_REFERENCE ? referenceMoments(reference) : null;
  const liveMeanR = live.length > 0 ? live.reduce((a, b) => a + b, 0) / live.length : null;
  const base = { liveTrades: live.length, referenceTrades: reference.length, liveMeanR, k: DRIFT_K };
  if (!m) return { ...base, state: 'too_few', statistic: 0, threshold: 0, referenceMeanR: null, referenceSdR: null, firstBreachTrade: null };
  const cal = calibration ?? calibrateCusum(reference);
  const refFigures = { referenceMeanR: m.mean, referenceSdR: m.sd, threshold: cal.threshold, k: cal.k };
  if (live.length < DRIFT_MIN_LIVE) return { ...base, ...refFigures, state: 'too_few', statistic: 0, firstBreachTrade: null };
  const path = lowerCusum(live, m, cal.k);
  const statistic = path[path.length - 1]!;
  const first = path.findIndex((s) => s >= cal.threshold);
  return { ...base, ...refFigures, state: statistic >= cal.threshold ? 'out_of_band' : 'in_band', statistic, firstBreachTrade: first < 0 ? null : first + 1 };
}
