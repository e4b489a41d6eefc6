/** Backtesting: single-trade exit rules, portfolio simulation, metrics, walk-forward and Monte Carlo. */
export { buyAndHold } from './benchmark.js';
export { buildCalendar, dateKey, type Calendar } from './calendar.js';
export { commissionFor, type CommissionModel } from './commission.js';
export { EXIT_REASONS, type ExitReason } from './exit-rules.js';
export { buyFill, feeRounder, fillRounder, krxEtfFill, sellFill, wonFee, type FillTick } from './fills.js';
export { computeMetrics, TRADING_DAYS_PER_YEAR, type Metrics, type MetricsInput, type MetricsTrade } from './metrics.js';
export { monteCarlo, tradeReturnsOnEquity, type MonteCarloOptions, type MonteCarloResult } from './monte-carlo.js';
export { runPortfolio } from './portfolio.js';
export type {
  PortfolioOptions,
  PortfolioResult,
  PortfolioTrade,
  SkippedSignal,
  SkipReason,
  StrategyResult,
} from './portfolio-types.js';
export { mulberry32 } from './prng.js';
export {
  PreparedSignalsBuilder,
  prepareSignals,
  prepareUniverse,
  runPrepared,
  type PreparedRun,
  type PreparedSignals,
  type PreparedUniverse,
} from './prepared-run.js';
export { signalsFrom, type SignalFn, type SignalSource } from './signal-source.js';
export {
  simulateTrade,
  type SimulatedTrade,
  type SimulateTradeOptions,
  type SkippedTrade,
  type TradeNotTakenReason,
  type TradeSimulation,
} from './simulate-trade.js';
export { sharesFor, type Sizing } from './sizing.js';
export { percentileSorted, percentilesOf, type Percentiles } from './stats.js';
export {
  rangeSeries,
  scoreMetrics,
  scoreRun,
  walkForward,
  walkForwardSteps,
  windowOf,
  type Objective,
  type WalkForwardSettings,
  type WindowSignals,
  type WalkForwardBacktestOptions,
  type WalkForwardOptions,
  type WalkForwardResult,
  type WalkForwardWindow,
} from './walk-forward.js';
export { walkForwardPrecomputedSteps, walkForwardPreparedSteps, type PrecomputedSignals } from './walk-forward-precomputed.js';
