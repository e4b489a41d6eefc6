import { isPositiveFinite, PASS, refuse, type GateResult } from './types.js';

export interface LiquidityCheckInput {
  /** Average daily dollar volume (close × volume), e.g. over 20 sessions. */
  dollarAdv: number;
  bid: number;
  ask: number;
  qty: number;
  /** The order's price (its limit). */
  price: number;
  /** Default 100 000. */
  minDollarAdv?: number;
  /** Largest bid/ask spread as a percentage of the mid. Default 0.5 (%). */
  maxSpreadPct?: number;
  /** Largest order notional as a percentage of the dollar ADV. Default 1 (%). */
  maxOrderPctAdv?: number;
}

export const DEFAULT_MIN_DOLLAR_ADV = 100_000;
export const DEFAULT_MAX_SPREAD_PCT = 0.5;
export const DEFAULT_MAX_ORDER_PCT_ADV = 1;

/**
 * The LiquidityGate: trade only what can be bought and sold again without
 * moving the price — enough daily dollar volume, a tight spread, and an order
 * that is a small slice of a day's volume. Pure.
 */
export const LiquidityGate = {
  check(input: LiquidityCheckInput): GateResult {
    const minDollarAdv = input.minDollarAdv ?? DEFAULT_MIN_DOLLAR_ADV;
    const maxSpreadPct = input.maxSpreadPct ?? DEFAULT_MAX_SPREAD_PCT;
    const maxOrderPctAdv = input.maxOrderPctAdv ?? DEFAULT_MAX_ORDER_PCT_ADV;
    const { bid, ask, qty, price } = input;
    const dollarAdv = Number.isFinite(input.dollarAdv) ? Math.max(0, input.dollarAdv) : 0;
    if (!isPositiveFinite(bid) || !isPositiveFinite(ask) || ask < bid) {
      return refuse('liquidity', 'quote', { bid, ask });
    }
    if (dollarAdv < minDollarAdv) {
      return refuse('liquidity', 'min_dollar_adv', { dollarAdv, minDollarAdv });
    }
    const mid = (bid + ask) / 2;
    const spreadPct = ((ask - bid) / mid) * 100;
    if (spreadPct > maxSpreadPct + 1e-9) {
      return refuse('liquidity', 'max_spread', { bid, ask, spreadPct, maxSpreadPct });
    }
    const notional = qty * price;
    const orderPctAdv = (notional / dollarAdv) * 100;
    if (orderPctAdv > maxOrderPctAdv + 1e-9) {
      return refuse('liquidity', 'max_order_pct_adv', { notional, dollarAdv, orderPctAdv, maxOrderPctAdv });
    }
    return PASS;
  },
};
