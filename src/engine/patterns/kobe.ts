import type { BarSeries } from '../bars.js';
import type { IndicatorCache } from '../indicators/cache.js';
import { newColumn } from '../indicators/period.js';
import type { Signal } from '../signal.js';
import type { StrategyDef } from '../strategies/types.js';
import { cachedColumn } from './columns.js';

/**
 * Helpers that turn a Kobe strategy into a pattern family by wrapping it,
 * not re-implementing its rule: the family's signal bars are the strategy's
 * own `signalIndices`, so the two cannot drift apart.
 */

/**
 * 1 on every bar at which `strategy` signals with params `p`, else 0,
 * memoised on the cache (the strategy's columns are shared through it too).
 * Keyed on every parameter: exit-only ones (stop, time stop, target) cost a
 * duplicate column at worst, while a missed entry parameter would be a bug.
 */
export function strategyMask<P extends object>(
  strategy: StrategyDef<P>,
  s: BarSeries,
  p: P,
  cache: IndicatorCache,
): Float64Array {
  return cachedColumn(cache, `strategy:${strategy.id}:${JSON.stringify(p)}`, () => {
    const out = newColumn(s.close.length);
    out.fill(0);
    for (const t of strategy.signalIndices(s, p, cache)) out[t] = 1;
    return out;
  });
}

/** The strategy's Signal at a bar its mask marks; throws if the strategy's own paths disagree (a strategy bug). */
export function strategySignal<P extends object>(
  strategy: StrategyDef<P>,
  s: BarSeries,
  t: number,
  p: P,
  cache: IndicatorCache,
): Signal {
  const sig = strategy.signalAt(s, t, p, cache);
  if (sig === null) {
    throw new Error(
      `${strategy.id}: signalIndices marks bar ${t} but signalAt finds no signal there; ` +
        'the strategy\'s two evaluation paths disagree — fix src/engine/strategies (its consistency test should fail too)',
    );
  }
  return sig;
}
