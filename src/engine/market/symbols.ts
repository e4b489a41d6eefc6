/**
 * Symbol → market. KRX short codes are exactly six digits (069500); anything
 * else the project accepts as a ticker is a US symbol.
 */
import { SymbolError } from './errors.js';
import type { Market } from './markets.js';

/**
 * The project's ticker rule, as src/adapters/bars/symbols.ts has applied it
 * since the first import: upper case letters, digits, "." and "-", starting
 * with a letter or digit, at most 15 characters (`BRK.B`, `BF-B`). It lives
 * here so the engine can use it; adapters should import it from here rather
 * than keep their own copy.
 */
export const TICKER_PATTERN = /^[A-Z0-9][A-Z0-9.\-]{0,14}$/;

const KRX_CODE = /^\d{6}$/;
const ALL_DIGITS = /^\d+$/;
/**
 * A KRX code as other systems write it: Yahoo's `.KS` (KOSPI) and `.KQ` (KOSDAQ) suffixes,
 * and the `A` prefix of KRX's own listings (`A069500`). Each passes the ticker rule, so without
 * this check it would be filed as a US symbol and traded on the NYSE calendar in dollars.
 */
const KRX_DECORATED = /^(?:(\d{6})\.(?:KS|KQ)|A(\d{6}))$/;

/** A symbol that passed {@link parseSymbol}: normalised (trimmed, upper case) and placed in its market. */
export interface ParsedSymbol {
  readonly symbol: string;
  readonly market: Market;
}

/**
 * Normalises `raw` and decides its market.
 *
 * - Six digits: KRX (`069500`).
 * - Five digits: refused with the zero-padded code as the suggestion, because
 *   spreadsheets drop the leading zero of KRX codes (`69500` → `069500`).
 * - Any other all-digit string: refused (neither market has such symbols).
 * - A six-digit code with `.KS`/`.KQ` or an `A` prefix: refused with the bare code as the suggestion.
 * - Otherwise the project's ticker rule ({@link TICKER_PATTERN}) decides: US.
 */
export function parseSymbol(raw: string): ParsedSymbol {
  const s = String(raw).trim().toUpperCase();
  if (ALL_DIGITS.test(s)) {
    if (KRX_CODE.test(s)) return { symbol: s, market: 'KR' };
    if (s.length === 5) {
      const padded = `0${s}`;
      throw new SymbolError(`${s} is not a KRX code: KRX codes have six digits — did you mean ${padded}?`, 'krx_five_digits', padded);
    }
    throw new SymbolError(`${s.slice(0, 20)} is not a symbol: a KRX code has exactly six digits (e.g. 069500) and a US ticker starts with a letter (e.g. SPY)`, 'not_a_symbol');
  }
  const decorated = KRX_DECORATED.exec(s);
  if (decorated) {
    const bare = decorated[1] ?? decorated[2]!;
    throw new SymbolError(`${s} is not a symbol here: KRX codes are stored as the bare six digits, without a .KS/.KQ suffix or an A prefix — did you mean ${bare}?`, 'not_a_symbol', bare);
  }
  if (TICKER_PATTERN.test(s)) return { symbol: s, market: 'US' };
  throw new SymbolError(
    `"${String(raw).slice(0, 20)}" is not a symbol: use a six-digit KRX code such as 069500, or a US ticker of letters, digits, "." or "-" (at most 15 characters) such as SPY or BRK.B`,
    'not_a_symbol',
  );
}

/** The market a symbol trades on; throws {@link SymbolError} for anything {@link parseSymbol} refuses. */
export function marketOfSymbol(symbol: string): Market {
  return parseSymbol(symbol).market;
}

/**
 * True for a KRX code (exactly six digits), false for anything else; never
 * throws. For code that already holds a stored, valid symbol and only needs
 * its market (views, adapters); {@link marketOfSymbol} validates as well.
 */
export function isKrxCode(symbol: string): boolean {
  return KRX_CODE.test(symbol);
}

/** The market of a stored, valid symbol: KR for a KRX code, else US; never throws (see {@link isKrxCode}). */
export function marketOfCode(symbol: string): Market {
  return isKrxCode(symbol) ? 'KR' : 'US';
}
