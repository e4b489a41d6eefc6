import { type Bar, type BarSeries, toSeries } from '../../../../src/engine/bars.js';

/** Optional per-bar overrides for {@link series}. */
export interface Columns {
  /** Opens; default the close. */
  open?: readonly number[];
  high?: readonly number[];
  low?: readonly number[];
  volume?: readonly number[];
  /** ISO dates; default consecutive calendar days from 2024-01-01. */
  dates?: readonly string[];
}

/** A hand-built series from closes; opens, highs and lows default to the close (zero range), volume to 1000. */
export function series(closes: readonly number[], cols: Columns = {}): BarSeries {
  const rows: Bar[] = closes.map((close, i) => ({
    date: cols.dates?.[i] ?? new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10),
    open: cols.open?.[i] ?? close,
    high: cols.high?.[i] ?? close,
    low: cols.low?.[i] ?? close,
    close,
    volume: cols.volume?.[i] ?? 1000,
  }));
  return toSeries('HAND', rows);
}
