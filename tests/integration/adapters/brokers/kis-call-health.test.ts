/**
 * The KIS connection records its last good call and its last failure (time, endpoint kind,
 * failure kind; never a secret) in Redis next to the token, so every process reports into one
 * record and /status reads it wherever it runs. Against the KIS emulator on its fixed clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBrokerError } from '../../../../src/adapters/brokers/errors.js';
import { createKisBroker, createKisConnection, KisCallLog, type KisConnection } from '../../../../src/adapters/brokers/kis/index.js';
import { KisHttp } from '../../../../src/adapters/brokers/kis/http.js';
import { KIS_PATHS } from '../../../../src/adapters/brokers/kis/tr-ids.js';
import { marketsStatusLines } from '../../../../src/bot/views/status-markets-view.js';
import type { BrokerCalls, MarketStatus } from '../../../../src/trading/status/markets.js';
import type { KisEmulator } from '../../../../src/dev/kis/server.js';
import { cleanRedis, uniquePrefix } from '../../../helpers/env.js';
import { ACCOUNT, APP_KEY, APP_SECRET, closeRedis, IN_SESSION, newRedis, startEmulator } from './kis-test-broker.js';

let emu: KisEmulator;
let prefix: string;

beforeEach(async () => {
  emu = await startEmulator();
  prefix = uniquePrefix();
});
afterEach(async () => {
  await emu.close();
  await closeRedis();
  await cleanRedis(prefix);
});

/** One "process": its own Redis connection and KIS connection, on the emulator's clock, without read retries' long waits. */
function process(): KisConnection {
  return createKisConnection({
    server: 'real',
    baseUrl: emu.url,
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    account: ACCOUNT,
    maxRps: 1000,
    redis: newRedis(),
    keyPrefix: prefix,
    now: () => emu.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))),
  });
}

const brokerOn = (c: KisConnection) => createKisBroker({ server: 'real', appKey: APP_KEY, appSecret: APP_SECRET, account: ACCOUNT, redis: newRedis(), keyPrefix: prefix, now: c.now, connection: c });

describe('the KIS call record', () => {
  it('is empty before any call', async () => {
    expect(await process().calls.read()).toEqual({ lastGood: null, lastFailure: null });
  });

  it('a balance read is a good call at the connection clock, seen by another process', async () => {
    const a = process();
    await brokerOn(a).account();
    await a.calls.flush();
    const seen = await process().calls.read();
    expect(seen).toEqual({ lastGood: { at: IN_SESSION, endpoint: 'balance' }, lastFailure: null });
  });

  it('a failure after the good call is recorded with its kind, HTTP status and gateway code, and no secret', async () => {
    const a = process();
    const broker = brokerOn(a);
    await broker.account();
    emu.advanceClock(60_000);
    // Every attempt of the read fails (the first and its retries): KIS is down for balance reads.
    emu.injectFaults({ kind: 'server_error', status: 500, path: KIS_PATHS.balance, count: 10 });
    await expect(broker.account()).rejects.toThrow();
    await a.calls.flush();
    const seen = await process().calls.read();
    expect(seen.lastGood).toEqual({ at: IN_SESSION, endpoint: 'balance' });
    expect(seen.lastFailure).toMatchObject({ at: IN_SESSION + 60_000, endpoint: 'balance', error: 'server_error', status: 500 });

    const stored = JSON.stringify(await newRedis().hgetall(a.keys.calls));
    const token = (await a.tokens.read())!.token;
    for (const secret of [APP_KEY, APP_SECRET, token, ACCOUNT, ACCOUNT.replace('-', '')]) expect(stored).not.toContain(secret);
  });

  it('a later good call clears the warning: the failure stays, older than the good call', async () => {
    const a = process();
    const broker = brokerOn(a);
    emu.injectFaults({ kind: 'server_error', status: 503, path: KIS_PATHS.balance, count: 1 });
    // The read is retried and the retry goes through: one failure, then a good call.
    await broker.account();
    await a.calls.flush();
    const seen = await a.calls.read();
    expect(seen.lastFailure).toMatchObject({ endpoint: 'balance', error: 'server_error', status: 503 });
    expect(seen.lastGood).toMatchObject({ endpoint: 'balance' });
    expect(seen.lastGood!.at).toBeGreaterThanOrEqual(seen.lastFailure!.at);
  });

  it('a KIS server that cannot be reached is a network failure', async () => {
    const down = createKisConnection({
      server: 'real',
      baseUrl: 'http://127.0.0.1:1',
      appKey: APP_KEY,
      appSecret: APP_SECRET,
      account: ACCOUNT,
      redis: newRedis(),
      keyPrefix: prefix,
      now: () => IN_SESSION,
      sleep: async () => undefined,
    });
    await expect(down.tokens.get()).rejects.toThrow();
    await down.calls.flush();
    expect(await down.calls.read()).toEqual({ lastGood: null, lastFailure: { at: IN_SESSION, endpoint: 'token', error: 'network' } });
  });

  it('an older call written late never hides a newer one (processes write out of order)', async () => {
    const redis = newRedis();
    let now = 2_000;
    const log = new KisCallLog({ redis, key: `${prefix}:calls-order`, now: () => now });
    log.good(KIS_PATHS.orderCash);
    now = 1_000;
    log.good(KIS_PATHS.balance);
    log.failed(KIS_PATHS.price, 'timeout', { msgCd: 'not a code: 12345678-01' });
    await log.flush();
    expect(await log.read()).toEqual({ lastGood: { at: 2_000, endpoint: 'order' }, lastFailure: { at: 1_000, endpoint: 'price', error: 'timeout' } });
  });

  it('an order POST that fails, then the daily-orders look-up goes through: /status still warns about orders', async () => {
    const a = process();
    const broker = brokerOn(a);
    await broker.account();
    emu.advanceClock(60_000);
    const failedAt = emu.now();
    // The POST gets a 500 (not placed); the adapter then looks the order up in the daily orders, which answers.
    emu.injectFaults({ kind: 'server_error', status: 500, path: KIS_PATHS.orderCash, count: 1 });
    const err = await broker.submitOrder({ clientOrderId: 'ch-fail', symbol: '069500', side: 'buy', qty: 1, type: 'limit', limitPrice: 35_000, timeInForce: 'ioc' }).catch((e: unknown) => e);
    expect(isBrokerError(err) && err.kind).toBe('timeout_unknown');
    await a.calls.flush();
    const seen = await process().calls.read();
    // The overall last good call is the look-up, at the same instant as the failure: it must not hide the order failure.
    expect(seen.lastGood).toEqual({ at: failedAt, endpoint: 'daily-orders' });
    expect(seen.lastFailure).toMatchObject({ at: failedAt, endpoint: 'order', error: 'server_error', status: 500, msgCd: 'EGW00002' });
    expect(seen.lastGoodOfFailedEndpoint).toBeUndefined();
    expect(krCallLines(seen, failedAt + 60_000)).toEqual([
      '   ⚠️ KIS: the last order call failed 10:01 KST (1 min ago, order: KIS server error, HTTP 500 EGW00002); no good order call is recorded, the last good call overall 10:01 KST (1 min ago, daily-orders). Next: an order is never re-sent after an unclear answer: the recovery pass looks it up in KIS\'s daily orders (see /stuck); if it persists check KIS service notices',
    ]);

    // An order that goes through (another symbol: the first one's lock is held while its outcome is unknown) ends the warning.
    emu.advanceClock(1_000);
    await broker.submitOrder({ clientOrderId: 'ch-good', symbol: '005930', side: 'buy', qty: 1, type: 'limit', limitPrice: 70_000, timeInForce: 'ioc' });
    await a.calls.flush();
    const after = await process().calls.read();
    expect(after.lastFailure).toMatchObject({ at: failedAt, endpoint: 'order' });
    expect(after.lastGoodOfFailedEndpoint).toEqual({ at: failedAt + 1_000, endpoint: 'order' });
    expect(krCallLines(after, failedAt + 60_000).join('\n')).not.toContain('⚠️');
  });

  it('the last good call of each endpoint kind keeps the newest across processes writing out of order', async () => {
    const redis = newRedis();
    let now = 3_000;
    const log = new KisCallLog({ redis, key: `${prefix}:calls-kinds`, now: () => now });
    log.good(KIS_PATHS.orderCash);
    now = 1_000;
    log.good(KIS_PATHS.orderCash);
    now = 4_000;
    log.good(KIS_PATHS.dailyOrders);
    now = 2_000;
    log.failed(KIS_PATHS.orderCash, 'timeout');
    await log.flush();
    expect(await log.read()).toEqual({
      lastGood: { at: 4_000, endpoint: 'daily-orders' },
      lastFailure: { at: 2_000, endpoint: 'order', error: 'timeout' },
      lastGoodOfFailedEndpoint: { at: 3_000, endpoint: 'order' },
    });
  });

  it('a record written before the per-kind fields still judges by the overall last good call when it is of the same kind', async () => {
    const redis = newRedis();
    const key = `${prefix}:calls-old`;
    await redis.hset(key, { goodAt: '5000', goodEndpoint: 'order', failAt: '4000', failEndpoint: 'order', failDetail: JSON.stringify({ error: 'timeout' }) });
    const log = new KisCallLog({ redis, key, now: () => 6_000 });
    expect((await log.read()).lastGoodOfFailedEndpoint).toEqual({ at: 5_000, endpoint: 'order' });
  });

  it("a 5xx with KIS's own code (OPSQ0002: virtual TR ids sent to the real server) is a refusal, not a server error", async () => {
    // A connection that thinks it talks to the virtual server: its TR ids (VTTC…) are unknown to the real one.
    const wrong = createKisConnection({
      server: 'virtual',
      baseUrl: emu.url,
      appKey: APP_KEY,
      appSecret: APP_SECRET,
      account: ACCOUNT,
      maxRps: 1000,
      redis: newRedis(),
      keyPrefix: prefix,
      now: () => emu.now(),
      sleep: async () => undefined,
    });
    const broker = createKisBroker({ server: 'virtual', appKey: APP_KEY, appSecret: APP_SECRET, account: ACCOUNT, redis: newRedis(), keyPrefix: prefix, now: wrong.now, connection: wrong });
    // The token (no TR id) goes through; a second later the balance inquiry is refused on every attempt.
    await wrong.tokens.get();
    emu.advanceClock(1_000);
    await expect(broker.account()).rejects.toThrow();
    await wrong.calls.flush();
    const seen = await wrong.calls.read();
    expect(seen.lastFailure).toEqual({ at: IN_SESSION + 1_000, endpoint: 'balance', error: 'refused', status: 500, msgCd: 'OPSQ0002' });
    expect(krCallLines(seen, IN_SESSION + 1_000)).toEqual([
      '   ⚠️ KIS: the last call failed 10:00 KST (under a minute ago, balance: KIS refused the request (its own code, not an outage), HTTP 500 OPSQ0002) after the last good call 10:00 KST (under a minute ago, token). Next: check that BROKER_KR (kis-virtual or kis-live) is the server KIS_API_URL points at: each server takes only its own TR ids and the virtual one lacks some',
    ]);
  });

  it('5xx answers: no code or a gateway code (EGW…) is a server error; any other KIS code is a refusal', async () => {
    const cases: { status: number; body: string; want: string; msgCd?: string }[] = [
      { status: 502, body: '<html>Bad Gateway</html>', want: 'server_error' },
      { status: 500, body: JSON.stringify({ rt_cd: '1', msg_cd: 'EGW00002', msg1: 'server error' }), want: 'server_error', msgCd: 'EGW00002' },
      { status: 503, body: JSON.stringify({ rt_cd: '1', msg_cd: 'EGW00999', msg1: 'gateway' }), want: 'server_error', msgCd: 'EGW00999' },
      { status: 500, body: JSON.stringify({ rt_cd: '1', msg_cd: 'OPSQ0002', msg1: 'no such service code' }), want: 'refused', msgCd: 'OPSQ0002' },
      { status: 500, body: JSON.stringify({ rt_cd: '1', msg_cd: 'APBK0952', msg1: 'business' }), want: 'refused', msgCd: 'APBK0952' },
      { status: 500, body: JSON.stringify({ rt_cd: '1', msg_cd: 'EGW00201', msg1: 'rate' }), want: 'rate_limited', msgCd: 'EGW00201' },
    ];
    for (const [i, c] of cases.entries()) {
      const calls = new KisCallLog({ redis: newRedis(), key: `${prefix}:calls-5xx-${i}`, now: () => 7_000 });
      const http = new KisHttp({
        broker: 'kis-live',
        baseUrl: 'http://kis.invalid',
        appKey: APP_KEY,
        appSecret: APP_SECRET,
        fetch: async () => new Response(c.body, { status: c.status }),
        sleep: async () => undefined,
        now: () => 7_000,
        maxReadRetries: 0,
        calls,
      });
      await expect(http.read({ method: 'GET', path: KIS_PATHS.price, trId: 'FHKST01010100', auth: false })).rejects.toThrow();
      await calls.flush();
      expect((await calls.read()).lastFailure, `HTTP ${c.status} ${c.body}`).toEqual({ at: 7_000, endpoint: 'price', error: c.want, status: c.status, ...(c.msgCd ? { msgCd: c.msgCd } : {}) });
    }
  });
});

/** The KIS call lines /status shows for a KR market with this record, judged at `at`. */
function krCallLines(calls: BrokerCalls, at: number): string[] {
  const m: MarketStatus = {
    market: 'KR',
    at,
    exchange: 'KRX',
    session: { open: true, date: '2024-01-08', closesAt: at + 3_600_000, earlyClose: false },
    overrides: { state: 'applied', count: 0 },
    broker: { name: 'kis-live', calls },
    data: { symbols: 0, demoSymbols: 0, newest: null, lastClosed: '2024-01-05', stale: false },
  };
  return marketsStatusLines([m]).filter((l) => l.startsWith('   ⚠️ KIS') || l.startsWith('   KIS:'));
}
