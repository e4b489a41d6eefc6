import { isPositiveFinite, PASS, refuse, type GateResult } from './types.js';

export interface DriftBandInput {
  side: 'buy' | 'sell';
  /** The pick's entry (reference) price. */
  entry: number;
  /** Live price on the side we would trade: the ask for a buy, the bid for a sell. */
  live: number;
  /** Largest move away from the entry, in percent. Default 2 (%). */
  maxDriftPct?: number;
}

export const DEFAULT_MAX_DRIFT_PCT = 2;

/**
 * Price drift band: the idea was priced at the pick's entry; if the market
 * has moved further than the band since (either way), the approval no
 * longer describes the trade being placed. Pure.
 */
export const DriftBand = {
  check(input: DriftBandInput): GateResult {
    const max = input.maxDriftPct ?? DEFAULT_MAX_DRIFT_PCT;
    const { entry, live } = input;
    // Which quote `live` is (the ask for a buy, the bid for a sell), as a figure: the refusal's sentence names it.
    const quoteIsBid = input.side === 'buy' ? 0 : 1;
    if (!isPositiveFinite(entry) || !isPositiveFinite(live)) return refuse('drift', 'price', { entry, live, quoteIsBid });
    const driftPct = ((live - entry) / entry) * 100;
    if (Math.abs(driftPct) > max + 1e-9) {
      return refuse('drift', 'max_drift', { entry, live, driftPct, maxDriftPct: max, quoteIsBid });
    }
    return PASS;
  },
};
