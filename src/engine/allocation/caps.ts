import { CASH_RESERVE, HYPOTHESIS_MAX_OPEN, SESSION_MAX_NEW_RISK } from './constants.js';
import type { CapName, CapStep } from './types.js';

/**
 * The largest whole quantity whose cost fits the budget. floor(budget/unit)
 * can round up across an integer in floating point (x/y = 2.9999999999999996
 * printed as 3), so it steps down until q × unit really fits: a cap is never
 * broken by a rounding.
 */
export function maxQtyWithin(budget: number, unit: number): number {
  if (!(budget > 0) || !(unit > 0)) return 0;
  let q = Math.floor(budget / unit);
  while (q > 0 && q * unit > budget) q--;
  return q;
}

/** What the caps need, already validated (finite, equity > 0, entry > stop ≥ 0). */
export interface CapContext {
  equity: number;
  entry: number;
  stop: number;
  /** A percentage, as EXEC_MAX_POSITION_PCT. */
  maxPositionPct: number;
  hypothesisOpenValue: number;
  cashAvailable: number;
  sessionRiskUsed: number;
}

/** Each cap's budget (dollars) and the dollars one share uses of it. */
function budgets(c: CapContext): Array<{ cap: CapName; budget: number; perShare: number }> {
  return [
    { cap: 'position_pct', budget: (c.maxPositionPct / 100) * c.equity, perShare: c.entry },
    { cap: 'hypothesis_40pct', budget: HYPOTHESIS_MAX_OPEN * c.equity - c.hypothesisOpenValue, perShare: c.entry },
    { cap: 'cash_reserve', budget: c.cashAvailable - CASH_RESERVE * c.equity, perShare: c.entry },
    { cap: 'session_risk_2pct', budget: SESSION_MAX_NEW_RISK * c.equity - c.sessionRiskUsed, perShare: c.entry - c.stop },
  ];
}

/**
 * Applies the caps in order to `qty`; each step records the quantity before
 * and after, so a card can show which cap bound and by how much. The result
 * is the minimum of qty and every cap's maxQty, so the order changes only
 * which cap is named, never the quantity.
 */
export function applyCaps(qty: number, c: CapContext): { steps: CapStep[]; qty: number; boundBy: CapName | null } {
  const steps: CapStep[] = [];
  let q = qty;
  let boundBy: CapName | null = null;
  for (const { cap, budget, perShare } of budgets(c)) {
    const maxQty = maxQtyWithin(budget, perShare);
    const after = Math.min(q, maxQty);
    const bound = after < q;
    if (bound) boundBy = cap;
    steps.push({ cap, budget, perShare, maxQty, qtyBefore: q, qtyAfter: after, bound });
    q = after;
  }
  return { steps, qty: q, boundBy };
}
