import type { StrategyId } from '../../engine/signal.js';
import { STRATEGIES, StrategyParamError, type StrategyDef } from '../../engine/strategies/index.js';

/**
 * The default walk-forward grid per strategy: 3 channel lengths × 4 stop
 * distances = 12 parameter sets. Other parameters come from the request.
 */
export const WALK_FORWARD_GRIDS: Readonly<Record<StrategyId, Readonly<Record<string, readonly number[]>>>> = Object.freeze({
  donchian: { lookback: [20, 55, 100], stopAtrMult: [1.5, 2, 3, 4] },
  turtle_soup: { lookback: [10, 20, 40], stopAtrMult: [1.5, 2, 3, 4] },
});

/** One grid: the parameter sets to try and the keys that vary. */
export interface ParamGrid {
  keys: string[];
  points: Record<string, unknown>[];
  /** Grid points dropped because they are invalid with the other parameters (e.g. minBarsSinceLow > lookback). */
  dropped: string[];
}

/**
 * Expands the default grid of `id` over `base` params. A grid key whose base
 * value differs from the strategy default was set by the user and is held
 * fixed instead of varied.
 */
export function walkForwardGrid(id: StrategyId, base: Record<string, unknown>): ParamGrid {
  const def = STRATEGIES[id] as unknown as StrategyDef<object>;
  const defaults = def.defaults as Record<string, unknown>;
  const axes = Object.entries(WALK_FORWARD_GRIDS[id]).filter(([k]) => base[k] === defaults[k]);
  let combos: Record<string, unknown>[] = [{}];
  for (const [k, values] of axes) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [k]: v })));
  const points: Record<string, unknown>[] = [];
  const dropped: string[] = [];
  for (const c of combos) {
    try {
      points.push({ ...def.resolveParams({ ...base, ...c } as Partial<object>) } as Record<string, unknown>);
    } catch (err) {
      if (!(err instanceof StrategyParamError)) throw err;
      dropped.push(Object.entries(c).map(([k, v]) => `${k}=${String(v)}`).join(' '));
    }
  }
  return { keys: axes.map(([k]) => k), points, dropped };
}
