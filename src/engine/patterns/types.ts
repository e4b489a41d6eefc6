import type { BarSeries } from '../bars.js';
import type { IndicatorCache } from '../indicators/cache.js';

/**
 * Pattern family ids. Kept apart from the closed `StrategyId` union of the
 * Kobe strategies: families feed hypotheses, not the strategy registry.
 * 'donchian' and 'turtle_soup' are the Kobe strategies wrapped as families
 * (same ids, same signal bars).
 */
export type FamilyId =
  | 'momentum'
  | 'down_closes'
  | 'rsi_oversold'
  | 'ibs_low'
  | 'high_breakout'
  | 'volume_spike'
  | 'ma_cross'
  | 'nr_breakout'
  | 'turn_of_month'
  | 'bollinger_squeeze'
  | 'gap_down_reversal'
  | 'donchian'
  | 'turtle_soup';

/**
 * A long-only entry pattern: typed parameters and a bar predicate. Exits
 * (ATR stop, time stop, target) are shared and deliberately not part of a
 * family.
 *
 * Both evaluation paths (`signalIndices` and `why`) run the same predicate on
 * the same columns, so `why(s, t) !== null` exactly when t is in
 * `signalIndices(s)`. Every predicate reads only bars at or before t: the
 * signal is decided at t's close. Params passed in are trusted; build them
 * with `resolveParams`/`parseParams`/`validateParams`.
 *
 * @typeParam P - the family's parameters.
 * @typeParam W - the figures behind one signal (data for the card, not text).
 */
export interface PatternFamily<P extends object, W extends object = object> {
  readonly id: FamilyId;
  /** Display name, e.g. "RSI oversold in an uptrend". */
  readonly title: string;
  /** One-line rule summary for help text. */
  readonly summary: string;
  readonly defaults: Readonly<P>;
  /** Valid keys with types and defaults, as listed in parse errors. */
  readonly paramHelp: string;
  /** Validates a complete params object; throws StrategyParamError listing every problem. */
  validateParams(candidate: unknown): P;
  /** Merges overrides into the defaults and validates; throws StrategyParamError. */
  resolveParams(overrides?: Partial<P>): P;
  /** Parses `k=v` strings over the defaults; throws StrategyParamError. */
  parseParams(pairs: readonly string[]): P;
  /** Ascending indices of every bar whose close qualifies. */
  signalIndices(series: BarSeries, params?: P, cache?: IndicatorCache): Int32Array;
  /** The figures behind the signal at bar t, or null when t does not qualify. */
  why(series: BarSeries, t: number, params?: P, cache?: IndicatorCache): W | null;
  /** First bar at which every column the predicate reads is defined. */
  firstValidIndex(params?: P): number;
}
