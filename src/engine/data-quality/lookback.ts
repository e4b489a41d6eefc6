import type { HypothesisExits } from '../hypotheses/definition.js';
import { familyById } from '../patterns/registry.js';
import type { FamilyId } from '../patterns/types.js';
import { StrategyParamError } from '../strategies/params.js';

/**
 * Sessions a LIVE hypothesis's signal reads at a bar: its family's window (first valid index, then
 * the bar) or its ATR stop's, whichever is longer. Null when its stored parameters fail the
 * family's schema (the scan reports that hypothesis as a problem and leaves it out anyway).
 */
export function hypothesisLookback(h: { family: FamilyId; params: Readonly<Record<string, unknown>>; exits: Readonly<Pick<HypothesisExits, 'atrPeriod'>> }): number | null {
  const family = familyById(h.family);
  let params: object;
  try {
    params = family.validateParams(h.params);
  } catch (err) {
    // A schema failure means "no window" (the scan lists it under problems); anything else is a bug.
    if (err instanceof StrategyParamError) return null;
    throw err;
  }
  return Math.max(family.firstValidIndex(params), h.exits.atrPeriod) + 1;
}
