/**
 * A run's wall time as a person reads it: milliseconds under a second (a fast
 * run is not "0.0 s"), else seconds with one decimal.
 */
export function wallTime(ms: number): string {
  const whole = Math.max(0, Math.round(ms));
  return whole < 1000 ? `${whole} ms` : `${(whole / 1000).toFixed(1)} s`;
}
