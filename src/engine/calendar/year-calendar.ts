/**
 * Per-year exchange tables, built once from the rules and cached.
 *
 * The scheduler asks "is this a session / when does it close" many times a
 * minute; building a year (≈ 365 small objects) is microseconds and happens
 * once per process per year, after which lookups are array indexing.
 */
import { MS_PER_DAY, dayNumber, formatDay, isWeekend, parseDay } from './days.js';
import { earlyCloseDays } from './early-close-rules.js';
import { closureDays } from './holiday-rules.js';
import { SPECIAL_LATE_OPENS } from './special-days.js';
import { localMsToInstant, parseHhmm } from './timezone.js';
import type { EarlyClose, MarketHoliday, SessionInfo } from './types.js';

/** First calendar year the exchange rules are maintained for. */
export const CALENDAR_FIRST_YEAR = 2000;
/** Last calendar year the exchange rules are maintained for. */
export const CALENDAR_LAST_YEAR = 2050;

/** Regular session open, New York wall time. */
export const REGULAR_OPEN = '09:30';
/** Regular session close, New York wall time. */
export const REGULAR_CLOSE = '16:00';

const MS_PER_MINUTE = 60_000;

/** Everything the API needs about one year. */
export interface YearCalendar {
  readonly year: number;
  /** Day number of 1 January. */
  readonly firstDay: number;
  readonly holidays: readonly MarketHoliday[];
  readonly earlyCloses: readonly EarlyClose[];
  /** Indexed by `day - firstDay`; null when the exchange is closed that day. */
  readonly infos: readonly (SessionInfo | null)[];
  /** Session dates in order. */
  readonly sessions: readonly string[];
}

const cache = new Map<number, YearCalendar>();

/** @throws RangeError unless `year` is an integer in 2000–2050. */
export function assertCalendarYear(year: number): void {
  if (!Number.isInteger(year) || year < CALENDAR_FIRST_YEAR || year > CALENDAR_LAST_YEAR) {
    throw new RangeError(
      `Year ${String(year)} is outside the supported exchange calendar range ${CALENDAR_FIRST_YEAR}–${CALENDAR_LAST_YEAR}`,
    );
  }
}

function buildYear(year: number): YearCalendar {
  const firstDay = dayNumber(year, 1, 1);
  const length = dayNumber(year + 1, 1, 1) - firstDay;

  const closures = closureDays(year);
  const closed = new Set(closures.map((h) => h.day));
  const isSessionDay = (day: number): boolean => !isWeekend(day) && !closed.has(day);
  const early = earlyCloseDays(year, isSessionDay);
  const closeByDay = new Map(early.map((e) => [e.day, parseHhmm(e.closeTime)]));
  const lateOpenByDay = new Map(
    SPECIAL_LATE_OPENS.filter((l) => Number(l.date.slice(0, 4)) === year).map((l) => [
      parseDay(l.date),
      parseHhmm(l.openTime),
    ]),
  );

  const regularOpen = parseHhmm(REGULAR_OPEN);
  const regularClose = parseHhmm(REGULAR_CLOSE);
  const infos: (SessionInfo | null)[] = new Array<SessionInfo | null>(length).fill(null);
  const sessions: string[] = [];
  for (let i = 0; i < length; i++) {
    const day = firstDay + i;
    if (!isSessionDay(day)) continue;
    const date = formatDay(day);
    const earlyMinutes = closeByDay.get(day);
    const lateMinutes = lateOpenByDay.get(day);
    const localMidnight = day * MS_PER_DAY;
    infos[i] = Object.freeze({
      date,
      open: localMsToInstant(localMidnight + (lateMinutes ?? regularOpen) * MS_PER_MINUTE),
      close: localMsToInstant(localMidnight + (earlyMinutes ?? regularClose) * MS_PER_MINUTE),
      earlyClose: earlyMinutes !== undefined,
      lateOpen: lateMinutes !== undefined,
    });
    sessions.push(date);
  }

  return Object.freeze({
    year,
    firstDay,
    holidays: Object.freeze(
      closures.map((h) => Object.freeze({ date: formatDay(h.day), name: h.name, kind: h.kind })),
    ),
    earlyCloses: Object.freeze(
      early.map((e) => Object.freeze({ date: formatDay(e.day), name: e.name, closeTime: e.closeTime })),
    ),
    infos: Object.freeze(infos),
    sessions: Object.freeze(sessions),
  });
}

/**
 * The cached tables for `year`.
 * @throws RangeError unless `year` is in 2000–2050.
 */
export function yearCalendar(year: number): YearCalendar {
  let y = cache.get(year);
  if (y === undefined) {
    assertCalendarYear(year);
    y = buildYear(year);
    cache.set(year, y);
  }
  return y;
}

/**
 * Weekday closures of `year`: recurring holidays (observed dates) and
 * one-off special closures, sorted by date. Saturdays/Sundays are never listed.
 * @throws RangeError unless `year` is in 2000–2050.
 */
export function holidaysOf(year: number): readonly MarketHoliday[] {
  return yearCalendar(year).holidays;
}

/**
 * Sessions of `year` that close early (13:00 New York), sorted by date.
 * @throws RangeError unless `year` is in 2000–2050.
 */
export function earlyClosesOf(year: number): readonly EarlyClose[] {
  return yearCalendar(year).earlyCloses;
}

/**
 * All session dates of `year`, in order.
 * @throws RangeError unless `year` is in 2000–2050.
 */
export function sessionsOf(year: number): readonly string[] {
  return yearCalendar(year).sessions;
}
