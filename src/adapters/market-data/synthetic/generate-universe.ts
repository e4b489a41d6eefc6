import type { BarSeries } from '../../../engine/bars.js';
import type { UniverseEntry } from '../universe/load-universe.js';
import { generateSyntheticSeries, type SyntheticBarsInput } from './generate-bars.js';
import { symbolSeed } from './seed.js';

/** Dollar ADV used when a universe entry has none: a mid-cap-ish $50M. */
export const DEFAULT_DOLLAR_ADV = 50_000_000;

/**
 * Synthetic series for every universe entry over the same sessions. Each
 * symbol's ADV comes from its entry and its start price from the entry's
 * average price (clamped to at least $5), so the demo universe looks like the
 * real one in liquidity and price level.
 */
export function generateSyntheticUniverse(
  entries: readonly Pick<UniverseEntry, 'symbol' | 'advDollar' | 'avgPrice'>[],
  sessions: readonly string[],
  opts: { salt?: number } = {},
): Map<string, BarSeries> {
  const out = new Map<string, BarSeries>();
  for (const e of entries) out.set(e.symbol, generateSyntheticSeries(syntheticInputFor(e, sessions, opts.salt)));
  return out;
}

/** Generator input for one universe entry (shared by the universe builder and the provider). */
export function syntheticInputFor(
  e: Pick<UniverseEntry, 'symbol' | 'advDollar' | 'avgPrice'>,
  sessions: readonly string[],
  salt = 0,
): SyntheticBarsInput {
  const adv = e.advDollar !== undefined && e.advDollar > 0 ? e.advDollar : DEFAULT_DOLLAR_ADV;
  const input = { symbol: e.symbol, sessions, seed: symbolSeed(e.symbol, salt), dollarAdv: adv };
  return e.avgPrice !== undefined && e.avgPrice > 0 ? { ...input, startPrice: Math.max(5, e.avgPrice) } : input;
}
