/**
 * Issue 15 (review): a KR stored-bar quote sits on the KRX ETF grid of its day, in whole won, as of
 * the KRX close. On the cent grid, an ask of 3,000.75 would put the KR entry limit (rounded down to
 * the 5-won tick) below the ask, and a KR paper entry between ₩2,000 and ₩5,000 could never fill.
 */
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BarsStore } from '../../../../src/adapters/bars/store.js';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { StoredBarQuotes } from '../../../../src/adapters/market-data/stored/bar-quotes.js';
import { entryLimitPrice } from '../../../../src/engine/market/entry-limit.js';
import { createTestDatabase } from '../../../helpers/pg.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;

const bar = (date: string, close: number) => ({ date, open: close, high: close + 5, low: close - 5, close, volume: 100_000 });

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url);
  await ds.initialize();
  // 2026-12-07 is a KRX session (Monday).
  await new BarsStore(ds).writeBars([{ symbol: '091160', bars: [bar('2026-12-07', 3_000)] }, { symbol: '069500', bars: [bar('2026-12-07', 1_500)] }], { source: 'test', demo: true });
});
afterAll(async () => {
  await ds.destroy();
  await db.drop();
});

describe('StoredBarQuotes for a KRX code', () => {
  it('quotes whole won on the ETF tick of the day (bid down, ask up), dated at the KRX close', async () => {
    const q = await new StoredBarQuotes(ds, 5).latestQuote('091160');
    // 5 bps of 3,000 = 1.5: 2,999.25 → ₩2,995 and 3,000.75 → ₩3,005 on the 5-won grid.
    expect(q).toEqual({ symbol: '091160', bid: 2_995, ask: 3_005, bidSize: 10_000, askSize: 10_000, time: '2026-12-07T06:30:00Z' });
    // Under ₩2,000 the ETF tick is 1 won.
    expect(await new StoredBarQuotes(ds, 5).latestQuote('069500')).toMatchObject({ bid: 1_499, ask: 1_501 });
  });

  it('gives an entry limit at or above the ask, so a KR paper entry can fill', async () => {
    const q = await new StoredBarQuotes(ds, 5).latestQuote('091160');
    const limit = entryLimitPrice({ market: 'KR', date: '2026-12-07', ask: q.ask, buffer: 0.001 });
    expect(limit).toBeGreaterThanOrEqual(q.ask);
    expect(Number.isInteger(limit)).toBe(true);
  });
});
