import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../src/app/config/config.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Every test prefix of one run starts with this (the run's pid), so the run can sweep its own keys. */
export function runPrefixRoot(runPid: number): string {
  return `cst-${runPid}-`;
}

/** A unique Redis prefix per test so queues and keys never collide (BullMQ's own test habit). */
export function uniquePrefix(): string {
  return `${runPrefixRoot(inject('runPid'))}${randomBytes(5).toString('hex')}`;
}

/** Config for a test: a given database, a fresh Redis prefix, random ports, quiet logs. */
export function testConfig(dbUrl: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: dbUrl,
    REDIS_URL,
    REDIS_PREFIX: uniquePrefix(),
    HTTP_PORT: '0',
    LOCAL_BOT_API_PORT: '0',
    LOG_LEVEL: 'silent',
    NOTIFY_CHAT_BURST: '1000',
    NOTIFY_CHAT_PER_SEC: '1000',
    // Tests drive one user far faster than a person; the per-user limits are tested with their defaults in tests/e2e/fairness.test.ts.
    USER_RATE_PER_MIN: '100000',
    USER_RATE_BURST: '100000',
    USER_MAX_QUEUED: '100000',
    HEARTBEAT_INTERVAL_MS: '1000',
    COURTSIDE_HOME: '/tmp/courtside-test-home',
    // Tests store exactly the bars they need; the 2.3M-row demo universe is covered by its own tests.
    SEED_DEFAULT_DATA: 'false',
    // The wall clock must not decide what a test sees: scheduled scans and digests are tested with an injected clock.
    SCHEDULE_ENABLED: 'false',
    // Fill-path tests run at any hour; the exchange's hours are tested with MARKET_HOURS=exchange and a set clock.
    MARKET_HOURS: 'always',
    ...env,
  });
}

/** Deletes every key under a prefix. */
export async function cleanRedis(prefix: string): Promise<void> {
  await deleteKeys(`${prefix}:*`);
}

/** Deletes every key matching a SCAN pattern. */
export async function deleteKeys(pattern: string): Promise<void> {
  const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}
