/**
 * Columnar daily bars for one symbol, oldest first.
 *
 * The engine works on typed arrays so indicator kernels and backtest loops
 * stay allocation-free and cache-friendly; `dates` holds ISO `YYYY-MM-DD`.
 */
export interface BarSeries {
  readonly symbol: string;
  readonly dates: readonly string[];
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** One daily bar in row form (CSV rows, API payloads, DB rows). */
export interface Bar {
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Builds a columnar series from rows that are already sorted by date. */
export function toSeries(symbol: string, rows: readonly Bar[]): BarSeries {
  const n = rows.length;
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  const dates: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    dates[i] = r.date;
    open[i] = r.open;
    high[i] = r.high;
    low[i] = r.low;
    close[i] = r.close;
    volume[i] = r.volume;
  }
  return { symbol, dates, open, high, low, close, volume };
}

/** Returns the first `n` bars (a view, no copy): what was known at the close of bar n-1. */
export function sliceSeries(s: BarSeries, n: number): BarSeries {
  return {
    symbol: s.symbol,
    dates: s.dates.slice(0, n),
    open: s.open.subarray(0, n),
    high: s.high.subarray(0, n),
    low: s.low.subarray(0, n),
    close: s.close.subarray(0, n),
    volume: s.volume.subarray(0, n),
  };
}
