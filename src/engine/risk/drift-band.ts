import { isPositiveFinite, pct, PASS, refuse, usd, type GateResult } from './types.js';

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
    const quote = input.side === 'buy' ? 'ask' : 'bid';
    if (!isPositiveFinite(entry) || !isPositiveFinite(live)) {
      return refuse('drift', 'price', `Order refused by the drift band: cannot compare the live ${quote} ${live} with the entry ${entry}; re-scan or re-quote.`, {
        entry,
        live,
      });
    }
    const driftPct = ((live - entry) / entry) * 100;
    if (Math.abs(driftPct) > max + 1e-9) {
      return refuse(
        'drift',
        'max_drift',
        `Order refused by the drift band: the live ${quote} ${usd(live)} is ${pct(driftPct)} from the pick's entry ${usd(entry)}, ` +
          `beyond the ±${pct(max)} band; re-scan or re-quote before approving again.`,
        { entry, live, driftPct, maxDriftPct: max },
      );
    }
    return PASS;
  },
};
