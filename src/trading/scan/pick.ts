import type { PickSource } from '../../engine/scan/pick-sources.js';

/**
 * A trade idea a scan found and stored: the signal's levels, the suggested
 * size and why, as figures. Faces turn it into a card; approvals execute it.
 */
export interface ScanPick {
  id: string;
  symbol: string;
  strategy: string;
  /** Session whose close produced the signal (YYYY-MM-DD). */
  sessionDate: string;
  entry: number;
  stop: number;
  target: number | null;
  qty: number;
  /** Dollars lost if the stop fills at its price. */
  dollarRisk: number;
  /** The strategy's reasons, as it states them. */
  reasons: string[];
  /** Found on synthetic DEMO bars. */
  demo: boolean;
  /** After this the pick can no longer be approved. */
  expiresAt: Date;
  /**
   * Every source that signalled this symbol on this session (Kobe strategies
   * first, then hypotheses), each with its own levels and size; `strategy`
   * is the one whose size (the smallest) and levels the pick trades. Empty
   * or absent for picks stored before sources were kept.
   */
  sources?: PickSource[];
}

/** A pick with its decision state (PENDING, APPROVED, REJECTED, EXPIRED, EXECUTING, EXECUTED, FAILED). */
export interface StoredPick extends ScanPick {
  state: string;
}
