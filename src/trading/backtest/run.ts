import type { BarSeries } from '../../engine/bars.js';
import {
  monteCarlo,
  tradeReturnsOnEquity,
  runPortfolio,
  rangeSeries,
  walkForwardPrecomputedSteps,
  type Metrics,
  type Objective,
  type PortfolioOptions,
  type PortfolioResult,
  type PortfolioTrade,
  type WalkForwardBacktestOptions,
  type WalkForwardWindow,
} from '../../engine/backtest/index.js';
import { IndicatorCache } from '../../engine/indicators/cache.js';
import { isStrategyId, STRATEGY_IDS, type Signal, type SignalSourceId, type StrategyId } from '../../engine/signal.js';
import { STRATEGIES, type StrategyDef } from '../../engine/strategies/index.js';
import { limitPriceOnTick } from '../../engine/market/ticks.js';
import { checkCancel, yieldToEventLoop, type BacktestData } from './data.js';
import { benchmarkWindow } from './benchmark-window.js';
import { walkForwardGrid } from './grid.js';
import {
  jsonSafe,
  reportTrade,
  type BacktestCurves,
  type BacktestOutcome,
  type BacktestReport,
  type ReportTrade,
  type WalkForwardReport,
} from './report.js';
import { BacktestInputError, requestHash, type BacktestRequest } from './request.js';

/** Where a run is; `done`/`total` count symbols (signals), runs (walk-forward) or steps. */
export interface BacktestProgress {
  phase: 'data' | 'signals' | 'portfolio' | 'walk_forward' | 'monte_carlo';
  done: number;
  total: number;
}

export interface RunHooks {
  onProgress?(p: BacktestProgress): void;
  /** Polled between chunks; true stops the run with BacktestCancelledError. */
  shouldCancel?(): boolean | Promise<boolean>;
  /** Symbols per chunk between event-loop yields (default 25). */
  chunkSize?: number;
}

const NO_REASONS: string[] = [];

/**
 * A backtest runs only the Kobe strategies, so its report names only them:
 * the portfolio engine's trades carry any signal source (hypotheses use it
 * too), narrowed here. A hypothesis source reaching a report is a bug.
 */
function kobeOnly(source: SignalSourceId): StrategyId {
  if (!isStrategyId(source)) throw new Error(`backtest report: '${source}' is not a Kobe strategy; /backtest runs only ${STRATEGY_IDS.join(', ')}`);
  return source;
}

function defOf(id: StrategyId): StrategyDef<object> {
  return STRATEGIES[id] as unknown as StrategyDef<object>;
}

/**
 * Runs one backtest: signals for every symbol and strategy (computed in
 * chunks, yielding to the event loop and polling for cancellation between
 * them), the portfolio simulation, and optionally walk-forward and Monte Carlo.
 *
 * Pure apart from the hooks: the same request on the same data always gives
 * the same outcome, bit for bit.
 *
 * @throws BacktestInputError when the range holds no bars or walk-forward has too little data
 * @throws BacktestCancelledError when `shouldCancel` says so
 */
export async function runBacktest(request: BacktestRequest, data: BacktestData, hooks: RunHooks = {}): Promise<BacktestOutcome> {
  const chunk = Math.max(1, hooks.chunkSize ?? 25);
  const series = data.series;
  if (series.length === 0) throw new BacktestInputError('no bars to backtest');
  const strategies = request.strategies.map((s) => ({ id: s.id, def: defOf(s.id), params: s.params as object }));
  const kr = request.market === 'KR';

  // 1. Signals, chunked. Reasons are dropped: the simulation never reads them and they dominate memory.
  const signals: Signal[][] = [];
  for (let i = 0; i < series.length; i++) {
    const s = series[i]!;
    const cache = new IndicatorCache(s);
    for (const st of strategies) signals.push(prepareSignals(st.def.signals(s, st.params, cache), kr));
    if ((i + 1) % chunk === 0 || i === series.length - 1) {
      hooks.onProgress?.({ phase: 'signals', done: i + 1, total: series.length });
      await yieldToEventLoop();
      await checkCancel(hooks);
    }
  }

  // 2. Portfolio.
  hooks.onProgress?.({ phase: 'portfolio', done: 0, total: 1 });
  const base = portfolioBase(request);
  let result: PortfolioResult;
  try {
    result = runPortfolio({
      ...base,
      series,
      signals,
      ...(request.from !== null ? { startDate: request.from } : {}),
      ...(request.to !== null ? { endDate: request.to } : {}),
    });
  } catch (err) {
    if (err instanceof RangeError && /no bars in the backtest range/.test(err.message)) {
      throw new BacktestInputError(`no bars between ${request.from ?? 'the start'} and ${request.to ?? 'the end'} (the data covers ${dataSpan(series)})`);
    }
    throw err;
  }
  hooks.onProgress?.({ phase: 'portfolio', done: 1, total: 1 });
  await yieldToEventLoop();
  await checkCancel(hooks);

  const trades: ReportTrade[] = result.trades.map((t) => reportTrade({ ...t, strategy: kobeOnly(t.strategy) }));
  // The benchmark covers only the run's dates inside its own bars (never a flat tail past its last bar).
  const bench = data.benchmark ? benchmarkWindow(data.benchmark, result.dates, result.equity, request.initialCash) : null;
  const notes = [...data.notes];

  // 3. Walk-forward, one strategy at a time.
  let wf: WalkForwardReport[] | null = null;
  if (request.walkForward) {
    wf = [];
    for (const st of strategies) wf.push(await runWalkForward(request, series, st.id, st.params as Record<string, unknown>, hooks, chunk));
  }

  // 4. Monte Carlo over the portfolio's trade returns.
  let mc: BacktestReport['monteCarlo'] = null;
  if (request.monteCarlo) {
    if (trades.length === 0) notes.push({ code: 'monte_carlo_no_trades' });
    else {
      hooks.onProgress?.({ phase: 'monte_carlo', done: 0, total: 1 });
      // Resample each trade's effect on the ACCOUNT (pnl ÷ equity at the close before entry, the
      // equity it was sized from), not its return on the position: compounding position returns
      // as if each trade staked the whole account would describe a different strategy.
      mc = monteCarlo(tradeReturnsOnEquity(result), { runs: request.monteCarlo.runs, seed: request.monteCarlo.seed });
      hooks.onProgress?.({ phase: 'monte_carlo', done: 1, total: 1 });
    }
  }

  const skipped: Record<string, number> = {};
  for (const s of result.skipped) skipped[s.reason] = (skipped[s.reason] ?? 0) + 1;
  const sortedSkipped: Record<string, number> = {};
  for (const k of Object.keys(skipped).sort()) sortedSkipped[k] = skipped[k]!;

  let bars = 0;
  for (const s of series) bars += s.dates.length;
  const report: BacktestReport = jsonSafe({
    requestHash: requestHash(request),
    request,
    data: {
      source: data.source,
      demo: data.demo,
      fingerprint: data.fingerprint,
      symbols: series.length,
      bars,
      firstDate: minFirst(series),
      lastDate: maxLast(series),
    },
    range: { start: result.dates[0]!, end: result.dates[result.dates.length - 1]!, days: result.dates.length },
    metrics: result.metrics,
    strategies: result.strategies.map((s) => ({ strategy: kobeOnly(s.strategy), metrics: s.metrics })),
    benchmark: bench
      ? { symbol: bench.symbol, start: bench.start, end: bench.end, days: bench.days, metrics: bench.metrics, portfolioReturn: bench.portfolioReturn }
      : null,
    skipped: sortedSkipped,
    walkForward: wf,
    monteCarlo: mc,
    notes,
  });
  const curves: BacktestCurves = {
    dates: [...result.dates],
    equity: Array.from(result.equity),
    benchmark: bench ? { symbol: bench.symbol, equity: result.dates.map((_, i) => (i < bench.from || i >= bench.from + bench.days ? null : bench.equity[i - bench.from]!)) } : null,
  };
  return { report, trades, curves };
}

/** Portfolio settings shared by the main run and walk-forward. */
export function portfolioBase(request: BacktestRequest): Omit<PortfolioOptions, 'series' | 'signals'> {
  return {
    initialCash: request.initialCash,
    slippageBps: request.slippageBps,
    commission: request.commission,
    sizing: request.sizing,
    // KR: fills on the KRX ETF tick of their session, commissions in whole won (the engine's FillTick).
    ...(request.market === 'KR' ? { fillTick: 'krx_etf' as const } : {}),
  };
}

/**
 * Prepares a strategy's signals for the portfolio: reasons dropped (the
 * simulation never reads them and they dominate memory) and, on KR, the
 * stop and target put on the KRX ETF tick of the signal's session as the KR
 * scan quotes them (sell levels round up: src/trading/scan/kr-scan.ts).
 */
function prepareSignals(list: Signal[], kr: boolean): Signal[] {
  for (const s of list) {
    s.reasons = NO_REASONS;
    if (kr) {
      s.stop = sellLevel(s.stop, s.date);
      if (s.target !== null) s.target = sellLevel(s.target, s.date);
    }
  }
  return list;
}

/** A long's exit level on the KRX ETF tick (rounded up); a level at or below zero stays (no tick exists there). */
function sellLevel(price: number, date: string): number {
  return Number.isFinite(price) && price > 0 ? limitPriceOnTick({ market: 'KR', instrument: 'etf', date, price }, 'sell') : price;
}

async function runWalkForward(
  request: BacktestRequest,
  all: readonly BarSeries[],
  id: StrategyId,
  params: Record<string, unknown>,
  hooks: RunHooks,
  chunk: number,
): Promise<WalkForwardReport> {
  const settings = request.walkForward!;
  const def = defOf(id);
  const grid = walkForwardGrid(id, params);
  if (grid.points.length === 0) throw new BacktestInputError(`walk-forward for ${id}: no valid grid point with these parameters`);
  const series = all.map((s) => rangeSeries(s, request.from, request.to)).filter((s): s is BarSeries => s !== null);

  // Signals are causal: those of a series cut at date D are exactly the full
  // series' signals dated <= D. So each grid point is computed once per symbol
  // (sharing indicator columns) instead of once per window and run.
  const signals: Signal[][][] = grid.points.map(() => []);
  for (let i = 0; i < series.length; i++) {
    const s = series[i]!;
    const cache = new IndicatorCache(s);
    for (let g = 0; g < grid.points.length; g++) signals[g]!.push(prepareSignals(def.signals(s, grid.points[g]!, cache), request.market === 'KR'));
    if ((i + 1) % chunk === 0 || i === series.length - 1) {
      hooks.onProgress?.({ phase: 'walk_forward', done: 0, total: 1 });
      await yieldToEventLoop();
      await checkCancel(hooks);
    }
  }

  let res: AppWalkForwardResult;
  try {
    res = await walkForwardPrecomputed({ series, signals, ...settings, backtest: portfolioBase(request) }, hooks);
  } catch (err) {
    if (err instanceof RangeError) throw new BacktestInputError(`walk-forward for ${id}: ${err.message} (train ${settings.trainBars} + test ${settings.testBars} bars per window)`);
    throw err;
  }
  return {
    strategy: id,
    trainBars: settings.trainBars,
    testBars: settings.testBars,
    stepBars: settings.stepBars,
    objective: settings.objective,
    grid: { keys: grid.keys, points: grid.points.length, dropped: grid.dropped },
    windows: res.windows.map((w) => {
      const score = w.trainScores[w.chosenIndex]!;
      const chosen: Record<string, unknown> = {};
      for (const k of grid.keys) chosen[k] = grid.points[w.chosenIndex]![k];
      return {
        trainStart: w.trainStart,
        trainEnd: w.trainEnd,
        testStart: w.testStart,
        testEnd: w.testEnd,
        chosen,
        trainScore: Number.isFinite(score) ? score : null,
        test: {
          totalReturn: w.testMetrics.totalReturn,
          sharpe: w.testMetrics.sharpe,
          maxDrawdown: w.testMetrics.maxDrawdown,
          tradeCount: w.testMetrics.tradeCount,
        },
      };
    }),
    metrics: res.metrics,
  };
}

/** Input of {@link walkForwardPrecomputed}. */
export interface PrecomputedWalkForwardOptions {
  series: readonly BarSeries[];
  /** signals[g][k]: every signal of grid point g on series k (date-ascending, causal). */
  signals: readonly (readonly (readonly Signal[])[])[];
  trainBars: number;
  testBars: number;
  stepBars: number;
  objective: Objective;
  backtest?: WalkForwardBacktestOptions;
}

/** Window results of {@link walkForwardPrecomputed} (the engine's shape, grid entries by index). */
export interface AppWalkForwardResult {
  windows: Omit<WalkForwardWindow<number>, 'params'>[];
  dates: string[];
  equity: Float64Array;
  trades: PortfolioTrade[];
  metrics: Metrics;
}

/**
 * The engine's walk-forward loop on signals computed once per grid point over
 * the whole history (signals are causal, so those dated in a window are the
 * ones the window's history would produce; a test holds this equal to
 * {@link walkForward}). Yields to the event loop and polls for cancellation
 * between windows.
 */
export async function walkForwardPrecomputed(opts: PrecomputedWalkForwardOptions, hooks: RunHooks = {}): Promise<AppWalkForwardResult> {
  const steps = walkForwardPrecomputedSteps(opts, opts.signals);
  for (let r = steps.next(); ; r = steps.next()) {
    if (r.done) return r.value;
    hooks.onProgress?.({ phase: 'walk_forward', done: r.value.done, total: r.value.total });
    await yieldToEventLoop();
    await checkCancel(hooks);
  }
}

function minFirst(series: readonly BarSeries[]): string {
  let m = '';
  for (const s of series) if (s.dates.length > 0 && (m === '' || s.dates[0]! < m)) m = s.dates[0]!;
  return m;
}

function maxLast(series: readonly BarSeries[]): string {
  let m = '';
  for (const s of series) if (s.dates.length > 0 && s.dates[s.dates.length - 1]! > m) m = s.dates[s.dates.length - 1]!;
  return m;
}

function dataSpan(series: readonly BarSeries[]): string {
  return `${minFirst(series)} … ${maxLast(series)}`;
}
