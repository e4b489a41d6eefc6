/**
 * The calendar against the lists NYSE Group itself published.
 *
 * Sources (press releases, reproduced by Business Wire / Mondo Visione):
 * - "NYSE Group Announces 2022, 2023 and 2024 Holiday and Early Closings Calendar" (2021-12-27)
 * - "NYSE Group Announces 2025, 2026 and 2027 Holiday and Early Closings Calendar" (2024-11-08)
 * - "NYSE Group Announces 2026, 2027 and 2028 Holiday and Early Closings Calendar" (2025-12-23)
 * - NYSE/Nasdaq notices of 2024-12-30: closed 2025-01-09, National Day of Mourning for President Carter
 *   (announced after the 2025 calendar, hence listed separately below).
 * Early closes are the footnoted 1:00 p.m. closes in the same releases.
 */
import { describe, expect, it } from 'vitest';
import { earlyClosesOf, holidaysOf, sessionsOf } from '../../../../src/engine/calendar/index.js';

const PUBLISHED_HOLIDAYS: Record<number, string[]> = {
  2022: [
    // New Year's Day: "No holiday observed, pursuant to NYSE Rule 7.2" (Saturday 2022-01-01).
    '2022-01-17', '2022-02-21', '2022-04-15', '2022-05-30', '2022-06-20',
    '2022-07-04', '2022-09-05', '2022-11-24', '2022-12-26',
  ],
  2023: [
    '2023-01-02', '2023-01-16', '2023-02-20', '2023-04-07', '2023-05-29',
    '2023-06-19', '2023-07-04', '2023-09-04', '2023-11-23', '2023-12-25',
  ],
  2024: [
    '2024-01-01', '2024-01-15', '2024-02-19', '2024-03-29', '2024-05-27',
    '2024-06-19', '2024-07-04', '2024-09-02', '2024-11-28', '2024-12-25',
  ],
  2025: [
    '2025-01-01', '2025-01-20', '2025-02-17', '2025-04-18', '2025-05-26',
    '2025-06-19', '2025-07-04', '2025-09-01', '2025-11-27', '2025-12-25',
  ],
  2026: [
    '2026-01-01', '2026-01-19', '2026-02-16', '2026-04-03', '2026-05-25',
    '2026-06-19', '2026-07-03', '2026-09-07', '2026-11-26', '2026-12-25',
  ],
  2027: [
    '2027-01-01', '2027-01-18', '2027-02-15', '2027-03-26', '2027-05-31',
    '2027-06-18', '2027-07-05', '2027-09-06', '2027-11-25', '2027-12-24',
  ],
  2028: [
    // "Because the holiday falls on Saturday, January 1, 2028, no New Year's Day holiday is observed."
    '2028-01-17', '2028-02-21', '2028-04-14', '2028-05-29', '2028-06-19',
    '2028-07-04', '2028-09-04', '2028-11-23', '2028-12-25',
  ],
};

/** Unscheduled closures announced after the yearly calendar. */
const ANNOUNCED_CLOSURES: Record<number, string[]> = { 2025: ['2025-01-09'] };

const PUBLISHED_EARLY_CLOSES: Record<number, string[]> = {
  2022: ['2022-11-25'],
  2023: ['2023-07-03', '2023-11-24'],
  2024: ['2024-07-03', '2024-11-29', '2024-12-24'],
  2025: ['2025-07-03', '2025-11-28', '2025-12-24'],
  // No July early close: Independence Day is observed Friday 2026-07-03 and Thursday 07-02 is a full day.
  2026: ['2026-11-27', '2026-12-24'],
  // No July or Christmas Eve early close: both holidays observed on the adjacent Monday/Friday.
  2027: ['2027-11-26'],
  2028: ['2028-07-03', '2028-11-24'],
};

function weekdaysIn(year: number): number {
  let n = 0;
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
    const wd = new Date(t).getUTCDay();
    if (wd !== 0 && wd !== 6) n++;
  }
  return n;
}

describe('published NYSE holiday lists', () => {
  for (const [yearText, dates] of Object.entries(PUBLISHED_HOLIDAYS)) {
    const year = Number(yearText);
    it(`matches the published ${year} holidays exactly`, () => {
      const expected = [...dates, ...(ANNOUNCED_CLOSURES[year] ?? [])].sort();
      expect(holidaysOf(year).map((h) => h.date)).toEqual(expected);
    });
  }

  it('labels 2025-01-09 as a special closure and the rest as holidays', () => {
    const byDate = new Map(holidaysOf(2025).map((h) => [h.date, h]));
    expect(byDate.get('2025-01-09')).toEqual({
      date: '2025-01-09',
      name: 'National Day of Mourning for President Jimmy Carter',
      kind: 'special',
    });
    expect(holidaysOf(2025).filter((h) => h.kind === 'holiday')).toHaveLength(10);
  });

  it('names observed holidays', () => {
    expect(holidaysOf(2026).find((h) => h.date === '2026-07-03')?.name).toBe('Independence Day (observed)');
    expect(holidaysOf(2027).find((h) => h.date === '2027-06-18')?.name).toBe(
      'Juneteenth National Independence Day (observed)',
    );
    expect(holidaysOf(2024).map((h) => h.name)).toEqual([
      "New Year's Day",
      'Martin Luther King, Jr. Day',
      "Washington's Birthday",
      'Good Friday',
      'Memorial Day',
      'Juneteenth National Independence Day',
      'Independence Day',
      'Labor Day',
      'Thanksgiving Day',
      'Christmas Day',
    ]);
  });
});

describe('published NYSE early closes', () => {
  for (const [yearText, dates] of Object.entries(PUBLISHED_EARLY_CLOSES)) {
    const year = Number(yearText);
    it(`matches the published ${year} 1:00 p.m. closes exactly`, () => {
      const closes = earlyClosesOf(year);
      expect(closes.map((e) => e.date)).toEqual(dates);
      expect(closes.every((e) => e.closeTime === '13:00')).toBe(true);
    });
  }
});

describe('session counts', () => {
  // Not a published number: derived here independently as weekdays minus the
  // published weekday closures above, then compared with the engine.
  it.each([
    [2024, 252],
    [2025, 250],
    [2026, 251],
  ])('%i has %i sessions', (year, count) => {
    const closures = (PUBLISHED_HOLIDAYS[year] ?? []).length + (ANNOUNCED_CLOSURES[year] ?? []).length;
    expect(weekdaysIn(year) - closures).toBe(count);
    expect(sessionsOf(year)).toHaveLength(count);
  });
});
