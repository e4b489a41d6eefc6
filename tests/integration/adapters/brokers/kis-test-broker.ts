import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createKisBroker, type CreateKisBrokerOptions } from '../../../../src/adapters/brokers/kis/index.js';
import type { KisBroker } from '../../../../src/adapters/brokers/kis/kis-broker.js';
import { startKisEmulator, seoul, type KisEmulator, type KisEmulatorOptions } from '../../../../src/dev/kis/server.js';
import { afterEach, beforeEach } from 'vitest';
import type { OrderRequest } from '../../../../src/adapters/brokers/port.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../../helpers/env.js';

/** Credentials the emulator accepts; long enough that scrubbing them is meaningful. */
export const APP_KEY = 'PSkisTestAppKey7f3a9c1e5b2d8f4a6c0e';
export const APP_SECRET = 'kisTestAppSecret+Zq8Vw3Xr6Ty1Ub4Nm7Lk0Jh2Gf5Ds9Ap';
export const ACCOUNT = '12345678-01';

/** A Monday in the continuous session: 2024-01-08 10:00 KST. */
export const IN_SESSION = seoul('2024-01-08', '10:00:00');

/** KRX stock tick sizes (from 2023-01-25): the test's own table, independent of the adapter. */
export function krxStockTick(price: number): number {
  if (price < 2000) return 1;
  if (price < 5000) return 5;
  if (price < 20_000) return 10;
  if (price < 50_000) return 50;
  if (price < 200_000) return 100;
  if (price < 500_000) return 500;
  return 1000;
}

/** The emulator on the real server at IN_SESSION, with a quote for Samsung Electronics and room for many requests. */
export async function startEmulator(opts: Partial<KisEmulatorOptions> = {}): Promise<KisEmulator> {
  const emu = await startKisEmulator({
    server: 'real',
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    account: ACCOUNT,
    maxRps: 10_000,
    quotes: { '005930': { price: 70_000, bid: 69_900, ask: 70_000 }, '069500': { price: 35_000, bid: 34_950, ask: 35_000 } },
    ...opts,
  });
  emu.setClock(IN_SESSION);
  return emu;
}

/** Redis connections opened by {@link makeBroker}; close them with {@link closeRedis}. */
const opened: Redis[] = [];

export function newRedis(): Redis {
  const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  opened.push(r);
  return r;
}

export async function closeRedis(): Promise<void> {
  await Promise.all(opened.splice(0).map((r) => r.quit().catch(() => undefined)));
}

/** An adapter on its own Redis connection (one "process"), on the emulator's clock, with short sleeps. */
export function makeBroker(emu: KisEmulator, keyPrefix: string, extra: Partial<CreateKisBrokerOptions> = {}, logger?: Logger): KisBroker {
  return createKisBroker({
    server: 'real',
    baseUrl: emu.url,
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    account: ACCOUNT,
    maxRps: 1000,
    redis: newRedis(),
    keyPrefix,
    now: () => emu.now(),
    tick: krxStockTick,
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))),
    ...(logger ? { logger } : {}),
    ...extra,
  });
}

/** A 3-share IOC buy of Samsung Electronics at 70,000 under `cid`, with overrides. */
export function kisBuy(cid: string, over: Partial<OrderRequest> = {}): OrderRequest {
  return { clientOrderId: cid, symbol: '005930', side: 'buy', qty: 3, type: 'limit', limitPrice: 70_000, timeInForce: 'ioc', ...over };
}

/**
 * A fresh emulator ({@link startEmulator}) and Redis prefix for every test of
 * the calling file, closed and cleaned after each; read them from the
 * returned object inside the tests.
 */
export function useKisEmulator(opts: Partial<KisEmulatorOptions> = {}): { emu: KisEmulator; prefix: string } {
  const ctx = {} as { emu: KisEmulator; prefix: string };
  beforeEach(async () => {
    ctx.emu = await startEmulator(opts);
    ctx.prefix = uniquePrefix();
  });
  afterEach(async () => {
    await ctx.emu.close();
    await closeRedis();
    await cleanRedis(ctx.prefix);
  });
  return ctx;
}
