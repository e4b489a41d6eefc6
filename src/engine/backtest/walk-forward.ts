import { sliceSeries, type BarSeries } from '../bars.js';
import { buildCalendar } from './calendar.js';
import { computeMetrics, type Metrics } from './metrics.js';
import { runPortfolio } from './portfolio.js';
import type { PortfolioOptions, PortfolioResult, PortfolioTrade } from './portfolio-types.js';
import { signalsFrom, type SignalFn } from './signal-source.js';

/**
 * What a train window maximises. Built-ins read the portfolio metrics; a
 * missing value (null Sharpe/CAGR, NaN) scores −∞. For `profit_factor` a
 * run with wins and no losses scores +∞ and a run without trades −∞.
 */
export type Objective = 'sharpe' | 'cagr' | 'profit_factor' | ((result: PortfolioResult) => number);

/** Portfolio settings shared by every walk-forward run. */
export type WalkForwardBacktestOptions = Omit<PortfolioOptions, 'series' | 'signals' | 'startDate' | 'endDate'>;

/** Input to {@link walkForward}. Window lengths count bars of the union calendar. */
export interface WalkForwardOptions<P> {
  series: readonly BarSeries[];
  signalFn: SignalFn<P>;
  /** Candidate parameter sets; ties go to the earliest. */
  grid: readonly P[];
  /** Default 'sharpe'. */
  objective?: Objective;
  /** Default 252. */
  trainBars?: number;
  /** Default 63. */
  testBars?: number;
  /** Default 63; must be >= testBars so out-of-sample windows never overlap. */
  stepBars?: number;
  backtest?: WalkForwardBacktestOptions;
}

/** One train/test window and what it chose. */
export interface WalkForwardWindow<P> {
  trainStart: string;
  trainEnd: string;
  testStart: string;
  testEnd: string;
  /** Index into the grid of the chosen parameter set. */
  chosenIndex: number;
  params: P;
  /** Objective value of every grid entry on the train window, in grid order. */
  trainScores: number[];
  trainMetrics: Metrics;
  testMetrics: Metrics;
  testTrades: PortfolioTrade[];
}

/** Output of {@link walkForward}. */
export interface WalkForwardResult<P> {
  windows: WalkForwardWindow<P>[];
  /** Dates of the stitched out-of-sample curve (all test windows in order). */
  dates: string[];
  /** Stitched out-of-sample equity; each test window starts with the previous one's final equity. */
  equity: Float64Array;
  trades: PortfolioTrade[];
  metrics: Metrics;
}

/** Scores a run by an objective; see {@link Objective}. */
export function scoreRun(objective: Objective, result: PortfolioResult): number {
  let v: number | null;
  if (typeof objective === 'function') v = objective(result);
  else if (objective === 'sharpe') v = result.metrics.sharpe;
  else if (objective === 'cagr') v = result.metrics.cagr;
  else {
    const m = result.metrics;
    v = m.profitFactor ?? (m.grossProfit > 0 ? Infinity : -Infinity);
  }
  return v === null || Number.isNaN(v) ? -Infinity : v;
}

/**
 * Rolling walk-forward optimisation.
 *
 * Windows start every `stepBars` bars: train = [s, s+train), test =
 * [s+train, s+train+test), the last test window may be shorter. Each grid
 * entry is backtested on the train window, the best by the objective (first
 * on ties) is then run on the test window. Every run sees the series cut at
 * its window's end, so signals can use all earlier history for warm-up but no
 * later bar; only signals dated inside the window trade (entering from its
 * second bar), and open positions close at the window's last bar.
 *
 * @throws RangeError for an empty grid, bad window sizes, or too little data for one window
 */
export function walkForward<P>(opts: WalkForwardOptions<P>): WalkForwardResult<P> {
  const train = opts.trainBars ?? 252;
  const test = opts.testBars ?? 63;
  const step = opts.stepBars ?? 63;
  const objective = opts.objective ?? 'sharpe';
  if (opts.grid.length === 0) throw new RangeError('walk-forward needs a non-empty grid');
  for (const [name, v] of [['trainBars', train], ['testBars', test], ['stepBars', step]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  if (step < test) throw new RangeError(`stepBars (${step}) must be >= testBars (${test}) to keep test windows disjoint`);

  const dates = buildCalendar(opts.series).dates;
  if (dates.length <= train) throw new RangeError(`need more than ${train} bars for one window, have ${dates.length}`);

  const base = opts.backtest ?? {};
  let capital = base.initialCash ?? 100_000;
  const windows: WalkForwardWindow<P>[] = [];
  const outDates: string[] = [];
  const outEquity: number[] = [];
  const outTrades: PortfolioTrade[] = [];

  for (let s = 0; s + train < dates.length; s += step) {
    const trainStart = dates[s]!;
    const trainEnd = dates[s + train - 1]!;
    const testStart = dates[s + train]!;
    const testEnd = dates[Math.min(s + train + test, dates.length) - 1]!;

    const trainSeries = cutAt(opts.series, trainEnd);
    const scores: number[] = [];
    let best = 0;
    let bestMetrics: Metrics | undefined;
    for (let g = 0; g < opts.grid.length; g++) {
      const r = runPortfolio({
        ...base,
        series: trainSeries,
        signals: [signalsFrom(opts.signalFn, opts.grid[g]!)],
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

    const params = opts.grid[best]!;
    const oos = runPortfolio({
      ...base,
      initialCash: capital,
      series: cutAt(opts.series, testEnd),
      signals: [signalsFrom(opts.signalFn, params)],
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
      params,
      trainScores: scores,
      trainMetrics: bestMetrics!,
      testMetrics: oos.metrics,
      testTrades: oos.trades,
    });
  }

  const equity = Float64Array.from(outEquity);
  return {
    windows,
    dates: outDates,
    equity,
    trades: outTrades,
    metrics: computeMetrics({ dates: outDates, equity, trades: outTrades }),
  };
}

/** Each series as it was known at the close of `end` (series with no bar by then are dropped). */
function cutAt(series: readonly BarSeries[], end: string): BarSeries[] {
  const out: BarSeries[] = [];
  for (const s of series) {
    let lo = 0;
    let hi = s.dates.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s.dates[mid]! <= end) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) out.push(lo === s.dates.length ? s : sliceSeries(s, lo));
  }
  return out;
}
