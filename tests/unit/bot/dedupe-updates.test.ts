/**
 * The update de-duplication marks an update as seen before handling it (so a redelivery racing
 * the first delivery is dropped) — but an update whose handling FAILED must not stay marked, or
 * Telegram's redelivery of, say, a /kill that never reached the database would be thrown away.
 */
import type { Context } from 'telegraf';
import { describe, expect, it } from 'vitest';
import type { BotDeps } from '../../../src/bot/deps.js';
import { dedupeUpdates } from '../../../src/bot/middleware.js';

/** Just the Redis calls the middleware makes, in memory. */
function fakeRedis() {
  const keys = new Map<string, string>();
  return {
    keys,
    async set(key: string, value: string, ...args: unknown[]) {
      if (args.includes('NX') && keys.has(key)) return null;
      keys.set(key, value);
      return 'OK';
    },
    async del(key: string) {
      return keys.delete(key) ? 1 : 0;
    },
    async eval() {
      throw new Error('not used');
    },
  };
}

function setup() {
  const redis = fakeRedis();
  const deps = { config: { redis: { prefix: 't' } }, redis, log: { info() {}, warn() {} } } as unknown as BotDeps;
  const ctx = { update: { update_id: 42 } } as unknown as Context;
  return { redis, mw: dedupeUpdates(deps), ctx };
}

describe('dedupeUpdates', () => {
  it('a second delivery of a handled update is dropped', async () => {
    const { mw, ctx } = setup();
    let handled = 0;
    await mw(ctx, async () => void handled++);
    await mw(ctx, async () => void handled++);
    expect(handled).toBe(1);
  });

  it('an update whose handling failed is not remembered: its redelivery is handled', async () => {
    const { mw, ctx, redis } = setup();
    await expect(
      mw(ctx, async () => {
        throw new Error('Postgres went away mid-/kill');
      }),
    ).rejects.toThrow('Postgres went away');
    expect(redis.keys.size).toBe(0);
    let handled = 0;
    await mw(ctx, async () => void handled++);
    expect(handled).toBe(1);
  });
});
