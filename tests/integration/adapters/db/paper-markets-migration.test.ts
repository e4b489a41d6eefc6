/**
 * The PaperMarketsAndFees migration on a database migrated to the release before it, holding paper
 * books written the way that release writes them (account keyed `id = 1`, fills without a fee).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { PaperMarketsAndFees1765300000020 } from '../../../../migrations/1765300000020-PaperMarketsAndFees.js';
import { MIGRATIONS } from '../../../../migrations/index.js';
import { adminQuery, PG_SERVER } from '../../../helpers/pg.js';

const ORDER = `'00000000-0000-0000-0000-000000000001'`;
/** Paper books as the release before writes them: one US account, a filled buy with its fill, a position. */
const BOOKS_AS_BEFORE = [
  `INSERT INTO paper_account (id, cash) VALUES (1, 98950.5)`,
  `INSERT INTO paper_orders (id, client_order_id, symbol, side, qty, order_type, limit_price, time_in_force, status, filled_qty, avg_fill_price)
     VALUES (${ORDER}, 'pm-1', 'SPY', 'buy', 10, 'limit', 105, 'ioc', 'filled', 10, 104.95)`,
  `INSERT INTO paper_fills (order_id, symbol, side, qty, price) VALUES (${ORDER}, 'SPY', 'buy', 10, 104.95)`,
  `INSERT INTO paper_positions (symbol, qty, avg_cost) VALUES ('SPY', 10, 104.95)`,
];

async function schemaOf(c: pg.Client): Promise<unknown> {
  const columns = await c.query(
    `SELECT table_name, column_name, ordinal_position, data_type, numeric_precision, numeric_scale, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name`,
  );
  const constraints = await c.query(
    `SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
  );
  const indexes = await c.query(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`);
  return { columns: columns.rows, constraints: constraints.rows, indexes: indexes.rows };
}

const BEFORE = MIGRATIONS.slice(0, MIGRATIONS.indexOf(PaperMarketsAndFees1765300000020));
const prefix = `cs_test_${inject('runPid')}_ppm${randomBytes(3).toString('hex')}`;
const mainDb = `${prefix}_main`;
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
      await new PaperMarketsAndFees1765300000020()[step](runner);
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

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await client.query(sql)).rows as Record<string, unknown>[];
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
  await adminQuery(`CREATE DATABASE ${mainDb}`);
  const ds = new DataSource({ type: 'postgres', url: `${PG_SERVER}/${mainDb}`, migrations: BEFORE, migrationsTableName: 'typeorm_migrations', extra: { max: 1 } });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    for (const sql of BOOKS_AS_BEFORE) await ds.query(sql);
  } finally {
    await ds.destroy();
  }
  const c = new pg.Client({ connectionString: `${PG_SERVER}/${mainDb}` });
  await c.connect();
  before = await schemaOf(c);
  await c.end();
}, 60_000);

afterAll(async () => {
  await adminQuery(`DROP DATABASE IF EXISTS ${mainDb} WITH (FORCE)`);
});

beforeEach(async () => {
  dbName = `${prefix}_${randomBytes(3).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${dbName} TEMPLATE ${mainDb}`);
  client = new pg.Client({ connectionString: `${PG_SERVER}/${dbName}` });
  await client.connect();
});

afterEach(async () => {
  await client.end();
  await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
});

describe('PaperMarketsAndFees migration', () => {
  it('is registered after the Markets migration', () => {
    expect(MIGRATIONS.indexOf(PaperMarketsAndFees1765300000020)).toBeGreaterThan(MIGRATIONS.findIndex((m) => m.name === 'Markets1765300000017'));
  });

  it('keys the account by market, keeping the US row and its cash', async () => {
    await migrate('up');
    expect(await rows(`SELECT market, currency, cash::text AS cash FROM paper_account`)).toEqual([{ market: 'US', currency: 'USD', cash: '98950.500000' }]);
    await client.query(`INSERT INTO paper_account (market, currency, cash) VALUES ('KR', 'KRW', 10000000)`);
    expect(await refusal(`INSERT INTO paper_account (market, currency, cash) VALUES ('KR', 'KRW', 1)`)).toMatch(/paper_account_pkey/);
    expect(await refusal(`INSERT INTO paper_account (market, currency, cash) VALUES ('KR', 'USD', 1)`)).toMatch(/paper_account_currency_check|paper_account_pkey/);
    // Won have no fraction: a KRW balance with one is refused.
    expect(await refusal(`UPDATE paper_account SET cash = 10.5 WHERE market = 'KR'`)).toMatch(/paper_account_whole_won/);
  });

  it('gives fills a fee: existing ones say the fee was not recorded; a KRW fee is whole won', async () => {
    await migrate('up');
    expect(await rows(`SELECT fee, fee_note FROM paper_fills`)).toEqual([{ fee: null, fee_note: 'filled before paper fees were recorded' }]);
    await client.query(`UPDATE paper_fills SET fee = 0.02, fee_note = NULL`);
    expect(await refusal(`UPDATE paper_fills SET fee = NULL, fee_note = NULL`)).toMatch(/paper_fills_fee_known_or_said/);
    expect(await refusal(`UPDATE paper_fills SET fee = -1`)).toMatch(/paper_fills_fee_check/);
    await client.query(
      `INSERT INTO paper_orders (id, client_order_id, symbol, side, qty, order_type, limit_price, time_in_force, status, filled_qty, avg_fill_price, market, currency)
         VALUES ('00000000-0000-0000-0000-000000000002', 'pm-kr', '069500', 'buy', 3, 'limit', 35000, 'ioc', 'filled', 3, 35000, 'KR', 'KRW')`,
    );
    const krFill = (fee: string) =>
      `INSERT INTO paper_fills (order_id, symbol, side, qty, price, market, currency, fee) VALUES ('00000000-0000-0000-0000-000000000002', '069500', 'buy', 3, 35000, 'KR', 'KRW', ${fee})`;
    expect(await refusal(krFill('15.75'))).toMatch(/paper_fills_fee_check/);
    await client.query(krFill('15'));
  });

  it('down restores the schema and the US books exactly', async () => {
    await migrate('up');
    await migrate('down');
    const c = client;
    expect(await schemaOf(c)).toEqual(before);
    expect(await rows(`SELECT id, market, currency, cash::text AS cash FROM paper_account`)).toEqual([{ id: 1, market: 'US', currency: 'USD', cash: '98950.500000' }]);
    expect(await rows(`SELECT symbol, qty FROM paper_fills`)).toEqual([{ symbol: 'SPY', qty: 10 }]);
  });

  it('down refuses while a KR book or a recorded fee exists (the older schema has room for neither)', async () => {
    await migrate('up');
    await client.query(`INSERT INTO paper_account (market, currency, cash) VALUES ('KR', 'KRW', 10000000)`);
    await expect(migrate('down')).rejects.toThrow(/KR/);
    await client.query(`DELETE FROM paper_account WHERE market = 'KR'`);
    await client.query(`UPDATE paper_fills SET fee = 0.02, fee_note = NULL`);
    await expect(migrate('down')).rejects.toThrow(/fee/);
    await client.query(`UPDATE paper_fills SET fee = 0`);
    await migrate('down');
    expect(await schemaOf(client)).toEqual(before);
  });
});
