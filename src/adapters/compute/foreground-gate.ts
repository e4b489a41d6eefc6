/**
 * Foreground work pauses background computation. A person waiting for an
 * answer (an Approve tap, a /kill, a reply) holds the gate; the evaluation
 * pool's threads read it between engine steps (about a millisecond apart)
 * and wait while it is held, so the foreground runs on a machine as quiet as
 * if no incubation were running, and the pool takes the cores back as soon
 * as the last hold ends.
 *
 * Why not only OS priority: even at SCHED_IDLE, threads that keep both cores
 * of this 2-core VM busy made an approval 1.4–1.8× slower (caches and memory
 * bandwidth are shared, and V8 collects their garbage on helper threads at
 * normal priority; npm run bench -- incubation).
 */

/** A hold lapses on its own after this long by default: a release that never comes cannot stop incubation. */
export const DEFAULT_MAX_HOLD_MS = 10_000;

export class ForegroundGate {
  /** Int32 [0] = holds in place. Shared with the pool's threads (ThreadData.gate). */
  readonly buffer = new SharedArrayBuffer(4);
  private readonly count = new Int32Array(this.buffer);

  constructor(private readonly maxHoldMs = DEFAULT_MAX_HOLD_MS) {}

  /** Holds in place now. */
  get holds(): number {
    return Atomics.load(this.count, 0);
  }

  /** Takes a hold; the returned release ends it (calling it again does nothing). */
  hold(): () => void {
    Atomics.add(this.count, 0, 1);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      Atomics.sub(this.count, 0, 1);
      Atomics.notify(this.count, 0);
    };
    const timer = setTimeout(release, this.maxHoldMs);
    timer.unref();
    return release;
  }
}
