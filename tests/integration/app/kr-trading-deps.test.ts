import { Redis } from 'ioredis';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/app/config/config.js';
import { createKrTradingDeps } from '../../../src/app/kr-trading-deps.js';
import { startKisEmulator, type KisEmulator } from '../../../src/dev/kis/server.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../helpers/env.js';

/**
 * The KR broker and quotes as BROKER_KR wires them: KIS's virtual server
 * (here the KIS emulator on the wall clock) read for a quote and the
 * account, nothing placed; BROKER_KR=paper leaves the KR book to the lead.
 */

const APP_KEY = 'PSkrDepsTestAppKey5c1e0b7d9f2a4e6c8';
const APP_SECRET = 'krDepsTestSecret+Lq2Wd5Yf8Hj1Kl4Zx7Cv0Bn3Mm6';
const ACCOUNT = '50001234-01';
const log = pino({ level: 'silent' });
/** KIS does not touch the database; the paper path (which would) returns before using it. */
const NO_DB = {} as DataSource;

let emu: KisEmulator;
let prefix: string;
let redis: Redis;

beforeEach(async () => {
  emu = await startKisEmulator({
    server: 'virtual',
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    account: ACCOUNT,
    maxRps: 1000,
    cash: 7_500_000,
    quotes: { '069500': { price: 35_010, bid: 35_005, ask: 35_015, bidSize: 900, askSize: 700 } },
  });
  prefix = uniquePrefix();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
});
afterEach(async () => {
  await emu.close();
  await redis.quit();
  await cleanRedis(prefix);
});

function krConfig(env: Record<string, string> = {}) {
  return loadConfig({
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    BROKER_KR: 'kis-virtual',
    KIS_APP_KEY: APP_KEY,
    KIS_APP_SECRET: APP_SECRET,
    KIS_ACCOUNT: ACCOUNT,
    KIS_API_URL: emu.url,
    KIS_MAX_RPS: '100',
    ...env,
  });
}

describe('createKrTradingDeps', () => {
  it('BROKER_KR=paper: no KR broker from here (the lead wires the KR paper book)', () => {
    expect(createKrTradingDeps(krConfig({ BROKER_KR: 'paper' }), NO_DB, log, { redis, prefix })).toBeNull();
  });

  it('kis-virtual: a KIS quote and the KIS account on one connection, nothing placed', async () => {
    const deps = createKrTradingDeps(krConfig(), NO_DB, log, { redis, prefix });
    if (!deps) throw new Error('expected KIS deps');
    expect(deps.quoteSource).toBe('kis');
    expect(deps.broker.name).toBe('kis-virtual');
    expect(deps.connection.server).toBe('virtual');
    await expect(deps.quotes.latestQuote('069500')).resolves.toMatchObject({ symbol: '069500', bid: 35_005, ask: 35_015, bidSize: 900, askSize: 700 });
    await expect(deps.broker.account()).resolves.toEqual({ cash: 7_500_000, equity: 7_500_000, buyingPower: 7_500_000 });
    // The status reads the token's expiry from the connection: the one token both reads used.
    const token = await deps.connection.tokens.read();
    expect(token?.expiresAt).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    expect(emu.counters()).toMatchObject({ tokensIssued: 1, ordersReceived: 0 });
  });

  it('one KIS connection per process: a second call shares it (one token, one rate)', async () => {
    const a = createKrTradingDeps(krConfig(), NO_DB, log, { redis, prefix });
    const b = createKrTradingDeps(krConfig(), NO_DB, log, { redis, prefix });
    expect(b?.connection).toBe(a?.connection);
    await a?.quotes.latestQuote('069500');
    await b?.broker.account();
    expect(emu.counters().tokenCalls).toBe(1);
  });

  it('kis-* without the shared Redis is refused, saying why', () => {
    expect(() => createKrTradingDeps(krConfig(), NO_DB, log)).toThrow(/Redis/);
  });
});
