import { sliceSeries, type BarSeries } from '../bars.js';
import { buildCalendar } from './calendar.js';
import { computeMetrics, type Metrics } from './metrics.js';
import { runPortfolio } from './portfolio.js';
import type { PortfolioOptions, PortfolioResult, PortfolioTrade } from './portfolio-types.js';
import type { Signal } from '../signal.js';
import type { SignalFn } from './signal-source.js';

/**
 * What a train window maximises. Built-ins read the portfolio metrics; a
 * missing value (null Sharpe/CAGR, NaN) scores −∞. For `profit_factor` a
 * run with wins and no losses scores +∞ and a run without trades −∞.
 */
export type Objective = 'sharpe' | 'cagr' | 'profit_factor' | ((result: PortfolioResult) => number);

/** Portfolio settings shared by every walk-forward run. */
export type WalkForwardBacktestOptions = Omit<PortfolioOptions, 'series' | 'signals' | 'startDate' | 'endDate'>;

/** Window lengths and scoring, shared by every way of supplying signals. Lengths count bars of the union calendar. */
export interface WalkForwardSettings {
  series: readonly BarSeries[];
  objective?: Objective;
  trainBars?: number;
  testBars?: number;
  stepBars?: number;
  backtest?: WalkForwardBacktestOptions;
}

/**
 * The signals grid point `g` trades in [from, to]: signals of the series in
 * `window` (a subset of the input, `index[i]` its position there), dated
 * inside the range and computed from bars up to `to` at most (no lookahead).
 */
export type WindowSignals = (g: number, window: { series: readonly BarSeries[]; index: readonly number[] }, from: string, to: string) => readonly Signal[];

/** Input to {@link walkForward}: a signal function evaluated on each window's history. */
export interface WalkForwardOptions<P> extends WalkForwardSettings {
  signalFn: SignalFn<P>;
  grid: readonly P[];
}

/** One train/test window and what it chose. */
export interface WalkForwardWindow<P> {
  trainStart: string;
  trainEnd: string;
  testStart: string;
  testEnd: string;
  /** Index into the grid of the chosen parameters. */
  chosenIndex: number;
  params: P;
  /** Objective score of every grid entry on the train window (−∞ for undefined). */
  trainScores: number[];
  trainMetrics: Metrics;
  testMetrics: Metrics;
  testTrades: PortfolioTrade[];
}

/** Output of {@link walkForward}. */
export interface WalkForwardResult<P> {
  windows: WalkForwardWindow<P>[];
  /** Stitched out-of-sample equity (each window starts from the previous window's final equity). */
  dates: string[];
  equity: Float64Array;
  trades: PortfolioTrade[];
  metrics: Metrics;
}

/** Score of one run under an objective; undefined values score −∞. */
export function scoreRun(objective: Objective, result: PortfolioResult): number {
  if (typeof objective === 'function') {
    const v: number | null = objective(result);
    return v === null || Number.isNaN(v) ? -Infinity : v;
  }
  return scoreMetrics(objective, result.metrics);
}

/** Score of a built-in objective from a run's metrics alone; undefined values score −∞. */
export function scoreMetrics(objective: Exclude<Objective, (result: PortfolioResult) => number>, m: Metrics): number {
  let v: number | null;
  if (objective === 'sharpe') v = m.sharpe;
  else if (objective === 'cagr') v = m.cagr;
  else v = m.profitFactor ?? (m.grossProfit > 0 ? Infinity : -Infinity);
  return v === null || Number.isNaN(v) ? -Infinity : v;
}

/**
 * Rolling walk-forward: in each train window every grid entry is backtested
 * and the best by the objective (ties → first in grid order) is run out of
 * sample on the following test window. Signals may use earlier history for
 * warm-up, but trades only enter inside the window. Deterministic.
 */
export function walkForward<P>(opts: WalkForwardOptions<P>): WalkForwardResult<P> {
  const steps = walkForwardSteps(opts, opts.grid.length, (g, window, from, to) => {
    // Recompute on the history known at `to`, then keep the signals dated in the window.
    const known = new Set(window.index);
    const out: Signal[] = [];
    cutAt(opts.series, to).forEach((s, k) => {
      if (!known.has(k)) return;
      for (const sig of opts.signalFn(s, opts.grid[g]!)) if (sig.date >= from && sig.date <= to) out.push(sig);
    });
    return out;
  });
  let r = steps.next();
  while (!r.done) r = steps.next();
  return { ...r.value, windows: r.value.windows.map((w) => ({ ...w, params: opts.grid[w.chosenIndex]! })) };
}

/**
 * The walk-forward loop as a generator that yields after each window (so an
 * async caller can report progress and honour cancellation between windows)
 * and returns the result. Every run sees only its window's bars: with
 * signals given, a portfolio run reads no bar outside [startDate, endDate].
 */
export function* walkForwardSteps(
  opts: WalkForwardSettings,
  gridSize: number,
  signalsFor: WindowSignals,
): Generator<{ done: number; total: number }, WalkForwardResult<undefined>> {
  const { train, test, step } = windowLengths(opts, gridSize);
  const objective = opts.objective ?? 'sharpe';

  const dates = buildCalendar(opts.series).dates;
  if (dates.length <= train) throw new RangeError(`need more than ${train} bars for one window, have ${dates.length}`);

  const base = opts.backtest ?? {};
  let capital = base.initialCash ?? 100_000;
  const windows: WalkForwardWindow<undefined>[] = [];
  const outDates: string[] = [];
  const outEquity: number[] = [];
  const outTrades: PortfolioTrade[] = [];
  const total = Math.ceil((dates.length - train) / step);

  for (let s = 0; s + train < dates.length; s += step) {
    const trainStart = dates[s]!;
    const trainEnd = dates[s + train - 1]!;
    const testStart = dates[s + train]!;
    const testEnd = dates[Math.min(s + train + test, dates.length) - 1]!;

    const trainWindow = windowOf(opts.series, trainStart, trainEnd);
    const scores: number[] = [];
    let best = 0;
    let bestMetrics: Metrics | undefined;
    for (let g = 0; g < gridSize; g++) {
      const r = runPortfolio({
        ...base,
        series: trainWindow.series,
        signals: [signalsFor(g, trainWindow, trainStart, trainEnd)],
        startDate: trainStart,
        endDate: trainEnd,
      });
      const score = scoreRun(objective, r);
      scores.push(score);
      if (g === 0 || score > scores[best]!) {
        best = g;
        bestMetrics = r.metrics;
      }
    }

    const testWindow = windowOf(opts.series, testStart, testEnd);
    const oos = runPortfolio({
      ...base,
      initialCash: capital,
      series: testWindow.series,
      signals: [signalsFor(best, testWindow, testStart, testEnd)],
      startDate: testStart,
      endDate: testEnd,
    });
    capital = oos.equity[oos.equity.length - 1]!;
    for (let i = 0; i < oos.dates.length; i++) {
      outDates.push(oos.dates[i]!);
      outEquity.push(oos.equity[i]!);
    }
    outTrades.push(...oos.trades);
    windows.push({
      trainStart,
      trainEnd,
      testStart,
      testEnd,
      chosenIndex: best,
      params: undefined,
      trainScores: scores,
      trainMetrics: bestMetrics!,
      testMetrics: oos.metrics,
      testTrades: oos.trades,
    });
    yield { done: windows.length, total };
  }

  const equity = Float64Array.from(outEquity);
  return { windows, dates: outDates, equity, trades: outTrades, metrics: computeMetrics({ dates: outDates, equity, trades: outTrades }) };
}

/**
 * The window lengths with their defaults (252 / 63 / 63), checked: a
 * non-empty grid, positive integers, and steps that keep test windows
 * disjoint. Every walk-forward path validates through this one function.
 *
 * @throws RangeError naming the setting and the fix
 */
export function windowLengths(opts: Pick<WalkForwardSettings, 'trainBars' | 'testBars' | 'stepBars'>, gridSize: number): { train: number; test: number; step: number } {
  const train = opts.trainBars ?? 252;
  const test = opts.testBars ?? 63;
  const step = opts.stepBars ?? 63;
  if (gridSize === 0) throw new RangeError('walk-forward needs a non-empty grid');
  for (const [name, v] of [['trainBars', train], ['testBars', test], ['stepBars', step]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  if (step < test) throw new RangeError(`stepBars (${step}) must be >= testBars (${test}) to keep test windows disjoint`);
  return { train, test, step };
}

/** The bars of each series inside [from, to] (views, no copy) and each kept series' index in the input. */
export function windowOf(series: readonly BarSeries[], from: string, to: string): { series: BarSeries[]; index: number[] } {
  const out: BarSeries[] = [];
  const index: number[] = [];
  for (let k = 0; k < series.length; k++) {
    const w = rangeSeries(series[k]!, from, to);
    if (w) {
      out.push(w);
      index.push(k);
    }
  }
  return { series: out, index };
}

/** The bars of `s` inside [from, to] (views, no copy); null when none. */
export function rangeSeries(s: BarSeries, from: string | null, to: string | null): BarSeries | null {
  let a = 0;
  let b = s.dates.length;
  if (from !== null) while (a < b && s.dates[a]! < from) a++;
  if (to !== null) while (b > a && s.dates[b - 1]! > to) b--;
  if (a >= b) return null;
  if (a === 0 && b === s.dates.length) return s;
  return {
    symbol: s.symbol,
    dates: s.dates.slice(a, b),
    open: s.open.subarray(a, b),
    high: s.high.subarray(a, b),
    low: s.low.subarray(a, b),
    close: s.close.subarray(a, b),
    volume: s.volume.subarray(a, b),
  };
}

/** Each series as it was known at the close of `end`, keeping positions (empty when no bar by then). */
function cutAt(series: readonly BarSeries[], end: string): BarSeries[] {
  return series.map((s) => {
    let lo = 0;
    let hi = s.dates.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s.dates[mid]! <= end) lo = mid + 1;
      else hi = mid;
    }
    return lo === s.dates.length ? s : sliceSeries(s, lo);
  });
}
