/**
 * Amounts that carry their currency. There is no FX source, so amounts in
 * different currencies are never added, subtracted or compared: that is a
 * {@link CurrencyMismatchError}, and totals are kept per currency
 * ({@link sumByCurrency}).
 *
 * KRW has no minor unit: a KRW amount must be a whole number of won, and a
 * fractional one is REJECTED rather than rounded. Every KRW amount comes from
 * a rule that already says how to round (a tick, a fee truncation); a
 * fraction here means a caller skipped that rule, and silently rounding would
 * hide it. Round on purpose with {@link roundKrw} first.
 *
 * USD amounts may carry fractions of a cent (fees before rounding, sub-dollar
 * prices); sums drop float noise at 6 decimals, and formatting shows cents.
 */
import { round6 } from './numbers.js';

/** ISO 4217 codes of the currencies Courtside holds. */
export type Currency = 'USD' | 'KRW';

/** An amount in one currency. */
export interface Money {
  readonly amount: number;
  readonly currency: Currency;
}

/** Digits after the decimal point (ISO 4217 minor unit). */
export const CURRENCY_MINOR_DIGITS: Readonly<Record<Currency, number>> = Object.freeze({ USD: 2, KRW: 0 });

/** Two amounts in different currencies met where one currency is required. */
export class CurrencyMismatchError extends Error {
  constructor(
    readonly left: Currency,
    readonly right: Currency,
    operation: string,
  ) {
    super(`cannot ${operation} ${left} and ${right}: there is no exchange rate; keep amounts per currency (sumByCurrency)`);
    this.name = new.target.name;
  }
}

/** An amount that cannot exist: not finite, or a fraction of a won. */
export class MoneyAmountError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

function isCurrency(c: unknown): c is Currency {
  return c === 'USD' || c === 'KRW';
}

/** A checked {@link Money}; throws {@link MoneyAmountError} for a non-finite amount or fractional won. */
export function money(amount: number, currency: Currency): Money {
  if (!isCurrency(currency)) throw new MoneyAmountError(`unknown currency ${JSON.stringify(String(currency)).slice(0, 12)}; use USD or KRW`);
  if (!Number.isFinite(amount)) throw new MoneyAmountError(`${currency} amount must be a finite number, not ${String(amount)}`);
  if (currency === 'KRW' && !Number.isInteger(amount)) {
    throw new MoneyAmountError(`KRW amounts are whole won, not ${amount}; round on purpose first, e.g. roundKrw(${amount}, 'floor')`);
  }
  // -0 would print as "-₩0".
  return { amount: amount === 0 ? 0 : amount, currency };
}

/** Whole won from a fractional amount, rounded the way the caller's rule says. */
export function roundKrw(amount: number, mode: 'floor' | 'ceil' | 'round'): number {
  if (!Number.isFinite(amount)) throw new MoneyAmountError(`KRW amount must be a finite number, not ${String(amount)}`);
  // Drop float noise first so 1000.0000000001 floors to 1000 and 999.9999999999 ceils to 1000.
  const clean = Math.round(amount * 1e6) / 1e6;
  const out = mode === 'floor' ? Math.floor(clean) : mode === 'ceil' ? Math.ceil(clean) : Math.round(clean);
  return out === 0 ? 0 : out;
}

function same(a: Money, b: Money, operation: string): Currency {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(a.currency, b.currency, operation);
  return a.currency;
}

function settle(amount: number, currency: Currency): Money {
  return money(currency === 'KRW' ? amount : round6(amount), currency);
}

/** a + b, same currency only. */
export function addMoney(a: Money, b: Money): Money {
  return settle(a.amount + b.amount, same(a, b, 'add'));
}

/** a − b, same currency only. */
export function subtractMoney(a: Money, b: Money): Money {
  return settle(a.amount - b.amount, same(a, b, 'subtract'));
}

/** -1, 0 or 1 as a is below, equal to or above b; same currency only. */
export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  same(a, b, 'compare');
  const d = round6(a.amount - b.amount);
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

/** One total per currency present in `items` (currencies absent from `items` are absent from the result). */
export function sumByCurrency(items: Iterable<Money>): Partial<Record<Currency, Money>> {
  const out: Partial<Record<Currency, Money>> = {};
  for (const m of items) {
    const prev = out[m.currency];
    out[m.currency] = prev === undefined ? money(m.amount, m.currency) : addMoney(prev, m);
  }
  return out;
}

const FORMATTERS: Readonly<Record<Currency, Intl.NumberFormat>> = {
  // en-US with the currency symbol: "$1,234.57" as the bot prints dollars today
  // (src/engine/risk/format.ts usd(), src/bot/views/backtest-text-report.ts), and "₩1,234,567".
  USD: new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  KRW: new Intl.NumberFormat('en-US', { style: 'currency', currency: 'KRW', minimumFractionDigits: 0, maximumFractionDigits: 0 }),
};

/**
 * `$1,234.57` / `-$1,234.57` (cents, half away from zero) and `₩1,234,567` /
 * `-₩1,234,567`. An amount that shows as zero has no minus sign.
 */
export function formatMoney(m: Money): string {
  const digits = CURRENCY_MINOR_DIGITS[m.currency];
  const scale = 10 ** digits;
  // Round half away from zero on a noise-free value (1.005 → 1.01), then print the magnitude.
  const shown = (Math.sign(m.amount) * Math.round(round6(Math.abs(m.amount) * scale))) / scale;
  const text = FORMATTERS[m.currency].format(Math.abs(shown));
  return shown < 0 ? `-${text}` : text;
}
