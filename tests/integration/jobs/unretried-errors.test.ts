import type { Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentMetrics as metrics } from '../../helpers/metrics.js';
import { JobProducer } from '../../../src/jobs/producer.js';
import { jobsOf } from '../../../src/jobs/registry.js';
import { InvalidRequestError, startQueueWorker, type HandlerMap } from '../../../src/jobs/worker-runtime.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../helpers/env.js';
import { adminQuery } from '../../helpers/pg.js';


/**
 * A job error that cannot succeed on retry is not retried (issue 12, item 9):
 * a Postgres data exception (an impossible date that reached SQL) fails the
 * job once; an ordinary error still gets the queue's retries.
 */
describe('worker runtime: errors a retry cannot fix', () => {
  let redis: Redis;
  let workerConn: Redis;
  let jobs: JobProducer;
  let worker: Worker;
  const prefix = uniquePrefix();
  const finalFailures = new Map<string, Error>();

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    workerConn = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    jobs = new JobProducer(redis, prefix, 2_000);
    const handlers = Object.fromEntries(
      jobsOf('commands').map((n) => [
        n,
        async (p: { date?: string }) => {
          // The SQL an unchecked /picks date used to reach: Postgres refuses it the same way every time.
          if (n === 'command.picks') await adminQuery('SELECT $1::date', [p.date === undefined ? '2026-02-30' : p.date]);
          throw new Error('broker timeout');
        },
      ]),
    ) as unknown as HandlerMap<'commands'>;
    worker = startQueueWorker('commands', handlers, {
      connection: workerConn,
      prefix,
      concurrency: 1,
      logger: pino({ level: 'silent' }),
      metrics,
      onFinalFailure: (job, err) => void finalFailures.set(job.id!, err),
    });
  });
  afterAll(async () => {
    await worker?.close();
    await jobs?.close();
    workerConn?.disconnect();
    redis?.disconnect();
    await cleanRedis(prefix);
  });

  const finished = async (id: string): Promise<Job> => {
    const queue = jobs.queues.commands;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const state = await queue.getJobState(id);
      if (state === 'failed' || state === 'completed') return (await queue.getJob(id))!;
      if (Date.now() > deadline) throw new Error(`job ${id} still ${state}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('a Postgres data exception fails the job once, with the SQLSTATE and without Postgres wording', async () => {
    // Straight onto the queue: the producer would refuse this date, an old or forged job would not have been.
    await jobs.queues.commands.add('command.picks', { updateId: 1, chatId: 1, userId: 1, role: 'admin' }, { jobId: 'pg-22008', attempts: 3, backoff: { type: 'fixed', delay: 50 } });
    const job = await finished('pg-22008');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBe('the database refused a value of this request (SQLSTATE 22008)');
    await expect.poll(() => finalFailures.get('pg-22008')).toBeInstanceOf(InvalidRequestError);
  });

  it('an invalid payload fails once as an invalid request, naming the field and the value', async () => {
    await jobs.queues.commands.add('command.picks', { updateId: 2, chatId: 1, userId: 1, role: 'admin', date: '9999-99-99' }, { jobId: 'bad-date', attempts: 3, backoff: { type: 'fixed', delay: 50 } });
    const job = await finished('bad-date');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBe('invalid payload for command.picks: date: 9999-99-99 is not a date (write YYYY-MM-DD, e.g. 2026-11-20)');
    await expect.poll(() => finalFailures.get('bad-date')).toBeInstanceOf(InvalidRequestError);
  });

  it('an ordinary error is still retried up to the attempts', async () => {
    await jobs.queues.commands.add('command.status', { updateId: 3, chatId: 1, userId: 1, role: 'admin' }, { jobId: 'transient', attempts: 3, backoff: { type: 'fixed', delay: 50 } });
    const job = await finished('transient');
    expect(job.attemptsMade).toBe(3);
    await expect.poll(() => finalFailures.get('transient')?.message).toBe('broker timeout');
    expect(finalFailures.get('transient')).not.toBeInstanceOf(InvalidRequestError);
  });
});
