/**
 * The session a trade is filed under (issue 13, item 8), as the SQL computes it, and the three
 * reports that use the rule — /pnl, the close digest and mark-to-market — agreeing on it.
 */
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import type { UnitOfWork } from '../../../../src/adapters/db/port.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { sessionsBetween } from '../../../../src/engine/calendar/index.js';
import { loadPnl as loadClosePnl } from '../../../../src/trading/digest/queries.js';
import { markToMarket } from '../../../../src/trading/execution/mark-to-market.js';
import { loadPnl } from '../../../../src/trading/portfolio/pnl.js';
import { filedInWindowSql, orderFiledInWindowSql, tradeWindow } from '../../../../src/trading/portfolio/trade-date.js';
import { createTestDatabase } from '../../../helpers/pg.js';
import { seedFill, seedOrder, seedRun } from './seed.js';

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
  for (const t of ['fills', 'orders', 'approvals', 'picks', 'scan_runs', 'positions', 'equity_marks', 'position_marks', 'bars_daily']) await ds.query(`DELETE FROM ${t}`);
  await seedRun(ds);
});

/** December: EST. */
const ET = (iso: string) => new Date(`${iso}-05:00`);
/** The sessions a trade could be filed under in these cases. */
const SESSIONS = sessionsBetween('2026-11-30', '2026-12-31');

/** Every session whose window files the instant, by the SQL rule (exactly one, when the rule is right). */
async function sessionsFiling(at: Date): Promise<string[]> {
  const filed: string[] = [];
  for (const s of SESSIONS) {
    const w = tradeWindow(s);
    const r = (await ds.query(`SELECT ${filedInWindowSql('$3::timestamptz', '$1', '$2')} AS filed`, [w.after, w.through, at])) as { filed: boolean }[];
    if (r[0]?.filed) filed.push(s);
  }
  return filed;
}

/** Every session whose window files the order, by its last fill (its booking time without fills). */
async function sessionsFilingOrder(orderId: string): Promise<string[]> {
  const filed: string[] = [];
  for (const s of SESSIONS) {
    const w = tradeWindow(s);
    const r = (await ds.query(`SELECT ${orderFiledInWindowSql('o', '$1', '$2')} AS filed FROM orders o WHERE o.id = $3`, [w.after, w.through, orderId])) as { filed: boolean }[];
    if (r[0]?.filed) filed.push(s);
  }
  return filed;
}

describe('the session a trade is filed under (New York)', () => {
  it('a session day’s trades are its own, after-hours included', async () => {
    expect(await sessionsFiling(ET('2026-12-04T10:00:00'))).toEqual(['2026-12-04']);
    expect(await sessionsFiling(ET('2026-12-04T19:30:00'))).toEqual(['2026-12-04']);
  });

  it('weekend and holiday trades go to the next session, never the one before', async () => {
    expect(await sessionsFiling(ET('2026-12-05T11:00:00'))).toEqual(['2026-12-07']);
    expect(await sessionsFiling(ET('2026-12-06T23:59:00'))).toEqual(['2026-12-07']);
    expect(await sessionsFiling(ET('2026-12-25T12:00:00'))).toEqual(['2026-12-28']);
  });

  it('by the New York date, not the UTC one: Friday 21:00 ET (Saturday in UTC) is Friday’s', async () => {
    expect(await sessionsFiling(new Date('2026-12-05T02:00:00Z'))).toEqual(['2026-12-04']);
  });

  it('an order is filed by its last fill, else by its booking time', async () => {
    const split = await seedOrder(ds, { symbol: 'SPLIT', createdAt: ET('2026-12-04T15:59:00'), bookedAt: ET('2026-12-05T09:00:00') });
    await seedFill(ds, split, { side: 'sell', qty: 5, price: 10, at: ET('2026-12-04T15:59:00') });
    await seedFill(ds, split, { side: 'sell', qty: 5, price: 10, at: ET('2026-12-05T08:00:00'), seq: 1 });
    expect(await sessionsFilingOrder(split)).toEqual(['2026-12-07']);
    const unfilled = await seedOrder(ds, { symbol: 'NOFILL', createdAt: ET('2026-12-04T10:00:00'), bookedAt: ET('2026-12-04T10:00:00') });
    expect(await sessionsFilingOrder(unfilled)).toEqual(['2026-12-04']);
  });
});

describe('/pnl, the close digest and mark-to-market file a Saturday fill alike', () => {
  beforeEach(async () => {
    const friday = await seedOrder(ds, { symbol: 'ABC', realizedPnl: 12.34, createdAt: ET('2026-12-04T14:00:00') });
    await seedFill(ds, friday, { side: 'sell', qty: 10, price: 10, at: ET('2026-12-04T14:00:00') });
    const saturday = await seedOrder(ds, { symbol: 'XYZ', realizedPnl: -5, createdAt: ET('2026-12-05T11:00:00') });
    await seedFill(ds, saturday, { side: 'sell', qty: 10, price: 10, at: ET('2026-12-05T11:00:00') });
  });

  it('Friday is Friday’s trades only; the Saturday sell is Monday’s in all three', async () => {
    const fridayPnl = await loadPnl(uow, 'day', new Date(`2026-12-04T17:00:00-05:00`));
    const fridayDigest = await loadClosePnl(uow, '2026-12-04');
    const fridayMark = await markToMarket({ db: uow }, { date: '2026-12-04' });
    expect([fridayPnl.realized.total, fridayDigest.realized, fridayMark.realizedPnl]).toEqual([12.34, 12.34, 12.34]);

    const saturdayPnl = await loadPnl(uow, 'day', new Date(`2026-12-05T15:00:00-05:00`));
    expect(saturdayPnl.realized.total).toBe(12.34);
    expect(saturdayPnl.later).toMatchObject({ total: -5, trades: 1, session: '2026-12-07' });

    const mondayPnl = await loadPnl(uow, 'day', new Date(`2026-12-07T17:00:00-05:00`));
    const mondayDigest = await loadClosePnl(uow, '2026-12-07');
    const mondayMark = await markToMarket({ db: uow }, { date: '2026-12-07' });
    expect([mondayPnl.realized.total, mondayDigest.realized, mondayMark.realizedPnl]).toEqual([-5, -5, -5]);
  });
});
