import { FlowProducer, Queue, type FlowJob, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { QueueUnavailableError, InvalidJobError } from '../lib/errors.js';
import { JOBS, QUEUE_NAMES, type JobName, type JobPayload, type QueueName } from './registry.js';
import { JOB_OPTIONS_BY_QUEUE } from './job-options.js';
import { withTimeout } from '../lib/timeout.js';
import { NO_INIT_COMMANDS } from './bullmq-options.js';

/**
 * One job of a flow (see {@link JobProducer.addFlow}): a registry name, its
 * payload and options (typically a `jobId` derived from the producing job).
 */
export type FlowNode = { [N in JobName]: { name: N; payload: JobPayload<N>; opts?: JobsOptions & { jobId?: string } } }[JobName];

/** Floor of the enqueue timeout for a flow (one MULTI of many jobs). */
const FLOW_TIMEOUT_MIN_MS = 5_000;
/** How long shutdown waits for a queue to close (it has no jobs of its own to finish). */
const QUEUE_CLOSE_GRACE_MS = 5_000;

/**
 * Enqueues jobs by registry name with a validated payload. Built on a
 * fail-fast Redis connection: when Redis is down `add` rejects within
 * `timeoutMs` with QueueUnavailableError instead of hanging a command.
 */
export class JobProducer {
  readonly queues: Record<QueueName, Queue>;
  private flowProducer: FlowProducer | null = null;

  /**
   * @param onError where the queues' own 'error' events go (default: debug-level nothing — the
   *   connection reports its outages itself, see openRedis). Every BullMQ queue needs a listener:
   *   without one, a queue closed while it still connects (a start-up that fails) re-emits its
   *   "Connection is closed" as an unhandled rejection.
   */
  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly timeoutMs: number,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {
    this.queues = Object.fromEntries(QUEUE_NAMES.map((q) => [q, new Queue(q, { connection: this.connection, prefix, ...NO_INIT_COMMANDS }).on('error', (err) => this.onError(err))])) as Record<QueueName, Queue>;
  }

  /** Validates and enqueues. `jobId` makes the add idempotent while the job is retained. */
  async add<N extends JobName>(name: N, payload: JobPayload<N>, opts: JobsOptions & { jobId?: string } = {}): Promise<string> {
    const def = JOBS[name];
    const data = validPayload(name, payload);
    const queue = this.queues[def.queue];
    try {
      const job = await withTimeout(queue.add(name, data, { ...JOB_OPTIONS_BY_QUEUE[def.queue], ...opts }), this.timeoutMs, `enqueue ${name}`);
      return job.id ?? '';
    } catch (err) {
      if (isRedisUnavailable(err, this.connection)) throw new QueueUnavailableError(err);
      throw err;
    }
  }

  /**
   * Enqueues `parent` with `children` as one BullMQ flow: the children run
   * (on any worker) and the parent runs once they are all done, reading their
   * return values. Every node is validated against the registry and gets its
   * queue's job options, exactly as {@link add} does; nothing is enqueued when
   * any payload is invalid. Returns the parent's job id.
   */
  async addFlow(parent: FlowNode, children: readonly FlowNode[]): Promise<string> {
    const node = (n: FlowNode): FlowJob => {
      const queue = JOBS[n.name].queue;
      return { name: n.name, queueName: queue, data: validPayload(n.name, n.payload), opts: { ...JOB_OPTIONS_BY_QUEUE[queue], ...n.opts } as FlowJob['opts'] };
    };
    const tree: FlowJob = { ...node(parent), children: children.map(node) };
    // Created on first use: only processes that start flows (workers running scans) hold one.
    this.flowProducer ??= new FlowProducer({ connection: this.connection, prefix: this.prefix, ...NO_INIT_COMMANDS }).on('error', (err) => this.onError(err));
    try {
      // Flows are started by workers, not while a person waits on a reply: allow more than the fail-fast budget.
      const flow = await withTimeout(this.flowProducer.add(tree), Math.max(this.timeoutMs, FLOW_TIMEOUT_MIN_MS), `enqueue flow ${parent.name}`);
      return flow.job.id ?? '';
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
    // Bounded: a close can wait forever on a connection parked in "reconnecting" (see jobs/close-worker.ts).
    await Promise.all([...Object.values(this.queues), ...(this.flowProducer ? [this.flowProducer] : [])].map((q) => withTimeout(q.close(), QUEUE_CLOSE_GRACE_MS, 'closing a queue').catch((err: unknown) => this.onError(err instanceof Error ? err : new Error(String(err))))));
  }
}

/** The payload parsed by the job's registry schema; InvalidJobError naming every problem otherwise. */
function validPayload(name: JobName, payload: unknown): unknown {
  const parsed = JOBS[name].schema.safeParse(payload);
  if (!parsed.success) throw new InvalidJobError(`payload for ${name} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Connection trouble (as opposed to a bug such as an invalid job id): the user hears "queue unavailable". */
function isRedisUnavailable(err: unknown, connection: Redis): boolean {
  if (connection.status !== 'ready') return true;
  const msg = err instanceof Error ? err.message : String(err);
  return /timed out|Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|max retries per request/i.test(msg);
}
