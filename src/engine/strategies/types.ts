import type { BarSeries } from '../bars.js';
import type { IndicatorCache } from '../indicators/cache.js';
import type { Signal, StrategyId } from '../signal.js';
import type { ReasonNumbers } from './format.js';

/**
 * A long-only strategy: its parameters, parsing and signal generation.
 * Levels (stop/target) are fixed at the signal bar's close.
 *
 * All evaluation paths share one predicate, so for the same bars and params
 * `signalIndices`, `signals`, `signalAt` and `latestSignal` always agree.
 * Params passed to them are trusted: build them with parseParams/resolveParams.
 * Pass an IndicatorCache to share indicator columns between strategies (and
 * the indicator table) on the same series.
 */
export interface StrategyDef<P extends object> {
  readonly id: StrategyId;
  /** Display name, e.g. "Donchian Breakout". */
  readonly title: string;
  /** One-line rule summary for help text. */
  readonly summary: string;
  readonly defaults: Readonly<P>;
  /** Valid keys with types and defaults, as listed in parse errors. */
  readonly paramHelp: string;
  /** Parses `k=v` strings over the defaults; throws StrategyParamError listing valid keys and types. */
  parseParams(pairs: readonly string[]): P;
  /** Merges overrides into the defaults and validates; throws StrategyParamError. */
  resolveParams(overrides?: Partial<P>): P;
  /** Every historical signal, oldest first, as full Signal objects (reasons formatted, ~1 µs each). */
  signals(series: BarSeries, params?: P, cache?: IndicatorCache): Signal[];
  /**
   * Bar indices of every historical signal, ascending: the allocation-light
   * hot path for universe backtests. Materialise the few you act on with
   * {@link StrategyDef.signalAt} (same cache).
   */
  signalIndices(series: BarSeries, params?: P, cache?: IndicatorCache): Int32Array;
  /** The signal at bar t, or null if t does not qualify. */
  signalAt(series: BarSeries, t: number, params?: P, cache?: IndicatorCache): Signal | null;
  /**
   * The signal on the LAST bar, or null. Evaluates only that bar (O(window),
   * plus one allocation-free pass for Wilder ATR when the cheap conditions
   * hold) and returns exactly what `signals` reports for that bar. `numbers`: how the reasons
   * write prices (default US, 2 decimals; a KR scan passes whole won). Only the scan's path takes
   * it: the other paths serve backtests, whose reasons nobody trades on.
   */
  latestSignal(series: BarSeries, params?: P, numbers?: ReasonNumbers): Signal | null;
  /** Index of the first bar at which every indicator the rules need is defined. */
  firstValidIndex(params?: P): number;
}
