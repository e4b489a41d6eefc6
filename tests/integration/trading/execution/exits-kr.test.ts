/**
 * Issue 15: rule exits of KR positions on KRX's clock — the KRX session and Seoul date, no IOC
 * in the closing auction (15:20–15:30 KST), the time stop near KRX's last continuous minutes —
 * sold at the KR broker on the KRX grid.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flattenAll, runExits } from '../../../../src/trading/execution/exits.js';
import { makeExitsWorld, type ExitsWorld } from './exits-setup.js';
import { KST, krBook, type KrBook } from './kr-support.js';

let w: ExitsWorld;
let kr: KrBook;

beforeEach(async () => {
  w = await makeExitsWorld();
  kr = krBook(w);
});

afterEach(async () => {
  await w?.close();
});

type OrderRow = { budget_date: string; limit_price: string; market: string; currency: string; exit_reason: string; state: string };
const krOrders = async (): Promise<OrderRow[]> =>
  (await w.ds.query(`SELECT budget_date::text AS budget_date, limit_price::text AS limit_price, market, currency, exit_reason, state FROM orders WHERE kind = 'exit' AND market = 'KR' ORDER BY created_at`)) as OrderRow[];

describe('KR exits on KRX sessions', () => {
  it('sells a KR position under its stop at the KR broker in the KRX session, dated by the Seoul day, on the KRX grid', async () => {
    await kr.hold({ symbol: '069500', qty: 5, price: 35_000, stop: 34_500 });
    w.quotes.set('069500', { bid: 34_400, ask: 34_405, bidSize: 10_000, askSize: 10_000, time: '2025-07-08T02:00:00Z' });
    kr.at(KST.midday);
    const out = await runExits(kr.deps(), { now: KST.midday });
    expect(out.map((o) => [o.symbol, o.reason, o.status])).toEqual([['069500', 'stop', 'filled']]);
    expect((await w.position('069500'))?.qty).toBe(0);
    // 11:00 KST on 07-08 is 22:00 on 07-07 in New York: the order belongs to the Seoul session day.
    // 34,400 × 0.995 = 34,228 → down to the 5-won ETF tick: 34,225 (never a cent price).
    expect(await krOrders()).toEqual([{ budget_date: '2025-07-08', limit_price: '34225', market: 'KR', currency: 'KRW', exit_reason: 'stop', state: 'filled' }]);
    expect(await kr.krSells()).toBe(1);
  });

  it('sends nothing during the closing auction (not an error), and sells in the next continuous session', async () => {
    await kr.hold({ symbol: '069500', qty: 5, price: 35_000, stop: 34_500 });
    w.quotes.set('069500', { bid: 34_400, ask: 34_405, bidSize: 10_000, askSize: 10_000, time: '2025-07-08T06:25:00Z' });
    kr.at(KST.auction);
    const asked: string[] = [];
    const quotes = { latestQuote: (s: string) => (asked.push(s), w.quoteProvider.latestQuote(s)) };
    expect(await runExits(kr.deps({ quotes }), { now: KST.auction })).toEqual([]);
    expect(asked).toEqual([]);
    expect(await krOrders()).toEqual([]);
    expect(await kr.krSells()).toBe(0);
    // The next morning's session acts on the same stop.
    const next = new Date('2025-07-09T00:30:00Z'); // 09:30 KST
    kr.at(next);
    const out = await runExits(kr.deps(), { now: next });
    expect(out.map((o) => [o.reason, o.status])).toEqual([['stop', 'filled']]);
    expect((await krOrders()).map((o) => o.budget_date)).toEqual(['2025-07-09']);
  });

  it('time stop: inside the window before the KRX closing auction on its Seoul date, not earlier that day', async () => {
    await kr.hold({ symbol: '069500', qty: 5, price: 35_000, stop: 30_000, timeStopDate: '2025-07-08' });
    w.quotes.set('069500', { bid: 35_100, ask: 35_105, bidSize: 10_000, askSize: 10_000, time: '2025-07-08T02:00:00Z' });
    kr.at(KST.midday);
    expect(await runExits(kr.deps(), { now: KST.midday })).toEqual([]);
    expect((await w.position('069500'))?.qty).toBe(5);
    kr.at(KST.beforeAuction);
    const out = await runExits(kr.deps(), { now: KST.beforeAuction });
    expect(out.map((o) => [o.reason, o.status])).toEqual([['time_stop', 'filled']]);
    expect((await krOrders()).map((o) => [o.exit_reason, o.budget_date])).toEqual([['time_stop', '2025-07-08']]);
  });

  it('a KR position is not judged on New York\'s session: nothing happens at a NYSE midday (KRX closed)', async () => {
    await kr.hold({ symbol: '069500', qty: 5, price: 35_000, stop: 34_500 });
    w.quotes.set('069500', { bid: 34_400, ask: 34_405, bidSize: 10_000, askSize: 10_000, time: '2025-07-08T17:00:00Z' });
    const nyMidday = new Date('2025-07-08T17:00:00Z'); // 13:00 EDT = 02:00 KST on 07-09
    kr.at(nyMidday);
    expect(await runExits(kr.deps(), { now: nyMidday })).toEqual([]);
    expect(await kr.krSells()).toBe(0);
  });

  it('/kill flatten of the KR book files its sells under the Seoul day', async () => {
    await kr.hold({ symbol: '069500', qty: 5, price: 35_000, stop: null });
    w.quotes.set('069500', { bid: 35_100, ask: 35_105, bidSize: 10_000, askSize: 10_000, time: '2025-07-08T02:00:00Z' });
    kr.at(KST.midday);
    const out = await flattenAll(kr.deps(), { now: KST.midday, requestedBy: 7 });
    // 35,100 × 0.995 = 34,924.5 → down to the 5-won tick: 34,920.
    expect(out.map((o) => [o.symbol, o.reason, o.status])).toEqual([['069500', 'flatten', 'filled']]);
    expect((await krOrders()).map((o) => [o.budget_date, o.limit_price])).toEqual([['2025-07-08', '34920']]);
  });
});
