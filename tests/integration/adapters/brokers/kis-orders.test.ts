import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBrokerError } from '../../../../src/adapters/brokers/errors.js';
import type { KisBroker } from '../../../../src/adapters/brokers/kis/kis-broker.js';
import type { OrderRequest } from '../../../../src/adapters/brokers/port.js';
import { seoul, type KisEmulator } from '../../../../src/dev/kis/server.js';
import { cleanRedis, uniquePrefix } from '../../../helpers/env.js';
import { closeRedis, makeBroker, startEmulator } from './kis-test-broker.js';

/**
 * Orders against the KIS emulator: IOC limits on the tick, local refusal in
 * the auctions, EGW00201 re-sent, unknown outcomes found in the daily orders
 * (or "ambiguous" when a manual order has the same terms), one in flight per
 * symbol and side.
 */

const ORDER_CASH = '/uapi/domestic-stock/v1/trading/order-cash';

let emu: KisEmulator;
let prefix: string;
let broker: KisBroker;

beforeEach(async () => {
  emu = await startEmulator();
  prefix = uniquePrefix();
  broker = makeBroker(emu, prefix);
});
afterEach(async () => {
  await emu.close();
  await closeRedis();
  await cleanRedis(prefix);
});

const buy = (cid: string, over: Partial<OrderRequest> = {}): OrderRequest => ({
  clientOrderId: cid,
  symbol: '005930',
  side: 'buy',
  qty: 3,
  type: 'limit',
  limitPrice: 70_000,
  timeInForce: 'ioc',
  ...over,
});

describe('KIS orders', () => {
  it('places an IOC limit (ORD_DVSN 11) that fills, and finds it by client order id in another process', async () => {
    const placed = await broker.submitOrder(buy('cs-1'));
    expect(placed.brokerOrderId).toMatch(/^20240108-\d{10}$/);
    const [row] = emu.orders();
    expect(row).toMatchObject({ pdno: '005930', side: 'buy', ordDvsn: '11', qty: 3, price: 70_000, filledQty: 3, source: 'api' });
    const other = makeBroker(emu, prefix);
    const seen = await other.waitForTerminal('cs-1', { timeoutMs: 2000, pollMs: 10 });
    expect(seen).toMatchObject({ clientOrderId: 'cs-1', status: 'filled', filledQty: 3, avgFillPrice: 70_000, brokerOrderId: placed.brokerOrderId });
    // The same client id again places nothing.
    await expect(other.submitOrder(buy('cs-1'))).resolves.toMatchObject({ brokerOrderId: placed.brokerOrderId });
    expect(emu.counters().ordersReceived).toBe(1);
  });

  it('rounds the limit to the KRX tick in the safe direction: buys down, sells up', async () => {
    emu.setPosition('005930', 10, 60_000);
    await broker.submitOrder(buy('cs-b', { limitPrice: 70_099 }));
    await broker.submitOrder(buy('cs-s', { side: 'sell', limitPrice: 69_801 }));
    const [b, s] = emu.orders();
    expect(b!.price).toBe(70_000);
    expect(s!.price).toBe(69_900);
  });

  it('sends a hashkey of the exact body with every order POST', async () => {
    const seen: { path: string; hashkey: string | null; body: string }[] = [];
    const spy: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      if (init?.method === 'POST') seen.push({ path: url.pathname, hashkey: new Headers(init.headers).get('hashkey'), body: String(init.body) });
      return fetch(input, init);
    };
    const b = makeBroker(emu, prefix, { fetch: spy });
    await b.submitOrder(buy('cs-h1', { timeInForce: 'day', limitPrice: 69_000 }));
    await b.cancelAllOrders();
    const orderPosts = seen.filter((s) => s.path !== '/oauth2/tokenP' && s.path !== '/uapi/hashkey');
    expect(orderPosts.map((s) => s.path)).toEqual([ORDER_CASH, '/uapi/domestic-stock/v1/trading/order-rvsecncl']);
    const { createHash } = await import('node:crypto');
    for (const p of orderPosts) expect(p.hashkey).toBe(createHash('sha256').update(p.body).digest('hex'));
  });

  it.each([
    ['the closing auction', '15:25:00'],
    ['the opening auction', '08:45:00'],
    ['after the close', '16:00:00'],
  ])('refuses an IOC order locally in %s: rejected, nothing sent', async (_what, time) => {
    await broker.account(); // the token is in hand, so any request afterwards would be the order's
    emu.setClock(seoul('2024-01-08', time));
    const before = emu.counters().requests;
    const err = await broker.submitOrder(buy('cs-a')).catch((e: unknown) => e);
    expect(isBrokerError(err, 'rejected'), String(err)).toBe(true);
    expect(emu.counters().requests).toBe(before);
    expect(emu.orders()).toHaveLength(0);
  });

  it('refuses on a Saturday', async () => {
    emu.setClock(seoul('2024-01-13', '10:00:00'));
    const err = await broker.submitOrder(buy('cs-sat')).catch((e: unknown) => e);
    expect(isBrokerError(err, 'rejected')).toBe(true);
    expect(emu.counters().requests).toBe(0);
  });

  it('EGW00201 on the order POST: nothing placed, sent again and placed once', async () => {
    emu.injectFaults({ kind: 'rate_limit', path: ORDER_CASH, count: 1 });
    const o = await broker.submitOrder(buy('cs-r1'));
    expect(o.brokerOrderId).toMatch(/^20240108-/);
    expect(emu.counters().ordersReceived).toBe(1);
    expect(emu.pendingFaults()).toHaveLength(0);
  });

  it('EGW00201 past the retries: rate_limited, and the same client id may be sent again', async () => {
    emu.injectFaults({ kind: 'rate_limit', path: ORDER_CASH, count: 3 });
    const err = await broker.submitOrder(buy('cs-r2')).catch((e: unknown) => e);
    expect(isBrokerError(err, 'rate_limited'), String(err)).toBe(true);
    expect((err as { retryable: boolean }).retryable).toBe(true);
    expect(emu.counters().ordersReceived).toBe(0);
    await expect(broker.submitOrder(buy('cs-r2'))).resolves.toMatchObject({ clientOrderId: 'cs-r2' });
    expect(emu.counters().ordersReceived).toBe(1);
  });

  it('a timeout after KIS accepted: timeout_unknown, never re-POSTed, then findSubmitted finds and maps it', async () => {
    const b = makeBroker(emu, prefix, { timings: { submitTimeoutMs: 300, lookupAttempts: 0 } });
    emu.injectFaults({ kind: 'accept_then_timeout', path: ORDER_CASH });
    const attemptedAt = new Date(emu.now());
    const err = await b.submitOrder(buy('cs-t1')).catch((e: unknown) => e);
    expect(isBrokerError(err, 'timeout_unknown'), String(err)).toBe(true);
    expect(emu.counters().ordersReceived).toBe(1);
    // Submitting the same id again looks it up instead of POSTing.
    await expect(b.submitOrder(buy('cs-t1'))).resolves.toMatchObject({ clientOrderId: 'cs-t1', status: 'filled' });
    expect(emu.counters().ordersReceived).toBe(1);
    const found = await makeBroker(emu, prefix).findSubmitted({ clientOrderId: 'cs-t1', brokerOrderId: null, symbol: '005930', side: 'buy', qty: 3, limitPrice: 70_000, attemptedAt });
    expect(found).toMatchObject({ clientOrderId: 'cs-t1', status: 'filled', qty: 3, limitPrice: 70_000 });
    expect(await makeBroker(emu, prefix).getOrderByClientId('cs-t1')).toMatchObject({ brokerOrderId: found!.brokerOrderId });
  });

  it('a timeout after KIS accepted is resolved by the submit itself when the look-ups find it', async () => {
    const b = makeBroker(emu, prefix, { timings: { submitTimeoutMs: 300 } });
    emu.injectFaults({ kind: 'accept_then_drop', path: ORDER_CASH });
    await expect(b.submitOrder(buy('cs-t2'))).resolves.toMatchObject({ clientOrderId: 'cs-t2', status: 'filled' });
    expect(emu.counters().ordersReceived).toBe(1);
  });

  it('findSubmitted: nothing at KIS → null', async () => {
    await expect(broker.findSubmitted({ clientOrderId: 'cs-none', brokerOrderId: null, symbol: '005930', side: 'buy', qty: 3, limitPrice: 70_000, attemptedAt: new Date(emu.now()) })).resolves.toBeNull();
  });

  it('a manual order with the same terms makes the unknown outcome ambiguous; nothing is sent again', async () => {
    const b = makeBroker(emu, prefix, { timings: { submitTimeoutMs: 300, lookupAttempts: 0 } });
    const attemptedAt = new Date(emu.now());
    emu.injectFaults({ kind: 'accept_then_timeout', path: ORDER_CASH });
    await b.submitOrder(buy('cs-m1')).catch(() => undefined);
    emu.plantManualOrder({ pdno: '005930', side: 'buy', qty: 3, price: 70_000 });
    const ref = { clientOrderId: 'cs-m1', brokerOrderId: null, symbol: '005930', side: 'buy' as const, qty: 3, limitPrice: 70_000, attemptedAt };
    const err = await b.findSubmitted(ref).catch((e: unknown) => e);
    expect(isBrokerError(err, 'ambiguous'), String(err)).toBe(true);
    const again = await b.submitOrder(buy('cs-m1')).catch((e: unknown) => e);
    expect(isBrokerError(again, 'ambiguous'), String(again)).toBe(true);
    expect(emu.counters().ordersReceived).toBe(1);
  });

  it('an order already mapped to another client id is not a candidate', async () => {
    const first = await broker.submitOrder(buy('cs-o1'));
    const found = await broker.findSubmitted({ clientOrderId: 'cs-o2', brokerOrderId: null, symbol: '005930', side: 'buy', qty: 3, limitPrice: 70_000, attemptedAt: new Date(emu.now() - 1000) });
    expect(found).toBeNull();
    expect(first.clientOrderId).toBe('cs-o1');
  });

  it('one order in flight per symbol and side: another client id waits, then is refused with nothing sent', async () => {
    const b = makeBroker(emu, prefix, { timings: { submitTimeoutMs: 300, lookupAttempts: 0, lockWaitMs: 100 } });
    emu.injectFaults({ kind: 'accept_then_timeout', path: ORDER_CASH });
    await b.submitOrder(buy('cs-f1')).catch(() => undefined);
    const other = makeBroker(emu, prefix, { timings: { lockWaitMs: 100 } });
    const err = await other.submitOrder(buy('cs-f2', { qty: 1 })).catch((e: unknown) => e);
    expect(isBrokerError(err, 'rejected'), String(err)).toBe(true);
    expect(String(err)).toMatch(/in flight/);
    expect(emu.counters().ordersReceived).toBe(1);
    // The other side of the same symbol is free.
    emu.setPosition('005930', 5, 60_000);
    await expect(other.submitOrder(buy('cs-f3', { side: 'sell', qty: 1, limitPrice: 69_900 }))).resolves.toMatchObject({ side: 'sell' });
  });

  it('a business refusal (insufficient cash) is rejected with KIS words and may be sent again', async () => {
    emu.setCash(1000);
    const err = await broker.submitOrder(buy('cs-c1')).catch((e: unknown) => e);
    expect(isBrokerError(err, 'rejected'), String(err)).toBe(true);
    expect((err as { reason?: string }).reason).toBeTruthy();
    emu.setCash(10_000_000);
    await expect(broker.submitOrder(buy('cs-c1'))).resolves.toMatchObject({ clientOrderId: 'cs-c1' });
  });
});
