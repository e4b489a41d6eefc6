import { DataProviderError } from './errors.js';
import { isIsoDate } from '../../lib/dates.js';
import { TICKER_PATTERN } from '../../engine/market/symbols.js';
import type { DateRange } from './port.js';

/*
 * Symbols follow the engine's ticker rule (TICKER_PATTERN: letters, digits and
 * the separators real tickers use — `BRK.B`, `BF-B`, Korean `069500`), applied
 * case-insensitively. Anything else, slashes in particular, is refused before
 * it reaches a file path or URL.
 */

/** Throws `bad_request` unless `symbol` looks like a ticker; returns it trimmed. */
export function checkSymbol(provider: string, symbol: string): string {
  const s = symbol.trim();
  if (!TICKER_PATTERN.test(s.toUpperCase())) {
    throw new DataProviderError({
      provider,
      kind: 'bad_request',
      detail: `"${s.slice(0, 20)}" is not a valid symbol`,
      hint: 'use a ticker of letters, digits, "." or "-" such as SPY or BRK.B',
    });
  }
  return s;
}

/** Throws `bad_request` unless both ends are ISO dates and `from <= to`. */
export function checkRange(provider: string, range: DateRange): void {
  for (const [k, v] of [['from', range.from], ['to', range.to]] as const) {
    if (!isIsoDate(v)) {
      throw new DataProviderError({
        provider,
        kind: 'bad_request',
        detail: `range.${k} "${String(v).slice(0, 20)}" is not a YYYY-MM-DD date`,
        hint: 'pass dates like 2024-01-31',
      });
    }
  }
  if (range.from > range.to) {
    throw new DataProviderError({
      provider,
      kind: 'bad_request',
      detail: `range.from ${range.from} is after range.to ${range.to}`,
      hint: 'swap the dates',
    });
  }
}
