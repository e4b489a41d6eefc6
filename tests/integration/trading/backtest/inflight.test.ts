import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestKeys, clearInflightIf, finishInflight, inflightOf, joinOrOwn, keyOfJobId } from '../../../../src/jobs/handlers/backtest-job.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../../helpers/env.js';

/** The Redis side of "two identical requests share one job", on a real server. */
describe('in-flight backtest markers', () => {
  let redis: Redis;
  const prefix = uniquePrefix();
  const key = '0123456789abcdef0123';

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    redis.disconnect();
    await cleanRedis(prefix);
  });

  it('the first request owns a fresh job id; identical ones join it; finishing hands back the joiners once', async () => {
    const owner = { chatId: -1001234567890123, messageId: 10, userId: 1, at: 1 };
    const a = await joinOrOwn(redis, prefix, key, owner);
    expect(a).toEqual({ role: 'owner', jobId: `bt-${key}-1` });
    expect(keyOfJobId(`bt-${key}-1`)).toBe(key);
    const b = await joinOrOwn(redis, prefix, key, { chatId: 2, messageId: 20, userId: 2 });
    expect(b).toEqual({ role: 'joiner', owner: { ...owner, jobId: `bt-${key}-1` } });
    await joinOrOwn(redis, prefix, key, { chatId: 3, messageId: 30, userId: 3 });
    expect((await inflightOf(redis, prefix, key))?.subs.map((s) => s.chatId)).toEqual([2, 3]);
    expect(await redis.ttl(backtestKeys(prefix, key).inflight)).toBeGreaterThan(3600);

    // Another job's id cannot close it.
    expect(await finishInflight(redis, prefix, key, `bt-${key}-9`)).toEqual([]);
    const subs = await finishInflight(redis, prefix, key, `bt-${key}-1`);
    expect(subs.map((s) => s.chatId)).toEqual([2, 3]);
    expect(await finishInflight(redis, prefix, key, `bt-${key}-1`)).toEqual([]);
    expect(await inflightOf(redis, prefix, key)).toBeNull();

    // The next identical request gets the next generation: never the id of a job BullMQ may still hold.
    expect(await joinOrOwn(redis, prefix, key, owner)).toEqual({ role: 'owner', jobId: `bt-${key}-2` });
    expect((await inflightOf(redis, prefix, key))?.subs).toEqual([]);
    expect((await clearInflightIf(redis, prefix, key, `bt-${key}-2`)).length).toBe(0);
    expect(await inflightOf(redis, prefix, key)).toBeNull();
  });

  it('concurrent identical requests elect exactly one owner', async () => {
    const k = 'fedcba9876543210fedc';
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => joinOrOwn(redis, prefix, k, { chatId: i + 1, messageId: 1, userId: i + 1 })));
    expect(results.filter((r) => r.role === 'owner')).toHaveLength(1);
    expect((await inflightOf(redis, prefix, k))?.subs).toHaveLength(19);
  });
});
