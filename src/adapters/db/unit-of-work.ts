import type pg from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import type { OneTripClient, OneTripResult, SqlSession, UnitOfWork } from './port.js';

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

  async oneTrip<T>(opening: string, body: (client: OneTripClient, opened: OneTripResult[]) => Promise<{ value: T; closing?: string }>): Promise<T> {
    const runner = this.ds.createQueryRunner();
    const client = (await runner.connect()) as pg.PoolClient;
    const wrapped: OneTripClient = {
      query: (sql, params) => client.query(sql, params as unknown[]) as unknown as Promise<OneTripResult>,
      escapeLiteral: (text) => client.escapeLiteral(text),
    };
    try {
      let done = false;
      try {
        const results = (await client.query(`BEGIN; ${opening}`)) as unknown as OneTripResult[];
        const out = await body(wrapped, results.slice(1));
        await client.query(out.closing ? `${out.closing}; COMMIT` : 'COMMIT');
        done = true;
        return out.value;
      } finally {
        if (!done) await client.query('ROLLBACK').catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }

  async withAdvisoryLock<T>(namespace: number, key: string, waitMs: number, fn: () => Promise<T>): Promise<T | 'busy'> {
    const deadline = Date.now() + waitMs;
    for (let attempt = 0; ; attempt++) {
      const r = this.ds.createQueryRunner();
      await r.connect();
      let got = false;
      try {
        const res = (await r.query(`SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok`, [namespace, key])) as { ok: boolean }[];
        got = res[0]?.ok === true;
      } catch (e) {
        await r.release();
        throw e;
      }
      if (got) {
        try {
          return await fn();
        } finally {
          // Awaited: a caller taking the key right after this one returns must find it free.
          await r.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [namespace, key]).catch(() => undefined);
          await r.release();
        }
      }
      await r.release();
      if (Date.now() >= deadline) return 'busy';
      await new Promise((res) => setTimeout(res, Math.min(250, 20 + attempt * 10) + Math.random() * 20));
    }
  }
}
