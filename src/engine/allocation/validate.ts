import type { KellyInput, KellyRefusal } from './types.js';

function refusal(reason: KellyRefusal['reason'], field: string, value: number): KellyRefusal {
  return { ok: false, reason, field, value };
}

/**
 * The first thing wrong with the inputs, or null. Checked before any
 * arithmetic so a NaN never reaches a quantity: a bad input is refused, not
 * sized at some number and not thrown.
 */
export function validateKellyInput(input: KellyInput, maxPositionPct: number): KellyRefusal | null {
  const nums: Array<[string, number]> = [
    ['equity', input.equity],
    ['entry', input.entry],
    ['stop', input.stop],
    ['maxPositionPct', maxPositionPct],
    ['hypothesisOpenValue', input.hypothesisOpenValue],
    ['cashAvailable', input.cashAvailable],
    ['sessionRiskUsed', input.sessionRiskUsed],
  ];
  input.rMultiples.forEach((r, i) => nums.push([`rMultiples[${i}]`, r]));
  for (const [field, value] of nums) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return refusal('non_finite', field, value);
  }
  if (input.equity <= 0) return refusal('equity_not_positive', 'equity', input.equity);
  if (input.entry <= 0) return refusal('entry_not_positive', 'entry', input.entry);
  if (input.stop < 0) return refusal('stop_negative', 'stop', input.stop);
  if (input.entry <= input.stop) return refusal('entry_not_above_stop', 'stop', input.stop);
  if (maxPositionPct <= 0 || maxPositionPct > 100) {
    return refusal('max_position_pct_out_of_range', 'maxPositionPct', maxPositionPct);
  }
  // Cash may be below the reserve (the cap then allows 0), but these are amounts held or spent.
  if (input.hypothesisOpenValue < 0) return refusal('negative_amount', 'hypothesisOpenValue', input.hypothesisOpenValue);
  if (input.sessionRiskUsed < 0) return refusal('negative_amount', 'sessionRiskUsed', input.sessionRiskUsed);
  return null;
}
