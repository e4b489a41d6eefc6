/**
 * Throws a RangeError unless `n` is an integer >= `min`.
 *
 * Kernels validate their periods up front so a bad parameter fails loudly
 * instead of silently producing an all-NaN column.
 */
export function assertPeriod(name: string, n: number, min = 1): void {
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${n}`);
  }
}

/** Allocates an output column of length `len` whose first `warmup` entries are NaN. */
export function nanColumn(len: number, warmup: number): Float64Array {
  const out = new Float64Array(len);
  out.fill(Number.NaN, 0, Math.min(warmup, len));
  return out;
}
