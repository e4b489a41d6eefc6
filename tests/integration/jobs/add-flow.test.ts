import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidJobError } from '../../../src/lib/errors.js';
import { SCAN_JOB_OPTIONS } from '../../../src/jobs/job-options.js';
import { JobProducer } from '../../../src/jobs/producer.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../helpers/env.js';

/** JobProducer.addFlow: the scan flow's enqueue goes through the registry like every other. */
describe('JobProducer.addFlow', () => {
  let redis: Redis;
  let jobs: JobProducer;
  const prefix = uniquePrefix();
  const finish = { updateId: 1, chatId: 7, userId: 7, role: 'admin' as const, strategies: ['donchian' as const], ackMessageId: 3, runId: 'scan-t', asOf: '2026-03-02', total: 2, demo: false };
  const chunk = (symbols: string[]) => ({ runId: 'scan-t', symbols, strategies: ['donchian' as const], asOf: '2026-03-02', total: 2, chatId: 7, ackMessageId: 3 });

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    jobs = new JobProducer(redis, prefix, 2_000);
  });
  afterAll(async () => {
    await jobs.close();
    redis.disconnect();
    await cleanRedis(prefix);
  });

  it('enqueues the parent and its children on their registry queues with the queue job options', async () => {
    const id = await jobs.addFlow({ name: 'scan.finish', payload: finish, opts: { jobId: 'scan-t-finish' } }, [
      { name: 'scan.chunk', payload: chunk(['AAA']), opts: { jobId: 'scan-t-chunk-0' } },
      { name: 'scan.chunk', payload: chunk(['BBB']), opts: { jobId: 'scan-t-chunk-1' } },
    ]);
    expect(id).toBe('scan-t-finish');
    const parent = await jobs.queues.scans.getJob('scan-t-finish');
    expect(parent?.name).toBe('scan.finish');
    expect(await parent?.getState()).toBe('waiting-children');
    expect(parent?.opts.attempts).toBe(SCAN_JOB_OPTIONS.attempts);
    const child = await jobs.queues.scans.getJob('scan-t-chunk-1');
    expect(child?.data).toEqual(chunk(['BBB']));
    expect(child?.parentKey).toContain('scan-t-finish');
    expect(child?.opts.removeOnComplete).toEqual(SCAN_JOB_OPTIONS.removeOnComplete);
  });

  it('refuses the whole flow when any payload is invalid, enqueuing nothing', async () => {
    const bad = { ...chunk([]), runId: 'scan-u' };
    await expect(
      jobs.addFlow({ name: 'scan.finish', payload: { ...finish, runId: 'scan-u' }, opts: { jobId: 'scan-u-finish' } }, [{ name: 'scan.chunk', payload: bad, opts: { jobId: 'scan-u-chunk-0' } }]),
    ).rejects.toThrow(InvalidJobError);
    expect(await jobs.queues.scans.getJob('scan-u-finish')).toBeUndefined();
    expect(await jobs.queues.scans.getJob('scan-u-chunk-0')).toBeUndefined();
  });
});
