import type { Book } from './book.js';
import type { KisBar, KisCounters, KisQuote } from './types.js';

/** What the emulator's handlers share: the account, its book, market data and the clock. */
export interface KisContext {
  server: 'real' | 'virtual';
  /** 8-digit CANO. */
  cano: string;
  /** 2-digit ACNT_PRDT_CD. */
  prdt: string;
  book: Book;
  quotes: Map<string, KisQuote>;
  bars: Map<string, KisBar[]>;
  now(): number;
  closedDays: ReadonlySet<string>;
  /** Every instant is the continuous session (see KisEmulatorOptions.alwaysOpen). */
  alwaysOpen: boolean;
  pageSize: number;
  chartRowLimit: number;
  counters: KisCounters;
}
