import { AsyncLocalStorage } from 'node:async_hooks';
import type { JobProducer } from '../../jobs/producer.js';
import { JOBS, type QueueName } from '../../jobs/registry.js';

/** A job enqueued while one update was handled. */
export interface TrackedJob {
  queue: QueueName;
  id: string;
}

/** Queues whose jobs do not count against a user's queued-command limit. */
const UNCOUNTED_QUEUES: ReadonlySet<QueueName> = new Set<QueueName>(['executions', 'notify']);

/** The jobs enqueued so far by the update being handled in this async context. */
const current = new AsyncLocalStorage<TrackedJob[]>();

/**
 * The producer the bot's handlers use: enqueues exactly like `jobs`, and also
 * notes each job against the update being handled (if any), so the jobs a
 * user's command started can be counted as theirs until they finish. Updates
 * handled outside {@link trackingJobsOf} (/kill, /resume) are not noted.
 */
export function trackingProducer(jobs: JobProducer): JobProducer {
  const add: JobProducer['add'] = async (name, payload, opts) => {
    const id = await jobs.add(name, payload, opts);
    const queue = JOBS[name].queue;
    // Command work only: an approval's execution (which may wait on a slow broker for minutes) or a
    // reply must never lock its trader out of /status, /positions or Reject.
    if (id && !UNCOUNTED_QUEUES.has(queue)) current.getStore()?.push({ queue, id });
    return id;
  };
  return new Proxy(jobs, {
    get(target, prop) {
      if (prop === 'add') return add;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Runs `handle` and hands `settle` the jobs it enqueued through a
 * {@link trackingProducer}, also when it throws (a job may be queued before
 * the failure).
 */
export async function trackingJobsOf(handle: () => Promise<void>, settle: (jobs: readonly TrackedJob[]) => Promise<void>): Promise<void> {
  const jobs: TrackedJob[] = [];
  try {
    await current.run(jobs, handle);
  } finally {
    await settle(jobs);
  }
}
