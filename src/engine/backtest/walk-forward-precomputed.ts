import type { Signal } from '../signal.js';
import { computeMetrics, type Metrics } from './metrics.js';
import { resolveSettings } from './portfolio-options.js';
import type { PortfolioTrade } from './portfolio-types.js';
import { prepareSignals, prepareUniverse, runPrepared, type PreparedSignals, type PreparedUniverse } from './prepared-run.js';
import { scoreMetrics, walkForwardSteps, windowLengths, type WalkForwardResult, type WalkForwardSettings, type WalkForwardWindow } from './walk-forward.js';

/** signals[g][k]: every signal of grid point g on input series k, date-ascending, computed causally over the whole history. */
export type PrecomputedSignals = readonly (readonly (readonly Signal[])[])[];

/**
 * {@link walkForwardSteps} for signals computed once per grid point over the
 * whole history: each window trades those of its series dated inside it
 * (causal signals make them the ones the window's own history would give).
 * Same yields, same result, float for float, as walkForwardSteps with that
 * selection as `signalsFor`; it is faster because the universe and each grid
 * point's signals are prepared once ({@link prepareUniverse},
 * {@link prepareSignals}) and every run is a {@link runPrepared} over a slice
 * of one calendar.
 *
 * A custom objective function (it may read any part of a portfolio result)
 * or signal lists that break the rules above take the general path.
 *
 * @param universe `prepareUniverse(opts.series)`, when the caller already has it
 * @throws RangeError as walkForwardSteps
 */
export function* walkForwardPrecomputedSteps(
  opts: WalkForwardSettings,
  signals: PrecomputedSignals,
  universe?: PreparedUniverse,
): Generator<{ done: number; total: number }, WalkForwardResult<undefined>> {
  const objective = opts.objective ?? 'sharpe';
  if (typeof objective === 'function') return yield* walkForwardSteps(opts, signals.length, general(signals));
  const train = windowLengths(opts, signals.length).train;
  const u = universe ?? prepareUniverse(opts.series);
  if (u.dates.length <= train) throw new RangeError(`need more than ${train} bars for one window, have ${u.dates.length}`);
  const prepared: PreparedSignals[] = [];
  for (const perSeries of signals) {
    const p = prepareSignals(u, perSeries);
    if (p === null) return yield* walkForwardSteps(opts, signals.length, general(signals));
    prepared.push(p);
  }
  return yield* walkForwardPreparedSteps(opts, u, prepared);
}

/**
 * The loop of {@link walkForwardPrecomputedSteps} on a universe and grid
 * points already prepared (`prepared[g]` from prepareSignals on `u`), for a
 * caller that runs more windows on them (incubation's latest window).
 * `opts.objective` must be built in and `u` must be `prepareUniverse(opts.series)`.
 *
 * @throws RangeError as walkForwardSteps
 */
export function* walkForwardPreparedSteps(
  opts: WalkForwardSettings,
  u: PreparedUniverse,
  prepared: readonly PreparedSignals[],
  /**
   * Also yield (with the same `done`) after every training run, not only
   * after each window: a caller that pauses between steps (the incubation
   * threads, for approvals) then waits a fraction of a window at most.
   */
  eachRun = false,
): Generator<{ done: number; total: number }, WalkForwardResult<undefined>> {
  const objective = opts.objective ?? 'sharpe';
  if (typeof objective === 'function') throw new RangeError('a custom objective reads whole portfolio results: use walkForwardPrecomputedSteps or walkForwardSteps');
  const train = windowLengths(opts, prepared.length).train;
  const step = opts.stepBars ?? 63;
  const test = opts.testBars ?? 63;
  const dates = u.dates;
  if (dates.length <= train) throw new RangeError(`need more than ${train} bars for one window, have ${dates.length}`);

  const base = opts.backtest ?? {};
  let capital = base.initialCash ?? 100_000;
  const windows: WalkForwardWindow<undefined>[] = [];
  const outDates: string[] = [];
  const outEquity: number[] = [];
  const outTrades: PortfolioTrade[] = [];
  const total = Math.ceil((dates.length - train) / step);
  const trainCfg = resolveSettings({ ...base, series: [], signals: [] });

  for (let s = 0; s + train < dates.length; s += step) {
    const trainEnd = s + train - 1;
    const testStart = s + train;
    const testEnd = Math.min(s + train + test, dates.length) - 1;
    const scores: number[] = [];
    let best = 0;
    let bestMetrics: Metrics | undefined;
    for (let g = 0; g < prepared.length; g++) {
      const r = runPrepared(u, prepared[g]!, trainCfg, s, trainEnd);
      const score = scoreMetrics(objective, r.metrics);
      scores.push(score);
      if (g === 0 || score > scores[best]!) {
        best = g;
        bestMetrics = r.metrics;
      }
      if (eachRun) yield { done: windows.length, total };
    }

    // Validated like runPortfolio's own settings (the capital changes every window).
    const testCfg = resolveSettings({ ...base, initialCash: capital, series: [], signals: [] });
    const oos = runPrepared(u, prepared[best]!, testCfg, testStart, testEnd);
    capital = oos.equity[oos.equity.length - 1]!;
    for (let i = 0; i < oos.dates.length; i++) {
      outDates.push(oos.dates[i]!);
      outEquity.push(oos.equity[i]!);
    }
    outTrades.push(...oos.trades);
    windows.push({
      trainStart: dates[s]!,
      trainEnd: dates[trainEnd]!,
      testStart: dates[testStart]!,
      testEnd: dates[testEnd]!,
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

/** The window selection of the general path: each window's series, their signals dated in [from, to]. */
function general(signals: PrecomputedSignals) {
  return (g: number, window: { index: readonly number[] }, from: string, to: string): Signal[] => {
    const out: Signal[] = [];
    for (const k of window.index) {
      const list = signals[g]![k]!;
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (list[mid]!.date < from) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < list.length && list[i]!.date <= to; i++) out.push(list[i]!);
    }
    return out;
  };
}
