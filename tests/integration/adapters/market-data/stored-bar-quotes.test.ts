import { ALWAYS_OPEN } from '../../../../src/engine/market-hours.js';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BarsStore } from '../../../../src/adapters/bars/store.js';
import { PaperBroker } from '../../../../src/adapters/brokers/paper/paper-broker.js';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { DataProviderError } from '../../../../src/adapters/market-data/errors.js';
import { StoredBarQuotes } from '../../../../src/adapters/market-data/stored/bar-quotes.js';
import { createTestDatabase } from '../../../helpers/pg.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;

const bar = (date: string, close: number, volume: number) => ({ date, open: close, high: close + 1, low: close - 1, close, volume });

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url);
  await ds.initialize();
  await new BarsStore(ds).writeBars(
    [
      // The newest bar decides (not the highest or the biggest).
      { symbol: 'AAA', bars: [bar('2026-11-18', 70, 9_999), bar('2026-11-19', 100, 5_000), bar('2026-11-20', 50, 1_234)] },
      { symbol: 'BBB', bars: [bar('2026-11-20', 20, 5)] },
    ],
    { source: 'test', demo: false },
  );
});
afterAll(async () => {
  await ds.destroy();
  await db.drop();
});

describe('StoredBarQuotes: quotes from the latest stored bar', () => {
  it('puts bid and ask half the spread around the last close, a tenth of its volume at the touch, dated by the bar', async () => {
    const q = await new StoredBarQuotes(ds, 10).latestQuote('aaa');
    // 10 bps of 50 = 0.05: half each side, then onto the cent tick away from the close (bid down, ask up).
    expect(q).toEqual({ symbol: 'AAA', bid: 49.97, ask: 50.03, bidSize: 123, askSize: 123, time: '2026-11-20T20:00:00Z' });
    // Never less than one share at the touch.
    expect((await new StoredBarQuotes(ds, 10).latestQuote('BBB')).askSize).toBe(1);
  });

  it('a symbol without bars is not_found, with what to do', async () => {
    const e = await new StoredBarQuotes(ds, 10).latestQuote('NOPE').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DataProviderError);
    expect((e as DataProviderError).kind).toBe('not_found');
    expect((e as Error).message).toMatch(/no stored bars for NOPE/);
  });

  it('latestQuotes answers several symbols in one query, equal to one-by-one, leaving out the unknown', async () => {
    const quotes = new StoredBarQuotes(ds, 10);
    const many = await quotes.latestQuotes(['AAA', 'bbb', 'NOPE', 'AAA']);
    expect([...many.keys()].sort()).toEqual(['AAA', 'BBB']);
    expect(many.get('AAA')).toEqual(await quotes.latestQuote('AAA'));
    expect(many.get('BBB')).toEqual(await quotes.latestQuote('BBB'));
    expect((await quotes.latestQuotes([])).size).toBe(0);
  });

  it('the paper account marks positions at the same bids through the batch source as one by one', async () => {
    const quotes = new StoredBarQuotes(ds, 10);
    let batchCalls = 0;
    const batched = new PaperBroker({
      ds,
      startingCash: 10_000,
      marketHours: ALWAYS_OPEN,
      quoteSource: (s) => quotes.latestQuote(s),
      quotesSource: (syms) => {
        batchCalls++;
        return quotes.latestQuotes(syms);
      },
    });
    await batched.submitOrder({ clientOrderId: 'sbq-1', symbol: 'AAA', side: 'buy', qty: 10, type: 'limit', limitPrice: 51, timeInForce: 'ioc' });
    await batched.submitOrder({ clientOrderId: 'sbq-2', symbol: 'BBB', side: 'buy', qty: 1, type: 'limit', limitPrice: 21, timeInForce: 'ioc' });
    const single = new PaperBroker({ ds, quoteSource: (s) => quotes.latestQuote(s), marketHours: ALWAYS_OPEN });
    const a = await batched.account();
    expect(batchCalls).toBe(1);
    expect(a).toEqual(await single.account());
    // cash after buying at the asks (on the cent tick, rounded up), plus the positions at the bids
    expect(a.cash).toBeCloseTo(10_000 - 10 * 50.03 - 20.01, 6);
    expect(a.equity).toBeCloseTo(a.cash + 10 * 49.97 + 19.99, 6);
  });
});
