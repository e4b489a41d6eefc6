/**
 * Per-year KRX tables, built once from the rules and cached (same design as
 * the NYSE `year-calendar.ts`: lookups are then array indexing).
 */
import { dayNumber, formatDay, isWeekend } from '../days.js';
import type { MarketHoliday } from '../types.js';
import { krxClosureDays } from './holiday-rules.js';
import { krxHours } from './hours.js';
import { krxDayMinutesToInstant } from './timezone.js';
import type { KrxSessionInfo } from './types.js';

/** First calendar year the KRX rules are maintained for. */
export const KRX_FIRST_YEAR = 2000;
/** Last calendar year the KRX rules are maintained for (the lunar table's end). */
export const KRX_LAST_YEAR = 2050;

/** Everything the API needs about one year. */
export interface KrxYearCalendar {
  readonly year: number;
  /** Day number of 1 January. */
  readonly firstDay: number;
  readonly holidays: readonly MarketHoliday[];
  /** Indexed by `day - firstDay`; null when the exchange is closed that day. */
  readonly infos: readonly (KrxSessionInfo | null)[];
  readonly sessions: readonly string[];
}

const cache = new Map<number, KrxYearCalendar>();

/** @throws RangeError unless `year` is an integer in 2000–2050. */
export function assertKrxYear(year: number): void {
  if (!Number.isInteger(year) || year < KRX_FIRST_YEAR || year > KRX_LAST_YEAR) {
    throw new RangeError(
      `Year ${String(year)} is outside the supported KRX calendar range ${KRX_FIRST_YEAR}–${KRX_LAST_YEAR}`,
    );
  }
}

function buildYear(year: number): KrxYearCalendar {
  const firstDay = dayNumber(year, 1, 1);
  const length = dayNumber(year + 1, 1, 1) - firstDay;
  const closures = krxClosureDays(year);
  const closed = new Set(closures.map((h) => h.day));

  const infos: (KrxSessionInfo | null)[] = new Array<KrxSessionInfo | null>(length).fill(null);
  const sessions: string[] = [];
  for (let i = 0; i < length; i++) {
    const day = firstDay + i;
    if (isWeekend(day) || closed.has(day)) continue;
    const h = krxHours(day, year, sessions.length === 0);
    const date = formatDay(day);
    infos[i] = Object.freeze({
      date,
      open: krxDayMinutesToInstant(day, h.open),
      close: krxDayMinutesToInstant(day, h.close),
      earlyClose: false,
      lateOpen: h.lateOpen,
      lateClose: h.lateClose,
      break:
        h.break === null
          ? null
          : Object.freeze({
              start: krxDayMinutesToInstant(day, h.break.start),
              end: krxDayMinutesToInstant(day, h.break.end),
            }),
    });
    sessions.push(date);
  }

  return Object.freeze({
    year,
    firstDay,
    holidays: Object.freeze(
      closures.map((h) => Object.freeze({ date: formatDay(h.day), name: h.name, kind: h.kind })),
    ),
    infos: Object.freeze(infos),
    sessions: Object.freeze(sessions),
  });
}

/**
 * The cached KRX tables for `year`.
 * @throws RangeError unless `year` is in 2000–2050.
 */
export function krxYearCalendar(year: number): KrxYearCalendar {
  let y = cache.get(year);
  if (y === undefined) {
    assertKrxYear(year);
    y = buildYear(year);
    cache.set(year, y);
  }
  return y;
}

/**
 * Weekday closures of `year` (holidays, substitute days, 1 May, the year-end
 * closing day, ad hoc closures), sorted by date. Weekends are never listed.
 * @throws RangeError unless `year` is in 2000–2050.
 */
export function holidaysOf(year: number): readonly MarketHoliday[] {
  return krxYearCalendar(year).holidays;
}

/**
 * All KRX session dates of `year`, in order.
 * @throws RangeError unless `year` is in 2000–2050.
 */
export function sessionsOf(year: number): readonly string[] {
  return krxYearCalendar(year).sessions;
}
