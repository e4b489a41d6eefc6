/**
 * Calendar helpers on ISO `YYYY-MM-DD` strings. Dates are plain calendar days
 * (no time zone). New York conversions live in src/engine/calendar/timezone.ts.
 */

import { z } from 'zod';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/**
 * True when `s` is a real calendar date in `YYYY-MM-DD` form, years 0001–9999
 * (rejects 2024-02-30, 2026-13-01, 0000-01-01). This is the one check every
 * date argument and payload goes through: anything it accepts Postgres can
 * store as a `date`, so an impossible day is refused where it is parsed and
 * never reaches SQL. Plain arithmetic, not `Date.UTC`, which maps years 0–99
 * to 1900–1999.
 */
export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= (mo === 2 && isLeapYear(y) ? 29 : DAYS_IN_MONTH[mo - 1]!);
}

/** At most this much of a rejected value is echoed back in a message. */
const ECHO_CHARS = 20;

/**
 * A `YYYY-MM-DD` string that is a real calendar date ({@link isIsoDate}), for
 * command arguments and job payloads. The message names the value and says
 * what to type, e.g. "2026-02-30 is not a date (write YYYY-MM-DD, e.g. 2026-11-20)".
 */
export const calendarDate = z.string().refine(isIsoDate, {
  error: (iss) => `${String(iss.input).slice(0, ECHO_CHARS)} is not a date (write YYYY-MM-DD, e.g. 2026-11-20)`,
});

/** Days since 1970-01-01 for an ISO date (assumed valid). */
export function toEpochDay(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** ISO date of an epoch day number. */
export function fromEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOfEpochDay(day: number): number {
  // 1970-01-01 was a Thursday (4).
  return (((day + 4) % 7) + 7) % 7;
}

export function isWeekend(date: string): boolean {
  const wd = weekdayOfEpochDay(toEpochDay(date));
  return wd === 0 || wd === 6;
}

/** Number of Monday–Friday days strictly between two dates (order-insensitive). */
export function weekdaysBetween(a: string, b: string): number {
  let lo = toEpochDay(a);
  let hi = toEpochDay(b);
  if (lo > hi) [lo, hi] = [hi, lo];
  let n = 0;
  // Ranges here are at most a few years of bars apart, and this runs once per
  // gap, so a direct loop is clearer than a closed-form week count.
  for (let d = lo + 1; d < hi; d++) {
    const wd = weekdayOfEpochDay(d);
    if (wd !== 0 && wd !== 6) n++;
  }
  return n;
}

// Deprecated: New York time lives in src/engine/calendar/timezone.ts (the one time-zone module,
// hand rules checked against the tz database). These Intl versions stay only because tests written
// before the move import them; no src/ file may (tests/architecture/data-access.test.ts checks it).
const NY_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const NY_HOUR = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: 'numeric', hourCycle: 'h23' });

/**
 * @deprecated Use `nyDateOf` from src/engine/calendar/timezone.ts (kept for older tests only).
 *
 * The New York calendar date of an instant. US daily bars are stamped at
 * New York midnight (04:00 or 05:00 UTC), so taking the UTC date would be
 * right only by luck; a bar stamped in UTC evening would land a day early.
 */
export function nyDateOf(epochMs: number): string {
  // en-CA formats as YYYY-MM-DD.
  return NY_DATE.format(new Date(epochMs));
}

/**
 * @deprecated Use `nyMidnightMs` from src/engine/calendar/timezone.ts (kept for older tests only).
 *
 * The instant of New York midnight at the start of `date` (how Polygon and Alpaca stamp daily bars).
 */
export function nyMidnightMs(date: string): number {
  // New York is UTC-5 (EST) or UTC-4 (EDT); midnight is 05:00Z or 04:00Z.
  const est = Date.parse(`${date}T05:00:00Z`);
  return Number(NY_HOUR.format(new Date(est))) === 1 ? est - 3_600_000 : est;
}

/**
 * @deprecated Use `nyToday(new Date())` from src/engine/calendar/timezone.ts (kept for older tests only).
 *
 * Today's date in New York, where US sessions are dated.
 */
export function nyToday(now: Date = new Date()): string {
  return nyDateOf(now.getTime());
}
