/**
 * Foreground queues (approvals, commands, deliveries) hold the process's
 * ForegroundGate while each job runs, so incubation pauses while a person
 * waits; the hold ends with the job, failed or not.
 */
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForegroundGate } from '../../../src/adapters/compute/foreground-gate.js';
import { silentMetrics as metrics } from '../../helpers/metrics.js';
import { JobProducer } from '../../../src/jobs/producer.js';
import { jobsOf } from '../../../src/jobs/registry.js';
import { startQueueWorker, type HandlerMap } from '../../../src/jobs/worker-runtime.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../helpers/env.js';


describe('worker runtime: the foreground hold', () => {
  let redis: Redis;
  let workerConn: Redis;
  let jobs: JobProducer;
  let worker: Worker;
  const prefix = uniquePrefix();
  const gate = new ForegroundGate(60_000);
  const seen = new Map<string, number>();

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    workerConn = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    jobs = new JobProducer(redis, prefix, 2_000);
    const handlers = Object.fromEntries(
      jobsOf('commands').map((n) => [
        n,
        async (p: { updateId: number }) => {
          seen.set(String(p.updateId), gate.holds);
          if (n === 'command.status') throw new Error('broker timeout');
          return 'ok';
        },
      ]),
    ) as unknown as HandlerMap<'commands'>;
    worker = startQueueWorker('commands', handlers, { connection: workerConn, prefix, concurrency: 1, logger: pino({ level: 'silent' }), metrics, hold: () => gate.hold() });
  });
  afterAll(async () => {
    await worker?.close();
    await jobs?.close();
    workerConn?.disconnect();
    redis?.disconnect();
    await cleanRedis(prefix);
  });

  it('holds while a job runs and releases after it, when it succeeds and when it fails', async () => {
    await jobs.queues.commands.add('command.picks', { updateId: 1, chatId: 1, userId: 1, role: 'admin' }, { jobId: 'ok-1' });
    await jobs.queues.commands.add('command.status', { updateId: 2, chatId: 1, userId: 1, role: 'admin' }, { jobId: 'fail-2', attempts: 1 });
    await expect.poll(() => seen.size, { timeout: 10_000 }).toBe(2);
    expect(seen.get('1')).toBe(1);
    expect(seen.get('2')).toBe(1);
    await expect.poll(async () => jobs.queues.commands.getJobState('fail-2'), { timeout: 10_000 }).toBe('failed');
    await expect.poll(() => gate.holds).toBe(0);
  });
});
