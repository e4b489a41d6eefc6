/**
 * Timers that can all be cancelled at once. The local emulators (src/dev)
 * answer late or fill orders after a delay; when one is closed, nothing it
 * scheduled may fire into a test that has moved on.
 */
export class PendingTimers {
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Runs `fn` after `ms` milliseconds, unless {@link clear} comes first. */
  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** Cancels every timer that has not fired yet. */
  clear(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** How many timers are still waiting. */
  get size(): number {
    return this.timers.size;
  }
}
