import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { Markets1765300000017 } from '../../../../migrations/1765300000017-Markets.js';
import { MIGRATIONS } from '../../../../migrations/index.js';
import { adminQuery, PG_SERVER } from '../../../helpers/pg.js';

/**
 * The Markets migration on a database migrated to the release before it, holding rows written the way
 * that release writes them (no market, no currency).
 */

/** Tables that gain market and currency (they hold money), written out here rather than read from the migration. */
const WITH_CURRENCY = [
  'bars_daily',
  'paper_account',
  'paper_orders',
  'paper_fills',
  'paper_positions',
  'backtest_runs',
  'backtest_trades',
  'picks',
  'orders',
  'fills',
  'positions',
  'position_marks',
  'equity_marks',
  'daily_budget',
];
/** Tables that gain market only. */
const MARKET_ONLY = ['bar_symbols', 'scan_runs', 'scheduled_runs', 'queued_orders', 'decisions'];
/** Tables whose market column predates the migration: they gain the CHECK only. */
const CHECK_ONLY = ['hypothesis_generator_runs', 'data_checks'];
const TOUCHED = [...WITH_CURRENCY, ...MARKET_ONLY];

/**
 * One row per table as today's code writes it (no market column), distinct for each `n` (1..9), with
 * `symbol` in every symbol column. Parents before children. bar_symbols is written by the bars_daily trigger.
 */
function rowsAsToday(n: number, symbol = `SYM${n}`): string[] {
  const d = `'2025-01-0${n}'`;
  const u = (k: number) => `'00000000-0000-0000-000${k}-00000000000${n}'`;
  return [
    `INSERT INTO bars_daily (symbol, date, open, high, low, close, volume, source) VALUES ('${symbol}', ${d}, 10, 11, 9, 10.5, 1000, 'csv')`,
    `DELETE FROM paper_account`,
    `INSERT INTO paper_account (id, cash) VALUES (1, 100000)`,
    `INSERT INTO paper_orders (id, client_order_id, symbol, side, qty, order_type, limit_price, time_in_force, status) VALUES (${u(1)}, 'pco-${n}', '${symbol}', 'buy', 5, 'limit', 10.5, 'ioc', 'filled')`,
    `INSERT INTO paper_fills (order_id, symbol, side, qty, price) VALUES (${u(1)}, '${symbol}', 'buy', 5, 10.5)`,
    `INSERT INTO paper_positions (symbol, qty, avg_cost) VALUES ('${symbol}', 5, 10.5)`,
    `INSERT INTO backtest_runs (id, request_hash, request, status, requested_by) VALUES (${u(2)}, repeat('${n}', 64), '{}', 'queued', 'test')`,
    `INSERT INTO backtest_trades (run_id, seq, symbol, strategy, signal_date, entry_date, entry_price, exit_date, exit_price, qty, pnl, pnl_pct, bars_held, exit_reason, commission)
       VALUES (${u(2)}, 0, '${symbol}', 'donchian', ${d}, ${d}, 10, ${d}, 11, 5, 5, 0.1, 1, 'stop', 0)`,
    `INSERT INTO scan_runs (id, as_of, strategies, status, symbols, demo) VALUES ('scan-${n}', ${d}, '{donchian}', 'done', 10, false)`,
    `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, atr, score, qty, dollar_risk, reasons, demo, expires_at)
       VALUES ('pick-${n}', 'scan-${n}', ${d}, '${symbol}', 'donchian', 10, 9, 0.5, 1, 10, 10, '[]', false, now())`,
    `INSERT INTO orders (id, kind, exit_reason, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force, budget_date, reserved_amount)
       VALUES (${u(3)}, 'exit', 'stop', 'oco-${n}', 'paper', '${symbol}', 'donchian', 'sell', 5, 10, 'ioc', ${d}, 0)`,
    `INSERT INTO fills (order_id, symbol, side, qty, price, filled_at, seq) VALUES (${u(3)}, '${symbol}', 'sell', 5, 10, now(), 0)`,
    `INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at) VALUES ('${symbol}', 'donchian', 5, 10.5, now())`,
    `INSERT INTO position_marks (date, symbol, strategy, qty, avg_cost, price, unrealized_pnl) VALUES (${d}, '${symbol}', 'donchian', 5, 10.5, 11, 2.5)`,
    `INSERT INTO equity_marks (date, equity, cash, market_value, realized_pnl, unrealized_pnl, marked_at) VALUES (${d}, 100000, 99000, 1000, 0, 2.5, now())`,
    `INSERT INTO daily_budget (date, spent) VALUES (${d}, 52.5)`,
    `INSERT INTO scheduled_runs (slot_key, slot, session_date, due_at) VALUES ('sched-scan-${n}', 'scan', ${d}, now())`,
    `INSERT INTO queued_orders (id, kind, session_date, send_at, expires_at, kill_epoch, requested_by, role, chat_id, created_at, updated_at)
       VALUES ('q000${n}', 'flatten', ${d}, now(), now() + interval '30 minutes', ${n}, 1, 'admin', 1, now(), now())`,
    `INSERT INTO decisions (run_id, kind, session_date, symbol, source, outcome, inputs, audit_seq) VALUES ('scan-${n}', 'signal', ${d}, '${symbol}', 'donchian', 'posted', '{}', 1)`,
    `INSERT INTO hypothesis_generator_runs (market, session, proposed) VALUES ('US', ${d}, 1)`,
    `INSERT INTO data_checks (market, checked_at, last_completed, symbols, symbols_flagged, missing_session, missing_sessions, stale, ms, findings)
       VALUES ('US', now(), ${d}, 1, 0, 0, 0, 0, 1, '[]')`,
  ];
}

/** The schema as the catalog describes it: columns, constraints, indexes and the bars refresh function. */
async function schemaOf(c: pg.Client): Promise<unknown> {
  const columns = await c.query(
    `SELECT table_name, column_name, ordinal_position, data_type, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name`,
  );
  const constraints = await c.query(
    `SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def
       FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
  );
  const indexes = await c.query(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`);
  const fn = await c.query(`SELECT pg_get_functiondef('bars_refresh'::regproc) AS def`);
  return { columns: columns.rows, constraints: constraints.rows, indexes: indexes.rows, barsRefresh: fn.rows[0].def };
}

/** The release before: every migration registered ahead of Markets. */
const MAIN = MIGRATIONS.slice(0, MIGRATIONS.indexOf(Markets1765300000017));
const prefix = `cs_test_${inject('runPid')}_mkt${randomBytes(3).toString('hex')}`;
const mainDb = `${prefix}_main`;
let before: unknown;
let dbName: string;
let client: pg.Client;

/** Runs the Markets migration's up or down on the current test database. */
async function migrate(step: 'up' | 'down'): Promise<void> {
  const ds = new DataSource({ type: 'postgres', url: `${PG_SERVER}/${dbName}`, extra: { max: 1 } });
  await ds.initialize();
  const runner = ds.createQueryRunner();
  try {
    await runner.startTransaction();
    try {
      await new Markets1765300000017()[step](runner);
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

/** The message of the error `sql` fails with (the test fails if it succeeds). */
async function refusal(sql: string): Promise<string> {
  try {
    await client.query(sql);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`expected a refusal, but it ran: ${sql}`);
}

/** The touched tables with a `symbol` column, each mapped to whether that column takes NULL, as the catalog says. */
async function symbolColumns(): Promise<Map<string, boolean>> {
  const rows = (await client.query(`SELECT table_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'symbol'`)).rows as {
    table_name: string;
    is_nullable: string;
  }[];
  return new Map(rows.filter((r) => TOUCHED.includes(r.table_name)).map((r) => [r.table_name, r.is_nullable === 'YES']));
}

/** `market = 'KR'`, with `currency = 'KRW'` where the table holds money: a row filed as KR in won. */
function krInWon(t: string): string {
  return WITH_CURRENCY.includes(t) ? `market = 'KR', currency = 'KRW'` : `market = 'KR'`;
}

/** A queued close of `symbol` written today's way (no market): the queued row that names a symbol (rowsAsToday's flatten names none). */
function queuedClose(symbol: string): string {
  return `INSERT INTO queued_orders (id, kind, session_date, send_at, expires_at, symbol, strategy, side, qty, requested_by, role, chat_id, created_at, updated_at)
    VALUES ('qcls${symbol.toLowerCase()}', 'close', '2025-01-01', now(), now() + interval '30 minutes', '${symbol}', 'donchian', 'sell', 5, 1, 'admin', 1, now(), now())`;
}

beforeAll(async () => {
  // The release before this migration: every migration but it, on an empty database, with rows written as it writes them.
  await adminQuery(`CREATE DATABASE ${mainDb}`);
  const ds = new DataSource({ type: 'postgres', url: `${PG_SERVER}/${mainDb}`, migrations: MAIN, migrationsTableName: 'typeorm_migrations', extra: { max: 1 } });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    for (const sql of rowsAsToday(1)) await ds.query(sql);
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

describe('Markets migration', () => {
  it('is registered after the migrations it builds on', () => {
    expect(MIGRATIONS.indexOf(Markets1765300000017)).toBeGreaterThan(MIGRATIONS.findIndex((m) => m.name === 'DataGaps1765300000016'));
  });

  it('files every existing row as US (and USD where it holds money)', async () => {
    await migrate('up');
    for (const t of TOUCHED) {
      const cols = WITH_CURRENCY.includes(t) ? `market, currency` : `market`;
      const rows = (await client.query(`SELECT DISTINCT ${cols} FROM ${t}`)).rows;
      expect(rows, t).toEqual([WITH_CURRENCY.includes(t) ? { market: 'US', currency: 'USD' } : { market: 'US' }]);
    }
  });

  it('a row inserted by today\'s code, which names no market, is US (and USD); bar_symbols takes its bars\' market', async () => {
    await migrate('up');
    for (const sql of rowsAsToday(2)) await client.query(sql);
    for (const t of TOUCHED) {
      const n = (await client.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n as number;
      expect(n, t).toBeGreaterThan(0);
      const notUs = (await client.query(`SELECT count(*)::int AS n FROM ${t} WHERE market <> 'US'`)).rows[0].n as number;
      expect(notUs, t).toBe(0);
    }
    expect((await client.query(`SELECT symbol, market FROM bar_symbols ORDER BY symbol`)).rows).toEqual([
      { symbol: 'SYM1', market: 'US' },
      { symbol: 'SYM2', market: 'US' },
    ]);
    // A KR symbol's bars make a KR bar_symbols row (the refresh copies the market, not the column default).
    await client.query(`INSERT INTO bars_daily (symbol, date, open, high, low, close, volume, source, market, currency) VALUES ('005930', '2025-01-02', 53000, 54000, 52000, 53500, 1000, 'csv', 'KR', 'KRW')`);
    expect((await client.query(`SELECT market, bar_count FROM bar_symbols WHERE symbol = '005930'`)).rows).toEqual([{ market: 'KR', bar_count: 1 }]);
    await client.query(`DELETE FROM bars_daily WHERE symbol = '005930'`);
    expect((await client.query(`SELECT count(*)::int AS n FROM bar_symbols WHERE symbol = '005930'`)).rows[0].n).toBe(0);
  });

  it('the CHECKs refuse an unknown market and a currency of the other market, and take KR in KRW', async () => {
    await migrate('up');
    const symbols = await symbolColumns();
    // A row flipped to KR gets a KRX code too where it has a symbol, so only the CHECK under test can refuse it.
    const kr = (t: string) => (symbols.has(t) ? `market = 'KR', symbol = '069500'` : `market = 'KR'`);
    for (const t of [...TOUCHED, ...CHECK_ONLY]) {
      expect(await refusal(`UPDATE ${t} SET market = 'XX'`), t).toContain(`"${t}_market_check"`);
    }
    for (const t of WITH_CURRENCY) {
      expect(await refusal(`UPDATE ${t} SET ${kr(t)}`), t).toContain(`"${t}_currency_check"`);
      expect(await refusal(`UPDATE ${t} SET currency = 'KRW'`), t).toContain(`"${t}_currency_check"`);
      expect(await refusal(`UPDATE ${t} SET ${kr(t)}, currency = 'EUR'`), t).toContain(`"${t}_currency_check"`);
      await client.query('BEGIN');
      await client.query(`UPDATE ${t} SET ${kr(t)}, currency = 'KRW'`);
      expect((await client.query(`SELECT DISTINCT market, currency FROM ${t}`)).rows, t).toEqual([{ market: 'KR', currency: 'KRW' }]);
      await client.query('ROLLBACK');
    }
    for (const t of [...MARKET_ONLY, ...CHECK_ONLY]) {
      await client.query('BEGIN');
      await client.query(`UPDATE ${t} SET ${kr(t)}`);
      expect((await client.query(`SELECT DISTINCT market FROM ${t}`)).rows, t).toEqual([{ market: 'KR' }]);
      await client.query('ROLLBACK');
    }
  });

  it('every table with a symbol column carries a market, but the packed bars derived from bar_symbols', async () => {
    const withSymbol = async () =>
      (await client.query(`SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'symbol'`)).rows.map((r) => r.table_name as string);
    const withMarket = async () =>
      (await client.query(`SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'market'`)).rows.map((r) => r.table_name as string);
    const symbolTables = await withSymbol();
    expect(symbolTables.length).toBeGreaterThan(10);
    await migrate('up');
    const marked = new Set(await withMarket());
    expect(symbolTables.filter((t) => !marked.has(t)).sort()).toEqual(['bar_packed']);
  });

  it('one queued /kill flatten per market and epoch: KR and US may each queue one for the same epoch', async () => {
    await migrate('up');
    const flatten = (id: string, market: string) =>
      `INSERT INTO queued_orders (id, kind, session_date, send_at, expires_at, kill_epoch, requested_by, role, chat_id, created_at, updated_at, market)
       VALUES ('${id}', 'flatten', '2025-01-02', now(), now() + interval '30 minutes', 7, 1, 'admin', 1, now(), now(), '${market}')`;
    await client.query(flatten('qus07', 'US'));
    await client.query(flatten('qkr07', 'KR'));
    expect(await refusal(flatten('qus07b', 'US'))).toContain('"queued_orders_one_flatten"');
  });

  it('every touched table with a symbol column gets <table>_symbol_market_check, taking NULL only where the column does', async () => {
    await migrate('up');
    const symbols = await symbolColumns();
    expect(symbols.size).toBeGreaterThan(10);
    const checks = (
      await client.query(
        `SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def
           FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conname LIKE '%symbol_market_check'`,
      )
    ).rows as { tbl: string; conname: string; def: string }[];
    expect(checks.map((c) => c.tbl).sort()).toEqual([...symbols.keys()].sort());
    for (const c of checks) {
      expect(c.conname).toBe(`${c.tbl}_symbol_market_check`);
      expect(c.def.includes('symbol IS NULL'), c.tbl).toBe(symbols.get(c.tbl));
    }
  });

  it("a KRX code inserted by today's code, which names no market, is refused naming the table's symbol CHECK", async () => {
    await migrate('up');
    const symbols = await symbolColumns();
    const statements = [
      ...rowsAsToday(4, '069500'),
      `INSERT INTO bar_symbols (symbol, source, demo, first_date, last_date, bar_count, version) VALUES ('069500', 'csv', false, '2025-01-04', '2025-01-04', 1, 1)`,
      queuedClose('069500'),
    ];
    const refused = new Set<string>();
    for (const sql of statements) {
      const t = /^\s*INSERT INTO (\w+)/.exec(sql)?.[1];
      if (!t || !symbols.has(t) || !sql.includes(`'069500'`)) continue;
      expect(await refusal(sql), t).toContain(`"${t}_symbol_market_check"`);
      refused.add(t);
    }
    expect([...refused].sort()).toEqual([...symbols.keys()].sort());
    // Named outright as US, the code is refused too.
    expect(
      await refusal(`INSERT INTO bars_daily (symbol, date, open, high, low, close, volume, source, market, currency) VALUES ('069500', '2025-01-04', 1, 1, 1, 1, 1, 'csv', 'US', 'USD')`),
    ).toContain('"bars_daily_symbol_market_check"');
  });

  it('a US ticker filed as KR is refused naming the symbol CHECK, on update and on insert', async () => {
    await migrate('up');
    await client.query(queuedClose('SYM1'));
    const symbols = await symbolColumns();
    for (const t of symbols.keys()) {
      expect(await refusal(`UPDATE ${t} SET ${krInWon(t)}`), t).toContain(`"${t}_symbol_market_check"`);
    }
    expect(
      await refusal(`INSERT INTO bars_daily (symbol, date, open, high, low, close, volume, source, market, currency) VALUES ('SPY', '2025-01-04', 1, 1, 1, 1, 1, 'csv', 'KR', 'KRW')`),
    ).toContain('"bars_daily_symbol_market_check"');
  });

  it("'069500' filed as KR (in KRW where the table holds money) is taken by every table with a symbol", async () => {
    await migrate('up');
    await client.query(queuedClose('SYM1'));
    const symbols = await symbolColumns();
    for (const t of symbols.keys()) {
      await client.query('BEGIN');
      const moved = await client.query(`UPDATE ${t} SET symbol = '069500', ${krInWon(t)} WHERE symbol = 'SYM1'`);
      expect(moved.rowCount, t).toBe(1);
      const cols = WITH_CURRENCY.includes(t) ? 'market, currency' : 'market';
      expect((await client.query(`SELECT DISTINCT ${cols} FROM ${t} WHERE symbol = '069500'`)).rows, t).toEqual([
        WITH_CURRENCY.includes(t) ? { market: 'KR', currency: 'KRW' } : { market: 'KR' },
      ]);
      await client.query('ROLLBACK');
    }
  });

  it('a six-digit code the release before wrote (as it allowed) is filed as KR, in KRW, by up(); down() then refuses', async () => {
    for (const sql of [...rowsAsToday(5, '069500'), queuedClose('SYM1'), queuedClose('069500')]) await client.query(sql);
    await migrate('up');
    const symbols = await symbolColumns();
    for (const t of symbols.keys()) {
      const money = WITH_CURRENCY.includes(t);
      const rows = (await client.query(`SELECT DISTINCT symbol, market${money ? ', currency' : ''} FROM ${t} WHERE symbol IS NOT NULL ORDER BY symbol`)).rows;
      expect(rows, t).toEqual([
        { symbol: '069500', market: 'KR', ...(money ? { currency: 'KRW' } : {}) },
        { symbol: 'SYM1', market: 'US', ...(money ? { currency: 'USD' } : {}) },
      ]);
    }
    await expect(migrate('down')).rejects.toThrow(/holds 1 non-US row.*Delete them first/);
  });

  it('down() refuses while a KR row exists, then restores the schema exactly and keeps the rows', async () => {
    await migrate('up');
    await client.query(`UPDATE picks SET market = 'KR', currency = 'KRW', symbol = '069500'`);
    await expect(migrate('down')).rejects.toThrow(/picks holds 1 non-US row.*Delete them first/);
    await client.query(`UPDATE picks SET market = 'US', currency = 'USD', symbol = 'SYM1'`);
    await migrate('down');
    expect(await schemaOf(client)).toEqual(before);
    for (const t of [...TOUCHED, ...CHECK_ONLY]) {
      const n = (await client.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n as number;
      expect(n, t).toBe(1);
    }
    // The restored refresh writes bar_symbols as before, and the migration applies again.
    for (const sql of rowsAsToday(3)) await client.query(sql);
    await migrate('up');
    expect((await client.query(`SELECT count(*)::int AS n FROM bar_symbols WHERE market = 'US'`)).rows[0].n).toBe(2);
  });
});
