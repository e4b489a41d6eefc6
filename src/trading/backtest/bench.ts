import { performance } from 'node:perf_hooks';
import { monteCarlo } from '../../engine/backtest/index.js';
import { backtestData, fingerprintBars } from './data.js';
import type { BacktestDataSources } from './data-sources.js';
import { buildRequest } from './request.js';
import { runBacktest } from './run.js';

/** Options of {@link measureBacktestBench}; defaults are the targets (900 × 2,520 bars). */
export interface BacktestBenchOptions {
  /** Symbols from the bundled universe (default: all ~900). */
  symbols?: number;
  /** Sessions per symbol (default 2,520, ten years). */
  sessions?: number;
  /** Symbols in the walk-forward run (default: same as `symbols`; 0 skips it). */
  walkForwardSymbols?: number;
  /** Monte Carlo runs (default 10,000). */
  monteCarloRuns?: number;
  /** Timed repetitions of the backtest and Monte Carlo (default 3; the walk-forward runs once). */
  repeats?: number;
  /** Last synthetic session (fixed by default so figures compare across days). */
  endDate?: string;
  /** Called between sections, e.g. to print "walk-forward…". */
  progress?: (what: string) => void;
}

/** One timed section: every repetition and the best/median. */
export interface BenchTiming {
  ms: number[];
  bestMs: number;
  medianMs: number;
}

/** What {@link measureBacktestBench} reports (the bench section prints it). */
export interface BacktestBenchResult {
  symbols: number;
  sessions: number;
  bars: number;
  /** Generating the synthetic universe (not part of any target). */
  generateMs: number;
  /** Fingerprinting the input bars (done once per backtest request). */
  fingerprintMs: number;
  /** Full-universe backtest, both strategies, risk sizing (signals + portfolio): target < 1,500 ms on one core. */
  backtest: BenchTiming & { barsPerSecond: number; trades: number; targetMs: 1500 };
  /** Walk-forward of donchian over the 12-point grid (train 252 / test 63 / step 63); null when skipped. */
  walkForward: (BenchTiming & { symbols: number; windows: number; gridPoints: number; portfolioRuns: number; barsPerSecond: number }) | null;
  /** 10,000 Monte Carlo runs over the backtest's trade returns: target < 500 ms. */
  monteCarlo: BenchTiming & { runs: number; tradesPerRun: number; targetMs: 500 };
}

function timing(ms: number[]): BenchTiming {
  const sorted = [...ms].sort((a, b) => a - b);
  return { ms, bestMs: sorted[0]!, medianMs: sorted[Math.floor((sorted.length - 1) / 2)]! };
}

/**
 * Measures the backtest paths on the synthetic DEMO universe of `sources`
 * (the bundled universe over exchange sessions). Runs in the calling thread:
 * the figures are single-core. A small warm-up run precedes the timed ones.
 */
export async function measureBacktestBench(
  sources: Pick<BacktestDataSources, 'demoUniverse' | 'demoSessions' | 'demoSeries'>,
  opts: BacktestBenchOptions = {},
): Promise<BacktestBenchResult> {
  const repeats = Math.max(1, opts.repeats ?? 3);
  const sessions = opts.sessions ?? 2_520;
  const entries = sources.demoUniverse().slice(0, opts.symbols ?? Infinity);
  const progress = opts.progress ?? (() => undefined);

  progress('generating the synthetic universe…');
  let t = performance.now();
  const days = sources.demoSessions(opts.endDate ?? '2025-12-31', sessions);
  const universe = entries.map((e) => sources.demoSeries(e, days));
  const generateMs = performance.now() - t;
  let bars = 0;
  for (const s of universe) bars += s.dates.length;

  t = performance.now();
  fingerprintBars(universe);
  const fingerprintMs = performance.now() - t;
  const data = backtestData(universe, { source: 'synthetic', demo: true, benchmarkSymbol: 'SPY' });

  const request = buildRequest({ strategies: ['donchian', 'turtle_soup'], symbols: universe.map((s) => s.symbol), sizing: { kind: 'risk', pct: 0.01 } });
  progress('warming up…');
  await runBacktest(request, backtestData(universe.slice(0, 30), { source: 'synthetic', demo: true }), { chunkSize: 1_000_000 });

  progress('full-universe backtest…');
  const btMs: number[] = [];
  let trades: number[] = [];
  for (let i = 0; i < repeats; i++) {
    t = performance.now();
    const out = await runBacktest(request, data, { chunkSize: 1_000_000 });
    btMs.push(performance.now() - t);
    trades = out.trades.map((x) => x.pnlPct);
  }
  const bt = timing(btMs);

  progress('Monte Carlo…');
  const mcRuns = opts.monteCarloRuns ?? 10_000;
  const mcMs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    t = performance.now();
    if (trades.length > 0) monteCarlo(trades, { runs: mcRuns, seed: 1 });
    mcMs.push(performance.now() - t);
  }

  let walkForward: BacktestBenchResult['walkForward'] = null;
  const wfSymbols = Math.min(opts.walkForwardSymbols ?? universe.length, universe.length);
  if (wfSymbols > 0) {
    progress('walk-forward (12-point grid)…');
    const wfSeries = universe.slice(0, wfSymbols);
    const wfRequest = buildRequest({ strategies: ['donchian'], symbols: wfSeries.map((s) => s.symbol), sizing: { kind: 'risk', pct: 0.01 }, walkForward: true });
    t = performance.now();
    const out = await runBacktest(wfRequest, backtestData(wfSeries, { source: 'synthetic', demo: true }), { chunkSize: 1_000_000 });
    const ms = performance.now() - t;
    const wf = out.report.walkForward![0]!;
    let wfBars = 0;
    for (const s of wfSeries) wfBars += s.dates.length;
    walkForward = {
      ...timing([ms]),
      symbols: wfSymbols,
      windows: wf.windows.length,
      gridPoints: wf.grid.points,
      portfolioRuns: wf.windows.length * (wf.grid.points + 1),
      barsPerSecond: (wfBars * wf.grid.points) / (ms / 1000),
    };
  }

  return {
    symbols: universe.length,
    sessions,
    bars,
    generateMs,
    fingerprintMs,
    backtest: { ...bt, barsPerSecond: bars / (bt.bestMs / 1000), trades: trades.length, targetMs: 1500 },
    walkForward,
    monteCarlo: { ...timing(mcMs), runs: mcRuns, tradesPerRun: trades.length, targetMs: 500 },
  };
}
