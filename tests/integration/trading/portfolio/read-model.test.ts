import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import type { UnitOfWork } from '../../../../src/adapters/db/port.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import type { ExecutionOutcome } from '../../../../src/trading/execution/execute.js';
import { loadFillContext } from '../../../../src/trading/portfolio/fill-context.js';
import { loadRecentOrders } from '../../../../src/trading/portfolio/orders.js';
import { loadPnl } from '../../../../src/trading/portfolio/pnl.js';
import { loadOpenPositions } from '../../../../src/trading/portfolio/positions.js';
import { createTestDatabase } from '../../../helpers/pg.js';
import { NOW, seedBars, seedFill, seedMark, seedOrder, seedPick, seedPosition, seedRun } from './seed.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
/** The use cases' port over `ds`. */
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
  for (const t of ['fills', 'orders', 'approvals', 'picks', 'scan_runs', 'positions', 'equity_marks', 'bars_daily']) await ds.query(`DELETE FROM ${t}`);
  await seedRun(ds);
});

/** Three open positions (mark, close-only, no price) and a closed one. */
async function seedBook(): Promise<void> {
  // AAA: marked at 110 (close of 2025-01-08) although a newer close of 120 exists: the mark wins.
  await seedPosition(ds, { symbol: 'AAA', qty: 10, avgCost: 100, stop: 95, timeStopDate: '2025-01-14', lastPrice: 110, lastPriceAt: new Date('2025-01-08T21:00:00Z') });
  await seedBars(ds, 'AAA', '2025-01-10', 3, () => 120);
  // BBB: never marked; its latest close (2025-01-08: 45) is used, not the older 44.
  await seedPosition(ds, { symbol: 'BBB', strategy: 'turtle_soup', qty: 5, avgCost: 50 });
  await seedBars(ds, 'BBB', '2025-01-08', 2, (i) => 44 + i);
  // CCC: no mark, no bars.
  await seedPosition(ds, { symbol: 'CCC', qty: 3, avgCost: 20 });
  // ZZZ: closed (qty 0): not listed.
  await seedPosition(ds, { symbol: 'ZZZ', qty: 0, avgCost: 7, lastPrice: 9, lastPriceAt: new Date('2025-01-08T21:00:00Z') });
}

describe('loadOpenPositions', () => {
  it('prices from the mark, else the latest close, else none; biggest P&L first, unpriced last', async () => {
    await seedBook();
    const s = await loadOpenPositions(uow);
    expect(s.positions.map((p) => [p.symbol, p.priceSource, p.price, p.priceAsOf, p.unrealizedPnl])).toEqual([
      ['AAA', 'mark', 110, '2025-01-08', 100],
      ['BBB', 'close', 45, '2025-01-08', -25],
      ['CCC', 'none', null, null, null],
    ]);
    const aaa = s.positions[0]!;
    expect(aaa).toMatchObject({ strategy: 'donchian', qty: 10, avgCost: 100, stop: 95, timeStopDate: '2025-01-14', costBasis: 1000, marketValue: 1100 });
    expect(aaa.unrealizedPct).toBeCloseTo(0.1, 12);
    expect(s.positions[1]!.unrealizedPct).toBeCloseTo(-0.1, 12);
    // Cost 1000 + 250 + 60; value 1100 + 225 + CCC at cost 60; P&L 100 − 25 (CCC unknown).
    expect(s.totals).toEqual({ count: 3, costBasis: 1310, marketValue: 1385, unrealizedPnl: 75, unpriced: 1 });
  });

  it('says where each price came from: the broker mark with its time, a recorded close with its date, an old mark as before (issue 19 item 7)', async () => {
    const at = new Date('2025-01-10T20:42:00Z'); // 15:42 in New York
    await seedPosition(ds, { symbol: 'BRK', qty: 10, avgCost: 100, lastPrice: 104, lastPriceAt: at, lastPriceSource: 'broker:alpaca-paper' });
    await seedPosition(ds, { symbol: 'CLS', qty: 10, avgCost: 100, lastPrice: 103, lastPriceAt: new Date('2025-01-09T21:00:00Z'), lastPriceSource: 'close' });
    await seedPosition(ds, { symbol: 'OLD', qty: 10, avgCost: 100, lastPrice: 102, lastPriceAt: new Date('2025-01-08T21:00:00Z') });
    await seedPosition(ds, { symbol: 'BAR', qty: 10, avgCost: 100 });
    await seedBars(ds, 'BAR', '2025-01-08', 1, () => 101);
    const s = await loadOpenPositions(uow);
    expect(s.positions.map((p) => [p.symbol, p.priceSource, p.price, p.priceAsOf, p.priceOrigin])).toEqual([
      ['BRK', 'broker', 104, '2025-01-10', { kind: 'broker', broker: 'alpaca-paper', at }],
      ['CLS', 'close', 103, '2025-01-09', { kind: 'close', date: '2025-01-09' }],
      ['OLD', 'mark', 102, '2025-01-08', { kind: 'mark', date: '2025-01-08' }],
      ['BAR', 'close', 101, '2025-01-08', { kind: 'close', date: '2025-01-08' }],
    ]);
  });

  it('an empty book', async () => {
    expect(await loadOpenPositions(uow)).toEqual({ positions: [], totals: { count: 0, costBasis: 0, marketValue: 0, unrealizedPnl: 0, unpriced: 0 } });
  });
});

describe('loadRecentOrders', () => {
  it('the latest N, newest first, entries and exits, with parsed numbers and short ids', async () => {
    await seedPick(ds, { id: 'pk-1', symbol: 'ENT', entry: 10, stop: 9 });
    const base = Date.parse('2025-01-10T15:00:00Z');
    for (let i = 0; i < 11; i++) await seedOrder(ds, { symbol: `X${i}`, createdAt: new Date(base + i * 60_000), realizedPnl: i - 5, avgFillPrice: 10.5 + i });
    const entryId = await seedOrder(ds, {
      kind: 'entry',
      pickId: 'pk-1',
      symbol: 'ENT',
      qty: 7,
      filledQty: 4,
      avgFillPrice: 10.123456,
      limitPrice: 10.2,
      state: 'canceled',
      createdAt: new Date(base + 11 * 60_000),
      clientOrderId: 'cs-1a2b3c4d-0000-4000-8000-000000000001',
    });
    const orders = await loadRecentOrders(uow, 10);
    expect(orders.map((o) => o.symbol)).toEqual(['ENT', 'X10', 'X9', 'X8', 'X7', 'X6', 'X5', 'X4', 'X3', 'X2']);
    expect(orders[0]).toMatchObject({
      id: entryId,
      kind: 'entry',
      exitReason: null,
      side: 'buy',
      qty: 7,
      filledQty: 4,
      avgFillPrice: 10.123456,
      limitPrice: 10.2,
      state: 'canceled',
      shortId: 'cs-1a2b3c4d',
      broker: 'paper',
      realizedPnl: null,
    });
    expect(orders[1]).toMatchObject({ kind: 'exit', exitReason: 'stop', side: 'sell', realizedPnl: 5, avgFillPrice: 20.5 });
    expect(orders[0]!.createdAt).toBeInstanceOf(Date);
    expect((await loadRecentOrders(uow, 3)).map((o) => o.symbol)).toEqual(['ENT', 'X10', 'X9']);
    await expect(loadRecentOrders(uow, 0)).rejects.toThrow(RangeError);
  });
});

describe('loadPnl', () => {
  /** Realized P&L on New York dates around the period edges, and equity marks with fills after the last one. */
  async function seedHistory(): Promise<void> {
    await seedBook();
    // 10:00 NY Jan 10 → in "day".
    await seedOrder(ds, { symbol: 'R1', realizedPnl: 50, createdAt: new Date('2025-01-10T15:00:00Z') });
    // 04:30Z Jan 9 is 23:30 NY Jan 8 (a UTC date would say Jan 9): in the week, not the day.
    await seedOrder(ds, { symbol: 'R2', realizedPnl: -20, createdAt: new Date('2025-01-09T04:30:00Z') });
    // 00:30 NY Jan 10 (05:30Z) → Jan 10: in "day" although it is before the open.
    await seedOrder(ds, { symbol: 'R3', realizedPnl: 5, createdAt: new Date('2025-01-10T05:30:00Z') });
    // Jan 3: first session of the week.
    await seedOrder(ds, { symbol: 'R4', realizedPnl: 30, createdAt: new Date('2025-01-03T15:00:00Z') });
    // 20:00 NY Jan 2 (01:00Z Jan 3) → the week's baseline day: month only.
    await seedOrder(ds, { symbol: 'R5', realizedPnl: 1000, createdAt: new Date('2025-01-03T01:00:00Z') });
    // Not booked yet, and an entry without realized P&L: never counted.
    await seedOrder(ds, { symbol: 'R6', realizedPnl: 999, bookedAt: null, createdAt: new Date('2025-01-10T16:00:00Z') });
    await seedOrder(ds, { symbol: 'R7', realizedPnl: null, createdAt: new Date('2025-01-10T16:00:00Z') });

    for (const [date, equity] of [
      ['2025-01-02', 10_000],
      ['2025-01-03', 10_100],
      ['2025-01-06', 10_050],
      ['2025-01-07', 10_200],
    ] as const) {
      await seedMark(ds, { date, equity, cash: 9_000 });
    }
    await seedMark(ds, { date: '2025-01-08', equity: 10_300, cash: 9_000, markedAt: new Date('2025-01-08T22:00:00Z') });
    // Fills before the last mark are already in its cash; after it: a buy of 2 × 50 and a sell of 1 × 110.
    const f = await seedOrder(ds, { symbol: 'F', createdAt: new Date('2025-01-08T15:00:00Z') });
    await seedFill(ds, f, { side: 'buy', qty: 10, price: 100, at: new Date('2025-01-08T15:00:00Z') });
    await seedFill(ds, f, { side: 'buy', qty: 2, price: 50, at: new Date('2025-01-10T15:00:00Z'), seq: 1 });
    await seedFill(ds, f, { side: 'sell', qty: 1, price: 110, at: new Date('2025-01-10T16:00:00Z'), seq: 2 });
  }

  // Live equity for Jan 10: cash 9000 − 100 + 110, plus positions 1385 (CCC at cost).
  const LIVE = 9_000 - 100 + 110 + 1_385;

  it('day: realized booked on the New York date, unrealized now, equity from the baseline mark to a live point', async () => {
    await seedHistory();
    const r = await loadPnl(uow, 'day', NOW);
    expect(r.range).toMatchObject({ from: '2025-01-10', to: '2025-01-10', baseline: '2025-01-08' });
    expect(r.realized).toEqual({ total: 55, trades: 2, wins: 2, losses: 0 });
    // AAA's mark was recorded before sources were kept (shown as a mark); BBB is priced at its latest close.
    expect(r.unrealized).toEqual({ total: 75, positions: 3, unpriced: 1, origins: [{ kind: 'mark', date: '2025-01-08' }, { kind: 'close', date: '2025-01-08' }] });
    expect(r.equity.points).toEqual([
      { date: '2025-01-08', equity: 10_300, live: false },
      { date: '2025-01-10', equity: LIVE, live: true },
    ]);
    expect(r.equity.change).toBe(LIVE - 10_300);
    expect(r.equity.since).toBe('2025-01-08');
  });

  it('week and month: the sessions back from today, bookings at New York midnight edges', async () => {
    await seedHistory();
    const w = await loadPnl(uow, 'week', NOW);
    expect(w.realized).toEqual({ total: 50 - 20 + 5 + 30, trades: 4, wins: 3, losses: 1 });
    expect(w.equity.points.map((p) => p.date)).toEqual(['2025-01-02', '2025-01-03', '2025-01-06', '2025-01-07', '2025-01-08', '2025-01-10']);
    expect(w.equity.change).toBe(LIVE - 10_000);
    const m = await loadPnl(uow, 'month', NOW);
    expect(m.realized).toEqual({ total: 1065, trades: 5, wins: 4, losses: 1 });
  });

  it("no live point when today's mark exists; a weekend asks for the last session", async () => {
    await seedHistory();
    await seedMark(ds, { date: '2025-01-10', equity: 10_500, cash: 9_010, markedAt: new Date('2025-01-10T21:30:00Z') });
    const r = await loadPnl(uow, 'day', new Date('2025-01-11T17:00:00Z'));
    expect(r.range).toMatchObject({ to: '2025-01-10', today: '2025-01-11' });
    expect(r.equity.points).toEqual([
      { date: '2025-01-08', equity: 10_300, live: false },
      { date: '2025-01-10', equity: 10_500, live: false },
    ]);
    expect(r.equity.change).toBe(200);
  });

  it('the live point anchors on the latest mark even when it is older than the period', async () => {
    await seedBook();
    await seedMark(ds, { date: '2024-12-20', equity: 9_000, cash: 8_000, markedAt: new Date('2024-12-20T22:00:00Z') });
    const r = await loadPnl(uow, 'day', NOW);
    expect(r.equity.points).toEqual([{ date: '2025-01-10', equity: 8_000 + 1_385, live: true }]);
    expect(r.equity.change).toBeNull();
  });

  it('nothing marked ever: no equity, no invented starting cash', async () => {
    await seedBook();
    const r = await loadPnl(uow, 'week', NOW);
    expect(r.equity).toEqual({ points: [], change: null, since: null });
    expect(r.realized).toEqual({ total: 0, trades: 0, wins: 0, losses: 0 });
  });
});

describe('loadFillContext', () => {
  it('the pick stop, planned entry and DEMO flag, the last 60 candles oldest first, and the shares now held', async () => {
    await seedPick(ds, { id: 'pk-f', symbol: 'FIL', entry: 10.5, stop: 9.75, demo: true });
    const dates = await seedBars(ds, 'FIL', '2025-01-10', 70, (i) => 10 + i / 10);
    await seedPosition(ds, { symbol: 'FIL', qty: 7, avgCost: 10.4 });
    await seedPosition(ds, { symbol: 'FIL', strategy: 'turtle_soup', qty: 3, avgCost: 10 });
    const outcome: ExecutionOutcome = {
      kind: 'filled',
      approvalId: 'a',
      pickId: 'pk-f',
      symbol: 'FIL',
      strategy: 'donchian',
      side: 'buy',
      qty: 7,
      limitPrice: 10.5,
      filledQty: 7,
      avgFillPrice: 10.4,
      filledNotional: 72.8,
      clientOrderId: 'cs-a',
      brokerOrderId: null,
      broker: 'paper',
      orderState: 'filled',
    };
    const ctx = await loadFillContext(uow, outcome);
    expect(ctx).toMatchObject({ stop: 9.75, plannedEntry: 10.5, demo: true, positionQty: 10 });
    expect(ctx.candles).toHaveLength(60);
    expect(ctx.candles[0]).toEqual({ date: dates[10], o: 11, h: 11 * 1.01, l: 11 * 0.99, c: 11 });
    expect(ctx.candles.at(-1)!.date).toBe('2025-01-10');
  });

  it('unknown pick and symbol: empty context; outcomes without a pick need no queries', async () => {
    const refused: ExecutionOutcome = { kind: 'refused', approvalId: 'a', pickId: 'nope', symbol: 'NONE', gate: 'drift', reason: { code: 'recorded', recorded: 'r' }, numbers: {} };
    expect(await loadFillContext(uow, refused)).toEqual({ stop: null, plannedEntry: null, demo: false, candles: [], positionQty: null });
    expect(await loadFillContext(uow, { kind: 'not_found', approvalId: 'x' })).toEqual({ stop: null, plannedEntry: null, demo: false, candles: [], positionQty: null });
  });
});
