import { formatMoney, roundKrw } from '../../lib/money.js';
import { marketOfCode } from '../../engine/market/symbols.js';
import type { Market } from '../../engine/market/markets.js';
import { exactPrice, price } from './display.js';
import { money } from './numbers.js';

/** How a market's prices and amounts read in chat. */
export interface MarketAmounts {
  /** A price as quoted: "36.50" (dollars, no sign, as the US views always printed them) or "₩36,500". */
  price(n: number | null | undefined): string;
  /** A price exact enough to multiply out (an average across fills): up to 6 decimals in dollars; whole won. */
  exactPrice(n: number | null | undefined): string;
  /** An amount of money: "$1,234.50" / "+$12.00"; "₩1,234,567" / "+₩2,100". */
  amount(n: number, signed?: boolean): string;
}

const US: MarketAmounts = { price, exactPrice, amount: (n, signed = false) => money(n, { signed }) };

/**
 * Won are whole (KRW has no minor unit): every won figure comes from whole-won
 * prices times whole shares, or an average of them, so rounding here only
 * removes float noise or an average's fraction of a won.
 */
function won(n: number | null | undefined, signed = false): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return price(n);
  const w = roundKrw(n, 'round');
  const text = formatMoney({ amount: w, currency: 'KRW' });
  return signed && w > 0 ? `+${text}` : text;
}

const KR: MarketAmounts = { price: (n) => won(n), exactPrice: (n) => won(n), amount: (n, signed = false) => won(n, signed) };

/** The market's formats (US: dollars as before; KR: whole won with ₩). */
export function amountsFor(market: Market | undefined): MarketAmounts {
  return market === 'KR' ? KR : US;
}

/** The formats of a symbol's market (a six-digit KRX code is KR, anything else US), without throwing. */
export function amountsOfSymbol(symbol: string): MarketAmounts {
  return amountsFor(marketOfCode(symbol));
}
