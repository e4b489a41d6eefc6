/**
 * App-level backtesting: requests (normalised, hashed), data resolution
 * (bars store → bundled samples → DEMO), the chunked/cancellable runner,
 * Postgres storage with reuse, reports, charts and the queue plumbing.
 * The simulation itself is the pure engine in `src/engine/backtest`.
 */
export {
  BacktestInputError,
  backtestRequestSchema,
  buildRequest,
  DEFAULT_BENCHMARK,
  DEFAULT_SIZING,
  DEFAULT_WALK_FORWARD,
  formatSizing,
  normaliseRequest,
  parseSizingSpec,
  parseStrategyChoice,
  requestHash,
  requestKey,
  splitParamPairs,
  STRATEGY_CHOICES,
  type BacktestRequest,
  type BacktestRequestInput,
  type StrategyChoice,
  type WalkForwardSettings,
} from './request.js';
export {
  backtestData,
  BacktestCancelledError,
  fingerprintBars,
  resolveBacktestData,
  type BacktestData,
  type BarsSource,
  type DataResolverOptions,
  type LoadHooks,
} from './data.js';
export { barsStoreSource } from './bars-source.js';
export { WALK_FORWARD_GRIDS, walkForwardGrid, type ParamGrid } from './grid.js';
export { runBacktest, walkForwardPrecomputed, type BacktestProgress, type RunHooks } from './run.js';
export { outcomeJson, type BacktestCurves, type BacktestOutcome, type BacktestReport, type ReportTrade, type WalkForwardReport } from './report.js';
export { BacktestStore, type BacktestRunStatus, type StoredRun } from './store.js';
export { backtestEquityChart, monthlyReturns, monthlyReturnsChart } from '../../bot/charts/backtest-charts.js';
export { formatTextReport } from '../../bot/views/backtest-text-report.js';
export { summaryMessage } from '../../bot/views/backtest-messages.js';
export {
  BACKTEST_CANCEL_ACTION,
  BACKTEST_JOB,
  BACKTEST_JOB_OPTIONS,
  BACKTEST_QUEUE,
  backtestJobPayloadSchema,
  cancelFlagKey,
  type BacktestJobPayload,
} from '../../jobs/handlers/backtest-job.js';
export { measureBacktestBench, type BacktestBenchOptions, type BacktestBenchResult } from './bench.js';
