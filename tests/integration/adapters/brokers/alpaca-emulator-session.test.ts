import { afterEach, describe, expect, it } from 'vitest';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator, type AlpacaTradingEmulatorOptions } from '../../../../src/dev/alpaca-trading/server.js';

/**
 * The emulator's session, rate-limit and account rules (see
 * src/dev/alpaca-trading/README.md), driven over plain HTTP as the adapter
 * would drive the real Alpaca.
 */

const KEY_ID = 'PKSESSIONKEY';
const SECRET = 'session-secret-value';
const auth = { 'APCA-API-KEY-ID': KEY_ID, 'APCA-API-SECRET-KEY': SECRET, 'content-type': 'application/json' };

let emu: AlpacaTradingEmulator | undefined;

async function start(over: Partial<AlpacaTradingEmulatorOptions> = {}): Promise<AlpacaTradingEmulator> {
  emu = await startAlpacaTradingEmulator({ keyId: KEY_ID, secretKey: SECRET, quotes: { SPY: { bid: 500, ask: 500.05, askSize: 4, bidSize: 100 } }, ...over });
  return emu;
}

afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = auth) {
  const res = await fetch(`${emu!.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

const orderBody = (over: Record<string, unknown> = {}) => ({
  symbol: 'SPY',
  qty: '10',
  side: 'buy',
  type: 'limit',
  time_in_force: 'ioc',
  limit_price: '500.10',
  client_order_id: 'sess-1',
  ...over,
});

/** Polls `read` until `done` holds (at most ~2 s), returning the last value. */
async function until<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  let v = await read();
  for (let i = 0; i < 200 && !done(v); i++) {
    await new Promise((r) => setTimeout(r, 10));
    v = await read();
  }
  return v;
}

const byCid = async (cid: string) => (await call('GET', `/v2/orders:by_client_order_id?client_order_id=${cid}`)).json!;

/** RFC 3339 with a New York offset, e.g. 2026-12-07T10:04:50.285-05:00. */
const NY_RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?-0[45]:00$/;

describe('GET /v2/clock', () => {
  it('answers is_open with New York timestamps; setMarketOpen flips it; next_open/next_close are in the future and ordered like Alpaca', async () => {
    await start();
    const open = await call('GET', '/v2/clock');
    expect(open.status).toBe(200);
    const o = open.json!;
    expect(o['is_open']).toBe(true);
    for (const k of ['timestamp', 'next_open', 'next_close']) expect(o[k], k).toMatch(NY_RFC3339);
    const now = Date.now();
    expect(Math.abs(Date.parse(String(o['timestamp'])) - now)).toBeLessThan(5_000);
    // Open: the session closes before the next one opens.
    expect(Date.parse(String(o['next_close']))).toBeGreaterThan(now - 1_000);
    expect(Date.parse(String(o['next_close']))).toBeLessThan(Date.parse(String(o['next_open'])));
    expect(String(o['next_open'])).toMatch(/T09:30:00-0[45]:00$/);
    expect(String(o['next_close'])).toMatch(/T16:00:00-0[45]:00$/);

    emu!.setMarketOpen(false);
    const closed = (await call('GET', '/v2/clock')).json!;
    expect(closed['is_open']).toBe(false);
    // Closed: the next open comes first.
    expect(Date.parse(String(closed['next_open']))).toBeGreaterThan(now - 1_000);
    expect(Date.parse(String(closed['next_open']))).toBeLessThan(Date.parse(String(closed['next_close'])));
  });

  it('starts closed with marketOpen: false, and counts the clock like any request (auth, recorded)', async () => {
    await start({ marketOpen: false });
    expect((await call('GET', '/v2/clock')).json).toMatchObject({ is_open: false });
    const anon = await call('GET', '/v2/clock', undefined, {});
    expect(anon.status).toBe(401);
    expect(anon.headers.get('x-ratelimit-limit')).toBe('200');
    expect(emu!.requests.filter((r) => r.path === '/v2/clock').map((r) => r.status)).toEqual([200, 401]);
  });
});

describe('orders submitted outside the session', () => {
  it('queues any time in force as accepted, unmatched; setMarketOpen(true) makes them new and matches them (IOC: fill what the quote holds, cancel the rest)', async () => {
    await start({ marketOpen: false });
    const ioc = await call('POST', '/v2/orders', orderBody());
    expect(ioc.status).toBe(200);
    expect(ioc.json).toMatchObject({ status: 'accepted', filled_qty: '0', time_in_force: 'ioc' });
    const day = await call('POST', '/v2/orders', orderBody({ client_order_id: 'sess-day', time_in_force: 'day', limit_price: '499.00', qty: '2' }));
    expect(day.json).toMatchObject({ status: 'accepted' });

    // Give a wrongly scheduled match every chance to run: still accepted, nothing bought.
    await new Promise((r) => setTimeout(r, 30));
    expect(await byCid('sess-1')).toMatchObject({ status: 'accepted', filled_qty: '0' });
    const open = (await call('GET', '/v2/orders?status=open')).json as unknown as Record<string, unknown>[];
    expect(open.map((o) => o['status'])).toEqual(['accepted', 'accepted']);
    expect((await call('GET', '/v2/positions')).json).toEqual([]);

    emu!.setMarketOpen(true);
    // At once: no order is accepted any more.
    expect(emu!.orders().map((o) => o['status'])).not.toContain('accepted');
    expect(emu!.orders()[1]).toMatchObject({ status: 'new' });

    const filled = await until(() => byCid('sess-1'), (o) => o['status'] !== 'new');
    expect(filled).toMatchObject({ status: 'canceled', filled_qty: '4', filled_avg_price: '500.05' });
    // A day limit below the ask rests.
    expect(await byCid('sess-day')).toMatchObject({ status: 'new', filled_qty: '0' });
    expect((await call('GET', '/v2/positions')).json).toEqual([expect.objectContaining({ symbol: 'SPY', qty: '4' })]);
  });

  it('an accepted order is cancellable by id (pending_cancel first with cancelDelayMs), and is not released once cancelled', async () => {
    await start({ marketOpen: false, cancelDelayMs: 100 });
    const placed = (await call('POST', '/v2/orders', orderBody())).json!;
    const del = await call('DELETE', `/v2/orders/${String(placed['id'])}`);
    expect(del.status).toBe(204);
    expect(await byCid('sess-1')).toMatchObject({ status: 'pending_cancel' });
    expect(((await call('GET', '/v2/orders?status=open')).json as unknown as unknown[]).length).toBe(1);
    const done = await until(() => byCid('sess-1'), (o) => o['status'] !== 'pending_cancel');
    expect(done).toMatchObject({ status: 'canceled', filled_qty: '0' });
    emu!.setMarketOpen(true);
    expect(await byCid('sess-1')).toMatchObject({ status: 'canceled', filled_qty: '0' });
    expect((await call('GET', '/v2/positions')).json).toEqual([]);
  });
});

describe('rate limit per API key', () => {
  it('carries X-RateLimit-* on every answer and refuses the request past the limit with 429, Retry-After, unprocessed and marked rateLimited', async () => {
    await start({ rateLimitPerMinute: 3, rateWindowMs: 60_000 });
    const before = Math.floor(Date.now() / 1000);
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await call('GET', '/v2/account');
      expect(r.status).toBe(200);
      expect(r.headers.get('x-ratelimit-limit')).toBe('3');
      remaining.push(r.headers.get('x-ratelimit-remaining'));
    }
    expect(remaining).toEqual(['2', '1', '0']);

    const over = await call('POST', '/v2/orders', orderBody());
    expect(over.status).toBe(429);
    expect(over.json).toEqual({ code: 42910000, message: 'rate limit exceeded' });
    expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
    const reset = Number(over.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThanOrEqual(before + 59);
    expect(reset).toBeLessThanOrEqual(before + 61);
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(59);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(emu!.orders()).toEqual([]);
    expect(emu!.requests.at(-1)).toMatchObject({ method: 'POST', status: 429, rateLimited: true });
    expect(emu!.requests.filter((r) => r.rateLimited)).toHaveLength(1);

    // Another key id has its own window; its auth refusals carry the headers too.
    const other = await call('GET', '/v2/account', undefined, { 'APCA-API-KEY-ID': 'PKOTHER', 'APCA-API-SECRET-KEY': 'x' });
    expect(other.status).toBe(403);
    expect([other.headers.get('x-ratelimit-limit'), other.headers.get('x-ratelimit-remaining')]).toEqual(['3', '2']);
    expect(other.headers.get('x-ratelimit-reset')).not.toBeNull();

    // Raised at run time: the same window now has room.
    emu!.setRateLimit(10);
    const after = await call('GET', '/v2/orders');
    expect(after.status).toBe(200);
    expect([after.headers.get('x-ratelimit-limit'), after.headers.get('x-ratelimit-remaining')]).toEqual(['10', '5']);
  });

  it('starts a fresh window once the old one has ended', async () => {
    await start({ rateLimitPerMinute: 1, rateWindowMs: 300 });
    expect((await call('GET', '/v2/account')).status).toBe(200);
    const over = await call('GET', '/v2/account');
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('1');
    const fresh = await until(() => call('GET', '/v2/account'), (r) => r.status === 200);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('keeps injected rate_limit faults apart from limiter refusals, and defaults to 200 a minute', async () => {
    await start();
    emu!.injectFaults({ kind: 'rate_limit', retryAfterSeconds: 2 });
    const faulted = await call('GET', '/v2/account');
    expect(faulted.status).toBe(429);
    expect(faulted.headers.get('retry-after')).toBe('2');
    expect(emu!.requests[0]).toMatchObject({ fault: 'rate_limit', status: 429 });
    expect(emu!.requests[0]!.rateLimited).toBeUndefined();
    const ok = await call('GET', '/v2/account');
    expect([ok.headers.get('x-ratelimit-limit'), ok.headers.get('x-ratelimit-remaining')]).toEqual(['200', '198']);
  });
});

describe('time in force refused for the account', () => {
  it('answers 422 42210000 naming the time in force and places nothing; an empty list refuses none', async () => {
    await start();
    emu!.refuseTimeInForce(['ioc']);
    const r = await call('POST', '/v2/orders', orderBody());
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({ code: 42210000 });
    expect(String(r.json!['message'])).toMatch(/\bioc\b/);
    expect(emu!.orders()).toEqual([]);
    expect((await call('POST', '/v2/orders', orderBody({ client_order_id: 'sess-day', time_in_force: 'day' }))).status).toBe(200);
    emu!.refuseTimeInForce([]);
    expect((await call('POST', '/v2/orders', orderBody({ client_order_id: 'sess-2' }))).status).toBe(200);
  });
});

describe('account flags', () => {
  it.each(['trading_blocked', 'account_blocked', 'trade_suspended_by_user'] as const)('%s: shown on the account, order POSTs 403 40310000, cancels and reads still work', async (flag) => {
    await start();
    const resting = (await call('POST', '/v2/orders', orderBody({ client_order_id: 'sess-rest', time_in_force: 'day', limit_price: '499.00' }))).json!;
    expect((await call('GET', '/v2/account')).json).toMatchObject({ trading_blocked: false, account_blocked: false, trade_suspended_by_user: false });

    emu!.setAccountFlags({ [flag]: true });
    expect((await call('GET', '/v2/account')).json).toMatchObject({ [flag]: true });
    const refused = await call('POST', '/v2/orders', orderBody());
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ code: 40310000 });
    expect(String(refused.json!['message'])).toMatch(/not authorized to trade/);
    expect(emu!.orders()).toHaveLength(1);
    expect((await call('GET', '/v2/orders?status=all')).status).toBe(200);
    expect((await call('DELETE', `/v2/orders/${String(resting['id'])}`)).status).toBe(204);

    emu!.setAccountFlags({ [flag]: false });
    expect((await call('POST', '/v2/orders', orderBody())).status).toBe(200);
  });
});

describe('DELETE /v2/orders', () => {
  it('answers 207 with an entry for an accepted (queued) order too', async () => {
    await start({ marketOpen: false });
    const placed = (await call('POST', '/v2/orders', orderBody())).json!;
    const del = await call('DELETE', '/v2/orders');
    expect(del.status).toBe(207);
    expect(del.json).toEqual([{ id: placed['id'], status: 200, body: expect.objectContaining({ id: placed['id'], status: 'canceled' }) }]);
    expect((await call('GET', '/v2/orders?status=open')).json).toEqual([]);
  });
});
