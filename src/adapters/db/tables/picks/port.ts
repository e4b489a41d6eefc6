import type { PickSource } from '../../../../engine/scan/pick-sources.js';

/** A scan run as it starts (`status` running, no counts yet). */
export interface ScanRunStart {
  id: string;
  /** Telegram user who asked for the scan. */
  requestedBy: number;
  /** Chat its cards go to. */
  chatId: number;
  /** Session scanned (YYYY-MM-DD). */
  asOf: string;
  strategies: string[];
  /** How many symbols it scans. */
  symbols: number;
  demo: boolean;
}

/** What a finished scan run records (`summary` is stored as jsonb). */
export interface ScanRunFinish {
  evaluated: number;
  signals: number;
  summary: unknown;
}

/**
 * A stored pick as the use cases read it: levels and size as numbers, the
 * session as YYYY-MM-DD, its jsonb reasons and sources checked.
 */
export interface PickRecord {
  id: string;
  symbol: string;
  strategy: string;
  /** Session whose close produced the signal (YYYY-MM-DD). */
  sessionDate: string;
  entry: number;
  stop: number;
  target: number | null;
  qty: number;
  dollarRisk: number;
  reasons: string[];
  demo: boolean;
  /** PENDING, APPROVED, REJECTED, EXPIRED, EXECUTING, EXECUTED, FAILED (and the queue's states). */
  state: string;
  expiresAt: Date;
  /** Every source behind the pick; empty for picks stored before sources were kept. */
  sources: PickSource[];
}

/**
 * Typed repositories of picks and their expiry: the plain one-table reads and writes the
 * use cases need, as methods (the use cases import this file's types only).
 *
 * Not here, reviewed SQL in src/trading/scan (they carry invariants a repository call would hide):
 * the bulk upsert of picks (unnest, deadline kept once a card shows it), claiming cards (a join,
 * a retry's own claims), lazy and swept expiry (compare-and-set on `state`, with its audit row).
 */
export interface PicksTables {
  /** Inserts a running scan run; a run id already stored is left as it is (a retried start). */
  insertRun(run: ScanRunStart): Promise<void>;
  /** Marks run `id` done with its counts and summary, `finished_at` now; returns the rows touched (0: no such run). */
  finishRun(id: string, r: ScanRunFinish): Promise<number>;
  /** Records the chat and message showing pick `id`'s card; returns the rows touched (0: no such pick). */
  setCardMessage(id: string, chatId: number, messageId: number): Promise<number>;
  /** One pick by id, or null. */
  pick(id: string): Promise<PickRecord | null>;
  /** The latest session that has a pick (YYYY-MM-DD), or null while there are none. */
  latestSession(): Promise<string | null>;
  /** The picks of `sessionDate` (YYYY-MM-DD), best score first, then by symbol. */
  sessionPicks(sessionDate: string): Promise<PickRecord[]>;
}
