import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { QueueUnavailableError, InvalidJobError } from '../lib/errors.js';
import { JOBS, QUEUE_NAMES, type JobName, type JobPayload, type QueueName } from './registry.js';
import { JOB_OPTIONS_BY_QUEUE } from './job-options.js';
import { withTimeout } from '../lib/timeout.js';

/**
 * Enqueues jobs by registry name with a validated payload. Built on a
 * fail-fast Redis connection: when Redis is down `add` rejects within
 * `timeoutMs` with QueueUnavailableError instead of hanging a command.
 */
export class JobProducer {
  readonly queues: Record<QueueName, Queue>;

  constructor(
    private readonly connection: Redis,
    prefix: string,
    private readonly timeoutMs: number,
  ) {
    this.queues = Object.fromEntries(QUEUE_NAMES.map((q) => [q, new Queue(q, { connection: this.connection, prefix })])) as Record<QueueName, Queue>;
  }

  /** Validates and enqueues. `jobId` makes the add idempotent while the job is retained. */
  async add<N extends JobName>(name: N, payload: JobPayload<N>, opts: JobsOptions & { jobId?: string } = {}): Promise<string> {
    const def = JOBS[name];
    const parsed = def.schema.safeParse(payload);
    if (!parsed.success) throw new InvalidJobError(`payload for ${name} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
    const queue = this.queues[def.queue];
    try {
      const job = await withTimeout(queue.add(name, parsed.data, { ...JOB_OPTIONS_BY_QUEUE[def.queue], ...opts }), this.timeoutMs, `enqueue ${name}`);
      return job.id ?? '';
    } catch (err) {
      if (isRedisUnavailable(err, this.connection)) throw new QueueUnavailableError(err);
      throw err;
    }
  }

  /** waiting/active/delayed/failed counts per queue, for /status and /metrics. */
  async depths(): Promise<Record<QueueName, Record<string, number>>> {
    const entries = await Promise.all(
      QUEUE_NAMES.map(async (q) => [q, await withTimeout(this.queues[q].getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized'), this.timeoutMs, 'queue counts')] as const),
    );
    return Object.fromEntries(entries) as Record<QueueName, Record<string, number>>;
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.queues).map((q) => q.close().catch(() => undefined)));
  }
}

/** Connection trouble (as opposed to a bug such as an invalid job id): the user hears "queue unavailable". */
function isRedisUnavailable(err: unknown, connection: Redis): boolean {
  if (connection.status !== 'ready') return true;
  const msg = err instanceof Error ? err.message : String(err);
  return /timed out|Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|max retries per request/i.test(msg);
}
