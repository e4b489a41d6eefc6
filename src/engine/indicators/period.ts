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

/**
 * A fresh Float64Array of length `len` (its own ArrayBuffer of exactly
 * len·8 bytes, offset 0, as `new Float64Array(len)` gives) whose contents are
 * NOT initialised. `new Float64Array(len)` zero-fills the memory, and for a
 * kernel that then writes every element that memset was a fifth to a third
 * of the whole cost (EMA, ATR). Only for output columns that the kernel
 * fills completely — warm-up NaNs included — before returning them, so no
 * stale bytes are ever observable.
 */
export function newColumn(len: number): Float64Array {
  return new Float64Array(Buffer.allocUnsafeSlow(len * 8).buffer, 0, len);
}

/** {@link newColumn} for Int32 index columns (same contract: the caller writes every element). */
export function newIndexColumn(len: number): Int32Array {
  return new Int32Array(Buffer.allocUnsafeSlow(len * 4).buffer, 0, len);
}

/** Allocates an output column of length `len` whose first `warmup` entries are NaN (the caller writes the rest). */
export function nanColumn(len: number, warmup: number): Float64Array {
  const out = newColumn(len);
  out.fill(Number.NaN, 0, Math.min(warmup, len));
  return out;
}
