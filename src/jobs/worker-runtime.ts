import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { MetricsPort } from '../adapters/metrics/port.js';
import { reportOncePerOutage, urlOf } from '../lib/redis-outage.js';
import { CourtsideError, isDataException, sqlStateOf } from '../lib/errors.js';
import { JOBS, jobsOf, type JobName, type JobPayload, type JobsOfQueue, type QueueName } from './registry.js';

/** What a handler gets besides its payload: the job itself, its lock token and the worker (for rate limiting). */
export interface JobRun {
  job: Job;
  token: string | undefined;
  worker: Worker;
  log: Logger;
}

/** A job's handler. What it returns becomes the job's return value (a flow's parent reads its children's). */
export type JobHandler<N extends JobName> = (payload: JobPayload<N>, run: JobRun) => Promise<unknown>;
export type HandlerMap<Q extends QueueName> = { [N in JobsOfQueue<Q>]: JobHandler<N> };

export interface QueueWorkerOptions {
  connection: Redis;
  prefix: string;
  concurrency: number;
  logger: Logger;
  metrics: MetricsPort;
  limiter?: { max: number; duration: number };
  /** Recorded on each job it processes (job.processedBy): which process did the work. */
  name?: string;
  /**
   * Called as each job starts; what it returns is called as the job ends.
   * Foreground queues (approvals, commands) pass the evaluation pool's hold,
   * so incubation pauses while a person waits for an answer.
   */
  hold?: () => () => void;
  /** Called once a job has failed for good (attempts exhausted or unrecoverable). */
  onFinalFailure?: (job: Job, err: Error) => void | Promise<void>;
}

/**
 * Unrecoverable because the request itself can never work: its payload fails
 * the registry's schema (an impossible date in a forged or old job) or
 * Postgres refuses one of its values. Neither BullMQ nor the user should
 * retry it as sent; the final-failure hook tells the user so. Named like its
 * base so checks on `err.name === 'UnrecoverableError'` still see it.
 */
export class InvalidRequestError extends UnrecoverableError {
  constructor(message: string) {
    super(message);
    this.name = 'UnrecoverableError';
  }
}

/** Thrown at start-up when a queue's job has no handler: the worker refuses to run rather than drop jobs. */
export class MissingHandlerError extends Error {
  override readonly name = 'MissingHandlerError';
}

/**
 * Starts a BullMQ worker for one queue after checking that every job of that
 * queue in the registry has a handler. Payloads are re-validated on receipt;
 * a job that can never succeed is failed as unrecoverable instead of retried.
 */
export function startQueueWorker<Q extends QueueName>(queue: Q, handlers: HandlerMap<Q>, opts: QueueWorkerOptions): Worker {
  const table = handlers as unknown as Record<string, JobHandler<JobName>>;
  const missing = jobsOf(queue).filter((n) => typeof table[n] !== 'function');
  if (missing.length > 0) throw new MissingHandlerError(`worker for queue "${queue}" has no handler for: ${missing.join(', ')}. Refusing to start.`);
  const log = opts.logger.child({ queue });

  const worker: Worker = new Worker(
    queue,
    async (job: Job, token?: string) => {
      const started = performance.now();
      const release = opts.hold?.();
      let result = 'ok';
      const jobLog = log.child({ job: job.name, jobId: job.id, attempt: job.attemptsMade + 1 });
      try {
        const name = job.name as JobName;
        const def = JOBS[name];
        if (!def || def.queue !== queue || !table[name]) throw new UnrecoverableError(`unknown job "${job.name}" on queue "${queue}"`);
        const parsed = def.schema.safeParse(job.data);
        if (!parsed.success) throw new InvalidRequestError(`invalid payload for ${job.name}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        return await table[name]!(parsed.data as JobPayload<JobName>, { job, token, worker, log: jobLog });
      } catch (err) {
        result = 'error';
        if (err instanceof CourtsideError && err.disposition !== 'retry') throw new UnrecoverableError(err.message);
        if (isDataException(err)) {
          // Postgres' own wording stays in the log; the job record and the user get the code only.
          jobLog.warn({ err }, 'database refused a value of this job; not retrying');
          throw new InvalidRequestError(`the database refused a value of this request (SQLSTATE ${sqlStateOf(err)})`);
        }
        throw err;
      } finally {
        release?.();
        opts.metrics.jobDuration.labels(queue, job.name, result).observe((performance.now() - started) / 1000);
      }
    },
    {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: opts.concurrency,
      ...(opts.limiter ? { limiter: opts.limiter } : {}),
      ...(opts.name ? { name: opts.name } : {}),
      // A worker killed mid-job loses its lock; the job is retried by another worker after this long.
      lockDuration: 30_000,
      stalledInterval: 15_000,
      maxStalledCount: 2,
    },
  );
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    const level = final ? 'error' : 'warn';
    log[level]({ err, job: job.name, jobId: job.id, attemptsMade: job.attemptsMade, final }, final ? 'job failed for good' : 'job failed; will retry');
    if (final && opts.onFinalFailure) void Promise.resolve(opts.onFinalFailure(job, err)).catch((e: unknown) => log.error({ err: e }, 'final-failure hook failed'));
  });
  // A Redis outage makes BullMQ emit the same ECONNREFUSED every ≤ 2 s: say it once, in words, per outage.
  reportOncePerOutage(worker, opts.connection, urlOf(opts.connection), (err) =>
    log.error({ err: err.name === 'ServiceUnreachableError' ? err.message : err }, 'worker error'),
  );
  return worker;
}
