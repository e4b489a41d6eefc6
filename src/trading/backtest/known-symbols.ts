import { closestNames } from '../../lib/closest-names.js';
import { BacktestInputError } from './request.js';

/** One requested symbol no data source knows, with the known symbols closest to it (best first). */
export interface UnknownSymbol {
  symbol: string;
  closest: string[];
}

/**
 * Requested symbols that no data source knows (not stored, no sample CSV, not
 * in the bundled universe). Raised instead of backtesting a typo on invented
 * bars; the message names the closest known symbols.
 */
export class UnknownSymbolsError extends BacktestInputError {
  constructor(readonly unknown: readonly UnknownSymbol[]) {
    super(describeUnknown(unknown));
  }
}

/** At most this many unknown symbols are named one by one in the message. */
const MAX_NAMED = 5;

/** "unknown symbol APPL (closest: AAPL, AMPL, APP)", "unknown symbols APPL (closest: …), XYZQW (no close match)". */
export function describeUnknown(unknown: readonly UnknownSymbol[]): string {
  const named = unknown.slice(0, MAX_NAMED).map((u) => `${u.symbol} (${u.closest.length > 0 ? `closest: ${u.closest.join(', ')}` : 'no close match'})`);
  const more = unknown.length > MAX_NAMED ? ` and ${unknown.length - MAX_NAMED} more` : '';
  return `unknown symbol${unknown.length === 1 ? '' : 's'} ${named.join(', ')}${more}`;
}

/** The requested symbols missing from `known`, each with its closest known names. */
export function unknownSymbols(requested: readonly string[], known: Iterable<string>): UnknownSymbol[] {
  const set = new Set(known);
  return requested.filter((s) => !set.has(s)).map((symbol) => ({ symbol, closest: closestNames(symbol, set) }));
}

/** Throws {@link UnknownSymbolsError} when any requested symbol is not in `known`. */
export function assertKnownSymbols(requested: readonly string[], known: Iterable<string>): void {
  const unknown = unknownSymbols(requested, known);
  if (unknown.length > 0) throw new UnknownSymbolsError(unknown);
}
