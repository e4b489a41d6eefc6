/**
 * The equity a market's hypotheses are measured and allocated within (issue
 * 15 item 7, DESIGN section 10: "allocation ... per market, in its currency
 * and its session day"). Each market has its own: a KR shadow book starts at
 * the KR equity in won, a LIVE KR hypothesis's 40 % cap is 40 % of it, and
 * half-Kelly's risk is a fraction of it. Dollars never size a KR book, nor
 * won a US one: there is no exchange rate anywhere in here.
 */
import type { MarketId } from '../../engine/hypotheses/definition.js';
import { DEFAULT_KR_SIZING_EQUITY } from '../scan/kr-scan.js';

/** US equity when nothing else is known: the shadow book's own default, in dollars. */
export const DEFAULT_US_HYPOTHESIS_EQUITY = 100_000;

/**
 * A market's equity when no source is wired: US 100,000 dollars; KR the KR
 * scan's default sizing equity (₩100,000,000). The worker wires the KR scan's
 * configured sizing equity (PAPER_STARTING_CASH_KR), so a KR book and a KR
 * pick are sized on the same won.
 */
export function defaultMarketEquity(market: MarketId): number {
  return market === 'KR' ? DEFAULT_KR_SIZING_EQUITY : DEFAULT_US_HYPOTHESIS_EQUITY;
}
