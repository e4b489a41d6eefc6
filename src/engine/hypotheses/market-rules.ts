/**
 * What a hypothesis's market changes about how it is measured (issue 15,
 * item 7): the money its walk-forward starts with (in the market's
 * currency), the broker's commission on every fill, and the price grid its
 * exit levels must sit on. A KR hypothesis is measured on KRX ETFs as it
 * would trade there: stops and targets on the KRX ETF tick of the signal's
 * session, the KIS commission on both fills, won equity. A US one is
 * measured exactly as before (no commission, cents, 100,000).
 *
 * Derived from the definition's market alone, so the in-process evaluator
 * and the worker threads (which receive only the definition and the bars)
 * give the same answer without carrying any extra setting.
 */
import type { CommissionModel } from '../backtest/commission.js';
import { DEFAULT_KR_COMMISSION_RATE } from '../market/fees.js';
import { MARKETS, type MarketCurrency } from '../market/markets.js';
import { limitPriceOnTick, roundToMarketTick, tickSizeFor } from '../market/ticks.js';
import type { MarketId } from './definition.js';

/** A fill price (after slippage) put on the market's price grid of its session date. */
export type FillOnGrid = (price: number, date: string, side: 'buy' | 'sell') => number;

/** Exit levels as the market can quote them. */
export type ExitLevels = (date: string, stop: number, target: number | null) => { stop: number; target: number | null };

/** How one market's hypotheses are measured. */
export interface HypothesisMarketRules {
  market: MarketId;
  /** The currency every equity, P&L and allocation figure of the market's hypotheses is in. */
  currency: MarketCurrency;
  /** The walk-forward's starting equity, in {@link currency}. */
  initialCash: number;
  /** Charged on every fill (entry and exit) of the walk-forward and the shadow book. */
  commission: CommissionModel;
  /**
   * Where the shadow book's fills land (after slippage): KR on the KRX ETF tick of the fill's
   * session, against the trader (a buy up, a sell down); absent for US (raw prices, as before).
   */
  fill?: FillOnGrid;
  /** The stop and target of a signal dated `date`, on the market's price grid. */
  levels: ExitLevels;
}

/** The US walk-forward's starting equity (the backtest's default, unchanged). */
export const US_INCUBATION_CASH = 100_000;

/**
 * A KR walk-forward's starting equity: ₩100,000,000. With 1 % risked per
 * trade (₩1,000,000) a KRX ETF of ₩10,000–₩50,000 buys tens to hundreds of
 * shares, so whole shares and the won commission weigh as they would in a
 * real account (at 100,000 won a trade would be a share or two).
 */
export const KR_INCUBATION_CASH = 100_000_000;

const sameLevels: ExitLevels = (_date, stop, target) => ({ stop, target });

/**
 * A long's stop and target are sell prices: on the KRX ETF tick they round
 * UP (never a worse stop than the signal asked for would be placed below
 * it), as the KR scan's levels do. A level at or below zero is left as it is
 * (no tick exists there; the entry then skips the trade as below its stop).
 */
const krxEtfLevels: ExitLevels = (date, stop, target) => {
  const on = (price: number) => (Number.isFinite(price) && price > 0 ? limitPriceOnTick({ market: 'KR', instrument: 'etf', date, price }, 'sell') : price);
  return { stop: on(stop), target: target === null ? null : on(target) };
};

/** A KRX ETF fill: a buy rounds up, a sell down, never below one tick (a sell cannot fill at 0 won). */
const krxEtfFill: FillOnGrid = (price, date, side) => {
  if (!(Number.isFinite(price) && price > 0)) return price;
  const q = { market: 'KR' as const, instrument: 'etf' as const, date, price };
  if (side === 'sell' && price < tickSizeFor(q)) return tickSizeFor(q);
  return roundToMarketTick(q, side === 'buy' ? 'up' : 'down');
};

const RULES: Readonly<Record<MarketId, HypothesisMarketRules>> = Object.freeze({
  US: Object.freeze<HypothesisMarketRules>({ market: 'US', currency: MARKETS.US.currency, initialCash: US_INCUBATION_CASH, commission: { kind: 'none' }, levels: sameLevels }),
  KR: Object.freeze<HypothesisMarketRules>({
    market: 'KR',
    currency: MARKETS.KR.currency,
    initialCash: KR_INCUBATION_CASH,
    // KIS's default rate (0.015 % of each fill's value), truncated to whole won as the KR paper book and booking charge it.
    commission: { kind: 'krw_rate', rate: DEFAULT_KR_COMMISSION_RATE },
    fill: krxEtfFill,
    levels: krxEtfLevels,
  }),
});

/** The rules of `market`'s hypotheses. */
export function hypothesisMarketRules(market: MarketId): HypothesisMarketRules {
  const r = RULES[market];
  if (!r) throw new RangeError(`no hypothesis rules for market ${JSON.stringify(String(market)).slice(0, 20)}; use US or KR`);
  return r;
}
