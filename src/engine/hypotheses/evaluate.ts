/**
 * Incubation's one walk-forward evaluation of a hypothesis (DESIGN section
 * 9): on each training window every grid point is backtested over the
 * market's universe and the best by Sharpe is traded on the following test
 * window; only those out-of-sample trades count. Sizing risks 1 % of equity
 * per trade.
 */
import type { BarSeries } from '../bars.js';
import { resolveSettings } from '../backtest/portfolio-options.js';
import { PreparedSignalsBuilder, prepareUniverse, runPrepared, type PreparedSignals, type PreparedUniverse } from '../backtest/prepared-run.js';
import { scoreMetrics, type WalkForwardResult, type WalkForwardSettings } from '../backtest/walk-forward.js';
import { walkForwardPreparedSteps } from '../backtest/walk-forward-precomputed.js';
import { IndicatorCache } from '../indicators/cache.js';
import { PATTERN_FAMILIES, type AnyPatternFamily } from '../patterns/registry.js';
import type { Signal } from '../signal.js';
import { sampleMoments } from '../stats/moments.js';
import type { HypothesisDefinition, HypothesisExits } from './definition.js';
import type { DailyReturnFigures, HypothesisEvaluation, LatestWindow } from './evaluation-types.js';
import type { IncubationFigures } from './incubation-verdict.js';
import { eachHypothesisHit, familySource } from './signals.js';
import { hypothesisMarketRules, type ExitLevels, type HypothesisMarketRules } from './market-rules.js';
import type { WalkForwardBacktestOptions } from '../backtest/walk-forward.js';

/** Input to {@link evaluateHypothesisSteps}. Window lengths count bars of the universe's union calendar. */
export interface EvaluateHypothesisInput {
  /** The market's universe, one series per symbol (distinct symbols). */
  series: readonly BarSeries[];
  definition: HypothesisDefinition;
  /** The definition's grid, expanded and validated as params objects of its family, in grid order. */
  grid: readonly object[];
  /** Default 252. */
  trainBars?: number;
  /** Default 63. */
  testBars?: number;
  /** Default 63 (must be ≥ testBars). */
  stepBars?: number;
  /** Default: the market's (hypothesisMarketRules: 100,000 dollars for US, ₩100,000,000 for KR). */
  initialCash?: number;
}

/**
 * The walk-forward's backtest settings for a market: 1 % risk, the market's
 * starting equity and its commission; a KR one also fills on the KRX ETF
 * tick of each session (buys up, sells down), so its equity stays whole won.
 * US keeps the backtest's defaults (no commission or tick key at all), so its
 * runs are the ones they always were.
 */
function marketBacktest(rules: HypothesisMarketRules, initialCash: number | undefined): WalkForwardBacktestOptions {
  return {
    sizing: INCUBATION_SIZING,
    initialCash: initialCash ?? rules.initialCash,
    ...(rules.commission.kind === 'none' ? {} : { commission: rules.commission }),
    ...(rules.market === 'KR' ? { fillTick: 'krx_etf' as const } : {}),
  };
}

/** Progress: `done` of `total` steps (one per symbol whose signals are computed, then one per window). */
export interface EvaluationProgress {
  done: number;
  total: number;
}

/** Risk per trade while incubating (DESIGN section 9): 1 % of equity between entry and stop. */
export const INCUBATION_SIZING = Object.freeze({ kind: 'risk', pct: 0.01 } as const);

/**
 * The walk-forward behind {@link evaluateHypothesisSteps}, with its raw
 * result (trades, per-window metrics) for callers and tests that need more
 * than the summary.
 *
 * Fast path: pattern families are causal (property-tested: changing bars
 * after t never changes signals at or before t, and neither does ATR), so
 * each grid point's signals are computed ONCE per symbol on the full
 * history, and each window takes those dated inside it. That gives exactly
 * the signals a per-window recomputation on the history known at the
 * window's end would, at a fraction of the cost. They go straight into
 * columns ({@link addHypothesisSignals}), are sorted once per grid point,
 * and every run is a runPrepared over a slice of the universe's calendar
 * (walkForwardPreparedSteps): the same trades, equity and metrics as
 * walkForward's runPortfolio per window, float for float, without building
 * a calendar, a skip log or a Signal object per run.
 *
 * Yields after each symbol's signals and after each window, so an async
 * caller can report progress and honour cancellation.
 *
 * @throws RangeError for an empty grid, bad window lengths or too few bars for one window (the message says which)
 */
export function* hypothesisWalkForwardSteps(
  input: EvaluateHypothesisInput,
): Generator<EvaluationProgress, WalkForwardResult<undefined> & { latest: LatestWindow }> {
  const { series, definition, grid } = input;
  const family = PATTERN_FAMILIES[definition.family];
  if (family === undefined) throw new RangeError(`unknown pattern family '${definition.family}' in the hypothesis definition`);
  if (grid.length === 0) throw new RangeError('the hypothesis grid is empty: expand the definition into at least one params object');
  // The definition's market says how it is measured: KR on the KRX tick, with the KIS commission, in won.
  const rules = hypothesisMarketRules(definition.market);
  const levels: ExitLevels | undefined = rules.market === 'US' ? undefined : rules.levels;
  const backtest = marketBacktest(rules, input.initialCash);
  const settings: WalkForwardSettings = {
    series,
    objective: 'sharpe',
    ...(input.trainBars === undefined ? {} : { trainBars: input.trainBars }),
    ...(input.testBars === undefined ? {} : { testBars: input.testBars }),
    ...(input.stepBars === undefined ? {} : { stepBars: input.stepBars }),
    backtest,
  };
  // The calendar and each bar's day, once for every run below (and the window count).
  const universe = prepareUniverse(series);
  const windowsTotal = windowCount(universe.dates.length, input.trainBars ?? 252, input.stepBars ?? 63);
  const total = series.length + windowsTotal;

  // Grid point g's signals, straight into the columns the runs read (no Signal object each:
  // a busy family gives millions over a universe), in series then bar order.
  const builders: (PreparedSignalsBuilder | null)[] = grid.map(() => new PreparedSignalsBuilder(universe, [familySource(family)]));
  for (let k = 0; k < series.length; k++) {
    // One cache per symbol, dropped after it: the grid points share its columns (ATR, SMA...).
    const cache = new IndicatorCache(series[k]!);
    for (let g = 0; g < grid.length; g++) addHypothesisSignals(builders[g]!, k, series[k]!, family, grid[g]!, definition.exits, cache, levels);
    yield { done: k + 1, total };
  }
  // Finishing sorts each grid point's signals (millions for a busy family): one step each.
  const prepared: PreparedSignals[] = [];
  for (let g = 0; g < builders.length; g++) {
    prepared.push(builders[g]!.finish());
    builders[g] = null;
    yield { done: series.length, total };
  }
  const steps = walkForwardPreparedSteps(settings, universe, prepared, true);
  let r = steps.next();
  while (!r.done) {
    yield { done: series.length + r.value.done, total: series.length + r.value.total };
    r = steps.next();
  }
  const latest = yield* latestChoice(backtest, universe, prepared, settings.trainBars ?? 252, total);
  return { ...r.value, latest };
}

/**
 * The grid point PAPER and LIVE trade: the best by the objective on the
 * latest training window, the last `trainBars` sessions of the data (the
 * walk-forward's own last training window ends a test window earlier).
 * Ties go to the first in grid order, as in the walk-forward. Each run is
 * runPortfolio over that window's bars and signals (runPrepared is that run).
 */
function* latestChoice(
  backtest: WalkForwardBacktestOptions,
  universe: PreparedUniverse,
  prepared: readonly PreparedSignals[],
  trainBars: number,
  total: number,
): Generator<EvaluationProgress, LatestWindow> {
  const cal = universe.dates;
  const d0 = Math.max(0, cal.length - trainBars);
  const d1 = cal.length - 1;
  const cfg = resolveSettings({ ...backtest, series: [], signals: [] });
  const scores: number[] = [];
  for (const p of prepared) {
    scores.push(scoreMetrics('sharpe', runPrepared(universe, p, cfg, d0, d1).metrics));
    yield { done: total, total };
  }
  let best = 0;
  for (let g = 1; g < scores.length; g++) if (scores[g]! > scores[best]!) best = g;
  return { trainStart: cal[d0]!, trainEnd: cal[d1]!, chosenIndex: best, trainScores: scores.map((x) => (Number.isFinite(x) ? x : null)) };
}

/**
 * The evaluation of one hypothesis, as a generator: it yields
 * {@link EvaluationProgress} and returns the {@link HypothesisEvaluation}.
 * Deterministic: same bars, definition and grid give the same result.
 *
 * @throws RangeError as {@link hypothesisWalkForwardSteps}
 */
export function* evaluateHypothesisSteps(input: EvaluateHypothesisInput): Generator<EvaluationProgress, HypothesisEvaluation> {
  const wf = yield* hypothesisWalkForwardSteps(input);
  return summarise(wf, input);
}

/** Runs {@link evaluateHypothesisSteps} to the end (for synchronous callers and tests). */
export function evaluateHypothesis(input: EvaluateHypothesisInput): HypothesisEvaluation {
  const steps = evaluateHypothesisSteps(input);
  let r = steps.next();
  while (!r.done) r = steps.next();
  return r.value;
}

/** The plain-data summary of a walk-forward result. */
function summarise(wf: WalkForwardResult<undefined> & { latest: LatestWindow }, input: EvaluateHypothesisInput): HypothesisEvaluation {
  const m = wf.metrics;
  const figures: IncubationFigures = {
    oosTrades: wf.trades.length,
    sharpe: m.sharpe,
    maxDrawdown: m.maxDrawdown,
    // Metrics leave a loss-free profit factor null; the verdict wants +∞ there (and null with no profit either).
    profitFactor: m.profitFactor ?? (m.grossProfit > 0 ? Infinity : null),
    winRate: m.winRate,
  };
  return {
    figures,
    daily: dailyFigures(wf.equity),
    chosenIndex: wf.latest.chosenIndex,
    chosenParams: { ...(input.grid[wf.latest.chosenIndex] as Record<string, unknown>) },
    latestWindow: wf.latest,
    windows: wf.windows.map((w) => ({
      trainStart: w.trainStart,
      trainEnd: w.trainEnd,
      testStart: w.testStart,
      testEnd: w.testEnd,
      chosenIndex: w.chosenIndex,
      testTrades: w.testTrades.length,
      testReturn: w.testMetrics.totalReturn,
    })),
    equity: { dates: [...wf.dates], values: Array.from(wf.equity) },
    // The first training window starts on the calendar's first session; the latest window ends on its last.
    firstDate: wf.windows[0]!.trainStart,
    lastDate: wf.latest.trainEnd,
    symbols: input.series.length,
  };
}

/**
 * Daily returns r_i = e_i / e_{i−1} − 1 (0 after a wiped-out account, as the
 * metrics count it) and their Sharpe (sample sd, like the metrics), skewness
 * and kurtosis (moment ratios, as the deflated Sharpe ratio defines them).
 */
export function dailyFigures(equity: ArrayLike<number>): DailyReturnFigures {
  const n = equity.length;
  const returns = new Float64Array(Math.max(n - 1, 0));
  for (let i = 1; i < n; i++) {
    const prev = equity[i - 1]!;
    returns[i - 1] = prev > 0 ? equity[i]! / prev - 1 : 0;
  }
  const mo = sampleMoments(returns);
  if (mo === null) return { days: returns.length, sharpe: null, skewness: null, kurtosis: null };
  const sampleSd = mo.sd * Math.sqrt(mo.n / (mo.n - 1));
  return { days: mo.n, sharpe: mo.mean / sampleSd, skewness: mo.skewness, kurtosis: mo.kurtosis };
}

/** Number of windows walkForwardSteps runs over `days` sessions (0 when there are too few bars; it then throws itself). */
function windowCount(days: number, train: number, step: number): number {
  if (!(Number.isInteger(train) && train >= 1 && Number.isInteger(step) && step >= 1)) return 0;
  return days > train ? Math.ceil((days - train) / step) : 0;
}

/**
 * Adds the signals hypothesisSignals gives for `series` (input series `k`
 * of the builder's universe) to `out`, as columns: the same bars, levels and
 * scores, without the Signal objects and their human reasons, which a
 * backtest never reads. A test holds the result equal to prepareSignals on
 * hypothesisSignals' lists, for every family.
 */
export function addHypothesisSignals(
  out: PreparedSignalsBuilder,
  k: number,
  series: BarSeries,
  family: AnyPatternFamily,
  params: object,
  exits: Readonly<HypothesisExits>,
  cache: IndicatorCache = new IndicatorCache(series),
  levels?: ExitLevels,
): void {
  eachHypothesisHit(series, family, params, exits, cache, (t, _atr, _why, stop, target, score) => out.add(k, 0, t, stop, target, exits.timeStopBars, score), levels);
}
