import type { Signal } from '../signal.js';

/** How the bot suggests a quantity for a pick: risk a fraction of equity between entry and stop, capped by position size. */
export interface SizingPolicy {
  equity: number;
  /** Fraction of equity at risk per trade, e.g. 0.005. */
  riskFraction: number;
  /** Largest position as a fraction of equity, e.g. 0.1. */
  maxPositionFraction: number;
}

export interface SuggestedSize {
  qty: number;
  /** qty × (entry − stop) in whole cents: what is lost if the stop fills exactly. */
  dollarRisk: number;
  /** qty × entry in whole cents. */
  notional: number;
  /** Which limit decided the quantity. */
  limitedBy: 'risk' | 'position_cap';
  /** The steps, so a reader (the decision journal) can show how `qty` came about: */
  steps: {
    /** equity × riskFraction. */
    riskDollars: number;
    /** entry − stop. */
    perShareRisk: number;
    /** floor(riskDollars / perShareRisk); 0 when the stop is not below the entry. */
    byRisk: number;
    /** equity × maxPositionFraction. */
    capDollars: number;
    /** floor(capDollars / entry). */
    byCap: number;
  };
}

/** Whole shares only; 0 when even one share breaks a limit. Entry is the signal close (the limit reference). */
export function suggestSize(signal: Pick<Signal, 'close' | 'stop'>, policy: SizingPolicy): SuggestedSize {
  const perShareRisk = signal.close - signal.stop;
  const riskDollars = policy.equity * policy.riskFraction;
  const capDollars = policy.equity * policy.maxPositionFraction;
  const byRisk = perShareRisk > 0 ? Math.floor(riskDollars / perShareRisk) : 0;
  const byCap = Math.floor(capDollars / signal.close);
  const qty = Math.max(0, Math.min(byRisk, byCap));
  return {
    qty,
    dollarRisk: toCents(qty * Math.max(0, perShareRisk)),
    notional: toCents(qty * signal.close),
    limitedBy: byRisk <= byCap ? 'risk' : 'position_cap',
    steps: { riskDollars: toCents(riskDollars), perShareRisk: toCents(perShareRisk), byRisk, capDollars: toCents(capDollars), byCap },
  };
}

/** Dollars to whole cents, without float noise (100 × 0.07 = 7.000000000000001 → 7). */
function toCents(dollars: number): number {
  return Math.round(dollars * 100) / 100;
}
