import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { OneTripClient, OneTripResult, TableSession, Tables, TableUnitOfWork } from './port.js';
import { txOneTrip, withAdvisoryLock, type DebugLog } from './sql.js';
import { tablesOf } from './tables/index.js';

/** The typed tables of `manager`, built on first use (most sessions never touch them). */
function lazyTables(manager: () => EntityManager): () => Tables {
  let tables: Tables | undefined;
  return () => (tables ??= tablesOf(manager()));
}

/** Rows of any statement on a query runner (TypeORM returns `[rows, count]` for UPDATE/DELETE unless asked for a structured result). */
async function runnerRows<T>(r: QueryRunner, sql: string, params: readonly unknown[]): Promise<T[]> {
  const res = (await r.query(sql, params as unknown[], true)) as { records?: T[] };
  return res.records ?? [];
}

async function runnerExec(r: QueryRunner, sql: string, params: readonly unknown[]): Promise<number> {
  const res = (await r.query(sql, params as unknown[], true)) as { affected?: number; records?: unknown[] };
  return res.affected ?? res.records?.length ?? 0;
}

function sessionOf(r: QueryRunner): TableSession {
  const tables = lazyTables(() => r.manager);
  return {
    rows: (sql, params = []) => runnerRows(r, sql, params),
    exec: (sql, params = []) => runnerExec(r, sql, params),
    get tables() {
      return tables();
    },
  };
}

/**
 * The UnitOfWork port over a TypeORM DataSource (its pg pool). `log` hears,
 * at debug, the cleanup errors it drops (a ROLLBACK or an unlock on a lost
 * connection); the error that matters is always the one rethrown.
 */
export class TypeOrmUnitOfWork implements TableUnitOfWork {
  private readonly poolTables: () => Tables;

  constructor(
    readonly ds: DataSource,
    private readonly log?: DebugLog,
  ) {
    this.poolTables = lazyTables(() => ds.manager);
  }

  /** Typed tables on the pool: each call is its own statement (see {@link transaction} for atomic ones). */
  get tables(): Tables {
    return this.poolTables();
  }

  private async withRunner<T>(fn: (r: QueryRunner) => Promise<T>): Promise<T> {
    const r = this.ds.createQueryRunner();
    await r.connect();
    try {
      return await fn(r);
    } finally {
      await r.release();
    }
  }

  rows<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.withRunner((r) => runnerRows<T>(r, sql, params));
  }

  exec(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.withRunner((r) => runnerExec(r, sql, params));
  }

  async transaction<T>(fn: (tx: TableSession) => Promise<T>): Promise<T> {
    const r = this.ds.createQueryRunner();
    await r.connect();
    try {
      await r.startTransaction();
      const out = await fn(sessionOf(r));
      await r.commitTransaction();
      return out;
    } catch (e) {
      if (r.isTransactionActive) {
        await r.rollbackTransaction().catch((err: unknown) =>
          // Only a connection that is gone fails a ROLLBACK: its transaction ended with it, and `e` is what stopped it.
          this.log?.debug({ err }, 'ROLLBACK failed on a lost connection; the transaction ended with it'),
        );
      }
      throw e;
    } finally {
      await r.release();
    }
  }

  oneTrip<T>(opening: string, body: (client: OneTripClient, opened: OneTripResult[]) => Promise<{ value: T; closing?: string }>): Promise<T> {
    return txOneTrip(
      this.ds,
      opening,
      (client, opened) => {
        const query = async (sql: string, params: readonly unknown[] = []): Promise<OneTripResult> => {
          const res = await client.query(sql, params as unknown[]);
          return { rows: res.rows as Record<string, unknown>[], rowCount: res.rowCount };
        };
        const one: OneTripClient = {
          query,
          rows: async <T>(sql: string, params?: readonly unknown[]) => (await query(sql, params)).rows as T[],
          exec: async (sql, params) => (await query(sql, params)).rowCount ?? 0,
          escapeLiteral: (text) => client.escapeLiteral(text),
        };
        return body(one, opened as unknown as OneTripResult[]);
      },
      this.log,
    );
  }

  withAdvisoryLock<T>(namespace: number, key: string, waitMs: number, fn: () => Promise<T>): Promise<T | 'busy'> {
    return withAdvisoryLock(this.ds, namespace, key, waitMs, fn, this.log);
  }
}
