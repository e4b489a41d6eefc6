import { ALWAYS_OPEN } from '../../../../src/engine/market-hours.js';
import { describe, expect, it } from 'vitest';
import { PaperBroker, type PaperQuote } from '../../../../src/adapters/brokers/paper/paper-broker.js';
import type { OrderRequest } from '../../../../src/adapters/brokers/port.js';
import { dataSourcePerTest } from '../../../helpers/pg.js';

/**
 * The paper broker's promise: concurrent submits with one client order id place exactly one order
 * and the others get that order back. A duplicate that waited on the account lock behind the winner
 * must be recognised as a duplicate before it is judged against the books the winner just changed
 * (spent cash, sold shares) — never come back `rejected`.
 */
const { ds } = dataSourcePerTest({ poolSize: 12 });
const quotes = new Map<string, PaperQuote>([['MSFT', { bid: 99.9, ask: 100, time: '2025-01-02T15:00:00Z' }]]);
const paper = (startingCash: number) => new PaperBroker({ ds: ds(), quoteSource: async (s) => quotes.get(s)!, startingCash, pollMs: 10, marketHours: ALWAYS_OPEN });
const req = (over: Partial<OrderRequest>): OrderRequest => ({ clientOrderId: 'dup', symbol: 'MSFT', side: 'buy', qty: 10, type: 'limit', limitPrice: 100, timeInForce: 'ioc', ...over });

describe('paper broker: concurrent duplicate submits when the first one uses up the cash / shares', () => {
  it('buy: every duplicate gets the one placed order back (none is rejected for buying power)', async () => {
    const b = paper(1_000); // exactly enough for one 10 × 100 buy
    const settled = await Promise.allSettled(Array.from({ length: 10 }, () => b.submitOrder(req({ clientOrderId: 'dup-buy' }))));
    const rejected = settled.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason?.message));
    expect(((await ds().query(`SELECT count(*)::int AS n FROM paper_orders`)) as { n: number }[])[0]!.n).toBe(1);
    expect(rejected, rejected[0]).toEqual([]);
  });

  it('sell: every duplicate gets the one placed order back (none is rejected for missing shares)', async () => {
    const b = paper(100_000);
    await b.submitOrder(req({ clientOrderId: 'open-pos', qty: 10, limitPrice: 100 }));
    const settled = await Promise.allSettled(Array.from({ length: 10 }, () => b.submitOrder(req({ clientOrderId: 'dup-sell', side: 'sell', qty: 10, limitPrice: 99.9 }))));
    const rejected = settled.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason?.message));
    expect(((await ds().query(`SELECT count(*)::int AS n FROM paper_orders WHERE client_order_id = 'dup-sell'`)) as { n: number }[])[0]!.n).toBe(1);
    expect(rejected, rejected[0]).toEqual([]);
  });
});
