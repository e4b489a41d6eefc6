/**
 * "Queue for the open" while our calendar says open but the broker's clock says closed (issue 19,
 * item 1): the queue window comes from the open the broker names, and only a clear "closed, opens
 * at T ahead" queues anything. Real Postgres (a fresh migrated database), an injected clock.
 */
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerClock } from '../../../../src/adapters/brokers/port.js';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { EXCHANGE_HOURS } from '../../../../src/engine/market-hours.js';
import { queueEntry, type QueueDeps } from '../../../../src/trading/queue/queued-orders.js';
import { insertPick } from '../../../helpers/execution.js';
import { createTestDatabase } from '../../../helpers/pg.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
const MONDAY_11 = new Date('2026-12-14T16:00:00Z'); // Mon 11:00 ET: our calendar says open

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 4 });
  await ds.initialize();
});
afterAll(async () => {
  await ds.destroy();
  await db.drop();
});

const clock = (c: Partial<BrokerClock>): (() => Promise<BrokerClock>) => async () => ({ isOpen: false, nextOpen: null, nextClose: null, at: MONDAY_11.toISOString(), ...c });
const deps = (brokerClock?: () => Promise<BrokerClock>): QueueDeps => ({ db: new TypeOrmUnitOfWork(ds), hours: EXCHANGE_HOURS, now: () => MONDAY_11, ...(brokerClock ? { brokerClock } : {}) });
const pick = () => insertPick(ds, { symbol: 'BCW', entry: 10, qty: 3, expiresAt: new Date(MONDAY_11.getTime() + 3_600_000) });
const queue = async (d: QueueDeps) => queueEntry(d, { pickId: await pick(), userId: 1, role: 'trader', chatId: 1 });

describe('queueEntry while our calendar says open', () => {
  it('queues for the open the broker names: open + 1 min, expires open + 30 min, that session date', async () => {
    const res = await queue(deps(clock({ nextOpen: '2026-12-15T09:30:00-05:00' })));
    expect(res.kind).toBe('queued');
    if (res.kind !== 'queued') return;
    expect(res.order.sessionDate).toBe('2026-12-15');
    expect(res.order.sendAt.toISOString()).toBe('2026-12-15T14:31:00.000Z');
    expect(res.order.expiresAt.toISOString()).toBe('2026-12-15T15:00:00.000Z');
  });

  it('refuses as market_open when the broker says open, keeps no clock, or its clock cannot be read', async () => {
    expect((await queue(deps(clock({ isOpen: true, nextOpen: '2026-12-15T09:30:00-05:00' })))).kind).toBe('market_open');
    expect((await queue(deps())).kind).toBe('market_open');
    expect((await queue(deps(() => Promise.reject(new Error('429'))))).kind).toBe('market_open');
  });

  it('queues nothing on a closed answer without a usable open ahead', async () => {
    expect((await queue(deps(clock({ nextOpen: null })))).kind).toBe('no_session');
    expect((await queue(deps(clock({ nextOpen: 'soon' })))).kind).toBe('no_session');
    expect((await queue(deps(clock({ nextOpen: '2026-12-14T09:30:00-05:00' })))).kind).toBe('no_session');
    expect(Number((await ds.query(`SELECT count(*)::int AS n FROM queued_orders`))[0].n)).toBe(1);
  });
});
