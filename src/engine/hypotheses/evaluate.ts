/**
 * Incubation's one walk-forward evaluation of a hypothesis (DESIGN section
 * 9): on each training window every grid point is backtested over the
 * market's universe and the best by Sharpe is traded on the following test
 * window; only those out-of-sample trades count. Sizing risks 1 % of equity
 * per trade.
 */
import type { BarSeries } from '../bars.js';
import { buildCalendar } from '../backtest/calendar.js';
import { runPortfolio } from '../backtest/portfolio.js';
import { scoreRun, walkForwardSteps, windowOf, type WalkForwardResult, type WalkForwardSettings } from '../backtest/walk-forward.js';
import { IndicatorCache } from '../indicators/cache.js';
import { PATTERN_FAMILIES } from '../patterns/registry.js';
import type { Signal } from '../signal.js';
import { sampleMoments } from '../stats/moments.js';
import type { HypothesisDefinition } from './definition.js';
import type { DailyReturnFigures, HypothesisEvaluation, LatestWindow } from './evaluation-types.js';
import type { IncubationFigures } from './incubation-verdict.js';
import { hypothesisSignals } from './signals.js';

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
  /** Default 100,000. */
  initialCash?: number;
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
 * window's end would, at a fraction of the cost.
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
  const settings: WalkForwardSettings = {
    series,
    objective: 'sharpe',
    ...(input.trainBars === undefined ? {} : { trainBars: input.trainBars }),
    ...(input.testBars === undefined ? {} : { testBars: input.testBars }),
    ...(input.stepBars === undefined ? {} : { stepBars: input.stepBars }),
    backtest: { sizing: INCUBATION_SIZING, ...(input.initialCash === undefined ? {} : { initialCash: input.initialCash }) },
  };
  const windowsTotal = windowCount(series, input.trainBars ?? 252, input.stepBars ?? 63);
  const total = series.length + windowsTotal;

  // signals[g][k]: grid point g on series k, ascending by bar (so by date).
  const signals: Signal[][][] = grid.map(() => new Array<Signal[]>(series.length));
  for (let k = 0; k < series.length; k++) {
    // One cache per symbol, dropped after it: the grid points share its columns (ATR, SMA...).
    const cache = new IndicatorCache(series[k]!);
    for (let g = 0; g < grid.length; g++) signals[g]![k] = hypothesisSignals(series[k]!, family, grid[g]!, definition.exits, { cache });
    yield { done: k + 1, total };
  }

  const steps = walkForwardSteps(settings, grid.length, (g, window, from, to) => {
    const out: Signal[] = [];
    for (const k of window.index) {
      const list = signals[g]![k]!;
      for (let i = firstOnOrAfter(list, from); i < list.length && list[i]!.date <= to; i++) out.push(list[i]!);
    }
    return out;
  });
  let r = steps.next();
  while (!r.done) {
    yield { done: series.length + r.value.done, total: series.length + r.value.total };
    r = steps.next();
  }
  return { ...r.value, latest: latestChoice(input, signals, settings.trainBars ?? 252) };
}

/**
 * The grid point PAPER and LIVE trade: the best by the objective on the
 * latest training window, the last `trainBars` sessions of the data (the
 * walk-forward's own last training window ends a test window earlier).
 * Ties go to the first in grid order, as in the walk-forward.
 */
function latestChoice(input: EvaluateHypothesisInput, signals: Signal[][][], trainBars: number): LatestWindow {
  const cal = buildCalendar(input.series).dates;
  const from = cal[Math.max(0, cal.length - trainBars)]!;
  const to = cal[cal.length - 1]!;
  const window = windowOf(input.series, from, to);
  const scores = input.grid.map((_, g) => {
    const list: Signal[] = [];
    for (const k of window.index) for (const sig of signals[g]![k]!) if (sig.date >= from && sig.date <= to) list.push(sig);
    const run = runPortfolio({
      sizing: INCUBATION_SIZING,
      ...(input.initialCash === undefined ? {} : { initialCash: input.initialCash }),
      series: window.series,
      signals: [list],
      startDate: from,
      endDate: to,
    });
    return scoreRun('sharpe', run);
  });
  let best = 0;
  for (let g = 1; g < scores.length; g++) if (scores[g]! > scores[best]!) best = g;
  return { trainStart: from, trainEnd: to, chosenIndex: best, trainScores: scores.map((x) => (Number.isFinite(x) ? x : null)) };
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
  const cal = buildCalendar(input.series).dates;
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
    firstDate: cal[0]!,
    lastDate: cal[cal.length - 1]!,
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

/** Number of windows walkForwardSteps runs (0 when there are too few bars; it then throws itself). */
function windowCount(series: readonly BarSeries[], train: number, step: number): number {
  if (!(Number.isInteger(train) && train >= 1 && Number.isInteger(step) && step >= 1)) return 0;
  const days = buildCalendar(series).dates.length;
  return days > train ? Math.ceil((days - train) / step) : 0;
}

/** First index of `list` (ascending by date) dated on or after `from`. */
function firstOnOrAfter(list: readonly Signal[], from: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.date < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
