import type { Bar, BarSeries } from '../../engine/bars.js';
import { isIsoDate } from '../../lib/dates.js';

const DAY_MS = 86_400_000;
const dayOfIso = new Map<string, number>();
const isoOfDay = new Map<number, string>();

/** Days since 1970-01-01 of a valid ISO date (memoised: bar dates repeat across symbols). */
export function epochDayOf(date: string): number {
  let d = dayOfIso.get(date);
  if (d === undefined) {
    d = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
    if (dayOfIso.size < 200_000) dayOfIso.set(date, d);
  }
  return d;
}

/** ISO `YYYY-MM-DD` of an epoch day (memoised). */
export function isoOfEpochDay(day: number): string {
  let s = isoOfDay.get(day);
  if (s === undefined) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (isoOfDay.size < 200_000) isoOfDay.set(day, s);
  }
  return s;
}

/**
 * One symbol's bars in the store's internal columnar form: integer dates and
 * one Float64Array holding the five columns back to back (open, high, low,
 * close, volume), each `days.length` long.
 */
export interface ColumnarBars {
  symbol: string;
  days: Int32Array;
  block: Float64Array;
}

/** Column order inside {@link ColumnarBars.block}. */
export const COLUMNS = ['open', 'high', 'low', 'close', 'volume'] as const;

/** Columnar form of rows (dates must be valid ISO dates). */
export function columnarFromBars(symbol: string, bars: readonly Bar[]): ColumnarBars {
  const n = bars.length;
  const days = new Int32Array(n);
  const block = new Float64Array(5 * n);
  for (let i = 0; i < n; i++) {
    const b = bars[i]!;
    if (typeof b.date !== 'string' || !isIsoDate(b.date)) throw new RangeError(`${symbol}: bar ${i} has date "${String(b.date).slice(0, 30)}", expected YYYY-MM-DD`);
    days[i] = epochDayOf(b.date);
    block[i] = b.open;
    block[n + i] = b.high;
    block[2 * n + i] = b.low;
    block[3 * n + i] = b.close;
    block[4 * n + i] = b.volume;
  }
  return { symbol, days, block };
}

/**
 * Columnar form of a series (dates must be valid ISO dates). A universe often
 * shares one dates array across its series: pass the same `daysCache` for a
 * batch so it is converted once (the resulting `days` arrays are shared).
 */
export function columnarFromSeries(symbol: string, s: BarSeries, daysCache?: Map<readonly string[], Int32Array>): ColumnarBars {
  const n = s.dates.length;
  let days = daysCache?.get(s.dates);
  if (!days) {
    days = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const d = s.dates[i]!;
      if (typeof d !== 'string' || !isIsoDate(d)) throw new RangeError(`${symbol}: bar ${i} has date "${String(d).slice(0, 30)}", expected YYYY-MM-DD`);
      days[i] = epochDayOf(d);
    }
    daysCache?.set(s.dates, days);
  }
  const block = new Float64Array(5 * n);
  block.set(s.open.subarray(0, n), 0);
  block.set(s.high.subarray(0, n), n);
  block.set(s.low.subarray(0, n), 2 * n);
  block.set(s.close.subarray(0, n), 3 * n);
  block.set(s.volume.subarray(0, n), 4 * n);
  return { symbol, days, block };
}

// Same tolerance as checkBars: vendor rounding can put high a hair under close.
const EPS = 1e-9;

/**
 * Structural check of columnar bars before they are written: dates strictly
 * increasing, prices positive and finite, volume non-negative and finite,
 * low ≤ open, close ≤ high. Returns the problems (at most `max`), empty when
 * fine. Market-sense checks (gaps, absurd moves) are `checkBars`' job.
 */
export function structuralProblems(c: ColumnarBars, max = 5): string[] {
  const out: string[] = [];
  const n = c.days.length;
  const b = c.block;
  if (b.length !== 5 * n) return [`${c.symbol}: ${b.length} values for ${n} dates; expected ${5 * n}`];
  for (let i = 0; i < n && out.length < max; i++) {
    const date = () => isoOfEpochDay(c.days[i]!);
    if (i > 0 && c.days[i]! <= c.days[i - 1]!) {
      out.push(`${c.symbol} ${date()}: dates not strictly increasing (after ${isoOfEpochDay(c.days[i - 1]!)})`);
      continue;
    }
    const o = b[i]!;
    const h = b[n + i]!;
    const l = b[2 * n + i]!;
    const cl = b[3 * n + i]!;
    const v = b[4 * n + i]!;
    if (!(o > 0 && h > 0 && l > 0 && cl > 0 && o < Infinity && h < Infinity && l < Infinity && cl < Infinity)) {
      out.push(`${c.symbol} ${date()}: prices must be positive and finite (o=${o} h=${h} l=${l} c=${cl})`);
    } else if (!(v >= 0 && v < Infinity)) {
      out.push(`${c.symbol} ${date()}: volume must be non-negative and finite, got ${v}`);
    } else {
      const tol = EPS * h;
      if (h + tol < Math.max(o, cl, l) || l - tol > Math.min(o, cl)) {
        out.push(`${c.symbol} ${date()}: OHLC inconsistent (o=${o} h=${h} l=${l} c=${cl})`);
      }
    }
  }
  return out;
}

/** A `BarSeries` view over a columnar block (no copy). */
export function seriesOf(symbol: string, block: Float64Array, dates: readonly string[]): BarSeries {
  const n = dates.length;
  return {
    symbol,
    dates,
    open: block.subarray(0, n),
    high: block.subarray(n, 2 * n),
    low: block.subarray(2 * n, 3 * n),
    close: block.subarray(3 * n, 4 * n),
    volume: block.subarray(4 * n, 5 * n),
  };
}

/** One distinct dates column, shared by every series that has exactly these dates. */
export interface DateTable {
  days: Int32Array;
  dates: readonly string[];
}

/**
 * Interns date columns: a universe on one calendar has a single dates array
 * shared by all its series (as `generateSyntheticSeries` does), which saves
 * memory and snapshot space.
 */
export class DateTables {
  readonly tables: DateTable[] = [];
  private readonly byShape = new Map<string, number[]>();

  /** Index of the table equal to `days`, adding one when new. `days` is kept, not copied. */
  intern(days: Int32Array): number {
    const n = days.length;
    const key = n === 0 ? '0' : `${n}:${days[0]}:${days[n - 1]}`;
    const candidates = this.byShape.get(key);
    if (candidates) {
      const bytes = Buffer.from(days.buffer, days.byteOffset, days.byteLength);
      for (const idx of candidates) {
        const t = this.tables[idx]!.days;
        if (bytes.equals(Buffer.from(t.buffer, t.byteOffset, t.byteLength))) return idx;
      }
    }
    const dates: string[] = new Array(n);
    for (let i = 0; i < n; i++) dates[i] = isoOfEpochDay(days[i]!);
    const idx = this.tables.push({ days, dates }) - 1;
    if (candidates) candidates.push(idx);
    else this.byShape.set(key, [idx]);
    return idx;
  }
}
