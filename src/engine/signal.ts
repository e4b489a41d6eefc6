/** Strategy identifiers known to the engine. */
export type StrategyId = 'donchian' | 'turtle_soup';

export const STRATEGY_IDS: readonly StrategyId[] = ['donchian', 'turtle_soup'];

/**
 * A long entry idea produced at the close of bar `index` (date `date`).
 * Levels are fixed at the signal bar; the earliest fill is the next bar's open.
 */
export interface Signal {
  symbol: string;
  strategy: StrategyId;
  /** Index of the signal bar in the series it was computed from. */
  index: number;
  date: string;
  close: number;
  stop: number;
  /** Absolute target price, or null when the strategy has no target. */
  target: number | null;
  atr: number;
  /** Exit after this many bars in the trade (bar 1 = entry bar). */
  timeStopBars: number;
  /** Higher is better; used to rank picks across the universe. */
  score: number;
  /** Human-readable conditions that fired, e.g. "close 101.2 > upper55 99.8". */
  reasons: string[];
}
