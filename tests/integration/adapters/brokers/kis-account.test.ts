import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBrokerError } from '../../../../src/adapters/brokers/errors.js';
import type { KisBroker } from '../../../../src/adapters/brokers/kis/kis-broker.js';
import { startKisEmulator, type KisEmulator } from '../../../../src/dev/kis/server.js';
import { cleanRedis, uniquePrefix } from '../../../helpers/env.js';
import { APP_KEY, APP_SECRET, closeRedis, makeBroker, startEmulator } from './kis-test-broker.js';

/** Balance, positions, open orders, cancels, closing only what the bot bought, secrets, and the shared request rate. */

let emu: KisEmulator;
let prefix: string;
let broker: KisBroker;

beforeEach(async () => {
  emu = await startEmulator({ pageSize: 2 });
  prefix = uniquePrefix();
  broker = makeBroker(emu, prefix);
});
afterEach(async () => {
  await emu.close();
  await closeRedis();
  await cleanRedis(prefix);
});

describe('KIS account and positions', () => {
  it('reads cash, equity and holdings in whole KRW', async () => {
    emu.setCash(5_000_000);
    emu.setPosition('069500', 10, 30_000);
    expect(await broker.account()).toEqual({ cash: 5_000_000, equity: 5_000_000 + 10 * 35_000, buyingPower: 5_000_000 });
    expect(await broker.listPositions()).toEqual([
      { symbol: '069500', qty: 10, avgEntryPrice: 30_000, costBasis: 300_000, currentPrice: 35_000, marketValue: 350_000, unrealizedPl: 50_000 },
    ]);
  });

  it('lists open orders across pages (ours by client id, a manual one as not ours) and cancels them all', async () => {
    for (const [i, price] of [69_000, 68_000, 67_000].entries()) {
      await broker.submitOrder({ clientOrderId: `cs-d${i}`, symbol: '005930', side: 'buy', qty: 1, type: 'limit', limitPrice: price, timeInForce: 'day' });
    }
    emu.plantManualOrder({ pdno: '069500', side: 'buy', qty: 2, price: 30_000 });
    const open = await broker.listOpenOrders();
    const ids = open.map((o) => o.clientOrderId);
    expect(ids.filter((id) => id.startsWith('cs-')).sort()).toEqual(['cs-d0', 'cs-d1', 'cs-d2']);
    expect(open.filter((o) => !o.clientOrderId.startsWith('cs-')).map((o) => [o.symbol, o.clientOrderId])).toEqual([['069500', `kis-${open.find((o) => o.symbol === '069500')!.brokerOrderId}`]]);
    expect(open.every((o) => o.status === 'new')).toBe(true);
    const r = await broker.cancelAllOrders();
    expect(r).toMatchObject({ cancelled: 4, stillOpen: 0 });
    expect((await broker.getOrderByClientId('cs-d1'))?.status).toBe('canceled');
  });

  it('cancelOrder of a finished order is not an error', async () => {
    const o = await broker.submitOrder({ clientOrderId: 'cs-x', symbol: '005930', side: 'buy', qty: 1, type: 'limit', limitPrice: 70_000, timeInForce: 'ioc' });
    await expect(broker.cancelOrder(o.brokerOrderId)).resolves.toBeUndefined();
  });

  it('getOrder of an unknown id is not_found', async () => {
    const err = await broker.getOrder('20240108-0000099999').catch((e: unknown) => e);
    expect(isBrokerError(err, 'not_found')).toBe(true);
  });

  it('closeAllPositions sells only what the bot bought; a holding it did not place is left alone', async () => {
    emu.setPosition('069500', 7, 30_000); // bought in the KIS app
    await broker.submitOrder({ clientOrderId: 'cs-buy', symbol: '005930', side: 'buy', qty: 4, type: 'limit', limitPrice: 70_000, timeInForce: 'ioc' });
    emu.setQuote('005930', { price: 70_000, bid: 69_900, ask: 70_000 });
    const closing = await broker.closeAllPositions();
    expect(closing.map((o) => [o.symbol, o.side, o.qty])).toEqual([['005930', 'sell', 4]]);
    const positions = await broker.listPositions();
    expect(positions.map((p) => [p.symbol, p.qty])).toEqual([['069500', 7]]);
  });
});

describe('KIS errors and secrets', () => {
  it('a failing call: neither app key, secret nor token appear in the error or the logs', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const logger = pino({ level: 'debug' }, sink);
    const good = makeBroker(emu, prefix, {}, logger);
    await good.account();
    const redis = (await import('./kis-test-broker.js')).newRedis();
    const keys = (await import('../../../../src/adapters/brokers/kis/keys.js')).kisKeys(prefix, (await import('../../../../src/adapters/brokers/kis/keys.js')).kisTag('real', APP_KEY, '12345678-01'));
    const token = (await redis.hget(keys.token, 'token'))!;
    expect(token.length).toBeGreaterThan(8);
    emu.injectFaults({ kind: 'server_error', path: '/uapi/domestic-stock/v1/trading/inquire-balance', count: 10 });
    const err = await good.account().catch((e: unknown) => e);
    expect(isBrokerError(err, 'unavailable'), String(err)).toBe(true);

    const wrong = makeBroker(emu, uniquePrefix(), { appSecret: `${APP_SECRET}-wrong` }, logger);
    const authErr = await wrong.account().catch((e: unknown) => e);
    expect(isBrokerError(authErr, 'auth'), String(authErr)).toBe(true);

    // A gateway that echoes the credentials it was sent in its error message.
    const echo: typeof fetch = async (input, init) => {
      const h = new Headers(init?.headers);
      if (!String(input).includes('/uapi/domestic-stock/v1/trading/inquire-balance')) return fetch(input, init);
      const msg1 = `bad request from ${h.get('appkey')} ${h.get('appsecret')} ${h.get('authorization')}`;
      return new Response(JSON.stringify({ rt_cd: '1', msg_cd: 'EGW00002', msg1 }), { status: 500, headers: { 'content-type': 'application/json' } });
    };
    const echoed = makeBroker(emu, prefix, { fetch: echo }, logger);
    const echoErr = await echoed.account().catch((e: unknown) => e);
    expect(isBrokerError(echoErr, 'unavailable'), String(echoErr)).toBe(true);
    expect(String(echoErr)).toContain('bad request from ***');

    const text = [String(err), JSON.stringify(err), String(authErr), JSON.stringify(authErr), String(echoErr), JSON.stringify(echoErr), ...lines].join('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of [APP_KEY, APP_SECRET, token]) expect(text).not.toContain(secret);
  });
});

describe('KIS request rate across processes', () => {
  it('two adapters sharing KIS_MAX_RPS never exceed it (no EGW00201)', async () => {
    // The emulator counts in seconds of its own clock: here the wall clock.
    const live = await startKisEmulator({ server: 'real', appKey: APP_KEY, appSecret: APP_SECRET, account: '12345678-01', maxRps: 3 });
    try {
      const p = uniquePrefix();
      const a = makeBroker(live, p, { maxRps: 3 });
      const b = makeBroker(live, p, { maxRps: 3 });
      const started = Date.now();
      await Promise.all([...Array.from({ length: 5 }, () => a.account()), ...Array.from({ length: 5 }, () => b.account())]);
      expect(live.counters().rateLimited).toBe(0);
      // 10 requests at 3 a second take more than 2 s.
      expect(Date.now() - started).toBeGreaterThan(2000);
      await cleanRedis(p);
    } finally {
      await live.close();
    }
  });
});
