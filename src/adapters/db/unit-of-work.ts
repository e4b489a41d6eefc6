import type { DataSource, QueryRunner } from 'typeorm';
import type { OneTripClient, OneTripResult, SqlSession, UnitOfWork } from './port.js';
import { txOneTrip, withAdvisoryLock } from './sql.js';

/** Rows of any statement on a query runner (TypeORM returns `[rows, count]` for UPDATE/DELETE unless asked for a structured result). */
async function runnerRows<T>(r: QueryRunner, sql: string, params: readonly unknown[]): Promise<T[]> {
  const res = (await r.query(sql, params as unknown[], true)) as { records?: T[] };
  return res.records ?? [];
}

async function runnerExec(r: QueryRunner, sql: string, params: readonly unknown[]): Promise<number> {
  const res = (await r.query(sql, params as unknown[], true)) as { affected?: number; records?: unknown[] };
  return res.affected ?? res.records?.length ?? 0;
}

function sessionOf(r: QueryRunner): SqlSession {
  return {
    rows: (sql, params = []) => runnerRows(r, sql, params),
    exec: (sql, params = []) => runnerExec(r, sql, params),
  };
}

/** The UnitOfWork port over a TypeORM DataSource (its pg pool). */
export class TypeOrmUnitOfWork implements UnitOfWork {
  constructor(readonly ds: DataSource) {}

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

  async transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    const r = this.ds.createQueryRunner();
    await r.connect();
    try {
      await r.startTransaction();
      const out = await fn(sessionOf(r));
      await r.commitTransaction();
      return out;
    } catch (e) {
      if (r.isTransactionActive) await r.rollbackTransaction().catch(() => undefined);
      throw e;
    } finally {
      await r.release();
    }
  }

  oneTrip<T>(opening: string, body: (client: OneTripClient, opened: OneTripResult[]) => Promise<{ value: T; closing?: string }>): Promise<T> {
    return txOneTrip(this.ds, opening, (client, opened) =>
      body({ query: (sql, params) => client.query(sql, params as unknown[]) as unknown as Promise<OneTripResult>, escapeLiteral: (text) => client.escapeLiteral(text) }, opened as unknown as OneTripResult[]),
    );
  }

  withAdvisoryLock<T>(namespace: number, key: string, waitMs: number, fn: () => Promise<T>): Promise<T | 'busy'> {
    return withAdvisoryLock(this.ds, namespace, key, waitMs, fn);
  }
}
