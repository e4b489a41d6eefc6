/** The five price/volume columns of one generated series. */
export interface OhlcvColumns {
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/**
 * Zeroed columns for `n` bars, carved out of one buffer: whole-universe runs
 * allocate thousands of series, and fewer, larger buffers are kinder to the GC.
 */
export function ohlcvColumns(n: number): OhlcvColumns {
  const buf = new Float64Array(5 * n);
  return {
    open: buf.subarray(0, n),
    high: buf.subarray(n, 2 * n),
    low: buf.subarray(2 * n, 3 * n),
    close: buf.subarray(3 * n, 4 * n),
    volume: buf.subarray(4 * n, 5 * n),
  };
}
