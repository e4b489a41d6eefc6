import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestDedupId, backtestKeys, finishInflight, inflightOf, startOrJoinBacktest, type Subscriber } from '../../../src/jobs/handlers/backtest-job.js';
import type { BacktestJobPayload } from '../../../src/jobs/payloads/backtest.js';
import { JobProducer } from '../../../src/jobs/producer.js';
import { buildRequest, requestHash, requestKey } from '../../../src/trading/backtest/request.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../helpers/env.js';

/**
 * Identical /backtest requests are owned by one BullMQ job (the `deduplication`
 * option), while every asking chat is on the job's joiner list: the handler
 * edits each one's ack with progress and tells each one the result.
 */
describe('identical backtests: one BullMQ job, every chat told', () => {
  let redis: Redis;
  let jobs: JobProducer;
  const prefix = uniquePrefix();

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    jobs = new JobProducer(redis, prefix, 2_000);
  });
  afterAll(async () => {
    await jobs.close();
    redis.disconnect();
    await cleanRedis(prefix);
  });

  const request = (symbol: string) => buildRequest({ strategies: ['donchian'], params: {}, symbols: [symbol], from: null, to: null });
  const payload = (chatId: number, ackMessageId: number, symbol: string): BacktestJobPayload => ({ updateId: chatId * 100, chatId, userId: chatId, role: 'viewer', ackMessageId, request: request(symbol) });
  const me = (chatId: number, messageId: number): Subscriber => ({ chatId, messageId, userId: chatId, at: Date.now() });
  const deps = () => ({ jobs, redis, prefix, now: () => Date.now() });
  const jobCount = async () => {
    const c = await jobs.queues.backtests.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(c).reduce((a, b) => a + b, 0);
  };

  it('two identical requests: one job (its deduplication id names it); the second chat is on its joiner list', async () => {
    const key = requestKey(requestHash(request('AAA')));
    const a = await startOrJoinBacktest(deps(), key, payload(1, 10, 'AAA'), me(1, 10));
    const b = await startOrJoinBacktest(deps(), key, payload(2, 20, 'AAA'), me(2, 20));
    expect(a.role).toBe('owner');
    expect(b).toEqual({ role: 'joiner', jobId: a.jobId });
    expect(await jobs.queues.backtests.getDeduplicationJobId(backtestDedupId(key))).toBe(a.jobId);
    expect(await jobCount()).toBe(1);
    // Progress goes to the joiner list; the result to whoever the handler's finish hands back.
    expect((await inflightOf(redis, prefix, key))?.subs.map((s) => s.chatId)).toEqual([2]);
    expect((await finishInflight(redis, prefix, key, a.jobId)).map((s) => s.chatId)).toEqual([2]);
  });

  it('a request whose in-flight marker was lost still joins the live job instead of starting a second one', async () => {
    const key = requestKey(requestHash(request('BBB')));
    const a = await startOrJoinBacktest(deps(), key, payload(1, 11, 'BBB'), me(1, 11));
    await redis.del(backtestKeys(prefix, key).inflight); // expired, or flushed: BullMQ still runs the job
    const b = await startOrJoinBacktest(deps(), key, payload(3, 30, 'BBB'), me(3, 30));
    expect(b).toEqual({ role: 'joiner', jobId: a.jobId });
    expect(await jobs.queues.backtests.getJobs(['waiting'])).toHaveLength(2); // AAA's and BBB's: one each
    const inflight = await inflightOf(redis, prefix, key);
    expect(inflight?.owner).toMatchObject({ jobId: a.jobId, chatId: 1, messageId: 11 });
    expect(inflight?.subs.map((s) => s.chatId)).toEqual([3]);
    expect((await finishInflight(redis, prefix, key, a.jobId)).map((s) => s.chatId)).toEqual([3]);
  });

  it('concurrent identical requests: one owner, one job, everyone else joined', async () => {
    const key = requestKey(requestHash(request('CCC')));
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => startOrJoinBacktest(deps(), key, payload(i + 1, 40 + i, 'CCC'), me(i + 1, 40 + i))));
    const owners = results.filter((r) => r.role === 'owner');
    expect(owners).toHaveLength(1);
    expect(new Set(results.map((r) => r.jobId))).toEqual(new Set([owners[0]!.jobId]));
    expect(await jobs.queues.backtests.getDeduplicationJobId(backtestDedupId(key))).toBe(owners[0]!.jobId);
    expect((await inflightOf(redis, prefix, key))?.subs).toHaveLength(7);
  });
});
