/**
 * KRX full-day closures computed from rules (2000–2050), per DESIGN §8.
 *
 * Public holidays (관공서의 공휴일에 관한 규정, since 2021 also the Act on Public Holidays):
 * - New Year's Day 1 Jan; Independence Movement Day 1 Mar; Arbor Day 5 Apr (until 2005);
 *   Children's Day 5 May; Memorial Day 6 Jun; Constitution Day 17 Jul (until 2007,
 *   and again from 2026); Liberation Day 15 Aug; National Foundation Day 3 Oct;
 *   Hangul Day 9 Oct (from 2013); Christmas 25 Dec.
 * - Lunar: Seollal (lunar 1/1 with the day before and after), Buddha's Birthday
 *   (lunar 4/8), Chuseok (lunar 8/15 with the day before and after), from the
 *   generated `lunar-table.ts`.
 * KRX-only closures: 1 May (Labour Day; a public holiday itself from 2026) and
 * the year-end closing day (the last weekday of the year; 2000: 27–29 Dec).
 *
 * Substitute holidays (대체공휴일) go to the first following weekday that is
 * neither a public holiday nor already a substitute:
 * - Seollal and Chuseok days, from 2014: when one falls on a Sunday or on
 *   another public holiday (not for a Saturday);
 * - Children's Day, from 2014: Saturday, Sunday or another holiday;
 * - the national days (Independence Movement, Constitution, Liberation,
 *   National Foundation, Hangul), from August 2021: Saturday, Sunday or another holiday;
 * - Buddha's Birthday and Christmas, from 2023: Saturday, Sunday or another holiday.
 * New Year's Day, Memorial Day and 1 May never get one.
 * One day holding two holidays yields one substitute on a weekday (the day
 * itself still closes) and one per holiday on a weekend.
 */
import { APRIL, DECEMBER, JANUARY, JULY, JUNE, MARCH, MAY, OCTOBER } from '../months.js';
import { SATURDAY, SUNDAY, dayNumber, isWeekend, parseDay, weekdayOf } from '../days.js';
import type { MarketHoliday } from '../types.js';
import { KR_LUNAR_FIRST_YEAR, KR_LUNAR_HOLIDAYS } from './lunar-table.js';
import { KRX_SPECIAL_CLOSURES, KRX_YEAR_END_2000 } from './special-days.js';

const AUGUST = 8;

/** Which substitute rule a public holiday follows. */
type SubstituteRule = 'lunar-festival' | 'childrens-day' | 'national-day' | 'buddha-christmas' | 'none';

interface PublicHoliday {
  readonly day: number;
  readonly name: string;
  readonly rule: SubstituteRule;
}

/** A closure keyed by day number, before formatting. */
export interface KrxHolidayDay {
  readonly day: number;
  readonly name: string;
  readonly kind: MarketHoliday['kind'];
}

/** First day each substitute rule applies to (day numbers). */
const SUBSTITUTE_FROM: Record<Exclude<SubstituteRule, 'none'>, number> = {
  'lunar-festival': dayNumber(2014, JANUARY, 1),
  'childrens-day': dayNumber(2014, JANUARY, 1),
  // The amended Act on Public Holidays took effect 2021-08-04; Liberation Day 2021 was its first use.
  'national-day': dayNumber(2021, AUGUST, 4),
  'buddha-christmas': dayNumber(2023, MAY, 4),
};

function lunarDates(year: number): { seollal: number; buddha: number; chuseok: number } {
  const row = KR_LUNAR_HOLIDAYS[year - KR_LUNAR_FIRST_YEAR];
  if (row === undefined) throw new RangeError(`No Korean lunar dates for ${year}: regenerate lunar-table.ts`);
  return { seollal: parseDay(row.seollal), buddha: parseDay(row.buddhasBirthday), chuseok: parseDay(row.chuseok) };
}

/** The public holidays of `year` (weekends included), before substitutes. */
function publicHolidays(year: number): PublicHoliday[] {
  const out: PublicHoliday[] = [];
  const add = (day: number, name: string, rule: SubstituteRule): void => {
    out.push({ day, name, rule });
  };
  const { seollal, buddha, chuseok } = lunarDates(year);

  add(dayNumber(year, JANUARY, 1), "New Year's Day", 'none');
  add(seollal - 1, 'Seollal (eve)', 'lunar-festival');
  add(seollal, 'Seollal', 'lunar-festival');
  add(seollal + 1, 'Seollal (day after)', 'lunar-festival');
  add(dayNumber(year, MARCH, 1), 'Independence Movement Day', 'national-day');
  if (year <= 2005) add(dayNumber(year, APRIL, 5), 'Arbor Day', 'none');
  add(buddha, "Buddha's Birthday", 'buddha-christmas');
  add(dayNumber(year, MAY, 5), "Children's Day", 'childrens-day');
  add(dayNumber(year, JUNE, 6), 'Memorial Day', 'none');
  if (year <= 2007 || year >= 2026) add(dayNumber(year, JULY, 17), 'Constitution Day', 'national-day');
  add(dayNumber(year, AUGUST, 15), 'Liberation Day', 'national-day');
  add(chuseok - 1, 'Chuseok (eve)', 'lunar-festival');
  add(chuseok, 'Chuseok', 'lunar-festival');
  add(chuseok + 1, 'Chuseok (day after)', 'lunar-festival');
  add(dayNumber(year, OCTOBER, 3), 'National Foundation Day', 'national-day');
  if (year >= 2013) add(dayNumber(year, OCTOBER, 9), 'Hangul Day', 'national-day');
  add(dayNumber(year, DECEMBER, 25), 'Christmas Day', 'buddha-christmas');
  // Labour Day became a public holiday in 2026 (before, only KRX and most employers closed).
  // DESIGN §8 gives it no substitute day.
  if (year >= 2026) add(dayNumber(year, MAY, 1), 'Labour Day', 'none');
  return out;
}

function ruleApplies(rule: SubstituteRule, day: number): boolean {
  return rule !== 'none' && day >= SUBSTITUTE_FROM[rule];
}

/**
 * How many substitute days the holidays sharing `day` produce.
 * Seollal/Chuseok days are displaced by a Sunday or by sharing the day with
 * another holiday; the others also by a Saturday. On a weekday one of the
 * holidays keeps the day.
 */
function displacedCount(day: number, here: readonly PublicHoliday[]): number {
  const eligible = here.filter((h) => ruleApplies(h.rule, day));
  const wd = weekdayOf(day);
  if (wd === SUNDAY) return eligible.length;
  if (wd === SATURDAY) {
    return eligible.filter((h) => h.rule !== 'lunar-festival' || here.length >= 2).length;
  }
  return Math.min(eligible.length, here.length - 1);
}

/** Last weekday of `year`: the KRX year-end closing day (from 2001). */
export function yearEndClosingDay(year: number): number {
  const dec31 = dayNumber(year, DECEMBER, 31);
  const wd = weekdayOf(dec31);
  return wd === SATURDAY ? dec31 - 1 : wd === SUNDAY ? dec31 - 2 : dec31;
}

/**
 * All weekday closures of `year` (holidays, substitutes, 1 May, year-end and
 * ad hoc closures), sorted, each day once. No range check beyond the lunar table.
 */
export function krxClosureDays(year: number): KrxHolidayDay[] {
  const holidays = publicHolidays(year);
  const specials = KRX_SPECIAL_CLOSURES.filter((s) => Number(s.date.slice(0, 4)) === year);

  // Days that substitutes must skip: public holidays and ad hoc public holidays.
  const occupied = new Set<number>(holidays.map((h) => h.day));
  for (const s of specials) if (s.publicHoliday) occupied.add(parseDay(s.date));

  const byDay = new Map<number, PublicHoliday[]>();
  for (const h of holidays) byDay.set(h.day, [...(byDay.get(h.day) ?? []), h]);

  const substitutes: KrxHolidayDay[] = [];
  for (const day of [...byDay.keys()].sort((a, b) => a - b)) {
    const here = byDay.get(day) ?? [];
    const count = displacedCount(day, here);
    const eligibleNames = here.filter((h) => ruleApplies(h.rule, day)).map((h) => h.name);
    for (let i = 0; i < count; i++) {
      let sub = day + 1;
      while (isWeekend(sub) || occupied.has(sub)) sub++;
      occupied.add(sub);
      substitutes.push({ day: sub, name: `Substitute holiday (${eligibleNames[i] ?? eligibleNames[0]})`, kind: 'holiday' });
    }
  }

  const out: KrxHolidayDay[] = [];
  const seen = new Set<number>();
  const push = (day: number, name: string, kind: MarketHoliday['kind']): void => {
    if (isWeekend(day) || seen.has(day)) return; // weekends are never sessions; one entry per day
    seen.add(day);
    out.push({ day, name, kind });
  };
  // Order matters only for the name shown when two closures share a day.
  for (const h of holidays) push(h.day, h.name, 'holiday');
  for (const s of substitutes) push(s.day, s.name, 'holiday');
  if (year < 2026) push(dayNumber(year, MAY, 1), 'Labour Day', 'holiday');
  for (const s of specials) push(parseDay(s.date), s.name, 'special');
  if (year === 2000) {
    for (const d of KRX_YEAR_END_2000) push(parseDay(d), 'Year-end closing', 'special');
  } else {
    push(yearEndClosingDay(year), 'Year-end closing', 'holiday');
  }

  return out.sort((a, b) => a.day - b.day);
}
