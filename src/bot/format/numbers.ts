/**
 * Number formatting used in every bot reply, so "$1,234.50", "+2.31%" and
 * "-0.45" look the same everywhere.
 *
 * Fixed `en-US` locale: replies must not change with the server's locale,
 * and tests must be deterministic. Minus is ASCII "-" so values paste cleanly.
 * A value that rounds to zero never shows a sign ("$0.00", not "-$0.00").
 * Non-finite input prints {@link MISSING} instead of "NaN".
 */

/** Shown for NaN/±Infinity (e.g. a ratio with a zero denominator). */
export const MISSING = '—';

export interface MoneyOptions {
  /** ISO 4217 code; default USD. */
  readonly currency?: string;
  /** Default 2. */
  readonly decimals?: number;
  /** Show "+" on positive values (P&L); default false (balances). */
  readonly signed?: boolean;
}

export interface PercentOptions {
  /** Default 2. */
  readonly decimals?: number;
  /** Show "+" on positive values; default false. */
  readonly signed?: boolean;
}

const cache = new Map<string, Intl.NumberFormat>();

function formatter(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat('en-US', options);
    cache.set(key, f);
  }
  return f;
}

function digits(decimals: number): Intl.NumberFormatOptions {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 8) {
    throw new RangeError(`decimals must be an integer from 0 to 8, got ${decimals}`);
  }
  return { minimumFractionDigits: decimals, maximumFractionDigits: decimals };
}

/** `money(-1234.5)` → "-$1,234.50"; `money(12, { signed: true })` → "+$12.00". */
export function money(n: number, options: MoneyOptions = {}): string {
  if (!Number.isFinite(n)) return MISSING;
  const { currency = 'USD', decimals = 2, signed = false } = options;
  const sign = signed ? 'exceptZero' : 'negative';
  return formatter(`m|${currency}|${decimals}|${sign}`, {
    style: 'currency',
    currency,
    signDisplay: sign,
    ...digits(decimals),
  }).format(n);
}

/** A fraction as a percentage: `pct(0.0231)` → "2.31%"; `pct(-0.5, { signed: true })` → "-50.00%". */
export function pct(fraction: number, options: PercentOptions = {}): string {
  if (!Number.isFinite(fraction)) return MISSING;
  const { decimals = 2, signed = false } = options;
  const sign = signed ? 'exceptZero' : 'negative';
  return formatter(`p|${decimals}|${sign}`, { style: 'percent', signDisplay: sign, ...digits(decimals) }).format(fraction);
}

/** A plain number that always shows its direction: "+1.25", "-0.40", "0.00". */
export function signed(n: number, decimals = 2): string {
  if (!Number.isFinite(n)) return MISSING;
  return formatter(`s|${decimals}`, { signDisplay: 'exceptZero', ...digits(decimals) }).format(n);
}
