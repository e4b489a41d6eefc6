/**
 * How far the first load of the default data is, as measured while it runs:
 * symbols stored so far of the total, when it started and when `done` was
 * last counted (epoch ms).
 */
export interface SeedingProgress {
  startedAt: number;
  at: number;
  done: number;
  total: number;
}

/** Where scans read the load's progress (null: not loading, or nothing measured). */
export interface SeedingProgressSource {
  progress(): Promise<SeedingProgress | null>;
}

/**
 * Seconds left at the rate measured so far (symbols stored per second since
 * the start), less the time since the last count; at least 1. Null before the
 * first symbols are stored: there is no rate to go by yet.
 */
export function estimateSecondsLeft(p: SeedingProgress, nowMs: number): number | null {
  const elapsed = p.at - p.startedAt;
  if (p.done <= 0 || elapsed <= 0) return null;
  const perMs = p.done / elapsed;
  const leftMs = Math.max(0, p.total - p.done) / perMs - Math.max(0, nowMs - p.at);
  return Math.max(1, Math.ceil(leftMs / 1000));
}
