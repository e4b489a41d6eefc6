import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator } from '../../../../src/dev/alpaca-trading/server.js';

const KEY_ID = 'PKEMUKEY';
const SECRET = 'emu-secret-value';
let emu: AlpacaTradingEmulator;

const auth = { 'APCA-API-KEY-ID': KEY_ID, 'APCA-API-SECRET-KEY': SECRET, 'content-type': 'application/json' };

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = auth) {
  const res = await fetch(`${emu.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? (JSON.parse(text) as unknown) : undefined };
}

const orderBody = (over: Record<string, unknown> = {}) => ({
  symbol: 'SPY',
  qty: '10',
  side: 'buy',
  type: 'limit',
  time_in_force: 'ioc',
  limit_price: '500.10',
  client_order_id: 'emu-1',
  ...over,
});

const settle = () => new Promise((r) => setTimeout(r, 20));

beforeEach(async () => {
  emu = await startAlpacaTradingEmulator({ keyId: KEY_ID, secretKey: SECRET, quotes: { SPY: { bid: 500, ask: 500.05, askSize: 4, bidSize: 100 } } });
});
afterEach(async () => {
  await emu.close();
});

describe('Alpaca trading emulator wire format', () => {
  it('checks keys: 401 without them, 403 with wrong ones, both with code 40110000', async () => {
    const none = await call('GET', '/v2/account', undefined, {});
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ code: 40110000, message: 'request is not authorized' });
    const wrong = await call('GET', '/v2/account', undefined, { ...auth, 'APCA-API-SECRET-KEY': 'nope' });
    expect(wrong.status).toBe(403);
    expect((wrong.json as { code: number }).code).toBe(40110000);
    expect(JSON.stringify(emu.requests)).not.toContain(SECRET);
  });

  it('answers a POST with the order as pending_new (decimal strings), then executes the IOC against the quote', async () => {
    const r = await call('POST', '/v2/orders', orderBody());
    expect(r.status).toBe(200);
    const o = r.json as Record<string, unknown>;
    for (const k of ['id', 'client_order_id', 'created_at', 'updated_at', 'submitted_at', 'filled_at', 'symbol', 'qty', 'filled_qty', 'filled_avg_price', 'order_type', 'type', 'side', 'time_in_force', 'limit_price', 'status']) {
      expect(o, k).toHaveProperty(k);
    }
    expect(o).toMatchObject({ status: 'pending_new', qty: '10', filled_qty: '0', filled_avg_price: null, limit_price: '500.1', client_order_id: 'emu-1', asset_class: 'us_equity' });
    await settle();
    const after = await call('GET', '/v2/orders:by_client_order_id?client_order_id=emu-1');
    // Only 4 shares at the ask: filled 4, rest canceled.
    expect(after.json).toMatchObject({ status: 'canceled', filled_qty: '4', filled_avg_price: '500.05' });
    expect((await call('GET', `/v2/orders/${String(o['id'])}`)).json).toMatchObject({ id: o['id'] });
    expect((await call('GET', '/v2/orders:by_client_order_id?client_order_id=nope')).status).toBe(404);
    const pos = (await call('GET', '/v2/positions')).json as Record<string, unknown>[];
    expect(pos).toEqual([expect.objectContaining({ symbol: 'SPY', qty: '4', avg_entry_price: '500.05', side: 'long', cost_basis: '2000.2' })]);
    const acct = (await call('GET', '/v2/account')).json as Record<string, unknown>;
    expect(acct).toMatchObject({ cash: '97999.8', status: 'ACTIVE', currency: 'USD' });
  });

  it('enforces unique client_order_id (422 40010001) and the sub-penny rule', async () => {
    expect((await call('POST', '/v2/orders', orderBody())).status).toBe(200);
    const dup = await call('POST', '/v2/orders', orderBody());
    expect(dup.status).toBe(422);
    expect(dup.json).toEqual({ code: 40010001, message: 'client_order_id must be unique' });
    const sub = await call('POST', '/v2/orders', orderBody({ client_order_id: 'emu-2', limit_price: '500.123' }));
    expect(sub.status).toBe(422);
    expect((sub.json as { message: string }).message).toMatch(/sub-penny/);
    expect(emu.orders()).toHaveLength(1);
  });

  it('day orders below the ask rest as new; DELETE /v2/orders answers 207 with one entry per order', async () => {
    await call('POST', '/v2/orders', orderBody({ time_in_force: 'day', limit_price: '499.00' }));
    await settle();
    expect(((await call('GET', '/v2/orders?status=open')).json as unknown[]).length).toBe(1);
    const del = await call('DELETE', '/v2/orders');
    expect(del.status).toBe(207);
    expect(del.json).toEqual([{ id: emu.orders()[0]!['id'], status: 200, body: expect.objectContaining({ status: 'canceled' }) }]);
    expect((await call('GET', '/v2/orders?status=open')).json).toEqual([]);
    expect(((await call('GET', '/v2/orders?status=closed')).json as unknown[]).length).toBe(1);
  });

  it('refuses buys beyond buying power with 403 40310000', async () => {
    const r = await call('POST', '/v2/orders', orderBody({ qty: '1000' }));
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ code: 40310000, message: 'insufficient buying power' });
    expect(emu.orders()).toHaveLength(0);
  });

  it('faults: rate limit with Retry-After, and accept_then_timeout creates the order without answering', async () => {
    emu.injectFaults({ kind: 'rate_limit', retryAfterSeconds: 3 });
    const r = await call('POST', '/v2/orders', orderBody());
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('3');
    expect(emu.orders()).toHaveLength(0);

    emu.injectFaults({ kind: 'accept_then_timeout', method: 'POST' });
    const aborted = await fetch(`${emu.url}/v2/orders`, { method: 'POST', headers: auth, body: JSON.stringify(orderBody()), signal: AbortSignal.timeout(150) }).then(
      () => 'answered',
      (e: Error) => e.name,
    );
    expect(aborted).toBe('TimeoutError');
    expect(emu.orders()).toHaveLength(1);
    expect(emu.pendingFaults()).toEqual([]);
  });

  it('DELETE /v2/positions sells every position with a market order (207)', async () => {
    emu.setPosition('SPY', 7, 480);
    const r = await call('DELETE', '/v2/positions?cancel_orders=true');
    expect(r.status).toBe(207);
    expect(r.json).toEqual([{ symbol: 'SPY', status: 200, body: expect.objectContaining({ side: 'sell', qty: '7', type: 'market', limit_price: null }) }]);
    await settle();
    expect((await call('GET', '/v2/positions')).json).toEqual([]);
    expect(emu.orders()[0]).toMatchObject({ status: 'filled', filled_avg_price: '500' });
  });
});
