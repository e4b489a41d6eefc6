import { isPositiveFinite, PASS, refuse, usd, type GateResult } from './types.js';

export interface PolicyCheckInput {
  side: 'buy' | 'sell';
  /** Whole shares, > 0. */
  qty: number;
  /** The worst price the order can execute at (the limit). */
  price: number;
  /** Dollars already committed today (reserved or spent). */
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
    if (!Number.isSafeInteger(qty) || qty <= 0) {
      return refuse('policy', 'qty', `Order refused by PolicyGate: quantity must be a whole number of shares above 0, not ${qty}.`, { qty });
    }
    if (!isPositiveFinite(price)) {
      return refuse('policy', 'price', `Order refused by PolicyGate: price must be a positive number, not ${price}.`, { price });
    }
    if (input.minPrice !== undefined && price < input.minPrice) {
      return refuse('policy', 'min_price', `Order refused by PolicyGate: price ${usd(price)} is below the minimum share price ${usd(input.minPrice)}.`, {
        price,
        minPrice: input.minPrice,
      });
    }
    if (input.maxPrice !== undefined && price > input.maxPrice) {
      return refuse('policy', 'max_price', `Order refused by PolicyGate: price ${usd(price)} is above the maximum share price ${usd(input.maxPrice)}.`, {
        price,
        maxPrice: input.maxPrice,
      });
    }
    if (side === 'sell' && !input.allowShorts) {
      const held = input.heldQty ?? 0;
      if (qty > held) {
        return refuse('policy', 'no_shorts', `Order refused by PolicyGate: selling ${qty} shares with ${held} held would open a short, and shorts are not allowed.`, {
          qty,
          heldQty: held,
        });
      }
    }
    const notional = qty * price;
    if (notional > perOrderBudget + 1e-9) {
      const fit = Math.floor((perOrderBudget + 1e-9) / price);
      return refuse(
        'policy',
        'per_order_budget',
        `Order refused by PolicyGate: ${qty} × ${usd(price)} = ${usd(notional)} exceeds the per-order budget of ${usd(perOrderBudget)}` +
          (fit > 0 ? ` (at most ${fit} shares fit).` : ' (not even one share fits).'),
        { qty, price, notional, perOrderBudget, maxQty: fit },
      );
    }
    // Sells reduce exposure: only buys draw on the daily budget.
    if (side === 'buy' && spentToday + notional > dailyBudget + 1e-9) {
      return refuse(
        'policy',
        'daily_budget',
        `Order refused by PolicyGate: ${usd(spentToday)} already committed today + ${usd(notional)} for this order = ${usd(spentToday + notional)}, ` +
          `over the daily budget of ${usd(dailyBudget)} (${usd(Math.max(0, dailyBudget - spentToday))} left).`,
        { spentToday, notional, total: spentToday + notional, dailyBudget, remaining: Math.max(0, dailyBudget - spentToday) },
      );
    }
    return PASS;
  },
};
