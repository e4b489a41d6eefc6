import { bookVar, type BookVar, type VarExposure } from '../../engine/risk/var.js';
import type { ClosesSource } from './closes-source.js';
import type { OpenPosition } from './open-positions.js';
import type { RiskSettings } from './settings.js';

/** One open position as the value at risk values it. */
export interface ValuedPosition {
  symbol: string;
  strategy: string;
  qty: number;
  /** The price used: the last mark, else the average cost. */
  price: number;
  /** `mark`: positions.last_price; `cost`: no mark yet, so avg_cost. */
  priceSource: 'mark' | 'cost';
  /** qty × price, in USD. */
  value: number;
}

/** Values an open position at its last mark, else its average cost (the source is kept, messages say which). */
export function valuePosition(p: OpenPosition): ValuedPosition {
  const marked = p.lastPrice !== null && Number.isFinite(p.lastPrice) && p.lastPrice > 0;
  const price = marked ? p.lastPrice! : p.avgCost;
  return { symbol: p.symbol, strategy: p.strategy, qty: p.qty, price, priceSource: marked ? 'mark' : 'cost', value: p.qty * price };
}

/**
 * Extra sessions of closes read beyond the lookback: the window is the newest `lookback` sessions
 * SHARED by every symbol, so one symbol missing a day must not shorten it.
 */
export const SLACK_SESSIONS = 30;

/** The closes the bootstrap of `symbols` reads: the lookback, one more close for the first return, and the slack. */
export function sessionsToRead(settings: Pick<RiskSettings, 'varLookback'>): number {
  return settings.varLookback + 1 + SLACK_SESSIONS;
}

/**
 * The book's bootstrap VaR (src/engine/risk/var.ts) as of `asOf`, with the VAR_* settings: loads
 * the closes of every symbol in `exposures` once, then runs the pure kernel.
 */
export async function computeBookVar(closes: ClosesSource, settings: Pick<RiskSettings, 'varLookback' | 'varPaths' | 'varSeed'>, exposures: readonly VarExposure[], asOf: string): Promise<BookVar> {
  const symbols = [...new Set(exposures.map((e) => e.symbol.toUpperCase()))];
  const series = symbols.length > 0 ? await closes(symbols, sessionsToRead(settings), asOf) : new Map();
  return bookVar(series, exposures, { lookback: settings.varLookback, paths: settings.varPaths, seed: settings.varSeed, asOf });
}
