/**
 * KRX regular-market hours by date (Seoul wall time, minutes after midnight), DESIGN §8:
 * - 09:00–15:00 until 2016-07-29, 09:00–15:30 from 2016-08-01 (KRX extended the close);
 * - a 12:00–13:00 lunch break until 2000-05-19 (abolished from 2000-05-22);
 * - the first session of each year opens at 10:00 (from 2001; 2000-01-04 opened at 09:00);
 * - CSAT days open at 10:00 and close one hour late (16:00, from 2016-08-01 16:30).
 */
import { THURSDAY, dayNumber, parseDay, weekdayOf } from '../days.js';
import { NOVEMBER } from '../months.js';
import { KRX_CSAT_DAYS, KRX_CSAT_LAST_LISTED_YEAR } from './special-days.js';

/** Regular open, Seoul wall time. */
export const KRX_REGULAR_OPEN = '09:00';
/** Regular close from 2016-08-01, Seoul wall time. */
export const KRX_REGULAR_CLOSE = '15:30';
/** Regular close before 2016-08-01, Seoul wall time. */
export const KRX_REGULAR_CLOSE_BEFORE_2016_08 = '15:00';
/** Open of the first session of the year and of CSAT days. */
export const KRX_LATE_OPEN = '10:00';

const CLOSE_EXTENDED_FROM = dayNumber(2016, 8, 1);
const LAST_BREAK_DAY = dayNumber(2000, 5, 19);
const OPEN = 9 * 60;
const LATE_OPEN = 10 * 60;
const BREAK_START = 12 * 60;
const BREAK_END = 13 * 60;

/**
 * The CSAT day of a year after {@link KRX_CSAT_LAST_LISTED_YEAR}: the
 * Thursday of the third week of November (weeks counted from Sunday, week 1
 * holding 1 November). That is the Ministry of Education's practice since
 * the 2017 academic-year exam (2016-11-17) and gives every listed date
 * 2016–2027 except the COVID-moved 2020-12-03; an announced date replaces it
 * in the list.
 */
export function projectedCsatDay(year: number): number {
  const nov1 = dayNumber(year, NOVEMBER, 1);
  return nov1 + 14 + (THURSDAY - weekdayOf(nov1));
}

const csatDays = new Set(KRX_CSAT_DAYS.map(parseDay));

/** True when `day` is a CSAT day (listed, or projected after the list ends). */
export function isCsatDay(day: number, year: number): boolean {
  return year > KRX_CSAT_LAST_LISTED_YEAR ? projectedCsatDay(year) === day : csatDays.has(day);
}

/** Session hours of one session day, in Seoul minutes after midnight. */
export interface KrxHours {
  readonly open: number;
  readonly close: number;
  readonly lateOpen: boolean;
  readonly lateClose: boolean;
  readonly break: { readonly start: number; readonly end: number } | null;
}

/**
 * Hours of the session on `day` (which must be a session).
 * @param firstSessionOfYear whether `day` is the year's first session.
 */
export function krxHours(day: number, year: number, firstSessionOfYear: boolean): KrxHours {
  const regularClose = day >= CLOSE_EXTENDED_FROM ? 15 * 60 + 30 : 15 * 60;
  const csat = isCsatDay(day, year);
  const lateOpen = csat || (firstSessionOfYear && year >= 2001);
  return {
    open: lateOpen ? LATE_OPEN : OPEN,
    close: csat ? regularClose + 60 : regularClose,
    lateOpen,
    lateClose: csat,
    break: day <= LAST_BREAK_DAY ? { start: BREAK_START, end: BREAK_END } : null,
  };
}

