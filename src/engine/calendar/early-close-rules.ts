/**
 * NYSE scheduled early closes (13:00 New York) computed from rules, 2000–2050.
 *
 * The exchange publishes these only a few years ahead, so the rule below is
 * inferred from every published list and checked against them in the tests:
 *
 * 1. Day after Thanksgiving (the Friday): always 13:00.
 * 2. Christmas Eve, 24 December, when it falls Monday–Thursday. (On a Friday
 *    it is itself the observed Christmas holiday; on a weekend there is no session.)
 * 3. Independence Day:
 *    - 3 July when it falls Monday, Tuesday or Thursday, i.e. 4 July is a
 *      Tuesday, Wednesday or Friday holiday;
 *    - 3 July on a Wednesday (4 July a Thursday) from 2013 on;
 *    - before 2013, when 4 July was a Thursday the early close was instead
 *      the day after, Friday 5 July (2002-07-05 in range; 2002-07-03 was a full day).
 *    There is no July early close when 4 July is a Saturday (3 July is the
 *    observed holiday: 2015, 2020, 2026), a Sunday (2021, 2027) or a Monday
 *    (1 July stays a full day: 2011, 2016, 2022).
 * 4. One-offs listed in `special-days.ts` (2003-12-26).
 *
 * Sources: NYSE Group holiday announcements for 2022–2024, 2025–2027 and
 * 2026–2028 (footnotes list every early close; e.g. none for July 2026 or
 * 2027, "Monday, July 3, 2028"); pandas_market_calendars `holidays_nyse.py`
 * (Mon/Tue/Thu-before-July-4 since 1995, Friday-after-July-4 1996–2012,
 * Wednesday-before-July-4 since 2013, Christmas Eve Mon–Thu since 1999);
 * Washington Times 2002-07-06 (the 2002-07-05 session "ended at 1 p.m.").
 *
 * New Year's Eve is NOT an equities early close (only the bond market's).
 */
import { FRIDAY, MONDAY, THURSDAY, TUESDAY, WEDNESDAY, dayNumber, parseDay, weekdayOf } from './days.js';
import { thanksgiving } from './holiday-rules.js';
import { DECEMBER, JULY } from './months.js';
import { SPECIAL_EARLY_CLOSES } from './special-days.js';

/** Close time of every scheduled early close in range. */
export const EARLY_CLOSE_TIME = '13:00';

/** An early close keyed by day number, before formatting. */
export interface EarlyCloseDay {
  readonly day: number;
  readonly name: string;
  readonly closeTime: string;
}

/**
 * Early closes of `year`, sorted, keeping only days that are sessions.
 * @param isSessionDay whether a day number is a trading session (weekday, not closed).
 */
export function earlyCloseDays(year: number, isSessionDay: (day: number) => boolean): EarlyCloseDay[] {
  const candidates: EarlyCloseDay[] = [];

  const july3 = dayNumber(year, JULY, 3);
  const july3Wd = weekdayOf(july3);
  if (july3Wd === MONDAY || july3Wd === TUESDAY || july3Wd === THURSDAY || (july3Wd === WEDNESDAY && year >= 2013)) {
    candidates.push({ day: july3, name: 'Day before Independence Day', closeTime: EARLY_CLOSE_TIME });
  }
  const july5 = dayNumber(year, JULY, 5);
  if (year <= 2012 && weekdayOf(july5) === FRIDAY) {
    candidates.push({ day: july5, name: 'Day after Independence Day', closeTime: EARLY_CLOSE_TIME });
  }

  candidates.push({ day: thanksgiving(year) + 1, name: 'Day after Thanksgiving', closeTime: EARLY_CLOSE_TIME });

  const christmasEve = dayNumber(year, DECEMBER, 24);
  const eveWd = weekdayOf(christmasEve);
  if (eveWd >= MONDAY && eveWd <= THURSDAY) {
    candidates.push({ day: christmasEve, name: 'Christmas Eve', closeTime: EARLY_CLOSE_TIME });
  }

  for (const s of SPECIAL_EARLY_CLOSES) {
    if (Number(s.date.slice(0, 4)) === year) {
      candidates.push({ day: parseDay(s.date), name: s.name, closeTime: s.closeTime });
    }
  }

  return candidates.filter((c) => isSessionDay(c.day)).sort((a, b) => a.day - b.day);
}
