/**
 * The app's clock for tests that need the market open or closed: the e2e harness runs the app in
 * the test's process, so faking `Date` (only `Date`: timers stay real and the fake clock moves on
 * with real time) sets the instant every part of the app — the bot, the workers, the paper broker,
 * the open queue — judges the session by.
 */
import { vi } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import { pollUntil } from '../e2e/resilience/support.js';

/** Sets the app's "now" to `iso` (then it runs on with real time). */
export function setMarketTime(iso: string): void {
  // Installed once: later moves set the same fake clock, so whatever captured `Date.now` follows them.
  if (vi.isFakeTimers()) vi.setSystemTime(new Date(iso));
  else vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true, now: new Date(iso) });
}

/** Back to the real clock. */
export function realTime(): void {
  vi.useRealTimers();
}

/** Waits until the job `jobId` of `queue` has finished and returns its return value (throws when it failed). */
export async function jobResult(app: AppContext, queue: 'executions' | 'commands' | 'scans', jobId: string, timeoutMs = 20_000): Promise<unknown> {
  return pollUntil(
    `job ${jobId} to finish`,
    async () => {
      const job = await app.jobs.queues[queue].getJob(jobId);
      if (!job) return undefined;
      const state = await job.getState();
      if (state !== 'completed' && state !== 'failed') return undefined;
      // Read again: the job may have finished between the read above and getState, and that
      // first copy would then lack its return value (or failure reason).
      const done = (await app.jobs.queues[queue].getJob(jobId)) ?? job;
      if (state === 'failed') throw new Error(`job ${jobId} failed: ${done.failedReason}`);
      return { value: done.returnvalue as unknown };
    },
    timeoutMs,
    100,
  ).then((r) => r.value);
}
