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
}

/** A pick with its decision state (PENDING, APPROVED, REJECTED, EXPIRED, EXECUTING, EXECUTED, FAILED). */
export interface StoredPick extends ScanPick {
  state: string;
}
