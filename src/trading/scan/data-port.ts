import type { BarSeries } from '../../engine/bars.js';

/** One symbol the scanner may evaluate. */
export interface UniverseMember {
  symbol: string;
  /** True for synthetic (DEMO) data: every message built on it says so. */
  demo: boolean;
  lastDate: string | null;
}

/** Where scans get their universe and bars (the bars store in production). */
export interface ScanData {
  members(): Promise<UniverseMember[]>;
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
