import type { BarSeries } from '../bars.js';
import type { SignalSourceId } from '../signal.js';
import type { CommissionModel } from './commission.js';
import type { FillTick } from './fills.js';
import type { ExitReason } from './exit-rules.js';
import type { Metrics } from './metrics.js';
import type { SignalSource } from './signal-source.js';
import type { Sizing } from './sizing.js';

/** Input to {@link runPortfolio}. Percentages are fractions (0.05 = 5%). */
export interface PortfolioOptions {
  series: readonly BarSeries[];
  /** Any mix of precomputed signals and per-series generators. */
  signals: readonly SignalSource[];
  /** Default 100_000. */
  initialCash?: number;
  /** Per side, applied to every fill. Default 5. */
  slippageBps?: number;
  /** Default `{ kind: 'none' }`. */
  commission?: CommissionModel;
  /** Default `{ kind: 'risk', pct: 0.01 }`. */
  sizing?: Sizing;
  /** Cap on simultaneously open positions across all strategies. Default: no cap. */
  maxPositions?: number;
  /** Cap on an entry's cost (qty · fill) as a fraction of previous-close equity. Default: no cap. */
  maxPositionPct?: number;
  /**
   * First date to trade (inclusive). Signals dated before it are ignored, so
   * the first entry is at the earliest on the next bar. Default: first bar.
   */
  startDate?: string;
  /** Last date to trade (inclusive); later bars are treated as not existing. Default: last bar. */
  endDate?: string;
  /** Buy-and-hold comparison series (e.g. SPY). */
  benchmark?: BarSeries;
  /** Fills on an exchange's tick grid (`krx_etf` for KR backtests); absent: raw prices. */
  fillTick?: FillTick;
}

/** Why the portfolio did not take a signal. */
export type SkipReason =
  | 'gap_below_stop'
  | 'already_in_position'
  | 'max_positions'
  | 'qty_below_one'
  | 'max_position_pct'
  | 'insufficient_cash'
  | 'no_next_bar'
  | 'unknown_symbol'
  | 'signal_bar_not_found';

/** A signal the portfolio did not trade, and why. */
export interface SkippedSignal {
  symbol: string;
  strategy: SignalSourceId;
  signalDate: string;
  /** When the decision was made: the would-be entry date, or the signal date when there is none. */
  date: string;
  reason: SkipReason;
  score: number;
}

/** A completed portfolio trade. Prices are fills (slippage included). */
export interface PortfolioTrade {
  symbol: string;
  strategy: SignalSourceId;
  signalDate: string;
  entryDate: string;
  entryPrice: number;
  exitDate: string;
  exitPrice: number;
  qty: number;
  /** Net of both commissions: (qty·exit − exitCommission) − (qty·entry + entryCommission). */
  pnl: number;
  /** pnl / (qty · entryPrice). */
  pnlPct: number;
  /** Entry bar counts as 1. */
  barsHeld: number;
  exitReason: ExitReason;
  /** entryCommission + exitCommission. */
  commission: number;
  entryCommission: number;
  exitCommission: number;
  stop: number;
  target: number | null;
  score: number;
}

/** One strategy's share of the portfolio: its realised plus unrealised pnl on top of the initial cash. */
export interface StrategyResult {
  strategy: SignalSourceId;
  equity: Float64Array;
  /** This strategy's market value / its attributed equity. */
  exposure: Float64Array;
  metrics: Metrics;
}

/** Output of {@link runPortfolio}; every per-day array is aligned with `dates`. */
export interface PortfolioResult {
  dates: readonly string[];
  initialCash: number;
  /** cash + Σ qty·close at each close. */
  equity: Float64Array;
  cash: Float64Array;
  /** Σ qty·close / equity. */
  exposure: Float64Array;
  openPositions: Int32Array;
  /** In entry order. */
  trades: PortfolioTrade[];
  skipped: SkippedSignal[];
  metrics: Metrics;
  /** One entry per strategy seen in the signals, sorted by id. */
  strategies: StrategyResult[];
  benchmark: { symbol: string; equity: Float64Array; metrics: Metrics } | null;
}
