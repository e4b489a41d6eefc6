import { ALWAYS_OPEN } from '../../../../src/engine/market-hours.js';
import type { DataSource } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { BrokerError, type BrokerErrorKind } from '../../../../src/adapters/brokers/errors.js';
import { PaperBroker, quoteSourceFrom, type PaperBrokerOptions, type PaperQuote } from '../../../../src/adapters/brokers/paper/paper-broker.js';
import { isTerminal, type Broker, type OrderRequest } from '../../../../src/adapters/brokers/port.js';
import { createTestDatabase } from '../../../helpers/pg.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
const extra: DataSource[] = [];
let quotes: Map<string, PaperQuote>;
let quoteCalls: string[];
let seq = 0;

const quoteSource = async (symbol: string): Promise<PaperQuote> => {
  quoteCalls.push(symbol);
  const q = quotes.get(symbol);
  if (!q) throw new Error(`no quote for ${symbol}`);
  return q;
};

function paper(over: Partial<PaperBrokerOptions> = {}, on: DataSource = ds): PaperBroker {
  return new PaperBroker({ ds: on, quoteSource, startingCash: 100_000, pollMs: 10, marketHours: ALWAYS_OPEN, ...over });
}

function order(over: Partial<OrderRequest> = {}): OrderRequest {
  seq++;
  return { clientOrderId: `p-${seq}`, symbol: 'MSFT', side: 'buy', qty: 10, type: 'limit', limitPrice: 101, timeInForce: 'ioc', ...over };
}

async function failure(p: Promise<unknown>, kind: BrokerErrorKind): Promise<BrokerError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(BrokerError);
  expect((e as BrokerError).kind, (e as Error).message).toBe(kind);
  return e as BrokerError;
}

async function count(table: string): Promise<number> {
  const r = (await ds.query(`SELECT count(*)::int AS n FROM ${table}`)) as { n: number }[];
  return r[0]!.n;
}

beforeEach(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 12 });
  await ds.initialize();
  quotes = new Map([
    ['MSFT', { bid: 99.9, ask: 100, bidSize: 1_000, askSize: 1_000, time: '2025-01-02T15:00:00Z' }],
    ['AAPL', { bid: 199.5, ask: 200, time: '2025-01-02T15:00:00Z' }],
  ]);
  quoteCalls = [];
});
afterEach(async () => {
  for (const d of extra.splice(0)) if (d.isInitialized) await d.destroy();
  await ds.destroy();
  await db.drop();
});

describe('PaperBroker fills', () => {
  it('fills a marketable IOC buy at min(limit, ask × (1 + slippage)) and books position and cash', async () => {
    const b = paper({ slippageBps: 10 });
    const o = await b.submitOrder(order({ qty: 10, limitPrice: 101 }));
    expect(o).toMatchObject({ status: 'filled', filledQty: 10, avgFillPrice: 100.1, limitPrice: 101, side: 'buy', symbol: 'MSFT', timeInForce: 'ioc' });
    expect(o.fills).toHaveLength(1);
    expect(o.fills![0]).toMatchObject({ qty: 10, price: 100.1 });
    expect(isTerminal(o.status)).toBe(true);
    expect(await b.listPositions()).toEqual([{ symbol: 'MSFT', qty: 10, avgEntryPrice: 100.1, costBasis: 1001, currentPrice: null, marketValue: null, unrealizedPl: null }]);
    const acct = await b.account();
    expect(acct.cash).toBeCloseTo(100_000 - 1001, 6);
    expect(acct.equity).toBeCloseTo(100_000 - 1001 + 10 * 99.9, 6); // marked at the bid
    expect(acct.buyingPower).toBeCloseTo(acct.cash, 6);

    // Slippage never pushes the price past the limit.
    const capped = await b.submitOrder(order({ qty: 1, limitPrice: 100.05 }));
    expect(capped).toMatchObject({ status: 'filled', avgFillPrice: 100.05 });
  });

  it('rejects an IOC buy whose limit is below the ask, placing nothing', async () => {
    const b = paper();
    const o = await b.submitOrder(order({ limitPrice: 99.99 }));
    expect(o).toMatchObject({ status: 'rejected', filledQty: 0, avgFillPrice: null });
    expect(o.rejectReason).toMatch(/below the ask 100/);
    expect(o.fills).toEqual([]);
    expect(await b.listPositions()).toEqual([]);
    expect((await b.account()).cash).toBe(100_000);
  });

  it('partial fills: fillRatio fills part and the IOC remainder is canceled; the ask size caps too', async () => {
    const half = paper({ fillRatio: 0.5 });
    expect(await half.submitOrder(order({ qty: 10 }))).toMatchObject({ status: 'canceled', filledQty: 5, avgFillPrice: 100 });

    quotes.set('MSFT', { bid: 99.9, ask: 100, askSize: 3, time: 't' });
    const full = paper();
    expect(await full.submitOrder(order({ qty: 10 }))).toMatchObject({ status: 'canceled', filledQty: 3 });

    // A day order that partly fills keeps working (and reserves cash for the rest).
    const day = await full.submitOrder(order({ qty: 10, timeInForce: 'day' }));
    expect(day).toMatchObject({ status: 'partially_filled', filledQty: 3 });
    expect((await full.listOpenOrders()).map((o) => o.clientOrderId)).toEqual([day.clientOrderId]);
    const acct = await full.account();
    expect(acct.buyingPower).toBeCloseTo(acct.cash - 7 * 101, 6);
    expect((await full.listPositions())[0]).toMatchObject({ qty: 11 }); // 5 + 3 + 3
  });

  it('averages cost across buys, keeps it on sells and deletes the position at zero; cash adds up', async () => {
    const b = paper();
    await b.submitOrder(order({ qty: 10, limitPrice: 100 }));
    quotes.set('MSFT', { bid: 109.9, ask: 110, time: 't' });
    await b.submitOrder(order({ qty: 30, limitPrice: 110 }));
    expect((await b.listPositions())[0]).toMatchObject({ qty: 40, avgEntryPrice: 107.5, costBasis: 4300 });

    const sell = await b.submitOrder(order({ side: 'sell', qty: 15, limitPrice: 109.9 }));
    expect(sell).toMatchObject({ status: 'filled', avgFillPrice: 109.9, filledQty: 15 });
    expect((await b.listPositions())[0]).toMatchObject({ qty: 25, avgEntryPrice: 107.5 });

    await b.submitOrder(order({ side: 'sell', qty: 25, limitPrice: 109 }));
    expect(await b.listPositions()).toEqual([]);
    expect((await b.account()).cash).toBeCloseTo(100_000 - 1000 - 3300 + 15 * 109.9 + 25 * 109.9, 6);
  });

  it('sells at max(limit, bid × (1 − slippage)) and rejects an IOC sell above the bid', async () => {
    const b = paper({ slippageBps: 10 });
    await b.submitOrder(order({ qty: 10, limitPrice: 101 }));
    expect(await b.submitOrder(order({ side: 'sell', qty: 5, limitPrice: 99 }))).toMatchObject({ status: 'filled', avgFillPrice: 99.8 }); // 99.9 × 0.999 = 99.8001 → down
    const high = await b.submitOrder(order({ side: 'sell', qty: 5, limitPrice: 100 }));
    expect(high.status).toBe('rejected');
    expect(high.rejectReason).toMatch(/above the bid/);
  });

  it('refuses what a cash account cannot do, storing nothing: too little cash, shares not held', async () => {
    const b = paper({ startingCash: 1_000 });
    const e = await failure(b.submitOrder(order({ qty: 20, limitPrice: 100 })), 'rejected');
    expect(e.reason).toMatch(/insufficient buying power: \$2000\.00 needed/);
    expect(e.clientOrderId).toBe(`p-${seq}`);
    const e2 = await failure(b.submitOrder(order({ side: 'sell', qty: 1, limitPrice: 99 })), 'rejected');
    expect(e2.reason).toMatch(/insufficient qty available/);
    expect(await count('paper_orders')).toBe(0);
    // A refused id is not consumed: it can be used once the order fits.
    const retry = await b.submitOrder({ ...order({ qty: 5, limitPrice: 100 }), clientOrderId: e.clientOrderId! });
    expect(retry.status).toBe('filled');
  });

  it('a quote source failure is unavailable and places nothing; invalid requests never reach it', async () => {
    const b = paper();
    await failure(b.submitOrder(order({ symbol: 'NOPE' })), 'unavailable');
    expect(await count('paper_orders')).toBe(0);
    quoteCalls.length = 0;
    await failure(b.submitOrder(order({ qty: 0 })), 'rejected');
    expect(quoteCalls).toEqual([]);
    quotes.set('BAD', { bid: Number.NaN, ask: 10, time: 't' });
    await failure(b.submitOrder(order({ symbol: 'BAD' })), 'bad_response');
  });

  it('rounds an off-tick limit to the tick in the buyer\'s favour', async () => {
    const o = await paper().submitOrder(order({ limitPrice: 100.019 }));
    expect(o).toMatchObject({ limitPrice: 100.01, avgFillPrice: 100 });
  });
});

describe('PaperBroker idempotency and persistence', () => {
  it('50 concurrent submits with one client order id place exactly one order', async () => {
    const b = paper();
    const req = order({ clientOrderId: 'approval-7f3a-exec', qty: 7 });
    const results = await Promise.all(Array.from({ length: 50 }, () => b.submitOrder(req)));
    expect(new Set(results.map((r) => r.brokerOrderId)).size).toBe(1);
    expect(results.every((r) => r.status === 'filled' && r.filledQty === 7)).toBe(true);
    // Many got past the "already placed?" read at once: the unique index decided.
    expect(quoteCalls.length).toBeGreaterThan(1);
    expect(await count('paper_orders')).toBe(1);
    expect(await count('paper_fills')).toBe(1);
    expect((await b.listPositions())[0]).toMatchObject({ qty: 7 });
    expect((await b.account()).cash).toBeCloseTo(100_000 - 700, 6);
  });

  it('50 concurrent submits from two broker instances (two pools) still place one order', async () => {
    const ds2 = createDataSource(db.url, { poolSize: 12 });
    await ds2.initialize();
    extra.push(ds2);
    const a = paper();
    const b = paper({}, ds2);
    const req = order({ clientOrderId: 'two-processes' });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).submitOrder(req)));
    expect(new Set(results.map((r) => r.brokerOrderId)).size).toBe(1);
    expect(await count('paper_orders')).toBe(1);
    expect(await count('paper_fills')).toBe(1);
  });

  it('concurrent different orders never spend more cash than there is', async () => {
    const b = paper({ startingCash: 5_000 });
    const settled = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => b.submitOrder(order({ clientOrderId: `race-${i}`, qty: 10, limitPrice: 101 }))));
    const filled = settled.filter((s) => s.status === 'fulfilled');
    const refused = settled.filter((s) => s.status === 'rejected');
    // Each order needs qty × limit = $1 010 of cash to be accepted and spends $1 000 (it fills at the
    // $100 ask): after four, $1 000 is left, short of the fifth's $1 010.
    expect(filled).toHaveLength(4);
    expect(refused).toHaveLength(16);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ kind: 'rejected' });
    const acct = await b.account();
    expect(acct.cash).toBeGreaterThanOrEqual(0);
    expect(acct.cash).toBeCloseTo(1_000, 6);
  });

  it('a second submit with the same id returns the existing order; with different details it is ambiguous and returns nothing', async () => {
    const b = paper();
    const first = await b.submitOrder(order({ clientOrderId: 'same-id', qty: 3 }));
    expect(await b.submitOrder(order({ clientOrderId: 'same-id', qty: 3 }))).toEqual(first);
    const other = await b.submitOrder(order({ clientOrderId: 'same-id', qty: 99, limitPrice: 150 })).then(
      () => null,
      (e: unknown) => e,
    );
    expect(other).toMatchObject({ kind: 'ambiguous', clientOrderId: 'same-id' });
    expect(String(other)).toContain('qty 3, not 99');
    const ref = { clientOrderId: 'same-id', brokerOrderId: null, symbol: first.symbol, side: first.side, qty: 99, limitPrice: 150, attemptedAt: null };
    await expect(b.findSubmitted(ref)).rejects.toMatchObject({ kind: 'ambiguous' });
    expect(await b.findSubmitted({ ...ref, qty: 3, limitPrice: first.limitPrice! })).toEqual(first);
    expect(await count('paper_orders')).toBe(1);
  });

  it('survives a restart: a new instance on the same database sees orders, fills, positions and cash', async () => {
    const before = paper();
    const o = await before.submitOrder(order({ clientOrderId: 'persist-1', qty: 4 }));
    const resting = await before.submitOrder(order({ clientOrderId: 'persist-2', limitPrice: 90, timeInForce: 'day' }));
    const acctBefore = await before.account();
    const positionsBefore = await before.listPositions();
    await ds.destroy();

    ds = createDataSource(db.url, { poolSize: 4 });
    await ds.initialize();
    const after = paper({ startingCash: 1 }); // ignored: the account exists
    expect(await after.getOrderByClientId('persist-1')).toEqual(o);
    expect(await after.getOrder(o.brokerOrderId)).toEqual(o);
    expect((await after.listOpenOrders()).map((x) => x.brokerOrderId)).toEqual([resting.brokerOrderId]);
    expect(await after.listPositions()).toEqual(positionsBefore);
    expect(positionsBefore).toEqual([expect.objectContaining({ symbol: 'MSFT', qty: 4 })]);
    expect(await after.account()).toEqual(acctBefore);
    // And the idempotency key still holds across the restart.
    expect((await after.submitOrder(order({ clientOrderId: 'persist-1', qty: 4 }))).brokerOrderId).toBe(o.brokerOrderId);
    expect(await count('paper_orders')).toBe(2);
  });

  it('unknown ids: getOrderByClientId → null, getOrder → not_found', async () => {
    const b = paper();
    expect(await b.getOrderByClientId('nothing-here')).toBeNull();
    await failure(b.getOrder('00000000-0000-4000-8000-000000000000'), 'not_found');
    await failure(b.getOrder('not-a-uuid'), 'not_found');
    await failure(b.waitForTerminal('nothing-here', { timeoutMs: 30 }), 'not_found');
  });
});

describe('PaperBroker open orders', () => {
  it('day orders below the ask rest as new; cancelAllOrders cancels them; waitForTerminal returns the latest state on timeout', async () => {
    const b: Broker = paper();
    const r1 = await b.submitOrder(order({ limitPrice: 95, timeInForce: 'day' }));
    const r2 = await b.submitOrder(order({ side: 'buy', symbol: 'AAPL', qty: 2, limitPrice: 150, timeInForce: 'day' }));
    expect([r1.status, r2.status]).toEqual(['new', 'new']);
    expect((await b.listOpenOrders()).map((o) => o.brokerOrderId)).toEqual([r1.brokerOrderId, r2.brokerOrderId]);
    expect((await b.account()).buyingPower).toBeCloseTo(100_000 - 950 - 300, 6);

    const waited = await b.waitForTerminal(r1.clientOrderId, { timeoutMs: 40, pollMs: 10 });
    expect(waited.status).toBe('new');

    expect(await b.cancelAllOrders()).toEqual({ cancelled: 2, stillOpen: 0 });
    expect(await b.listOpenOrders()).toEqual([]);
    expect((await b.waitForTerminal(r1.clientOrderId)).status).toBe('canceled');
    expect((await b.account()).buyingPower).toBe(100_000);
    expect(await b.cancelAllOrders()).toEqual({ cancelled: 0, stillOpen: 0 });
  });

  it('a resting sell reserves its shares', async () => {
    const b = paper();
    await b.submitOrder(order({ qty: 10 }));
    await b.submitOrder(order({ side: 'sell', qty: 6, limitPrice: 120, timeInForce: 'day' }));
    const e = await failure(b.submitOrder(order({ side: 'sell', qty: 5, limitPrice: 99 })), 'rejected');
    expect(e.reason).toMatch(/available: 4/);
  });

  it('closeAllPositions cancels open orders and sells everything at the bid', async () => {
    const b = paper({ slippageBps: 25 });
    await b.submitOrder(order({ qty: 10, limitPrice: 101 }));
    await b.submitOrder(order({ symbol: 'AAPL', qty: 3, limitPrice: 201 }));
    await b.submitOrder(order({ limitPrice: 90, timeInForce: 'day' }));
    const cashBefore = (await b.account()).cash;

    const closing = await b.closeAllPositions();
    expect(closing.map((o) => [o.symbol, o.side, o.qty, o.status, o.avgFillPrice, o.limitPrice])).toEqual([
      ['AAPL', 'sell', 3, 'filled', 199.5, null],
      ['MSFT', 'sell', 10, 'filled', 99.9, null],
    ]);
    expect(closing.every((o) => o.clientOrderId.length <= 48)).toBe(true);
    expect(await b.listPositions()).toEqual([]);
    expect(await b.listOpenOrders()).toEqual([]);
    expect((await b.account()).cash).toBeCloseTo(cashBefore + 3 * 199.5 + 10 * 99.9, 6);
  });

  it('closeAllPositions leaves a position it cannot price and says so', async () => {
    const b = paper();
    await b.submitOrder(order({ qty: 2 }));
    quotes.delete('MSFT');
    expect(await b.closeAllPositions()).toEqual([]);
    expect((await b.listPositions())[0]).toMatchObject({ symbol: 'MSFT', qty: 2 });
    // Unpriceable positions are marked at cost in equity.
    expect((await b.account()).equity).toBeCloseTo(100_000, 6);
  });

  it('quoteSourceFrom adapts a market-data QuoteProvider', async () => {
    const provider = { latestQuote: async (symbol: string) => ({ symbol, bid: 9.99, ask: 10, bidSize: 5, askSize: 5, time: 't' }) };
    const b = paper({ quoteSource: quoteSourceFrom(provider) });
    expect(await b.submitOrder(order({ symbol: 'XYZ', qty: 8, limitPrice: 10 }))).toMatchObject({ status: 'canceled', filledQty: 5 });
  });
});
