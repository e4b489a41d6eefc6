/**
 * The paper broker behaves like a real one outside the session (issue 13, item 2): an IOC order
 * does not fill (it ends rejected, unfilled, with the reason), a day order rests; the same order
 * in the session fills. Real Postgres; the clock is injected.
 */
import type { DataSource } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { PaperBroker } from '../../../../src/adapters/brokers/paper/paper-broker.js';
import type { OrderRequest } from '../../../../src/adapters/brokers/port.js';
import { createTestDatabase } from '../../../helpers/pg.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let seq = 0;

const SATURDAY = Date.parse('2026-12-05T17:00:00Z');
const THANKSGIVING = Date.parse('2026-11-26T16:00:00Z'); // a holiday, 11:00 ET
const FRIDAY_1100 = Date.parse('2026-12-04T16:00:00Z');

function paper(nowMs: number): PaperBroker {
  return new PaperBroker({ ds, quoteSource: async () => ({ bid: 99.9, ask: 100, time: '2026-12-04T21:00:00Z' }), startingCash: 100_000, pollMs: 10, now: () => nowMs });
}

function order(over: Partial<OrderRequest> = {}): OrderRequest {
  seq++;
  return { clientOrderId: `mh-${seq}`, symbol: 'MSFT', side: 'buy', qty: 10, type: 'limit', limitPrice: 101, timeInForce: 'ioc', ...over };
}

async function positions(): Promise<number> {
  const r = (await ds.query(`SELECT count(*)::int AS n FROM paper_positions`)) as { n: number }[];
  return r[0]!.n;
}

beforeEach(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url);
  await ds.initialize();
});
afterEach(async () => {
  await ds.destroy();
  await db.drop();
});

describe('paper broker outside the session', () => {
  it('an IOC on a Saturday or a holiday does not fill; a day order rests; in the session the same IOC fills', async () => {
    for (const at of [SATURDAY, THANKSGIVING]) {
      const o = await paper(at).submitOrder(order());
      expect(o).toMatchObject({ status: 'rejected', filledQty: 0, avgFillPrice: null });
      expect(o.rejectReason).toMatch(/market closed: an IOC order outside the regular session cannot fill/);
    }
    const day = await paper(SATURDAY).submitOrder(order({ timeInForce: 'day' }));
    expect(day).toMatchObject({ status: 'new', filledQty: 0 });
    expect(await positions()).toBe(0);
    const open = await paper(FRIDAY_1100).submitOrder(order());
    expect(open).toMatchObject({ status: 'filled', filledQty: 10, avgFillPrice: 100 });
    expect(await positions()).toBe(1);
  });
});
