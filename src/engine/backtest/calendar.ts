import type { BarSeries } from '../bars.js';

/**
 * The trading calendar of a multi-symbol backtest: the sorted union of all
 * series' dates inside an optional [start, end] range, plus each series'
 * bar-to-day mapping so the daily loop never looks a date up by string.
 */
export interface Calendar {
  /** Union of dates, ascending, inside the range. */
  readonly dates: readonly string[];
  /** Per series: day index of each bar, or -1 for bars outside the range. */
  readonly barDay: readonly Int32Array[];
  /** Per series: first bar inside the range (== length when none). */
  readonly firstBar: Int32Array;
  /** Per series: last bar inside the range (-1 when none). */
  readonly lastBar: Int32Array;
}

/**
 * Integer key of an ISO `YYYY-MM-DD` date that sorts like the string.
 * Comparing millions of small ints is several times cheaper than comparing
 * the (distinct but equal) date strings of every series.
 */
export function dateKey(iso: string): number {
  const y0 = iso.charCodeAt(0) - 48;
  const y1 = iso.charCodeAt(1) - 48;
  const y2 = iso.charCodeAt(2) - 48;
  const y3 = iso.charCodeAt(3) - 48;
  const m0 = iso.charCodeAt(5) - 48;
  const m1 = iso.charCodeAt(6) - 48;
  const d0 = iso.charCodeAt(8) - 48;
  const d1 = iso.charCodeAt(9) - 48;
  // One OR of all digits catches any non-digit (negative or > 9 sets bits above 15).
  const bad = (y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) & ~15 || y0 > 9 || y1 > 9 || y2 > 9 || y3 > 9 || m0 > 9 || m1 > 9 || d0 > 9 || d1 > 9;
  if (bad || iso.length !== 10 || iso.charCodeAt(4) !== 45 || iso.charCodeAt(7) !== 45) {
    throw new RangeError(`not an ISO YYYY-MM-DD date: ${JSON.stringify(iso)}`);
  }
  return (((y0 * 10 + y1) * 10 + y2) * 10 + y3) * 10000 + (m0 * 10 + m1) * 100 + d0 * 10 + d1;
}

/**
 * Builds the calendar for `series`.
 *
 * @param start inclusive ISO date; bars before it are history only
 * @param end inclusive ISO date; bars after it are treated as not existing yet
 * @throws RangeError when a series' dates are not ISO or not strictly ascending
 */
export function buildCalendar(series: readonly BarSeries[], start?: string, end?: string): Calendar {
  const lo = start === undefined ? -Infinity : dateKey(start);
  const hi = end === undefined ? Infinity : dateKey(end);
  const keys: Int32Array[] = [];
  let unionKeys: Int32Array = new Int32Array(0);
  let unionDates: string[] = [];
  for (const s of series) {
    const k = new Int32Array(s.dates.length);
    for (let i = 0; i < k.length; i++) {
      k[i] = dateKey(s.dates[i]!);
      if (i > 0 && !(k[i - 1]! < k[i]!)) {
        throw new RangeError(`${s.symbol}: dates not strictly ascending at ${s.dates[i - 1]} -> ${s.dates[i]}`);
      }
    }
    keys.push(k);
    [unionKeys, unionDates] = mergeInto(unionKeys, unionDates, k, s.dates, lo, hi);
  }

  const barDay: Int32Array[] = [];
  const firstBar = new Int32Array(series.length);
  const lastBar = new Int32Array(series.length);
  for (let s = 0; s < series.length; s++) {
    const k = keys[s]!;
    const map = new Int32Array(k.length).fill(-1);
    let first = k.length;
    let last = -1;
    // Two-pointer walk: both lists are sorted, so this is linear.
    let u = 0;
    for (let i = 0; i < k.length; i++) {
      const d = k[i]!;
      while (u < unionKeys.length && unionKeys[u]! < d) u++;
      if (u < unionKeys.length && unionKeys[u] === d) {
        map[i] = u;
        if (first === k.length) first = i;
        last = i;
      }
    }
    barDay.push(map);
    firstBar[s] = first;
    lastBar[s] = last;
  }
  return { dates: unionDates, barDay, firstBar, lastBar };
}

/**
 * Sorted union of the current calendar and the in-range dates of one series.
 * Universes mostly share one calendar, so the common case is a read-only walk
 * that finds nothing new and returns the inputs unchanged.
 */
function mergeInto(
  uk: Int32Array,
  ud: string[],
  sk: Int32Array,
  sd: readonly string[],
  lo: number,
  hi: number,
): [Int32Array, string[]] {
  let a = 0;
  let b = sk.length;
  while (a < b && sk[a]! < lo) a++;
  while (b > a && sk[b - 1]! > hi) b--;

  let u = 0;
  let fresh = 0;
  for (let i = a; i < b; i++) {
    const d = sk[i]!;
    while (u < uk.length && uk[u]! < d) u++;
    if (u >= uk.length || uk[u] !== d) fresh++;
  }
  if (fresh === 0) return [uk, ud];

  const ok = new Int32Array(uk.length + fresh);
  const od: string[] = new Array<string>(uk.length + fresh);
  let o = 0;
  u = 0;
  let i = a;
  while (u < uk.length || i < b) {
    if (i >= b || (u < uk.length && uk[u]! < sk[i]!)) {
      ok[o] = uk[u]!;
      od[o++] = ud[u++]!;
    } else {
      if (u < uk.length && uk[u] === sk[i]) u++;
      ok[o] = sk[i]!;
      od[o++] = sd[i++]!;
    }
  }
  return [ok, od];
}
