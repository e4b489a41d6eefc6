import type pg from 'pg';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { pgBool } from '../../lib/sql-columns.js';
import { parseRows } from '../../lib/sql-rows.js';

/** Where the helpers below say why an error they do not rethrow is safe to drop. */
export type DebugLog = Pick<Logger, 'debug'>;

/**
 * The two SQL mechanisms with a subtle contract, written once: the
 * one-round-trip transaction (the paper broker's account lock, the
 * UnitOfWork's `oneTrip`) and the advisory lock (the UnitOfWork's
 * `withAdvisoryLock`). Use cases reach them through the UnitOfWork port.
 */

/**
 * ROLLBACK on a raw client whose transaction an error stopped (the caller
 * rethrows that error). Only a connection that is gone fails a ROLLBACK: the
 * server ended the transaction with it and the pool drops a dead connection
 * on release, so the failure is told at debug and not rethrown.
 */
export async function rollback(client: Pick<pg.ClientBase, 'query'>, log?: DebugLog): Promise<void> {
  try {
    await client.query('ROLLBACK');
  } catch (err) {
    log?.debug({ err }, 'ROLLBACK failed on a lost connection; the transaction ended with it');
  }
}

/**
 * A transaction on the pool's raw pg client that spends as few round trips as
 * it can: `BEGIN` travels with `opening` (constant SQL, no parameters — e.g. a
 * lock and a read that must see everything committed before the lock) as one
 * simple query, and `COMMIT` with the body's optional `closing` SQL (literals
 * only: escape them with `client.escapeLiteral`). Each statement of a simple
 * query gets its own snapshot, so a read after a lock in `opening` is current.
 * Rolls back on any error.
 */
export async function txOneTrip<T>(
  ds: DataSource,
  opening: string,
  body: (client: pg.PoolClient, opened: pg.QueryResult[]) => Promise<{ value: T; closing?: string }>,
  log?: DebugLog,
): Promise<T> {
  const runner = ds.createQueryRunner();
  const client = (await runner.connect()) as pg.PoolClient;
  try {
    let done = false;
    try {
      const results = (await client.query(`BEGIN; ${opening}`)) as unknown as pg.QueryResult[];
      const out = await body(client, results.slice(1));
      await client.query(out.closing ? `${out.closing}; COMMIT` : 'COMMIT');
      done = true;
      return out.value;
    } finally {
      if (!done) await rollback(client, log);
    }
  } finally {
    await runner.release();
  }
}

const TRY_LOCK_SQL = `SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok`;
const TryLockRow = z.object({ ok: pgBool });

/**
 * Runs `fn` holding the session advisory lock `(namespace, hashtext(key))`.
 * A second caller polls (without holding a pooled connection) until the
 * first is done or `waitMs` passes, then gets `'busy'`. Postgres drops the
 * lock if the holder's process dies, so a crash never wedges the key.
 */
export async function withAdvisoryLock<T>(
  ds: DataSource,
  namespace: number,
  key: string,
  waitMs: number,
  fn: () => Promise<T>,
  log?: DebugLog,
): Promise<T | 'busy'> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    const r = ds.createQueryRunner();
    await r.connect();
    let got = false;
    try {
      const [row] = parseRows(TryLockRow, await r.query(TRY_LOCK_SQL, [namespace, key]), TRY_LOCK_SQL);
      got = row?.ok === true;
    } catch (e) {
      await r.release();
      throw e;
    }
    if (got) {
      try {
        return await fn();
      } finally {
        // Awaited: a caller taking the key right after this one returns must find it free.
        await r.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [namespace, key]).catch((err: unknown) =>
          // Only a connection that is gone fails the unlock: Postgres frees a session's locks when it
          // ends, and the pool drops a dead connection on release, so the key is not left held.
          log?.debug({ err, namespace, key }, 'advisory unlock failed on a lost connection; the lock went with it'),
        );
        await r.release();
      }
    }
    await r.release();
    if (Date.now() >= deadline) return 'busy';
    await new Promise((res) => setTimeout(res, Math.min(250, 20 + attempt * 10) + Math.random() * 20));
  }
}

export { isUniqueViolation, errText } from '../../lib/errors.js';
export { round6, cents } from '../../lib/numbers.js';
