import { performance } from 'node:perf_hooks';

export interface OpenLoopResult {
  sent: number;
  /** How late sends left compared with the schedule (event-loop stalls in this shared process). */
  maxLagMs: number;
  meanLagMs: number;
  elapsedMs: number;
}

/**
 * Open-loop load: calls `send(i, intendedAt)` `rate` times per second for `durationMs`,
 * regardless of whether earlier commands were answered (arrivals do not wait for the system,
 * as with real users). Sends are scheduled by absolute time, so a late timer catches up rather
 * than drifting; the lag is reported.
 */
export function openLoop(rate: number, durationMs: number, send: (i: number, intendedAt: number) => void): Promise<OpenLoopResult> {
  const total = Math.max(1, Math.round((rate * durationMs) / 1000));
  const interval = 1000 / rate;
  const start = performance.now();
  let i = 0;
  let lagSum = 0;
  let maxLag = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (i < total && start + i * interval <= now) {
        const intended = start + i * interval;
        const lag = performance.now() - intended;
        lagSum += lag;
        if (lag > maxLag) maxLag = lag;
        send(i, intended);
        i++;
      }
      if (i >= total) {
        resolve({ sent: total, maxLagMs: maxLag, meanLagMs: lagSum / total, elapsedMs: performance.now() - start });
        return;
      }
      setTimeout(tick, Math.max(0, start + i * interval - performance.now()));
    };
    tick();
  });
}
