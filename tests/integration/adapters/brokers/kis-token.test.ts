import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBrokerError } from '../../../../src/adapters/brokers/errors.js';
import { kisKeys, kisTag } from '../../../../src/adapters/brokers/kis/keys.js';
import type { KisEmulator } from '../../../../src/dev/kis/server.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../../helpers/env.js';
import { ACCOUNT, APP_KEY, closeRedis, makeBroker, newRedis, startEmulator } from './kis-test-broker.js';

/**
 * The one KIS access token, shared through Redis by every process and kept
 * across restarts; tokenP at most once a minute (the emulator answers a
 * second call within a minute with EGW00133 and counts it in tokenRefusals).
 */

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../../..');
const HOUR = 3_600_000;

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
afterAll(closeRedis);

/** Runs one worker process: it builds the adapter against the emulator and reads the account. */
function workerProcess(url: string, now: number): Promise<{ code: number | null; out: string }> {
  const script = `
    import { Redis } from 'ioredis';
    import { createKisBroker } from './src/adapters/brokers/kis/index.ts';
    const redis = new Redis(${JSON.stringify(REDIS_URL)});
    const b = createKisBroker({ server: 'real', baseUrl: ${JSON.stringify(url)}, appKey: ${JSON.stringify(APP_KEY)},
      appSecret: process.env.SECRET, account: ${JSON.stringify(ACCOUNT)}, maxRps: 1000, redis, keyPrefix: ${JSON.stringify(prefix)},
      now: () => ${now}, tick: () => 1 });
    try { const a = await b.account(); console.log(JSON.stringify(a)); } finally { await redis.quit(); }
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, SECRET: 'kisTestAppSecret+Zq8Vw3Xr6Ty1Ub4Nm7Lk0Jh2Gf5Ds9Ap' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('KIS token shared through Redis', () => {
  it('two worker processes starting together make exactly one tokenP call; restarting both makes none', async () => {
    const [a, b] = await Promise.all([workerProcess(emu.url, emu.now()), workerProcess(emu.url, emu.now())]);
    expect(a.code, a.out).toBe(0);
    expect(b.code, b.out).toBe(0);
    expect(emu.counters().tokenCalls).toBe(1);
    expect(emu.counters().tokenRefusals).toBe(0);

    // Both "restart": new processes, same Redis.
    const [c, d] = await Promise.all([workerProcess(emu.url, emu.now()), workerProcess(emu.url, emu.now())]);
    expect(c.code, c.out).toBe(0);
    expect(d.code, d.out).toBe(0);
    expect(emu.counters().tokenCalls).toBe(1);
  }, 60_000);

  it('two adapters on separate Redis connections share one token', async () => {
    const x = makeBroker(emu, prefix);
    const y = makeBroker(emu, prefix);
    await Promise.all([x.account(), y.account(), x.listPositions(), y.listPositions()]);
    expect(emu.counters().tokenCalls).toBe(1);
  });

  it('refreshes once before expiry, then every process uses the new token', async () => {
    const x = makeBroker(emu, prefix);
    const y = makeBroker(emu, prefix);
    await x.account();
    expect(emu.counters().tokensIssued).toBe(1);
    // 23 h 30 min later: inside the default one-hour refresh margin, still before expiry.
    emu.advanceClock(23 * HOUR + 30 * 60_000);
    await Promise.all([x.account(), y.account()]);
    await y.listPositions();
    expect(emu.counters().tokenCalls).toBe(2);
    expect(emu.counters().tokensIssued).toBe(2);
    expect(emu.counters().tokenRefusals).toBe(0);
    // Past the old token's expiry: the new one still serves, no further call.
    emu.advanceClock(HOUR);
    await x.account();
    expect(emu.counters().tokenCalls).toBe(2);
  });

  it('a token KIS refuses (EGW00121) is replaced once and the request repeated', async () => {
    const redis = newRedis();
    const keys = kisKeys(prefix, kisTag('real', APP_KEY, ACCOUNT));
    await redis.hset(keys.token, 'token', 'not-a-token-the-emulator-issued', 'expiresAt', String(emu.now() + 20 * HOUR));
    const x = makeBroker(emu, prefix);
    await expect(x.account()).resolves.toMatchObject({ cash: 10_000_000 });
    expect(emu.counters().tokenCalls).toBe(1);
    expect(await redis.hget(keys.token, 'token')).not.toBe('not-a-token-the-emulator-issued');
  });

  it('never asks twice within a minute: a refused token right after an issue waits for the minute (rate_limited), never EGW00133', async () => {
    const x = makeBroker(emu, prefix, { token: { maxWaitMs: 200 } });
    await x.account();
    const redis = newRedis();
    const keys = kisKeys(prefix, kisTag('real', APP_KEY, ACCOUNT));
    await redis.hset(keys.token, 'token', 'a-token-kis-no-longer-honours');
    const err = await x.account().catch((e: unknown) => e);
    expect(isBrokerError(err, 'rate_limited'), String(err)).toBe(true);
    expect(emu.counters().tokenCalls).toBe(1);
    emu.advanceClock(61_000);
    await expect(x.account()).resolves.toMatchObject({ cash: 10_000_000 });
    expect(emu.counters().tokenCalls).toBe(2);
    expect(emu.counters().tokenRefusals).toBe(0);
  });
});
