import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { afterEach, beforeEach, inject } from 'vitest';
import { createDataSource } from '../../src/adapters/db/data-source.js';

/** The server the tests use; override with TEST_PG_URL (no database name). */
export const PG_SERVER = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** Names carry the creating process id so concurrent runs never drop each other's databases. */
export function templateName(pid: number): string {
  return `cs_tpl_${pid}`;
}

export async function adminQuery(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
  await c.connect();
  try {
    return await c.query(sql, params);
  } finally {
    await c.end();
  }
}

/** A fresh, migrated database copied from this run's template (made in global setup). */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const template = inject('templateDb');
  const name = `cs_test_${inject('runPid')}_${randomBytes(4).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      break;
    } catch (err) {
      // Two test files copying the template at the same instant: Postgres refuses one; try again.
      if (attempt < 30 && /being accessed by other users/.test((err as Error).message)) {
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
        continue;
      }
      throw err;
    }
  }
  return {
    url: `${PG_SERVER}/${name}`,
    name,
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/**
 * Registers beforeEach/afterEach hooks that give every test of the file its own fresh, migrated
 * database and a DataSource on it (pool of `poolSize`, then `setup`), dropped afterwards.
 * `ds()` is the current test's DataSource.
 */
export function dataSourcePerTest(opts: { poolSize?: number; setup?: (ds: DataSource) => Promise<void> } = {}): { ds(): DataSource } {
  let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let current: DataSource | undefined;
  beforeEach(async () => {
    db = await createTestDatabase();
    current = createDataSource(db.url, opts.poolSize !== undefined ? { poolSize: opts.poolSize } : {});
    await current.initialize();
    await opts.setup?.(current);
  });
  afterEach(async () => {
    await current?.destroy();
    await db?.drop();
    current = undefined;
    db = undefined;
  });
  return {
    ds() {
      if (!current) throw new Error('dataSourcePerTest: no DataSource outside a test');
      return current;
    },
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
    runPid: number;
  }
}
