import type { Role } from '../../../../lib/roles.js';

/** What a queued order is for. */
export type QueuedKind = 'entry' | 'close' | 'flatten';
/** QUEUED until the open; SENT once handed to the order path; CANCELLED (/cancel, the button, /kill) or EXPIRED (open + 30 min). */
export type QueuedState = 'QUEUED' | 'SENT' | 'CANCELLED' | 'EXPIRED';

/** One queued order (a `queued_orders` row), as figures. */
export interface QueuedOrderRecord {
  id: string;
  kind: QueuedKind;
  state: QueuedState;
  /** The session whose open it waits for (`YYYY-MM-DD` on its market's exchange: New York's for US, Seoul's for KR). */
  sessionDate: string;
  /** Open + 1 minute. */
  sendAt: Date;
  /** Open + 30 minutes: not sent by then, it expires. */
  expiresAt: Date;
  approvalId: string | null;
  pickId: string | null;
  symbol: string | null;
  strategy: string | null;
  side: 'buy' | 'sell' | null;
  qty: number | null;
  /** Flatten (and a close under the kill switch): the kill epoch it was confirmed for. */
  killEpoch: number | null;
  requestedBy: number;
  role: Role;
  chatId: number;
  cardMessageId: number | null;
  createdAt: Date;
}

/** A queued sale (`close`) or flatten as it is stored: state QUEUED, no approval, pick or card. */
export interface NewQueuedExit {
  id: string;
  kind: 'close' | 'flatten';
  sessionDate: string;
  sendAt: Date;
  expiresAt: Date;
  symbol: string | null;
  strategy: string | null;
  side: 'sell' | null;
  qty: number | null;
  killEpoch: number | null;
  requestedBy: number;
  role: Role;
  chatId: number;
  /** Also its `updated_at`. */
  createdAt: Date;
}

/**
 * Typed repositories of the controls group (queued orders; confirmations and
 * the kill switch have none): the plain one-table reads and writes the use
 * cases need, as methods (the use cases import this file's types only).
 *
 * Not here, reviewed SQL:
 * - every state change of a queued order (queue an entry, release at the
 *   open, cancel, expire: compare-and-set on `state` in one statement with the
 *   entry's approval and pick), in src/trading/queue/queued-orders.ts;
 * - confirmations (src/trading/confirmations/confirmations.ts): spending a
 *   token is a compare-and-set, and `Confirmations` takes a plain SqlSession
 *   from callers that have no tables (the order path, tests typed UnitOfWork);
 * - the kill switch (src/trading/kill-switch/kill-switch.ts): epoch
 *   compare-and-set and GREATEST updates in a transaction with the owed
 *   cancel-all, and its tests build it on a hand-made unit of work without tables.
 */
export interface ControlsTables {
  // None of these has a caller in src: the queue (src/trading/queue/queued-orders.ts) reads and writes its rows
  // with reviewed SQL because they carry a market, which these records do not. They stay because the adapter's
  // tests (tests/integration/adapters/db/tables/controls.test.ts) use them; insertQueuedExit writes the column's
  // default market (US), so it must not be used for a KR row.
  /** One queued order by id (any state), or null. */
  queuedOrder(id: string): Promise<QueuedOrderRecord | null>;
  /** The orders still QUEUED, oldest first (created_at, then id). */
  waitingQueuedOrders(): Promise<QueuedOrderRecord[]>;
  /** The orders SENT whose expiry is after `at`, of the given kinds (no particular order). */
  sentQueuedOrders(kinds: readonly QueuedKind[], at: Date): Promise<QueuedOrderRecord[]>;
  /** The QUEUED sale of position (symbol, strategy), or null. */
  queuedClose(symbol: string, strategy: string): Promise<QueuedOrderRecord | null>;
  /** The QUEUED flatten of kill epoch `killEpoch`, or null. */
  queuedFlatten(killEpoch: number): Promise<QueuedOrderRecord | null>;
  /**
   * Stores `o` unless a unique index refuses it (one QUEUED sale per position,
   * one QUEUED flatten per epoch): then nothing is written and the answer is
   * null. Returns the stored order.
   */
  insertQueuedExit(o: NewQueuedExit): Promise<QueuedOrderRecord | null>;
}
