/**
 * Civil-date arithmetic on "day numbers": whole days since 1970-01-01.
 *
 * The calendar works on integers rather than Date objects so that rule
 * evaluation and per-year tables stay cheap and independent of the host
 * time zone. Date.UTC is used only as a proleptic-Gregorian day counter.
 */

/** Milliseconds in one civil day (no leap seconds, as in ECMAScript time). */
export const MS_PER_DAY = 86_400_000;

/** Weekday numbers as returned by {@link weekdayOf}: 0 = Sunday … 6 = Saturday. */
export const SUNDAY = 0;
export const MONDAY = 1;
export const TUESDAY = 2;
export const WEDNESDAY = 3;
export const THURSDAY = 4;
export const FRIDAY = 5;
export const SATURDAY = 6;

/** A civil (calendar) date split into its fields; `month` is 1–12. */
export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a civil date. Out-of-range months/days roll over like Date.UTC. */
export function dayNumber(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

/** Civil date of a day number. */
export function civilDate(dayNum: number): CivilDate {
  const d = new Date(dayNum * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Weekday of a day number, 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(dayNum: number): number {
  return (((dayNum + THURSDAY) % 7) + 7) % 7;
}

/** True for Saturday and Sunday. */
export function isWeekend(dayNum: number): boolean {
  const wd = weekdayOf(dayNum);
  return wd === SATURDAY || wd === SUNDAY;
}

/** Number of days in a month (`month` 1–12). */
export function daysInMonth(year: number, month: number): number {
  return dayNumber(year, month + 1, 1) - dayNumber(year, month, 1);
}

/** The `n`-th (1-based) given weekday of a month, e.g. the 3rd Monday of January. */
export function nthWeekdayOfMonth(year: number, month: number, weekday: number, n: number): number {
  const first = dayNumber(year, month, 1);
  return first + ((weekday - weekdayOf(first) + 7) % 7) + (n - 1) * 7;
}

/** The last given weekday of a month, e.g. the last Monday of May. */
export function lastWeekdayOfMonth(year: number, month: number, weekday: number): number {
  const last = dayNumber(year, month + 1, 1) - 1;
  return last - ((weekdayOf(last) - weekday + 7) % 7);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Formats a day number as `YYYY-MM-DD` (years 1000–9999). */
export function formatDay(dayNum: number): string {
  const { year, month, day } = civilDate(dayNum);
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/**
 * Parses a strict `YYYY-MM-DD` string into a day number.
 * @throws RangeError when the string is malformed or names a non-existent date (e.g. 2025-02-29).
 */
export function parseDay(date: string): number {
  const m = typeof date === 'string' ? DATE_RE.exec(date) : null;
  if (m === null) {
    throw new RangeError(`Invalid date ${JSON.stringify(date)}: expected YYYY-MM-DD`);
  }
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`Invalid date ${JSON.stringify(date)}: no such calendar day`);
  }
  return dayNumber(year, month, day);
}
