import { roundToMarketTick, tickSizeFor } from '../market/ticks.js';

/**
 * Slippage applied to fill prices, in basis points per side.
 * Buys fill higher and sells fill lower, so slippage always costs money.
 */

/** Price paid when buying at `price` with `bps` of slippage. */
export function buyFill(price: number, bps: number): number {
  return price * (1 + bps / 1e4);
}

/** Price received when selling at `price` with `bps` of slippage. */
export function sellFill(price: number, bps: number): number {
  return price * (1 - bps / 1e4);
}

/**
 * Where fills land: `krx_etf` puts every fill on the KRX ETF tick of its
 * session date (whole won), after slippage, rounded against the trader (a buy
 * up, a sell down) so the grid never flatters a result, and charges each
 * commission in whole won with the fraction dropped (원 미만 절사, as KIS
 * does): with whole shares every cash, equity and P&L figure stays whole won.
 * Absent: raw prices and fees (US backtests, unchanged).
 */
export type FillTick = 'krx_etf';

/** A fill price on the KRX ETF tick of `date`: a buy rounds up, a sell down (never below one tick). */
export function krxEtfFill(price: number, date: string, side: 'buy' | 'sell'): number {
  const q = { market: 'KR' as const, instrument: 'etf' as const, date, price };
  // A sell under one tick cannot round down to a price (0 won); it fills at the lowest tick.
  if (side === 'sell' && price < tickSizeFor(q)) return tickSizeFor(q);
  return roundToMarketTick(q, side === 'buy' ? 'up' : 'down');
}

/** The fill rounding of a {@link FillTick}; null for raw prices. */
export function fillRounder(tick: FillTick | undefined): ((price: number, date: string, side: 'buy' | 'sell') => number) | null {
  return tick === 'krx_etf' ? krxEtfFill : null;
}

/** A commission in whole won, the fraction dropped; float noise below a millionth of a won ignored (as src/engine/market/fees.ts). */
export function wonFee(fee: number): number {
  return Math.floor(Math.round(fee * 1e6) / 1e6);
}

/** The fee rounding of a {@link FillTick}; null for raw fees. */
export function feeRounder(tick: FillTick | undefined): ((fee: number) => number) | null {
  return tick === 'krx_etf' ? wonFee : null;
}
