import { describe, expect, it } from 'vitest';
import { isBrokerError } from '../../../../src/adapters/brokers/errors.js';
import { kisKeys, kisTag } from '../../../../src/adapters/brokers/kis/keys.js';
import type { KisBroker } from '../../../../src/adapters/brokers/kis/kis-broker.js';
import { KisOrderMap } from '../../../../src/adapters/brokers/kis/order-map.js';
import { seoul } from '../../../../src/dev/kis/server.js';
import { cleanRedis } from '../../../helpers/env.js';
import { captureLogs } from '../market-data/capture-logs.js';
import { ACCOUNT, APP_KEY, kisBuy, makeBroker, newRedis, useKisEmulator } from './kis-test-broker.js';

/**
 * The KIS adapter never places a second order for one client order id and
 * never sells what the bot did not buy: the same id from two processes, a
 * Redis failure after KIS placed the order, a later manual order with the
 * same terms, repeated listing pages, an in-flight lock that ran out, a
 * number KIS writes with commas, an unreadable row, ODNO spellings.
 */

const ORDER_CASH = '/uapi/domestic-stock/v1/trading/order-cash';
const HASHKEY = '/uapi/hashkey';
const DAILY = '/uapi/domestic-stock/v1/trading/inquire-daily-ccld';

const t = useKisEmulator();
const buy = kisBuy;

/** A fetch that passes every request on, then lets `edit` change the JSON answer (and its tr_cont) of one path. */
function rewriting(path: string, edit: (body: Record<string, unknown>, req: { trCont: string; url: URL }) => { trCont?: string } | void): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    const url = new URL(String(input));
    if (url.pathname !== path) return res;
    const body = JSON.parse(await res.text()) as Record<string, unknown>;
    const out = edit(body, { trCont: new Headers(init?.headers).get('tr_cont') ?? '', url }) ?? {};
    const headers = new Headers(res.headers);
    headers.delete('content-length');
    if (out.trCont !== undefined) headers.set('tr_cont', out.trCont);
    return new Response(JSON.stringify(body), { status: res.status, headers });
  };
}

const rowsOf = (body: Record<string, unknown>) => (body.output1 ?? []) as Record<string, string>[];

describe('KIS: one client order id, one order', () => {
  it.each([
    ['with the POSTs slowed down', 200],
    ['without delay', 0],
  ])('two processes submitting the same client id at once place ONE order (%s)', async (_what, delayMs) => {
    const a = makeBroker(t.emu, t.prefix);
    const b = makeBroker(t.emu, t.prefix);
    await a.account(); // the token in hand: both race on the order path only
    if (delayMs > 0) t.emu.injectFaults({ kind: 'delay', ms: delayMs, path: ORDER_CASH, count: 2 });
    const results = await Promise.allSettled([a.submitOrder(buy('cs-same')), b.submitOrder(buy('cs-same'))]);
    expect(t.emu.counters().ordersReceived).toBe(1);
    const ids = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ brokerOrderId: string }>).value.brokerOrderId);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(1);
    // A loser that did not see the order yet says timeout_unknown (look it up), never anything that invites a re-send under a new id.
    for (const r of results) if (r.status === 'rejected') expect(isBrokerError(r.reason, 'timeout_unknown'), String(r.reason)).toBe(true);
  });

  it('Redis fails to record an order KIS placed: timeout_unknown naming the ODNO, and the same id never POSTs again', async () => {
    const redis = newRedis();
    const realEval = redis.eval.bind(redis) as (...args: unknown[]) => Promise<unknown>;
    let failures = 1;
    // The RECORD script (the only one with SADD) fails once, as on a dropped connection after the POST succeeded.
    (redis as unknown as { eval: (...args: unknown[]) => Promise<unknown> }).eval = (...args: unknown[]) =>
      String(args[0]).includes('SADD') && failures-- > 0 ? Promise.reject(new Error('Connection is closed.')) : realEval(...args);
    const a = makeBroker(t.emu, t.prefix, { redis });
    const first = await a.submitOrder(buy('cs-blip')).catch((e: unknown) => e);
    expect(isBrokerError(first, 'timeout_unknown'), String(first)).toBe(true);
    const [placed] = t.emu.orders();
    expect(String(first)).toContain(`20240108-${placed!.odno}`);
    const second = await a.submitOrder(buy('cs-blip'));
    expect(second).toMatchObject({ clientOrderId: 'cs-blip', brokerOrderId: `20240108-${placed!.odno}` });
    expect(t.emu.counters().ordersReceived).toBe(1);
  });

  it('the attempt marker is written after the hashkey: while the hashkey is out, the id is not claimed', async () => {
    const a = makeBroker(t.emu, t.prefix);
    await a.account();
    t.emu.injectFaults({ kind: 'delay', ms: 400, path: HASHKEY });
    const map = new KisOrderMap(newRedis(), kisKeys(t.prefix, kisTag('real', APP_KEY, ACCOUNT)));
    const submitting = a.submitOrder(buy('cs-hash'));
    await new Promise((r) => setTimeout(r, 200));
    const during = await map.attempt('cs-hash');
    await submitting;
    expect(during).toBeNull();
    expect(t.emu.counters().ordersReceived).toBe(1);
  });
});

describe('KIS: look-ups never claim an order placed later', () => {
  it('a manual order with the same terms hours later is not claimed by a resubmit, nor by findSubmitted without an attempt time', async () => {
    const a = makeBroker(t.emu, t.prefix, { timings: { lookupAttempts: 1 } });
    // KIS answers 500 without processing: nothing placed, the outcome unknown to the bot.
    t.emu.injectFaults({ kind: 'server_error', path: ORDER_CASH });
    const first = await a.submitOrder(buy('cs-stale', { timeInForce: 'day' })).catch((e: unknown) => e);
    expect(isBrokerError(first, 'timeout_unknown'), String(first)).toBe(true);
    t.emu.setClock(seoul('2024-01-08', '14:00:00'));
    const manual = t.emu.plantManualOrder({ pdno: '005930', side: 'buy', qty: 3, price: 70_000 });
    t.emu.setClock(seoul('2024-01-08', '14:05:00'));
    const again = await a.submitOrder(buy('cs-stale', { timeInForce: 'day' })).catch((e: unknown) => e);
    expect(isBrokerError(again, 'timeout_unknown'), String(again)).toBe(true);
    expect(await a.getOrderByClientId('cs-stale')).toBeNull();
    // Another client id, no attempt time, no marker: the manual order is a candidate but never claimed.
    const b = makeBroker(t.emu, `${t.prefix}-other`);
    const found = await b.findSubmitted({ clientOrderId: 'cs-other', brokerOrderId: null, symbol: '005930', side: 'buy', qty: 3, limitPrice: 70_000, attemptedAt: null }).catch((e: unknown) => e);
    expect(isBrokerError(found, 'ambiguous'), String(found)).toBe(true);
    expect(String(found)).toContain(manual);
    expect(t.emu.counters().ordersReceived).toBe(0);
    await cleanRedis(`${t.prefix}-other`);
  });

  it('findSubmitted without an attempt time and nothing matching is null', async () => {
    const b = makeBroker(t.emu, t.prefix);
    await expect(b.findSubmitted({ clientOrderId: 'cs-none', brokerOrderId: null, symbol: '005930', side: 'buy', qty: 3, limitPrice: 70_000, attemptedAt: null })).resolves.toBeNull();
  });
});

describe('KIS: paging never counts a row twice', () => {
  it('a continuation (tr_cont F) without a next-page key fails the listing, and closeAllPositions sells nothing', async () => {
    const f = rewriting(DAILY, (_body, req) => (req.trCont === '' ? { trCont: 'F' } : undefined));
    const a = makeBroker(t.emu, t.prefix, { fetch: f });
    await a.submitOrder(buy('cs-buy', { qty: 4 }));
    t.emu.setPosition('005930', 4 + 7, 70_000); // plus 7 bought by hand
    const err = await a.listOpenOrders().catch((e: unknown) => e);
    expect(isBrokerError(err, 'bad_response'), String(err)).toBe(true);
    await a.closeAllPositions().catch(() => undefined);
    expect(t.emu.orders().filter((o) => o.side === 'sell')).toEqual([]);
  });

  it('a page KIS repeats under a new key counts each order once: closeAllPositions sells only the 4 the bot bought', async () => {
    const f = rewriting(DAILY, (body, req) => {
      if (req.trCont !== '') return;
      body.ctx_area_nk100 = 'PAGE-2'; // the emulator reads this as offset 0: the same rows again
      return { trCont: 'F' };
    });
    const a = makeBroker(t.emu, t.prefix, { fetch: f });
    await a.submitOrder(buy('cs-buy', { qty: 4 }));
    t.emu.setPosition('005930', 4 + 7, 70_000);
    const closing = await a.closeAllPositions();
    expect(closing.map((o) => [o.side, o.qty])).toEqual([['sell', 4]]);
  });
});

describe('KIS: the in-flight lock', () => {
  it('a lock that ran out before the POST: nothing is sent (unavailable), and the id may be sent again', async () => {
    const a = makeBroker(t.emu, t.prefix, { timings: { inFlightLockMs: 100 } });
    const b = makeBroker(t.emu, t.prefix);
    await a.account();
    t.emu.injectFaults({ kind: 'delay', ms: 400, path: HASHKEY });
    const slow = a.submitOrder(buy('cs-slow')).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 200)); // a's lock has run out; b takes it
    await b.submitOrder(buy('cs-other', { qty: 1 }));
    const err = await slow;
    expect(isBrokerError(err, 'unavailable'), String(err)).toBe(true);
    expect(t.emu.counters().ordersReceived).toBe(1);
    await expect(a.submitOrder(buy('cs-slow'))).resolves.toMatchObject({ clientOrderId: 'cs-slow' });
    expect(t.emu.counters().ordersReceived).toBe(2);
  });

  it('an ambiguous outcome keeps the lock: another order in the symbol and side is refused after the lock time', async () => {
    const a = makeBroker(t.emu, t.prefix, { timings: { submitTimeoutMs: 150, lookupAttempts: 1, inFlightLockMs: 300 } });
    t.emu.injectFaults({ kind: 'accept_then_timeout', path: ORDER_CASH });
    t.emu.plantManualOrder({ pdno: '005930', side: 'buy', qty: 3, price: 70_000 });
    const err = await a.submitOrder(buy('cs-amb')).catch((e: unknown) => e);
    expect(isBrokerError(err, 'ambiguous'), String(err)).toBe(true);
    await new Promise((r) => setTimeout(r, 1500)); // past the lock's time during the POST (2 × 150 + 1000 ms)
    const other = makeBroker(t.emu, t.prefix, { timings: { lockWaitMs: 100 } });
    const refused = await other.submitOrder(buy('cs-next', { qty: 1 })).catch((e: unknown) => e);
    expect(isBrokerError(refused, 'rejected'), String(refused)).toBe(true);
    expect(String(refused)).toMatch(/in flight.*cs-amb/);
    expect(t.emu.counters().ordersReceived).toBe(1);
  });
});

describe('KIS: numbers and rows KIS writes oddly', () => {
  it('"30,000" and " 2 " read as numbers: /kill cancels every open order', async () => {
    const f = rewriting(DAILY, (body) => {
      for (const r of rowsOf(body)) if (r.pdno === '069500') Object.assign(r, { ord_unpr: '30,000', ord_qty: ' 2 ' });
    });
    const a = makeBroker(t.emu, t.prefix, { fetch: f });
    await a.submitOrder(buy('cs-d', { timeInForce: 'day', limitPrice: 69_000 }));
    t.emu.plantManualOrder({ pdno: '069500', side: 'buy', qty: 2, price: 30_000 });
    const open = await a.listOpenOrders();
    expect(open.find((o) => o.symbol === '069500')).toMatchObject({ qty: 2, limitPrice: 30_000 });
    expect(await a.cancelAllOrders()).toMatchObject({ cancelled: 2, stillOpen: 0 });
  });

  it('an unreadable row is left out of the listing (warned), but makes a look-up of the bot\'s own order ambiguous', async () => {
    const logs = captureLogs();
    let manual = '';
    const f = rewriting(DAILY, (body) => {
      for (const r of rowsOf(body)) if (r.odno === manual) r.ord_unpr = 'n/a';
    });
    const a = makeBroker(t.emu, t.prefix, { fetch: f, timings: { submitTimeoutMs: 300, lookupAttempts: 0 } }, logs.logger);
    await a.submitOrder(buy('cs-day', { timeInForce: 'day', limitPrice: 69_000 }));
    manual = t.emu.plantManualOrder({ pdno: '005930', side: 'buy', qty: 3, price: 70_000 });
    const open = await a.listOpenOrders();
    expect(open.map((o) => o.clientOrderId)).toEqual(['cs-day']);
    expect(logs.lines.some((l) => l.includes('"level":40') && l.includes(manual) && l.includes('cannot be read'))).toBe(true);
    // Our own order's outcome unknown, and the only other row with its symbol and side cannot be read.
    const attemptedAt = new Date(t.emu.now());
    t.emu.injectFaults({ kind: 'server_error', path: ORDER_CASH });
    await a.submitOrder(buy('cs-lost')).catch(() => undefined);
    const err = await a.findSubmitted({ clientOrderId: 'cs-lost', brokerOrderId: null, symbol: '005930', side: 'buy', qty: 3, limitPrice: 70_000, attemptedAt }).catch((e: unknown) => e);
    expect(isBrokerError(err, 'ambiguous'), String(err)).toBe(true);
    expect(String(err)).toContain(manual);
  });

  it('an ODNO KIS writes without leading zeros is the same order: mapped, listed and found as the bot\'s', async () => {
    const f = rewriting(ORDER_CASH, (body) => {
      const out = body.output as Record<string, string> | undefined;
      if (out?.ODNO) out.ODNO = out.ODNO.replace(/^0+/, '');
    });
    const a = makeBroker(t.emu, t.prefix, { fetch: f });
    const placed = await a.submitOrder(buy('cs-odno', { timeInForce: 'day', limitPrice: 69_000 }));
    expect(placed.brokerOrderId).toMatch(/^20240108-\d{10}$/);
    expect(await a.getOrderByClientId('cs-odno')).toMatchObject({ clientOrderId: 'cs-odno' });
    expect((await a.listOpenOrders()).map((o) => o.clientOrderId)).toEqual(['cs-odno']);
    expect(await a.getOrder(placed.brokerOrderId.replace(/-0+/, '-'))).toMatchObject({ clientOrderId: 'cs-odno' });
  });
});
