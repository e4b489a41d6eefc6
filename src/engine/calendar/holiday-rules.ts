/**
 * NYSE full-day holidays computed from rules (valid 2000–2050).
 *
 * Observance follows NYSE Rule 7.2: a holiday on a Saturday is observed the
 * preceding Friday and one on a Sunday the following Monday, "unless unusual
 * business conditions exist, such as the ending of a monthly or the yearly
 * accounting period". In practice that exception only ever bites New Year's
 * Day: when 1 January is a Saturday, 31 December is the year-end, so no
 * holiday is observed at all (2000, 2005, 2011, 2022, 2028, 2033, 2039, 2050).
 *
 * - New Year's Day: 1 Jan; Sunday → Monday; Saturday → not observed.
 * - Martin Luther King, Jr. Day: third Monday of January (NYSE since 1998).
 * - Washington's Birthday: third Monday of February.
 * - Good Friday: Friday before Easter Sunday (not a federal holiday).
 * - Memorial Day: last Monday of May.
 * - Juneteenth National Independence Day: 19 June, from 2022 (the 2021
 *   federal holiday was enacted too late for the exchange to close).
 * - Independence Day: 4 July.
 * - Labor Day: first Monday of September.
 * - Thanksgiving Day: fourth Thursday of November.
 * - Christmas Day: 25 December.
 * Juneteenth, Independence Day and Christmas use Saturday → Friday, Sunday → Monday.
 *
 * Columbus Day and Veterans Day are bank holidays only; the exchange trades.
 */
import {
  MONDAY,
  SATURDAY,
  SUNDAY,
  THURSDAY,
  dayNumber,
  formatDay,
  lastWeekdayOfMonth,
  nthWeekdayOfMonth,
  parseDay,
  weekdayOf,
} from './days.js';
import { goodFriday } from './easter.js';
import { DECEMBER, FEBRUARY, JANUARY, JULY, JUNE, MAY, NOVEMBER, SEPTEMBER } from './months.js';
import { SPECIAL_CLOSURES } from './special-days.js';
import type { MarketHoliday } from './types.js';

/** A holiday keyed by day number, before formatting. */
export interface HolidayDay {
  readonly day: number;
  readonly name: string;
  readonly kind: MarketHoliday['kind'];
}

/**
 * Moves a fixed-date holiday off the weekend per NYSE Rule 7.2.
 * Returns the observed day and whether it moved.
 */
function observeWeekendShift(day: number): { day: number; moved: boolean } {
  const wd = weekdayOf(day);
  if (wd === SATURDAY) return { day: day - 1, moved: true };
  if (wd === SUNDAY) return { day: day + 1, moved: true };
  return { day, moved: false };
}

function fixed(out: HolidayDay[], day: number, name: string): void {
  const o = observeWeekendShift(day);
  out.push({ day: o.day, name: o.moved ? `${name} (observed)` : name, kind: 'holiday' });
}

/** Recurring NYSE holidays of `year`, observed dates, sorted. No range check. */
export function regularHolidayDays(year: number): HolidayDay[] {
  const out: HolidayDay[] = [];

  const newYear = dayNumber(year, JANUARY, 1);
  const nyWd = weekdayOf(newYear);
  if (nyWd === SUNDAY) out.push({ day: newYear + 1, name: "New Year's Day (observed)", kind: 'holiday' });
  else if (nyWd !== SATURDAY) out.push({ day: newYear, name: "New Year's Day", kind: 'holiday' });
  // Saturday: the Friday would be 31 December of the previous year — the
  // year-end accounting period — so Rule 7.2 leaves it a trading day.

  out.push({ day: nthWeekdayOfMonth(year, JANUARY, MONDAY, 3), name: 'Martin Luther King, Jr. Day', kind: 'holiday' });
  out.push({ day: nthWeekdayOfMonth(year, FEBRUARY, MONDAY, 3), name: "Washington's Birthday", kind: 'holiday' });
  out.push({ day: goodFriday(year), name: 'Good Friday', kind: 'holiday' });
  out.push({ day: lastWeekdayOfMonth(year, MAY, MONDAY), name: 'Memorial Day', kind: 'holiday' });
  if (year >= 2022) fixed(out, dayNumber(year, JUNE, 19), 'Juneteenth National Independence Day');
  fixed(out, dayNumber(year, JULY, 4), 'Independence Day');
  out.push({ day: nthWeekdayOfMonth(year, SEPTEMBER, MONDAY, 1), name: 'Labor Day', kind: 'holiday' });
  out.push({ day: nthWeekdayOfMonth(year, NOVEMBER, THURSDAY, 4), name: 'Thanksgiving Day', kind: 'holiday' });
  fixed(out, dayNumber(year, DECEMBER, 25), 'Christmas Day');

  return out.sort((a, b) => a.day - b.day);
}

/** Thanksgiving Day (fourth Thursday of November) of `year`. */
export function thanksgiving(year: number): number {
  return nthWeekdayOfMonth(year, NOVEMBER, THURSDAY, 4);
}

/**
 * All weekday full-day closures of `year` — recurring holidays plus the
 * one-off closures in `special-days.ts` — sorted by date. No range check.
 */
export function closureDays(year: number): HolidayDay[] {
  const out = regularHolidayDays(year);
  for (const s of SPECIAL_CLOSURES) {
    const day = parseDay(s.date);
    if (Number(s.date.slice(0, 4)) === year && !out.some((h) => h.day === day)) {
      out.push({ day, name: s.name, kind: 'special' });
    }
  }
  // Every entry must be a weekday; a weekend here would mean a broken rule.
  for (const h of out) {
    const wd = weekdayOf(h.day);
    if (wd === SATURDAY || wd === SUNDAY) {
      throw new Error(`Calendar rule bug: closure ${formatDay(h.day)} (${h.name}) falls on a weekend`);
    }
  }
  return out.sort((a, b) => a.day - b.day);
}
