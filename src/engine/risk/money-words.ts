/**
 * Amounts in a refusal's words, in the market's currency. A refusal is stored as (gate, limit,
 * numbers) and worded again from those alone, so the currency travels as a figure: `krw: 1` marks
 * amounts in won. Without it amounts are dollars — every refusal recorded before KR existed, and
 * every US one, whose numbers and words are unchanged.
 *
 * `won` prints as `formatMoney` in src/lib/money.ts prints KRW (`₩1,234,567`, whole won), which the
 * engine may not import; a test holds the two to the same output.
 */
import type { MarketCurrency } from '../market/markets.js';
import { usd } from './format.js';

/** The figure that marks a refusal's amounts as won. */
export const KRW_FIGURE = 'krw';

/** The figures a refusal adds to say its currency: none for dollars (as before), `{ krw: 1 }` for won. */
export function currencyFigure(currency: MarketCurrency | undefined): Record<string, number> {
  return currency === 'KRW' ? { [KRW_FIGURE]: 1 } : {};
}

/** `₩1,234,567`: whole won (half away from zero), thousands separators; no minus sign on a zero. */
export function won(n: number): string {
  const whole = Math.round(Math.abs(n));
  const digits = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 && whole !== 0 ? `-₩${digits}` : `₩${digits}`;
}

/** The formatter of a refusal's amounts: won when its numbers carry the KRW figure, else dollars. */
export function moneyOf(numbers: Readonly<Record<string, number>>): (n: number) => string {
  return numbers[KRW_FIGURE] === 1 ? won : usd;
}
