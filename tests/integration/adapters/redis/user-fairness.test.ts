import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisUserFairness } from '../../../../src/adapters/redis/fairness/redis-user-fairness.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../../helpers/env.js';

/** The per-user token bucket and work slots, straight against Redis (the bot's use is in tests/e2e/fairness.test.ts). */
describe('RedisUserFairness', () => {
  const prefix = uniquePrefix();
  let redis: Redis;
  let store: RedisUserFairness;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    store = new RedisUserFairness(redis, prefix);
  });
  afterAll(async () => {
    await cleanRedis(prefix);
    redis.disconnect();
  });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('gives a burst at once, then refuses; only the first refusal of the interval notifies', async () => {
    // One token a minute: nothing refills while the test runs.
    const limit = { perMinute: 1, burst: 5, noticeEveryMs: 60_000 };
    const verdicts = await Promise.all(Array.from({ length: 20 }, () => store.take(101, limit)));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(5);
    const refused = verdicts.filter((v) => !v.allowed);
    expect(refused.filter((v) => v.notify)).toHaveLength(1);
    expect(refused).toHaveLength(15);
    // Another user has a bucket of their own.
    expect(await store.take(102, limit)).toEqual({ allowed: true });
  });

  it('refills at the configured rate', async () => {
    // One token a second, at most one held.
    const limit = { perMinute: 60, burst: 1, noticeEveryMs: 10 };
    expect(await store.take(103, limit)).toEqual({ allowed: true });
    expect((await store.take(103, limit)).allowed).toBe(false);
    await sleep(1_100);
    expect(await store.take(103, limit)).toEqual({ allowed: true });
    expect((await store.take(103, limit)).allowed).toBe(false);
  });

  it('grants at most `max` slots at once, re-grants a held one, and frees them by settle, release or expiry', async () => {
    const granted = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((m) => store.reserve(201, `update:${m}`, 3, 60_000)));
    expect(granted.filter((v) => v.granted)).toHaveLength(3);
    expect(granted.filter((v) => !v.granted).every((v) => v.held === 3)).toBe(true);
    const [holder] = (await store.held(201)).sort();
    // A redelivered update keeps its slot.
    expect(await store.reserve(201, holder!, 3, 60_000)).toEqual({ granted: true, held: 3 });
    // The update's slot passes to its job: still three held.
    await store.settle(201, holder!, ['job:commands:tg-1'], 60_000);
    expect(await store.held(201)).toHaveLength(3);
    expect(await store.held(201)).toContain('job:commands:tg-1');
    await store.release(201, ['job:commands:tg-1']);
    expect(await store.reserve(201, 'update:f', 3, 60_000)).toEqual({ granted: true, held: 3 });
    // A settle with no jobs frees the slot.
    await store.settle(201, 'update:f', [], 60_000);
    expect(await store.held(201)).toHaveLength(2);
    // Slots nobody freed expire on their own. (1 s, not less: on a loaded CI machine two Redis calls
    // can be 30 ms apart, and a slot that expired between them made this test fail once.)
    await store.reserve(202, 'update:x', 1, 1_000);
    expect((await store.reserve(202, 'update:y', 1, 1_000)).granted).toBe(false);
    await sleep(1_200);
    expect(await store.held(202)).toEqual([]);
    expect(await store.reserve(202, 'update:y', 1, 1_000)).toEqual({ granted: true, held: 1 });
  });

  it('a short slot never shortens the life of the key holding a long one', async () => {
    await store.settle(203, 'update:none', ['job:backtests:bt-1'], 60_000);
    await store.reserve(203, 'update:z', 5, 30);
    await sleep(60);
    expect(await store.held(203)).toEqual(['job:backtests:bt-1']);
  });
});
