/** Tickers: letters, digits, "." and "-" (`BRK.B`, `BF-B`, Korean `069500`), stored upper case. */
import { TICKER_PATTERN as SYMBOL } from '../../engine/market/symbols.js';

/** Upper-cased, trimmed symbol; throws RangeError when it is not a ticker. */
export function normalizeSymbol(symbol: string): string {
  const s = String(symbol).trim().toUpperCase();
  if (!SYMBOL.test(s)) throw new RangeError(`"${String(symbol).slice(0, 20)}" is not a valid symbol; use letters, digits, "." or "-" such as SPY or BRK.B`);
  return s;
}

export function isValidSymbol(symbol: string): boolean {
  return SYMBOL.test(String(symbol).trim().toUpperCase());
}

/** Normalised, de-duplicated and sorted (the order Postgres advisory locks are taken in). */
export function normalizeSymbols(symbols: readonly string[]): string[] {
  return [...new Set(symbols.map(normalizeSymbol))].sort();
}

/** A SQL string literal of a `text[]` of valid symbols (COPY takes no parameters). */
export function symbolArrayLiteral(symbols: readonly string[]): string {
  for (const s of symbols) if (!SYMBOL.test(s)) throw new RangeError(`not a normalised symbol: ${s.slice(0, 20)}`);
  // Elements are quoted so a ticker spelled NULL stays a string.
  return `'{${symbols.map((s) => `"${s}"`).join(',')}}'::text[]`;
}
