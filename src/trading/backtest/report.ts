import type { Metrics, MonteCarloResult, PortfolioTrade } from '../../engine/backtest/index.js';
import type { StrategyId } from '../../engine/signal.js';
import { roundedReport, roundedTrade } from './json-rounding.js';
import type { BacktestNote } from './notes.js';
import type { BacktestRequest } from './request.js';
import type { RunManifest } from '../manifest/manifest.js';

/** One trade as reported and stored. Prices are fills (slippage included); pnl is net of commission. */
export interface ReportTrade {
  symbol: string;
  strategy: StrategyId;
  signalDate: string;
  entryDate: string;
  entryPrice: number;
  exitDate: string;
  exitPrice: number;
  qty: number;
  pnl: number;
  pnlPct: number;
  barsHeld: number;
  exitReason: PortfolioTrade['exitReason'];
  commission: number;
}

/** Builds a {@link ReportTrade} with a fixed key order (so output bytes never depend on where it came from). */
export function reportTrade(t: ReportTrade): ReportTrade {
  return {
    symbol: t.symbol,
    strategy: t.strategy,
    signalDate: t.signalDate,
    entryDate: t.entryDate,
    entryPrice: t.entryPrice,
    exitDate: t.exitDate,
    exitPrice: t.exitPrice,
    qty: t.qty,
    pnl: t.pnl,
    pnlPct: t.pnlPct,
    barsHeld: t.barsHeld,
    exitReason: t.exitReason,
    commission: t.commission,
  };
}

/** One walk-forward window: what the train window chose and how it did out of sample. */
export interface WalkForwardWindowReport {
  trainStart: string;
  trainEnd: string;
  testStart: string;
  testEnd: string;
  /** The varied parameters of the chosen grid point. */
  chosen: Record<string, unknown>;
  /** Objective value of the chosen point on the train window (null when it had none, e.g. no trades). */
  trainScore: number | null;
  test: { totalReturn: number; sharpe: number | null; maxDrawdown: number; tradeCount: number };
}

/** Walk-forward of one strategy on its own (its own capital, stitched out-of-sample curve). */
export interface WalkForwardReport {
  strategy: StrategyId;
  trainBars: number;
  testBars: number;
  stepBars: number;
  objective: string;
  grid: { keys: string[]; points: number; dropped: string[] };
  windows: WalkForwardWindowReport[];
  /** Metrics of the stitched out-of-sample equity curve and its trades. */
  metrics: Metrics;
}

/**
 * Everything a backtest reports except the trade list (stored separately).
 * JSON-safe: non-finite numbers are already null. Deterministic: the same
 * request on the same data gives byte-identical JSON.
 */
export interface BacktestReport {
  requestHash: string;
  request: BacktestRequest;
  data: {
    source: string;
    demo: boolean;
    fingerprint: string;
    symbols: number;
    bars: number;
    firstDate: string;
    lastDate: string;
  };
  range: { start: string; end: string; days: number };
  metrics: Metrics;
  strategies: { strategy: StrategyId; metrics: Metrics }[];
  /**
   * Buy-and-hold of the benchmark (always real bars) over the run's dates
   * inside its bars, `start`–`end` (`days` run dates), and the portfolio's
   * return over those same dates. Reports stored before the window was
   * recorded lack `start`, `end`, `days` and `portfolioReturn`: theirs
   * covered the whole range.
   */
  benchmark: { symbol: string; start?: string; end?: string; days?: number; metrics: Metrics; portfolioReturn?: number } | null;
  /** Signals not taken, by reason. */
  skipped: Record<string, number>;
  walkForward: WalkForwardReport[] | null;
  monteCarlo: MonteCarloResult | null;
  /** What the user should know about the data and the run, as codes with figures (words: each face). */
  notes: BacktestNote[];
  /**
   * Id of the run's manifest (data hash, code version, parameters, seed; see
   * src/trading/manifest): reports show its first 12 hex digits and
   * `courtside backtest --replay` re-runs it. Absent on reports stored before
   * manifests were recorded.
   */
  manifest?: string;
}

/** Daily curves for charts (not part of the printed report). */
export interface BacktestCurves {
  dates: string[];
  equity: number[];
  /** Buy-and-hold equity aligned with `dates`; null on dates outside the benchmark's bars. */
  benchmark: { symbol: string; equity: (number | null)[] } | null;
}

/** The full result of one run. */
export interface BacktestOutcome {
  report: BacktestReport;
  trades: ReportTrade[];
  curves: BacktestCurves;
  /** The run's manifest when one was built (stored with the run by `BacktestStore.complete`). */
  manifest?: RunManifest;
}

/**
 * The JSON document `courtside backtest --json` prints: the report with the
 * trades last, prices on the tick and money in cents, whole won for KR (rounded here, at the
 * edge; the simulation and the stored run keep full precision).
 */
export function outcomeJson(report: BacktestReport, trades: readonly ReportTrade[]): string {
  const kr = report.request.market === 'KR';
  return JSON.stringify({ ...roundedReport(report), trades: trades.map((t) => reportTrade(roundedTrade(t, kr))) });
}

/** Deep copy with NaN/±Infinity turned into null, as JSON would. */
export function jsonSafe<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
