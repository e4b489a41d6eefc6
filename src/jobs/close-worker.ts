import type { Worker } from 'bullmq';
import type { Logger } from 'pino';
import { withTimeout } from '../lib/timeout.js';
import { ignoredBecause, type DebugLog } from './ignore.js';

/**
 * How long a graceful stop waits for a worker's running jobs. Docker's
 * default stop grace is 10 s; compose gives the services 30 s (see
 * docker-compose.yml), so this fits inside it with room for the rest of
 * the shutdown.
 */
export const WORKER_CLOSE_GRACE_MS = 15_000;

/** How long a close waits for a worker that is still starting (its connection ready, the version probed). */
const READY_WAIT_MS = 2_000;

/**
 * Closes a BullMQ worker, waiting for its running jobs at most `graceMs`.
 *
 * Why bounded: BullMQ 5's `Worker.close()` can wait forever when its
 * blocking connection is parked in ioredis' "reconnecting" state after a
 * Redis restart (taskforcesh/bullmq#4585, #4656), which would hang SIGTERM.
 * A job cut off here is not lost: its lock expires and BullMQ's stalled-job
 * check hands it to the next worker, and every handler is idempotent.
 */
export async function closeWorker(worker: Pick<Worker, 'close' | 'name'> & Partial<Pick<Worker, 'waitUntilReady'>>, log: Pick<Logger, 'warn'> & DebugLog, graceMs = WORKER_CLOSE_GRACE_MS): Promise<void> {
  // A worker closed while it still starts (its INFO version probe in flight on our shared
  // connection) loses its listeners first, and the probe's later "Connection is closed" became an
  // unhandled rejection (a start-up that fails at once): let the start finish first, briefly. Its
  // failure is not ours to report here (the connection reports outages).
  if (worker.waitUntilReady) await withTimeout(worker.waitUntilReady(), Math.min(graceMs, READY_WAIT_MS), 'worker start').catch(ignoredBecause(log, 'worker did not finish starting; closing it anyway', { queue: worker.name }));
  await withTimeout(worker.close(), graceMs, `closing the ${worker.name} worker`).catch((err: unknown) =>
    log.warn(
      { queue: worker.name, graceMs, err: err instanceof Error ? err.message : String(err) },
      'a worker did not close in time (a job still running or Redis reconnecting); stopping anyway: BullMQ hands its unfinished jobs to the next worker',
    ),
  );
}
