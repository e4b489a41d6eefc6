import type { Job, JobType, Queue } from 'bullmq';
import type { QueueName } from './registry.js';

/**
 * The queues in the order work flows between them: a job only ever enqueues
 * into its own queue or one later in this list (commands start scans,
 * backtests and executions; everything ends in notify, the outbox). Reading
 * the queues in this order gives a consistent "nothing left" answer without a
 * global lock: a job that finished before its queue was read had already
 * enqueued its follow-ups into a queue read later. The type checks every
 * queue is listed.
 */
export const WORK_FLOW_ORDER = ['commands', 'scans', 'backtests', 'executions', 'hypotheses', 'notify'] as const satisfies readonly QueueName[];
type Listed = (typeof WORK_FLOW_ORDER)[number];
const _everyQueueListed: Exclude<QueueName, Listed> extends never ? true : never = true;
void _everyQueueListed;

/** BullMQ states in which a job still waits or runs. */
const PENDING: JobType[] = ['active', 'waiting', 'delayed', 'prioritized', 'waiting-children', 'paused'];

/**
 * How many of the newest finished jobs (failed, completed) are read per queue. Those sets keep
 * days of history; a chat command's own jobs finished within the poll, so they are among the
 * newest, and reading everything on every 200 ms poll would load thousands of jobs.
 */
export const RECENT_FINISHED = 200;

/** A job for one chat that is not done yet, or failed without its user being told. */
export interface ChatJob {
  queue: QueueName;
  id: string;
  name: string;
  /** `pending`: waits or runs; `failed-untold`: failed for good, its failure notice not queued yet. */
  why: 'pending' | 'failed-untold';
}

/** The jobs of a chat that were pending or failed before a command: they are not the command's. */
export type ChatWorkBaseline = ReadonlySet<string>;

const ref = (queue: QueueName, id: string | undefined) => `${queue}:${id ?? ''}`;
const chatOf = (job: Job) => (job.data as { chatId?: unknown } | undefined)?.chatId;

/**
 * "Is the bot done with what this chat asked?" from BullMQ's own records: the
 * jobs whose payload names the chat (every job that ends in a message to a
 * chat carries its chatId). Used by `courtside chat` to return once the work
 * a command started has finished and its messages are delivered: a command's
 * jobs (and the ones they start) are new jobs for the chat, and a message is
 * delivered when its notify job has completed.
 *
 * A job that fails for good is told to its user by a failure hook that runs
 * just after the failure; until a notify job for the chat is queued after
 * that failure, the failed job still counts as outstanding.
 */
export class ChatWork {
  constructor(private readonly queues: Record<QueueName, Pick<Queue, 'getJobs'>>) {}

  /** The chat's pending and failed jobs now: call before sending, so older work is not waited for. */
  async baseline(chatId: number): Promise<ChatWorkBaseline> {
    const out = new Set<string>();
    for (const queue of WORK_FLOW_ORDER) {
      for (const job of await this.read(queue, ['failed'])) if (job && chatOf(job) === chatId) out.add(ref(queue, job.id));
    }
    return out;
  }

  /** The chat's jobs not in `baseline` that are still pending or failed untold; empty when the bot is done. */
  async outstanding(chatId: number, baseline: ChatWorkBaseline): Promise<ChatJob[]> {
    const out: ChatJob[] = [];
    const failed: { queue: QueueName; job: Job }[] = [];
    for (const queue of WORK_FLOW_ORDER) {
      const jobs = await this.read(queue, ['failed']);
      for (const job of jobs) {
        if (!job || chatOf(job) !== chatId || baseline.has(ref(queue, job.id))) continue;
        // getJobs lists by state but each job is read after the list: a job that just finished reads as finished.
        if (job.finishedOn && !job.failedReason) continue;
        if (job.finishedOn && job.failedReason) {
          if (queue !== 'notify') failed.push({ queue, job });
          continue;
        }
        out.push({ queue, id: job.id ?? '', name: job.name, why: 'pending' });
      }
    }
    if (failed.length > 0) {
      // A failure is told once a notify job for the chat was queued after it (the failure hook's notice).
      const notices = (await this.read('notify', ['completed', 'failed'])).filter((j) => j && chatOf(j) === chatId && !baseline.has(ref('notify', j.id)));
      for (const { queue, job } of failed) {
        if (!notices.some((n) => n.timestamp >= job.finishedOn!)) out.push({ queue, id: job.id ?? '', name: job.name, why: 'failed-untold' });
      }
    }
    return out;
  }

  /** Every pending job of a queue, and its newest finished ones of the given states. */
  private async read(queue: QueueName, finished: JobType[]): Promise<Job[]> {
    const q = this.queues[queue];
    const [pending, done] = await Promise.all([q.getJobs(PENDING), q.getJobs(finished, 0, RECENT_FINISHED - 1, false)]);
    return [...pending, ...done];
  }
}
