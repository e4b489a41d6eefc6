/**
 * Grow-only scratch buffers reused across kernel calls.
 *
 * Typed arrays live outside the JS heap and every allocation counts towards
 * V8's external-memory GC trigger; allocating a deque per column per symbol
 * made GC a visible share of a universe scan. Kernels borrow these for the
 * duration of one synchronous call and never hold them across calls or
 * return them, so no state is observable. Contents are garbage on entry.
 * Never borrow the same kind twice at once (no kernel nests another that
 * borrows the same kind while it still uses its own).
 */
let i32 = new Int32Array(4096);
let f64 = new Float64Array(4096);

/** An Int32Array with at least `len` elements (contents undefined). */
export function scratchInt32(len: number): Int32Array {
  if (i32.length < len) i32 = new Int32Array(Math.max(len, i32.length * 2));
  return i32;
}

/** A Float64Array with at least `len` elements (contents undefined). */
export function scratchFloat64(len: number): Float64Array {
  if (f64.length < len) f64 = new Float64Array(Math.max(len, f64.length * 2));
  return f64;
}
