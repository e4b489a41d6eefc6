import { applyCaps, maxQtyWithin } from './caps.js';
import { DEFAULT_MAX_POSITION_PCT } from './constants.js';
import { estimateKelly } from './estimate.js';
import { chooseRisk } from './half-kelly.js';
import type { KellyInput, KellyResult } from './types.js';
import { validateKellyInput } from './validate.js';

/**
 * Sizes one pick of a LIVE hypothesis by DESIGN section 10: half-Kelly from
 * its shadow book's R multiples, shrunk by n/(n+30), capped at 1 % risk, then
 * the position, hypothesis, cash-reserve and session-risk caps. Pure; returns
 * every intermediate number, or a typed refusal for inputs that cannot be
 * sized. PolicyGate and LiquidityGate still apply after this.
 */
export function sizeHalfKelly(input: KellyInput): KellyResult {
  const maxPositionPct = input.maxPositionPct ?? DEFAULT_MAX_POSITION_PCT;
  const bad = validateKellyInput(input, maxPositionPct);
  if (bad) return bad;

  const estimate = estimateKelly(input.rMultiples);
  const { rule, riskFraction } = chooseRisk(estimate);
  const riskDollars = riskFraction * input.equity;
  const riskPerShare = input.entry - input.stop;
  // floor(risk$ / (entry − stop)), never rounded above the risk budget.
  const kellyQty = maxQtyWithin(riskDollars, riskPerShare);
  const capped = applyCaps(kellyQty, { ...input, maxPositionPct });
  return {
    ok: true,
    estimate,
    rule,
    riskFraction,
    riskDollars,
    riskPerShare,
    kellyQty,
    caps: capped.steps,
    qty: capped.qty,
    boundBy: capped.boundBy,
    notional: capped.qty * input.entry,
    riskTaken: capped.qty * riskPerShare,
    demotionCheck: rule === 'no_edge',
  };
}
