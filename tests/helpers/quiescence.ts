/**
 * Waits for "nothing more will happen": the way a test makes a NEGATIVE
 * assertion ("exactly one confirmation", "no second order") without guessing
 * a sleep. Positive assertions wait for their event instead (the emulator's
 * waitFor, or until()).
 *
 * Quiet means, at the same moment and for `idleMs` on end:
 * - every given queue holds no waiting, prioritized, active, delayed or
 *   waiting-children job (a delayed notify — a chart sent after its text —
 *   counts as work still to come), and
 * - the emulator's outbox did not grow (nothing was sent to Telegram).
 */

/** A BullMQ queue, or anything that counts its jobs the same way. */
export interface CountsJobs {
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

/** The Telegram emulator, or anything with a growing sequence number of sent events. */
export interface HasOutboxSeq {
  readonly lastSeq: number;
}

export interface QuiescenceOptions {
  /** Queues that must be drained (pass only queues that can drain: not ones with repeatable jobs). */
  queues?: Iterable<CountsJobs>;
  /** The emulator whose outbox must stay idle. */
  outbox?: HasOutboxSeq;
  /** How long everything must stay quiet in a row. Default 300 ms. */
  idleMs?: number;
  /** Give up (throw) after this long. Default 15 s. */
  timeoutMs?: number;
  /** Poll interval. Default 50 ms. */
  pollMs?: number;
}

/** Job states that mean work is still queued or running. */
export const PENDING_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'waiting-children'] as const;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Jobs still pending across `queues` (0 when drained). */
export async function pendingJobs(queues: Iterable<CountsJobs>): Promise<number> {
  const counts = await Promise.all([...queues].map((q) => q.getJobCounts(...PENDING_STATES)));
  return counts.reduce((sum, c) => sum + PENDING_STATES.reduce((s, k) => s + (c[k] ?? 0), 0), 0);
}

/**
 * Resolves once the queues are drained and the outbox idle for `idleMs`;
 * throws after `timeoutMs` saying what was still busy.
 */
export async function waitForQuiescence(opts: QuiescenceOptions): Promise<void> {
  const { queues = [], outbox, idleMs = 300, timeoutMs = 15_000, pollMs = 50 } = opts;
  const list = [...queues];
  const deadline = Date.now() + timeoutMs;
  let quietSince: number | null = null;
  let seq = outbox?.lastSeq ?? 0;
  let pending = 0;
  for (;;) {
    pending = list.length > 0 ? await pendingJobs(list) : 0;
    const nowSeq = outbox?.lastSeq ?? 0;
    const quiet = pending === 0 && nowSeq === seq;
    seq = nowSeq;
    if (!quiet) quietSince = null;
    else quietSince ??= Date.now();
    if (quietSince !== null && Date.now() - quietSince >= idleMs) return;
    if (Date.now() >= deadline) {
      throw new Error(`not quiet within ${timeoutMs} ms: ${pending} queued/active/delayed jobs, outbox at seq ${seq}`);
    }
    await sleep(pollMs);
  }
}
