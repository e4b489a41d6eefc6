import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { MarketKeys1765300000019 } from '../../../../migrations/1765300000019-MarketKeys.js';
import { MIGRATIONS } from '../../../../migrations/index.js';
import { adminQuery, PG_SERVER } from '../../../helpers/pg.js';

/**
 * The MarketKeys migration on a database migrated to the release before it, holding a US budget row
 * and a US equity mark written the way that release writes them (no market named: the 017 defaults).
 */

const TABLES = ['daily_budget', 'equity_marks'];
const DAY = '2026-12-08';

/** A row of each table as the release before writes it (no market, no currency). */
const ROWS_AS_BEFORE = [
  `INSERT INTO daily_budget (date, spent) VALUES ('${DAY}', 52.5)`,
  `INSERT INTO equity_marks (date, equity, cash, market_value, realized_pnl, unrealized_pnl, marked_at) VALUES ('${DAY}', 100000, 99000, 1000, 0, 2.5, now())`,
];

/** The same date's row of each table for KR, in won, naming its market. */
const KR_ROWS = [
  `INSERT INTO daily_budget (market, currency, date, spent) VALUES ('KR', 'KRW', '${DAY}', 70000)`,
  `INSERT INTO equity_marks (market, currency, date, equity, cash, market_value, realized_pnl, unrealized_pnl, marked_at) VALUES ('KR', 'KRW', '${DAY}', 10000000, 9000000, 1000000, 0, 0, now())`,
];

/** The two tables' columns, constraints and indexes as the catalog describes them. */
async function schemaOf(c: pg.Client): Promise<unknown> {
  const columns = await c.query(
    `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = ANY ($1) ORDER BY table_name, column_name`,
    [TABLES],
  );
  const constraints = await c.query(
    `SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text = ANY ($1) ORDER BY 1, 2`,
    [TABLES],
  );
  const indexes = await c.query(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY ($1) ORDER BY 1, 2`, [TABLES]);
  return { columns: columns.rows, constraints: constraints.rows, indexes: indexes.rows };
}

/** The release before: every migration registered ahead of MarketKeys. */
const BEFORE = MIGRATIONS.slice(0, MIGRATIONS.indexOf(MarketKeys1765300000019));
const prefix = `cs_test_${inject('runPid')}_mkk${randomBytes(3).toString('hex')}`;
const baseDb = `${prefix}_base`;
let before: unknown;
let dbName: string;
let client: pg.Client;

async function migrate(step: 'up' | 'down'): Promise<void> {
  const ds = new DataSource({ type: 'postgres', url: `${PG_SERVER}/${dbName}`, extra: { max: 1 } });
  await ds.initialize();
  const runner = ds.createQueryRunner();
  try {
    await runner.startTransaction();
    try {
      await new MarketKeys1765300000019()[step](runner);
      await runner.commitTransaction();
    } catch (err) {
      await runner.rollbackTransaction();
      throw err;
    }
  } finally {
    await runner.release();
    await ds.destroy();
  }
}

async function refusal(sql: string): Promise<string> {
  try {
    await client.query(sql);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`expected a refusal, but it ran: ${sql}`);
}

beforeAll(async () => {
  await adminQuery(`CREATE DATABASE ${baseDb}`);
  const ds = new DataSource({ type: 'postgres', url: `${PG_SERVER}/${baseDb}`, migrations: BEFORE, migrationsTableName: 'typeorm_migrations', extra: { max: 1 } });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    for (const sql of ROWS_AS_BEFORE) await ds.query(sql);
  } finally {
    await ds.destroy();
  }
  const c = new pg.Client({ connectionString: `${PG_SERVER}/${baseDb}` });
  await c.connect();
  before = await schemaOf(c);
  await c.end();
}, 60_000);

afterAll(async () => {
  await adminQuery(`DROP DATABASE IF EXISTS ${baseDb} WITH (FORCE)`);
});

beforeEach(async () => {
  dbName = `${prefix}_${randomBytes(3).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${dbName} TEMPLATE ${baseDb}`);
  client = new pg.Client({ connectionString: `${PG_SERVER}/${dbName}` });
  await client.connect();
});

afterEach(async () => {
  await client.end();
  await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
});

describe('MarketKeys migration', () => {
  it('is registered right after the Markets migration it completes', () => {
    const markets = MIGRATIONS.findIndex((m) => m.name === 'Markets1765300000017');
    expect(markets).toBeGreaterThan(0);
    expect(MIGRATIONS.indexOf(MarketKeys1765300000019)).toBeGreaterThan(markets);
  });

  it('before it, a KR row of a date that has a US row is refused (one row per date)', async () => {
    expect(await refusal(KR_ROWS[0]!)).toContain('"daily_budget_pkey"');
  });

  it('keys both tables (market, date): KR and US rows of one date coexist, a second row of one market and date is refused', async () => {
    await migrate('up');
    for (const sql of KR_ROWS) await client.query(sql);
    for (const t of TABLES) {
      const rows = (await client.query(`SELECT market, currency, to_char(date, 'YYYY-MM-DD') AS date FROM ${t} ORDER BY market`)).rows;
      expect(rows, t).toEqual([
        { market: 'KR', currency: 'KRW', date: DAY },
        { market: 'US', currency: 'USD', date: DAY },
      ]);
      const key = (await client.query(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = $1`, [`${t}_pkey`])).rows[0].def as string;
      expect(key, t).toBe('PRIMARY KEY (market, date)');
    }
    expect(await refusal(KR_ROWS[0]!)).toContain('"daily_budget_pkey"');
    expect(await refusal(KR_ROWS[1]!)).toContain('"equity_marks_pkey"');
    // The upsert the writers use names the new key.
    await client.query(`INSERT INTO daily_budget AS b (market, currency, date, spent) VALUES ('KR', 'KRW', '${DAY}', 30000) ON CONFLICT (market, date) DO UPDATE SET spent = b.spent + EXCLUDED.spent`);
    expect((await client.query(`SELECT market, spent::float8 AS spent FROM daily_budget ORDER BY market`)).rows).toEqual([
      { market: 'KR', spent: 100000 },
      { market: 'US', spent: 52.5 },
    ]);
  });

  it('a row still ties its currency to its market (the 017 CHECKs), under the wider key', async () => {
    await migrate('up');
    expect(await refusal(`INSERT INTO daily_budget (market, currency, date, spent) VALUES ('KR', 'USD', '2026-12-09', 1)`)).toContain('"daily_budget_currency_check"');
    expect(await refusal(`INSERT INTO equity_marks (market, currency, date, equity, cash, market_value, realized_pnl, unrealized_pnl, marked_at) VALUES ('US', 'KRW', '2026-12-09', 1, 1, 0, 0, 0, now())`)).toContain('"equity_marks_currency_check"');
  });

  it('down() refuses while a KR row exists, then restores the schema exactly and keeps the US rows', async () => {
    await migrate('up');
    await client.query(KR_ROWS[1]!);
    await expect(migrate('down')).rejects.toThrow(/equity_marks holds 1 non-US row.*Delete them first/);
    await client.query(`DELETE FROM equity_marks WHERE market = 'KR'`);
    await migrate('down');
    expect(await schemaOf(client)).toEqual(before);
    for (const t of TABLES) expect((await client.query(`SELECT count(*)::int AS n FROM ${t} WHERE market = 'US'`)).rows[0].n, t).toBe(1);
    // The release before's writes work again, and the migration applies again.
    await client.query(`INSERT INTO daily_budget AS b (date, spent) VALUES ('${DAY}', 1) ON CONFLICT (date) DO UPDATE SET spent = b.spent + EXCLUDED.spent`);
    await migrate('up');
    expect((await client.query(`SELECT spent::float8 AS spent FROM daily_budget`)).rows).toEqual([{ spent: 53.5 }]);
  });
});
