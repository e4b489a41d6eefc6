import { mulberry32 } from '../backtest/prng.js';
import { alignedReturns, type CloseSeries } from './returns.js';

/**
 * One-day value at risk and expected shortfall by bootstrap of joint daily returns (issue 21 part 2).
 *
 * Method (every figure recomputes from the seed, the path count and the window):
 * - the window: the simple daily returns of the held symbols on the sessions they all share, the
 *   newest `lookback` of them on or before `asOf` ({@link alignedReturns}: no lookahead);
 * - a path draws ONE day index uniformly with replacement, `floor(u × days)` with `u` the next
 *   number of `mulberry32(seed)`, and applies that day's returns to EVERY position at once (joint:
 *   the co-movement of the day is kept); its P&L is Σ value_i × r_i(day);
 * - the quantile convention: with N paths and level q, the tail holds k = ⌈N × (1 − q)⌉ paths (at
 *   least 1); VaR_q is the k-th largest path loss (loss = −P&L) and ES_q the mean of those k losses.
 *   So ES_q ≥ VaR_q, and a VaR below 0 means the book gains even on its k-th worst path.
 *
 * Pure: no I/O, no clock; the same inputs give the same figures.
 */

/** The confidence levels reported. */
export const VAR_LEVELS = [0.95, 0.99] as const;
export type VarLevel = (typeof VAR_LEVELS)[number];

/** One position's dollar exposure: shares × price (a long position is positive). */
export interface VarExposure {
  readonly symbol: string;
  readonly value: number;
}

/** VaR and ES at one level, in dollars (losses positive). */
export interface VarFigure {
  /** The confidence level, e.g. 0.99. */
  readonly level: number;
  /** k: how many of the worst paths form the tail (⌈paths × (1 − level)⌉). */
  readonly tail: number;
  /** The k-th largest path loss. */
  readonly var: number;
  /** The mean of the k largest path losses. */
  readonly es: number;
}

/** What the bootstrap ran on and found. */
export interface BookVar {
  readonly paths: number;
  readonly seed: number;
  /** The lookback asked for (sessions of returns). */
  readonly lookback: number;
  /** Returns in the window actually used (≤ lookback when fewer shared sessions exist; 0 when none). */
  readonly days: number;
  /** The first and last session of the window (the days a path may draw), null when none. */
  readonly window: { readonly first: string; readonly last: string } | null;
  /** Symbols in the bootstrap, with their summed exposure, in the order first seen. */
  readonly included: readonly VarExposure[];
  /** Symbols left out for missing bars (no series, or fewer than two usable closes), with their exposure. */
  readonly missing: readonly VarExposure[];
  /** Σ exposure of the included symbols. */
  readonly exposure: number;
  readonly p95: VarFigure;
  readonly p99: VarFigure;
}

/** The bootstrap's settings. */
export interface VarOptions {
  readonly lookback: number;
  readonly paths: number;
  readonly seed: number;
  /** No close after this session is read (`YYYY-MM-DD`). */
  readonly asOf?: string;
}

/** k = ⌈paths × (1 − level)⌉, at least 1. The rounding guard keeps 10,000 × 0.01 at 100, not 101. */
export function tailCount(paths: number, level: number): number {
  return Math.max(1, Math.ceil(Number((paths * (1 - level)).toFixed(9))));
}

/** The day index each path draws: `floor(u × days)` for the successive `u` of `mulberry32(seed)`. */
export function drawDays(paths: number, days: number, seed: number): Uint32Array {
  const rng = mulberry32(seed);
  const out = new Uint32Array(paths);
  for (let p = 0; p < paths; p++) out[p] = Math.floor(rng() * days);
  return out;
}

/**
 * VaR and ES of exposures `values` (aligned with `returns`: `returns[i][t]` is position i's return on
 * window day t) over `paths` bootstrap paths drawn from `seed`. Every path of a day has the same
 * loss, so the tail is walked over the days sorted by loss, each counted as often as it was drawn:
 * the same figures as sorting the N path losses, in O(days·positions + N). Pure.
 */
export function bootstrapVar(values: readonly number[], returns: readonly Float64Array[], paths: number, seed: number): { p95: VarFigure; p99: VarFigure } {
  if (!Number.isInteger(paths) || paths < 1) throw new RangeError(`paths must be a positive integer, got ${paths}`);
  if (values.length !== returns.length) throw new RangeError(`${values.length} values for ${returns.length} return series`);
  const days = returns[0]?.length ?? 0;
  if (days === 0) {
    const zero = (level: number): VarFigure => ({ level, tail: tailCount(paths, level), var: 0, es: 0 });
    return { p95: zero(0.95), p99: zero(0.99) };
  }
  const dayLoss = new Float64Array(days);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const r = returns[i]!;
    if (r.length !== days) throw new RangeError('return series of different lengths');
    for (let t = 0; t < days; t++) dayLoss[t] = dayLoss[t]! - v * r[t]!;
  }
  const counts = new Uint32Array(days);
  for (const d of drawDays(paths, days, seed)) counts[d] = counts[d]! + 1;
  const order = Array.from({ length: days }, (_, t) => t).sort((a, b) => dayLoss[b]! - dayLoss[a]! || a - b);
  const at = (level: number): VarFigure => {
    const k = tailCount(paths, level);
    let left = k;
    let sum = 0;
    let v = 0;
    for (const t of order) {
      const take = Math.min(left, counts[t]!);
      if (take === 0) continue;
      sum += take * dayLoss[t]!;
      left -= take;
      if (left === 0) {
        v = dayLoss[t]!;
        break;
      }
    }
    return { level, tail: k, var: v, es: sum / k };
  };
  return { p95: at(0.95), p99: at(0.99) };
}

/** Sums exposures by (upper-cased) symbol, keeping the order first seen. */
export function mergeExposures(exposures: readonly VarExposure[]): VarExposure[] {
  const by = new Map<string, number>();
  for (const e of exposures) {
    const s = e.symbol.toUpperCase();
    by.set(s, (by.get(s) ?? 0) + e.value);
  }
  return [...by].map(([symbol, value]) => ({ symbol, value }));
}

/**
 * The book's VaR and ES: aligns the held symbols' returns over the window ({@link alignedReturns},
 * only closes on or before `asOf`), leaves out symbols without bars (listed in `missing`), and
 * bootstraps the rest. Pure.
 */
export function bookVar(series: ReadonlyMap<string, CloseSeries>, exposures: readonly VarExposure[], opts: VarOptions): BookVar {
  const merged = mergeExposures(exposures);
  const aligned = alignedReturns(
    series,
    merged.map((e) => e.symbol),
    opts.lookback,
    opts.asOf,
  );
  const valueOf = new Map(merged.map((e) => [e.symbol, e.value]));
  const included = aligned.symbols.map((symbol) => ({ symbol, value: valueOf.get(symbol)! }));
  const inSet = new Set(aligned.symbols);
  const missing = merged.filter((e) => !inSet.has(e.symbol));
  const figures = bootstrapVar(
    included.map((e) => e.value),
    aligned.returns,
    opts.paths,
    opts.seed,
  );
  const days = aligned.dates.length;
  return {
    paths: opts.paths,
    seed: opts.seed,
    lookback: opts.lookback,
    days,
    window: days > 0 ? { first: aligned.dates[0]!, last: aligned.dates[days - 1]! } : null,
    included,
    missing,
    exposure: included.reduce((s, e) => s + e.value, 0),
    ...figures,
  };
}
