import type { BarSeries } from '../bars.js';
import type { IndicatorCache } from '../indicators/cache.js';
import type { Signal, StrategyId } from '../signal.js';
import { DONCHIAN, type DonchianParams } from './donchian.js';
import { TURTLE_SOUP, type TurtleSoupParams } from './turtle-soup.js';
import type { StrategyDef } from './types.js';

/** Parameter type of each strategy. */
export interface StrategyParamsById {
  donchian: DonchianParams;
  turtle_soup: TurtleSoupParams;
}

/** Registry type: a Record<StrategyId, StrategyDef> that keeps each entry's own params type. */
export type StrategyRegistry = { readonly [K in StrategyId]: StrategyDef<StrategyParamsById[K]> };

/** Every strategy the engine knows, by id. */
export const STRATEGIES: StrategyRegistry = Object.freeze({
  donchian: DONCHIAN,
  turtle_soup: TURTLE_SOUP,
});

/** A strategy whose params type is only known at run time (dispatch on an id from chat or the CLI). */
export type AnyStrategyDef = StrategyDef<object>;

/**
 * Looks a strategy up by an id typed by a user. Params from its parseParams
 * go straight back into its own signals/latestSignal, so the opaque `object`
 * params type is safe without casts. Throws a RangeError listing the valid ids.
 */
export function strategyById(id: string): AnyStrategyDef {
  if (!Object.hasOwn(STRATEGIES, id)) {
    throw new RangeError(`unknown strategy '${id}'; valid: ${Object.keys(STRATEGIES).join(', ')}`);
  }
  return STRATEGIES[id as StrategyId];
}

function def<K extends StrategyId>(strategy: K): StrategyDef<StrategyParamsById[K]> {
  const d = STRATEGIES[strategy] as StrategyDef<StrategyParamsById[K]> | undefined;
  if (d === undefined) throw new RangeError(`unknown strategy '${String(strategy)}'`);
  return d;
}

/**
 * Every historical signal of `strategy` on `series`. `params` overrides the
 * defaults and is validated (throws StrategyParamError); for hot loops call
 * `STRATEGIES[id].signals` with params resolved once.
 */
export function findSignals<K extends StrategyId>(
  series: BarSeries,
  strategy: K,
  params?: Partial<StrategyParamsById[K]>,
  cache?: IndicatorCache,
): Signal[] {
  const d = def(strategy);
  return d.signals(series, d.resolveParams(params), cache);
}

/** The signal of `strategy` on the last bar of `series`, or null (cheap daily-scan path). */
export function findLatestSignal<K extends StrategyId>(
  series: BarSeries,
  strategy: K,
  params?: Partial<StrategyParamsById[K]>,
): Signal | null {
  const d = def(strategy);
  return d.latestSignal(series, d.resolveParams(params));
}
