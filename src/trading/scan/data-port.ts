import type { BarSeries } from '../../engine/bars.js';
import type { Market } from '../../engine/market/markets.js';

/** One symbol the scanner may evaluate. */
export interface UniverseMember {
  symbol: string;
  /** True for synthetic (DEMO) data: every message built on it says so. */
  demo: boolean;
  lastDate: string | null;
  /** Display name (KR ETFs: from the KR universe file), absent when not known. */
  name?: string;
  /** Signed daily leverage (1 plain, 2, -1, -2), absent when not known (KR: from the KR universe file). */
  leverage?: number;
}

/** Where scans get their universe and bars (the bars store in production). */
export interface ScanData {
  /** The market's stored symbols (default US). */
  members(market?: Market): Promise<UniverseMember[]>;
  load(symbols: readonly string[]): Promise<Map<string, BarSeries>>;
}

/**
 * Whether the default market data is still being loaded (the first start of
 * a worker stores the DEMO universe, about a minute): scans and backtests
 * refuse to run on half a universe meanwhile. App implements it over the
 * flag the seeding worker keeps in Redis.
 */
export interface SeedingState {
  isSeeding(): Promise<boolean>;
}
