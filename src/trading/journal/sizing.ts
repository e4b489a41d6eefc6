import type { PickSource } from '../../engine/scan/pick-sources.js';
import { suggestSize } from '../../engine/scan/sizing.js';

/**
 * "How was this sized", recomputed from the inputs stored with the pick (pure). The fixed policy
 * is recomputed by the engine's own suggestSize (src/engine/scan/sizing.ts), whose steps are shown,
 * and `recomputes` says whether they give the stored quantity; half-Kelly lists
 * its stored steps (rule, risk, quantity before the caps, each cap).
 */
export type SizingExplanation = FixedExplanation | KellyExplanation | RefusedExplanation;

export interface FixedExplanation {
  method: 'fixed';
  source: string;
  equity: number;
  riskFraction: number;
  /** equity × riskFraction. */
  riskDollars: number;
  entry: number;
  stop: number;
  /** entry − stop. */
  perShareRisk: number;
  /** floor(riskDollars / perShareRisk). */
  byRisk: number;
  maxPositionFraction: number;
  /** equity × maxPositionFraction. */
  capDollars: number;
  /** floor(capDollars / entry). */
  byCap: number;
  /** min(byRisk, byCap). */
  qty: number;
  limitedBy: 'risk' | 'position_cap';
  /** The quantity the pick stored. */
  storedQty: number;
  recomputes: boolean;
}

export interface KellyExplanation {
  method: 'kelly';
  source: string;
  equity: number;
  rule: string;
  n: number;
  p: number | null;
  b: number | null;
  riskFraction: number;
  riskDollars: number;
  riskPerShare: number;
  kellyQty: number;
  caps: { cap: string; budget: number; perShare: number; maxQty: number }[];
  boundBy: string | null;
  storedQty: number;
}

export interface RefusedExplanation {
  method: 'refused';
  source: string;
  reason: string;
  field: string;
}

/** The explanation of one source's size. */
export function explainSizing(s: PickSource): SizingExplanation {
  const z = s.sizing;
  if (z.method === 'refused') return { method: 'refused', source: s.source, reason: z.reason, field: z.field };
  if (z.method === 'kelly') {
    return {
      method: 'kelly',
      source: s.source,
      equity: z.equity,
      rule: z.rule,
      n: z.n,
      p: z.p,
      b: z.b,
      riskFraction: z.riskFraction,
      riskDollars: z.riskDollars,
      riskPerShare: z.riskPerShare,
      kellyQty: z.kellyQty,
      caps: z.caps.map((c) => ({ cap: c.cap, budget: c.budget, perShare: c.perShare, maxQty: c.maxQty })),
      boundBy: z.boundBy,
      storedQty: s.qty,
    };
  }
  // The engine's own arithmetic (suggestSize), never a second copy: the steps it took, and whether they give the stored qty.
  const sized = suggestSize({ close: s.entry, stop: s.stop }, { equity: z.equity, riskFraction: z.riskFraction, maxPositionFraction: z.maxPositionFraction });
  return {
    method: 'fixed',
    source: s.source,
    equity: z.equity,
    riskFraction: z.riskFraction,
    riskDollars: sized.steps.riskDollars,
    entry: s.entry,
    stop: s.stop,
    perShareRisk: sized.steps.perShareRisk,
    byRisk: sized.steps.byRisk,
    maxPositionFraction: z.maxPositionFraction,
    capDollars: sized.steps.capDollars,
    byCap: sized.steps.byCap,
    qty: sized.qty,
    limitedBy: sized.limitedBy,
    storedQty: s.qty,
    recomputes: sized.qty === s.qty,
  };
}
