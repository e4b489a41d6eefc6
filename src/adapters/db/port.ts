/**
 * The unit-of-work port: the only way use cases (src/trading) talk to
 * Postgres. They import these types only; app wires in the TypeORM-backed
 * implementation (`TypeOrmUnitOfWork`). Keeping TypeORM, pg and pooling out
 * of the use cases means a use case can be read, tested and later moved to
 * another store without touching its SQL plumbing.
 */

import type { TableSession } from './tables/port.js';

export type { TableSession, Tables } from './tables/port.js';

/** One connection's worth of SQL: inside a transaction, or a single pooled statement. */
export interface SqlSession {
  /**
   * Rows of any statement: SELECT, or INSERT/UPDATE/DELETE … RETURNING (an
   * UPDATE without RETURNING gives `[]`; use `exec` for its row count).
   */
  rows<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a statement and returns how many rows it touched. */
  exec(sql: string, params?: readonly unknown[]): Promise<number>;
}

/**
 * The client of a one-round-trip transaction (see `UnitOfWork.oneTrip`): the
 * statements between the opening and the closing go through its
 * {@link SqlSession} methods (rows parsed by the caller, src/lib/sql-rows.ts).
 */
export interface OneTripClient extends SqlSession {
  query(sql: string, params?: readonly unknown[]): Promise<OneTripResult>;
  /** Escapes a string as a SQL literal, for the `closing` statements that ride with COMMIT. */
  escapeLiteral(text: string): string;
}

/** A statement's result inside a one-trip transaction. */
export interface OneTripResult {
  rows: Record<string, unknown>[];
  rowCount: number | null;
}

/** Postgres as the use cases see it. */
export interface UnitOfWork extends SqlSession {
  /** Runs `fn` in one transaction on its own connection; rolls back on any error. */
  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T>;
  /**
   * A transaction that spends as few round trips as it can: `BEGIN` travels
   * with `opening` (constant SQL, no parameters: e.g. a lock and a read that
   * must see everything committed before it) as one simple query, and `COMMIT`
   * with the body's optional `closing` SQL (literals only, escaped with
   * `client.escapeLiteral`). Each statement of a simple query gets its own
   * snapshot, so a read after a lock in `opening` is current. Rolls back on any error.
   */
  oneTrip<T>(opening: string, body: (client: OneTripClient, opened: OneTripResult[]) => Promise<{ value: T; closing?: string }>): Promise<T>;
  /**
   * Runs `fn` holding the session advisory lock `(namespace, hashtext(key))`.
   * A second caller polls (without holding a pooled connection) until the
   * first is done or `waitMs` passes, then gets `'busy'`. Postgres drops the
   * lock if the holder's process dies, so a crash never wedges the key.
   */
  withAdvisoryLock<T>(namespace: number, key: string, waitMs: number, fn: () => Promise<T>): Promise<T | 'busy'>;
}

/**
 * The unit of work with typed tables (src/adapters/db/tables): what the app
 * wires in. A use case whose plain reads and writes go through `tables` asks
 * for this; one that only runs reviewed SQL asks for {@link UnitOfWork}.
 */
export interface TableUnitOfWork extends UnitOfWork, TableSession {
  /** Runs `fn` in one transaction on its own connection, its `tables` joining it; rolls back on any error. */
  transaction<T>(fn: (tx: TableSession) => Promise<T>): Promise<T>;
}
