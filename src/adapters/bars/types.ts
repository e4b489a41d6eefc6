import type { Bar, BarSeries } from '../../engine/bars.js';
import type { Market } from '../../engine/market/index.js';

/**
 * Where a symbol's bars came from: `sample` (bundled real files), `synthetic`
 * (demo universe), `csv:<file>` (an imported file), `polygon`, `alpaca`.
 */
export type BarSource = 'sample' | 'synthetic' | 'polygon' | 'alpaca' | `csv:${string}` | (string & {});

/** Bars for one symbol, as rows or as a series; dates sorted, one bar per date. */
export type SymbolBarsInput = { symbol: string; bars: readonly Bar[] } | { symbol: string; series: BarSeries };

export interface WriteOptions {
  source: BarSource;
  /** True for made-up data (the synthetic universe). Demo bars never overwrite real ones. */
  demo: boolean;
  /**
   * `merge` (default): upsert the given dates and keep the symbol's other
   * dates. `replace`: afterwards the symbol holds exactly the given bars
   * (other dates are deleted; an empty list deletes the symbol).
   */
  mode?: 'merge' | 'replace';
}

/** What one write did to one symbol. */
export interface SymbolWriteResult {
  symbol: string;
  /** Bars given for the symbol. */
  bars: number;
  inserted: number;
  updated: number;
  /** Given bars identical to what was stored (not rewritten). */
  unchanged: number;
  /** Stored bars removed (`replace` mode, or demo bars replaced by real ones). */
  deleted: number;
  /** Set when nothing was written, with the reason. */
  skipped?: string;
  /** True when the symbol held demo bars that real bars replaced. */
  replacedDemo?: boolean;
}

export interface WriteReport {
  symbols: SymbolWriteResult[];
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  /** Symbols whose stored bars changed (their version, and so the fingerprint, moved). */
  changed: string[];
  ms: number;
}

/** One row of `bar_symbols`. */
export interface SymbolInfo {
  symbol: string;
  /** The market its bars belong to (the symbol's code fixes it: six digits are KR). */
  market: Market;
  source: string;
  demo: boolean;
  firstDate: string;
  lastDate: string;
  barCount: number;
  version: number;
  updatedAt: Date;
}

/** Symbols grouped by source. */
export interface DatasetInfo {
  source: string;
  demo: boolean;
  symbols: number;
  bars: number;
  firstDate: string;
  lastDate: string;
  updatedAt: Date;
}

export interface BarsStatus {
  datasets: DatasetInfo[];
  symbols: SymbolInfo[];
  totalSymbols: number;
  totalBars: number;
  fingerprint: string;
  /** Generator version of the stored DEMO dataset (null: never seeded; 1: seeded before versions were recorded). */
  demoGenerator: number | null;
}

/** The result of the cheap fingerprint query. */
export interface Fingerprint {
  fingerprint: string;
  symbols: number;
  bars: number;
}

/** Which cache answered a `loadUniverse` call. */
export type LoadSource = 'memory' | 'disk' | 'postgres';

export interface LoadInfo {
  from: LoadSource;
  fingerprint: string;
  symbols: number;
  bars: number;
  ms: number;
}
