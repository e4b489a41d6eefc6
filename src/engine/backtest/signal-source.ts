import type { BarSeries } from '../bars.js';
import type { Signal } from '../signal.js';

/**
 * A strategy as the backtester sees it: every historical signal for one
 * symbol. Must be causal (a signal at bar t may only use bars 0..t).
 */
export type SignalFn<P> = (series: BarSeries, params: P) => Signal[];

/**
 * Signals fed to the portfolio backtester: either precomputed (any mix of
 * symbols and strategies, each signal names its own) or a generator called
 * once per series.
 */
export type SignalSource = readonly Signal[] | ((series: BarSeries) => readonly Signal[]);

/** Binds a parameterised strategy to its parameters. */
export function signalsFrom<P>(fn: SignalFn<P>, params: P): (series: BarSeries) => Signal[] {
  return (series) => fn(series, params);
}
