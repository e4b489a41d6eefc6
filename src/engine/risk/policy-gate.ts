import type { MarketCurrency } from '../market/markets.js';
import { currencyFigure } from './money-words.js';
import { isPositiveFinite, PASS, refuse, type GateResult } from './types.js';

export interface PolicyCheckInput {
  /**
   * The currency of every amount here (the market's: KRW for KR). Default USD. A KRW refusal
   * carries it as the figure `krw: 1`, so its words, now and when re-read, show won.
   */
  currency?: MarketCurrency;
  side: 'buy' | 'sell';
  /** Whole shares, > 0. */
  qty: number;
  /** The worst price the order can execute at (the limit). */
  price: number;
  /** Amount already committed today (reserved or spent) in this market's budget. */
  spentToday: number;
  /** Largest notional (qty × price) of one order. Default 75. */
  perOrderBudget?: number;
  /** Largest notional committed per trading day. Default 1000. */
  dailyBudget?: number;
  /** Refuse orders priced below this (no check when omitted). */
  minPrice?: number;
  /** Refuse orders priced above this (no check when omitted). */
  maxPrice?: number;
  /** Default false: a sell needs at least `qty` shares held. */
  allowShorts?: boolean;
  /** Shares currently held (for sells). Default 0. */
  heldQty?: number;
}

export const DEFAULT_PER_ORDER_BUDGET = 75;
export const DEFAULT_DAILY_BUDGET = 1000;

/**
 * The PolicyGate: hard dollar limits every order must fit, whatever the
 * strategy suggested. Pure: the caller supplies `spentToday` (the persisted,
 * shared daily budget) and must still reserve it atomically.
 */
export const PolicyGate = {
  check(input: PolicyCheckInput): GateResult {
    const perOrderBudget = input.perOrderBudget ?? DEFAULT_PER_ORDER_BUDGET;
    const dailyBudget = input.dailyBudget ?? DEFAULT_DAILY_BUDGET;
    const { side, qty, price } = input;
    const spentToday = Math.max(0, input.spentToday);
    const cur = currencyFigure(input.currency);
    if (!Number.isSafeInteger(qty) || qty <= 0) {
      return refuse('policy', 'qty', { qty });
    }
    if (!isPositiveFinite(price)) {
      return refuse('policy', 'price', { price });
    }
    if (input.minPrice !== undefined && price < input.minPrice) {
      return refuse('policy', 'min_price', { price, minPrice: input.minPrice, ...cur });
    }
    if (input.maxPrice !== undefined && price > input.maxPrice) {
      return refuse('policy', 'max_price', { price, maxPrice: input.maxPrice, ...cur });
    }
    if (side === 'sell' && !input.allowShorts) {
      const held = input.heldQty ?? 0;
      if (qty > held) {
        return refuse('policy', 'no_shorts', { qty, heldQty: held });
      }
    }
    const notional = qty * price;
    if (notional > perOrderBudget + 1e-9) {
      const fit = Math.floor((perOrderBudget + 1e-9) / price);
      return refuse('policy', 'per_order_budget', { qty, price, notional, perOrderBudget, maxQty: fit, ...cur });
    }
    // Sells reduce exposure: only buys draw on the daily budget.
    if (side === 'buy' && spentToday + notional > dailyBudget + 1e-9) {
      return refuse('policy', 'daily_budget', { spentToday, notional, total: spentToday + notional, dailyBudget, remaining: Math.max(0, dailyBudget - spentToday), ...cur });
    }
    return PASS;
  },
};
