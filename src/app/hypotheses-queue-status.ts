import type { Queue } from 'bullmq';
import { withTimeout } from '../lib/timeout.js';
import type { HypothesesQueueReader, RunningHypothesesJob } from '../trading/status/hypotheses.js';

/** At most this many running jobs are read (one per worker process; more would be a misconfiguration worth seeing, not listing). */
const MAX_RUNNING = 5;

function progressOf(p: unknown): RunningHypothesesJob['progress'] {
  if (typeof p !== 'object' || p === null) return null;
  const { done, total } = p as { done?: unknown; total?: unknown };
  return typeof done === 'number' && typeof total === 'number' ? { done, total } : null;
}

/**
 * /status's view of the `hypotheses` BullMQ queue: job counts (prioritised
 * incubations count as waiting) and the running jobs with the progress the
 * incubation handler reports (`job.updateProgress({ done, total })`).
 */
export function bullmqHypothesesQueue(queue: Queue, timeoutMs: number): HypothesesQueueReader {
  return {
    async counts() {
      const c = await withTimeout(queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'), timeoutMs, 'hypotheses queue counts');
      return { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 };
    },
    async running() {
      const jobs = await withTimeout(queue.getActive(0, MAX_RUNNING - 1), timeoutMs, 'hypotheses queue active jobs');
      return jobs.map((j) => {
        const data = (j.data ?? {}) as { hypothesisId?: unknown; market?: unknown };
        return {
          jobId: j.id ?? '',
          name: j.name,
          hypothesisId: typeof data.hypothesisId === 'string' ? data.hypothesisId : null,
          market: typeof data.market === 'string' ? data.market : null,
          progress: progressOf(j.progress),
        };
      });
    },
  };
}
