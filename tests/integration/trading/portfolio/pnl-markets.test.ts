/**
 * Issue 15, item 6, on Postgres: /pnl and /orders per market. Realized P&L is summed per market in
 * its currency (won are never added to dollars), a KR trade is filed under its Seoul date on the
 * KRX calendar (a fill at 2026-12-07T23:30Z is New York's Dec 7 but Seoul's Dec 8), unrealized
 * P&L and equity come from that market's positions and marks, and /orders says each order's market.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import type { UnitOfWork } from '../../../../src/adapters/db/port.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { loadRecentOrders } from '../../../../src/trading/portfolio/orders.js';
import { loadPnl } from '../../../../src/trading/portfolio/pnl.js';
import { orderFiledInWindowSql, tradeWindow } from '../../../../src/trading/portfolio/trade-date.js';
import { createTestDatabase } from '../../../helpers/pg.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let uow: UnitOfWork;

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 4 });
  await ds.initialize();
  uow = new TypeOrmUnitOfWork(ds);
});

afterAll(async () => {
  if (ds?.isInitialized) await ds.destroy();
  await db?.drop();
});

beforeEach(async () => {
  for (const t of ['fills', 'orders', 'positions', 'equity_marks', 'bars_daily']) await ds.query(`DELETE FROM ${t}`);
});

type Market = 'US' | 'KR';
const CURRENCY = { US: 'USD', KR: 'KRW' } as const;

/** A filled exit (sell) of `market`, with one fill at `at` and its realized P&L; returns its id. */
async function exit(market: Market, symbol: string, at: Date, realizedPnl: number, price: number, qty = 10): Promise<string> {
  const id = randomUUID();
  await ds.query(
    `INSERT INTO orders (id, kind, exit_reason, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force, state,
                         filled_qty, avg_fill_price, realized_pnl, budget_date, reserved_amount, booked_at, created_at, updated_at, market, currency)
     VALUES ($1, 'exit', 'stop', $2, 'paper', $3, 'donchian', 'sell', $4, $5, 'ioc', 'filled', $4, $5, $6, $7::timestamptz::date, 0, $7::timestamptz, $7::timestamptz, $7::timestamptz, $8, $9)`,
    [id, `cx-${id}`, symbol, qty, price, realizedPnl, at, market, CURRENCY[market]],
  );
  await ds.query(`INSERT INTO fills (order_id, symbol, side, qty, price, filled_at, seq, market, currency) VALUES ($1, $2, 'sell', $3, $4, $5, 0, $6, $7)`, [
    id,
    symbol,
    qty,
    price,
    at,
    market,
    CURRENCY[market],
  ]);
  return id;
}

async function mark(market: Market, date: string, equity: number, cash: number, markedAt: Date): Promise<void> {
  await ds.query(
    `INSERT INTO equity_marks (market, currency, date, equity, cash, market_value, realized_pnl, unrealized_pnl, marked_at)
     VALUES ($1, $2, $3, $4, $5, $4::numeric - $5::numeric, 0, 0, $6)`,
    [market, CURRENCY[market], date, equity, cash, markedAt],
  );
}

async function position(market: Market, symbol: string, qty: number, avgCost: number, lastPrice: number, at: Date): Promise<void> {
  await ds.query(
    `INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop, last_price, last_price_at, last_price_source, market, currency)
     VALUES ($1, 'donchian', $2, $3, '2026-12-01T00:00:00Z', NULL, $4, $5, 'close', $6, $7)`,
    [symbol, qty, avgCost, lastPrice, at, market, CURRENCY[market]],
  );
}

/** The paper book's copy of a trading order, with one fill paying `fee` (in the order's currency). */
async function paperFee(orderId: string, fee: number): Promise<void> {
  const paperId = randomUUID();
  await ds.query(
    `INSERT INTO paper_orders (id, client_order_id, symbol, side, qty, order_type, limit_price, time_in_force, status, filled_qty, avg_fill_price, market, currency)
     SELECT $2::uuid, client_order_id, symbol, side, qty, 'limit', limit_price, 'ioc', 'filled', filled_qty, avg_fill_price, market, currency FROM orders WHERE id = $1`,
    [orderId, paperId],
  );
  await ds.query(
    `INSERT INTO paper_fills (order_id, symbol, side, qty, price, market, currency, fee) SELECT $2::uuid, symbol, side, filled_qty, avg_fill_price, market, currency, $3 FROM orders WHERE id = $1`,
    [orderId, paperId, fee],
  );
  await ds.query(`UPDATE orders SET broker_order_id = $2 WHERE id = $1`, [orderId, paperId]);
}

/** The sessions of `market` from Nov 30 to Dec 11, 2026 whose window files the order. */
async function sessionsFiling(orderId: string, market: Market): Promise<string[]> {
  const filed: string[] = [];
  for (const s of ['2026-12-04', '2026-12-07', '2026-12-08', '2026-12-09']) {
    const w = tradeWindow(s, s, market);
    const r = (await ds.query(`SELECT ${orderFiledInWindowSql('o', '$1', '$2')} AS filed FROM orders o WHERE o.id = $3`, [w.after, w.through, orderId])) as { filed: boolean }[];
    if (r[0]?.filed) filed.push(s);
  }
  return filed;
}

/** 23:30Z Monday Dec 7, 2026: 18:30 Monday in New York, 08:30 Tuesday Dec 8 in Seoul. */
const BOUNDARY = new Date('2026-12-07T23:30:00Z');

describe('the session a KR trade is filed under', () => {
  it('a KR fill at 23:30Z is Seoul’s Dec 8; a US fill at the same instant is New York’s Dec 7', async () => {
    const kr = await exit('KR', '069500', BOUNDARY, 2_100, 35_210);
    const us = await exit('US', 'SPY', BOUNDARY, 50, 505);
    expect(await sessionsFiling(kr, 'KR')).toEqual(['2026-12-08']);
    expect(await sessionsFiling(us, 'US')).toEqual(['2026-12-07']);
  });
});

describe('loadPnl per market', () => {
  // 01:00Z Tuesday Dec 8: 20:00 Monday in New York, 10:00 Tuesday in Seoul.
  const now = new Date('2026-12-08T01:00:00Z');

  beforeEach(async () => {
    await exit('US', 'SPY', new Date('2026-12-07T20:00:00Z'), 50, 505); // Mon 15:00 ET
    await exit('US', 'QQQ', new Date('2026-12-04T20:00:00Z'), -12.5, 400); // Fri 15:00 ET
    await exit('KR', '069500', BOUNDARY, 2_100, 35_210); // Tue 08:30 KST
    await exit('KR', '114800', new Date('2026-12-07T05:00:00Z'), -300, 5_000, 3); // Mon 14:00 KST
    await position('US', 'IWM', 10, 200, 205, new Date('2026-12-07T21:00:00Z'));
    await position('KR', '229200', 100, 10_000, 10_050, new Date('2026-12-07T06:30:00Z'));
    await mark('US', '2026-12-04', 100_000, 90_000, new Date('2026-12-04T21:30:00Z'));
    await mark('US', '2026-12-07', 100_100, 90_000, new Date('2026-12-07T21:30:00Z'));
    await mark('KR', '2026-12-07', 10_000_000, 9_000_000, new Date('2026-12-07T06:40:00Z'));
  });

  it('the top level is the US book alone: no won in its dollars', async () => {
    const r = await loadPnl(uow, 'day', now);
    expect(r.range.to).toBe('2026-12-07');
    expect(r.realized).toEqual({ total: 50, trades: 1, wins: 1, losses: 0 });
    expect(r.unrealized).toMatchObject({ total: 50, positions: 1, unpriced: 0 });
    expect(r.equity.points).toEqual([
      { date: '2026-12-04', equity: 100_000, live: false },
      { date: '2026-12-07', equity: 100_100, live: false },
    ]);
  });

  it('a section per market, each on its own sessions and in its own currency', async () => {
    const r = await loadPnl(uow, 'day', now);
    expect(r.markets?.map((m) => [m.market, m.currency, m.range.to])).toEqual([
      ['US', 'USD', '2026-12-07'],
      ['KR', 'KRW', '2026-12-08'],
    ]);
    const kr = r.markets![1]!;
    // Only the 23:30Z sell is Seoul's Dec 8; Monday's 14:00 KST sell is Dec 7's.
    expect(kr.realized).toEqual({ total: 2_100, trades: 1, wins: 1, losses: 0 });
    // 100 × (10,050 − 10,000).
    expect(kr.unrealized).toMatchObject({ total: 5_000, positions: 1, unpriced: 0 });
    // Dec 8 has no KR mark: live = Dec 7's cash + the KR fills since (10 × 35,210) + the KR positions (100 × 10,050).
    expect(kr.equity.points).toEqual([
      { date: '2026-12-07', equity: 10_000_000, live: false },
      { date: '2026-12-08', equity: 9_000_000 + 352_100 + 1_005_000, live: true },
    ]);
    expect(kr.equity.change).toBe(357_100);
    expect(r.markets![0]!.realized).toEqual(r.realized);
  });

  it('fees net out per market in its currency, the KR ones on the Seoul day', async () => {
    const kr = (await ds.query(`SELECT id FROM orders WHERE symbol = '069500'`)) as { id: string }[];
    const us = (await ds.query(`SELECT id FROM orders WHERE symbol = 'SPY'`)) as { id: string }[];
    await paperFee(kr[0]!.id, 53);
    await paperFee(us[0]!.id, 1.39);
    const r = await loadPnl(uow, 'day', now);
    expect(r.markets!.map((m) => m.realizedNet)).toEqual([
      { currency: 'USD', gross: 50, fees: 1.39, net: 48.61, fillsWithFee: 1, fillsFeeUnknown: 0 },
      { currency: 'KRW', gross: 2_100, fees: 53, net: 2_047, fillsWithFee: 1, fillsFeeUnknown: 0 },
    ]);
  });

  it('a week: each market’s five sessions, realized summed in its currency only', async () => {
    const r = await loadPnl(uow, 'week', now);
    expect(r.realized.total).toBe(50 - 12.5);
    const kr = r.markets!.find((m) => m.market === 'KR')!;
    expect(kr.range).toMatchObject({ from: '2026-12-02', to: '2026-12-08' });
    expect(kr.realized).toEqual({ total: 2_100 - 300, trades: 2, wins: 1, losses: 1 });
  });

  it('only US data: no markets, the report as it always was', async () => {
    await ds.query(`DELETE FROM fills WHERE market = 'KR'`);
    await ds.query(`DELETE FROM orders WHERE market = 'KR'`);
    await ds.query(`DELETE FROM positions WHERE market = 'KR'`);
    await ds.query(`DELETE FROM equity_marks WHERE market = 'KR'`);
    const r = await loadPnl(uow, 'day', now);
    expect('markets' in r).toBe(false);
    expect(r.realized.total).toBe(50);
  });
});

describe('loadRecentOrders', () => {
  it('says each order’s market', async () => {
    await exit('US', 'SPY', new Date('2026-12-07T20:00:00Z'), 50, 505);
    await exit('KR', '069500', BOUNDARY, 2_100, 35_210);
    const orders = await loadRecentOrders(uow);
    expect(orders.map((o) => [o.symbol, o.market, o.avgFillPrice, o.realizedPnl])).toEqual([
      ['069500', 'KR', 35_210, 2_100],
      ['SPY', 'US', 505, 50],
    ]);
  });
});
