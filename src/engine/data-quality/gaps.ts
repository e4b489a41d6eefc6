/**
 * Data gaps against the exchange calendar (pure): which sessions a symbol's bars miss, whether its
 * bars reach the last completed session, and whether a strategy's look-back window is whole.
 *
 * Every function takes the calendar's sessions as a sorted `YYYY-MM-DD` list (see
 * {@link sessionsEndingAt}) and a symbol's bar dates, sorted ascending (a `BarSeries`' `dates`).
 * Bars on days that are not sessions are not findings here (they are ignored): only a session
 * without a bar is.
 */
import { CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR, sessionsBetween, sessionsOf } from '../calendar/index.js';

/** The kinds of finding the calendar check reports. */
export type DataFindingKind = 'missing_session' | 'stale';

/** Sessions of the calendar without a bar, between a symbol's first and last bar. */
export interface MissingSessionFinding {
  symbol: string;
  kind: 'missing_session';
  /** How many sessions have no bar (= `dates.length`). */
  count: number;
  /** The earliest and latest missing session. */
  first: string;
  last: string;
  /** Every missing session, oldest first. */
  dates: string[];
}

/** No bar for the last completed session. */
export interface StaleFinding {
  symbol: string;
  kind: 'stale';
  /** The symbol's last bar (null: it has none). */
  lastBar: string | null;
  /** The last completed session: the bar that should be there. */
  expected: string;
  /** Sessions after the last bar up to and including `expected` (all of them without a bar). */
  behind: number;
}

export type DataFinding = MissingSessionFinding | StaleFinding;

/** Sessions missing from a window: how many, the first and the last. */
export interface GapSummary {
  count: number;
  first: string;
  last: string;
}

/** Index of the first element of sorted `xs` that is `>= x` (xs.length when none). */
export function lowerBound(xs: readonly string[], x: string): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element of sorted `xs` that is `> x` (xs.length when none). */
export function upperBound(xs: readonly string[], x: string): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The sessions in `sessions[from..to)` that have no bar in `dates`, oldest first: one merge walk
 * (both lists sorted), after a binary search for where the window starts in the bars.
 */
function missingIn(sessions: readonly string[], from: number, to: number, dates: readonly string[]): string[] {
  const out: string[] = [];
  if (from >= to) return out;
  let j = lowerBound(dates, sessions[from]!);
  for (let i = from; i < to; i++) {
    const s = sessions[i]!;
    while (j < dates.length && dates[j]! < s) j++;
    if (j < dates.length && dates[j] === s) j++;
    else out.push(s);
  }
  return out;
}

/**
 * The sessions between a symbol's first and last bar (both inclusive) that have no bar. Sessions
 * before the first bar or after the last are not missing here (a later listing, or `stale`).
 * `sessions` should cover the bars' span; sessions it lacks are not reported.
 */
export function missingSessions(sessions: readonly string[], dates: readonly string[]): string[] {
  if (dates.length === 0) return [];
  return missingIn(sessions, lowerBound(sessions, dates[0]!), upperBound(sessions, dates[dates.length - 1]!), dates);
}

/**
 * The sessions missing from the look-back a strategy needs at `asOf`: of the last `lookback`
 * sessions up to and including `asOf`, those on or after the first bar without a bar (the ones
 * before the first bar make a history too short, which the scan reports apart). Null when the
 * window is whole. `sessions` must reach `lookback` sessions back from `asOf` for an exact answer.
 */
export function windowGap(sessions: readonly string[], dates: readonly string[], asOf: string, lookback: number): GapSummary | null {
  if (dates.length === 0 || lookback <= 0) return null;
  const to = upperBound(sessions, asOf);
  const from = Math.max(to - lookback, lowerBound(sessions, dates[0]!));
  const missing = missingIn(sessions, from, to, dates);
  return missing.length === 0 ? null : { count: missing.length, first: missing[0]!, last: missing[missing.length - 1]! };
}

/**
 * The calendar findings of one symbol: `missing_session` (sessions without a bar between its first
 * and last bar) and `stale` (no bar for `lastCompleted`, the last completed session). An empty
 * series is stale (no bar at all) and has no missing sessions.
 */
export function dataFindings(symbol: string, dates: readonly string[], sessions: readonly string[], lastCompleted: string): DataFinding[] {
  const out: DataFinding[] = [];
  const missing = missingSessions(sessions, dates);
  if (missing.length > 0) out.push({ symbol, kind: 'missing_session', count: missing.length, first: missing[0]!, last: missing[missing.length - 1]!, dates: missing });
  const lastBar = dates.length > 0 ? dates[dates.length - 1]! : null;
  if (lastBar === null || lastBar < lastCompleted) {
    const behind = lastBar === null ? 1 : upperBound(sessions, lastCompleted) - upperBound(sessions, lastBar);
    out.push({ symbol, kind: 'stale', lastBar, expected: lastCompleted, behind: Math.max(behind, 1) });
  }
  return out;
}

/**
 * The last `count` sessions up to and including `asOf`, oldest first (fewer when the calendar,
 * which starts in 2000, has fewer; none when `asOf` is past 2050, where it ends).
 */
export function sessionsEndingAt(asOf: string, count: number): string[] {
  const year = Number(asOf.slice(0, 4));
  if (!(year >= CALENDAR_FIRST_YEAR && year <= CALENDAR_LAST_YEAR) || count <= 0) return [];
  const parts: (readonly string[])[] = [];
  let have = 0;
  for (let y = year; y >= CALENDAR_FIRST_YEAR && have < count; y--) {
    const all = sessionsOf(y);
    const part = y === year ? all.slice(0, upperBound(all, asOf)) : all;
    parts.unshift(part);
    have += part.length;
  }
  const flat = parts.flat();
  return flat.slice(Math.max(0, flat.length - count));
}

/**
 * The sessions from `from` to `to` (both inclusive), clamped to the calendar's years (2000–2050):
 * what {@link missingSessions} and {@link dataFindings} need for a symbol's whole history.
 */
export function sessionsSpanning(from: string, to: string): string[] {
  const lo = from < `${CALENDAR_FIRST_YEAR}-01-01` ? `${CALENDAR_FIRST_YEAR}-01-01` : from;
  const hi = to > `${CALENDAR_LAST_YEAR}-12-31` ? `${CALENDAR_LAST_YEAR}-12-31` : to;
  return lo > hi ? [] : sessionsBetween(lo, hi);
}
