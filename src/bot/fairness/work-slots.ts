import { QUEUE_NAMES, type QueueName } from '../../jobs/registry.js';
import type { BotDeps } from '../deps.js';
import type { TrackedJob } from './job-tracking.js';

/**
 * An update holds its slot while it is handled; the handler timeout is 60 s,
 * so a slot left behind by a crashed replica frees itself soon after.
 */
const UPDATE_SLOT_TTL_MS = 2 * 60_000;
/**
 * A job holds its slot until it is seen finished. The expiry is only a
 * backstop (a job lost with its Redis data must not lock its user out).
 */
const JOB_SLOT_TTL_MS = 30 * 60_000;
/** BullMQ states in which a job still waits or runs. */
const PENDING_STATES: ReadonlySet<string> = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

const updateSlot = (updateId: number) => `update:${updateId}`;
const jobSlot = (job: TrackedJob) => `job:${job.queue}:${job.id}`;

/** The job behind a slot name, if the slot is a job's. */
function jobOf(slot: string): TrackedJob | null {
  const m = /^job:([^:]+):(.+)$/.exec(slot);
  if (!m || !(QUEUE_NAMES as readonly string[]).includes(m[1]!)) return null;
  return { queue: m[1] as QueueName, id: m[2]! };
}

/** Outcome of asking for a slot: granted (with a way to hand it to the update's jobs) or refused. */
export type SlotRequest =
  | { granted: true; settle(jobs: readonly TrackedJob[]): Promise<void> }
  | { granted: false; held: number };

/**
 * Asks for one of the user's `maxQueued` work slots for this update. When all
 * are held, the user's finished jobs are freed first and the request is made
 * once more. If Redis does not answer the update goes through: the queue it
 * would use is down as well, and the command says so itself.
 */
export async function requestSlot(deps: BotDeps, userId: number, updateId: number): Promise<SlotRequest> {
  const max = deps.config.fairness.maxQueued;
  const member = updateSlot(updateId);
  try {
    let verdict = await deps.fairness.reserve(userId, member, max, UPDATE_SLOT_TTL_MS);
    if (!verdict.granted && (await freeFinishedJobs(deps, userId)) > 0) verdict = await deps.fairness.reserve(userId, member, max, UPDATE_SLOT_TTL_MS);
    if (!verdict.granted) return { granted: false, held: verdict.held };
  } catch (err) {
    deps.log.warn({ err, userId }, 'work slots unavailable; taking the update without a slot');
    return { granted: true, settle: async () => undefined };
  }
  return {
    granted: true,
    // The update's slot passes to the jobs it enqueued (none: it is freed).
    settle: (jobs) =>
      deps.fairness.settle(userId, member, jobs.map(jobSlot), JOB_SLOT_TTL_MS).catch((err: unknown) => deps.log.warn({ err, userId }, 'could not settle a work slot; it expires on its own')),
  };
}

/** Frees the slots of the user's jobs that have completed, failed for good or gone; returns how many. */
async function freeFinishedJobs(deps: BotDeps, userId: number): Promise<number> {
  const slots = await deps.fairness.held(userId);
  const finished: string[] = [];
  await Promise.all(
    slots.map(async (slot) => {
      const job = jobOf(slot);
      if (!job) return;
      const state = await deps.jobs.queues[job.queue].getJobState(job.id);
      if (!PENDING_STATES.has(state)) finished.push(slot);
    }),
  );
  await deps.fairness.release(userId, finished);
  return finished.length;
}
