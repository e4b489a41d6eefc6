import { describe, expect, it } from 'vitest';
import {
  easterSunday,
  goodFriday,
  holidaysOf,
  isSession,
} from '../../../../src/engine/calendar/index.js';
import { formatDay } from '../../../../src/engine/calendar/days.js';

const names = (year: number): Map<string, string> => new Map(holidaysOf(year).map((h) => [h.date, h.name]));

describe('Easter and Good Friday', () => {
  // Western Easter dates from published tables (e.g. USNO / timeanddate).
  it.each([
    [2000, '2000-04-23'],
    [2008, '2008-03-23'],
    [2011, '2011-04-24'],
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'],
    [2049, '2049-04-18'],
  ])('Easter %i is %s', (year, date) => {
    expect(formatDay(easterSunday(year))).toBe(date);
  });

  it.each([
    [2001, '2001-04-13'],
    [2008, '2008-03-21'],
    [2012, '2012-04-06'],
    [2015, '2015-04-03'],
    [2016, '2016-03-25'],
    [2024, '2024-03-29'],
    [2025, '2025-04-18'],
    [2026, '2026-04-03'],
    [2027, '2027-03-26'],
    [2028, '2028-04-14'],
  ])('Good Friday %i is %s and the exchange is closed', (year, date) => {
    expect(formatDay(goodFriday(year))).toBe(date);
    expect(names(year).get(date)).toBe('Good Friday');
    expect(isSession(date)).toBe(false);
  });

  it('falls on a Friday between 20 March and 23 April for every supported year', () => {
    for (let year = 2000; year <= 2050; year++) {
      const d = new Date(goodFriday(year) * 86_400_000);
      expect(d.getUTCDay()).toBe(5);
      const md = (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
      expect(md).toBeGreaterThanOrEqual(320);
      expect(md).toBeLessThanOrEqual(423);
    }
  });
});

describe('observed-date edge cases', () => {
  it('does not observe a Saturday New Year on the preceding Friday (NYSE Rule 7.2)', () => {
    for (const year of [2000, 2005, 2011, 2022, 2028, 2033, 2039, 2050]) {
      expect(new Date(Date.UTC(year, 0, 1)).getUTCDay()).toBe(6);
      expect(holidaysOf(year).some((h) => h.name.startsWith("New Year's Day"))).toBe(false);
    }
    expect(isSession('2021-12-31')).toBe(true);
    expect(isSession('2010-12-31')).toBe(true);
    expect(isSession('2004-12-31')).toBe(true);
    expect(isSession('2049-12-31')).toBe(true);
  });

  it('observes a Sunday New Year on Monday', () => {
    expect(names(2023).get('2023-01-02')).toBe("New Year's Day (observed)");
    expect(names(2012).get('2012-01-02')).toBe("New Year's Day (observed)");
    expect(names(2017).get('2017-01-02')).toBe("New Year's Day (observed)");
  });

  it('observes a Saturday Christmas on Friday 24 December (no early close then)', () => {
    expect(names(2021).get('2021-12-24')).toBe('Christmas Day (observed)');
    expect(names(2010).get('2010-12-24')).toBe('Christmas Day (observed)');
    expect(names(2004).get('2004-12-24')).toBe('Christmas Day (observed)');
    expect(isSession('2021-12-24')).toBe(false);
    expect(isSession('2021-12-23')).toBe(true);
  });

  it('observes a Sunday Christmas on Monday 26 December', () => {
    expect(names(2022).get('2022-12-26')).toBe('Christmas Day (observed)');
    expect(names(2011).get('2011-12-26')).toBe('Christmas Day (observed)');
  });

  it('observes Juneteenth from 2022 only, with weekend shifts', () => {
    expect(isSession('2021-06-18')).toBe(true); // federal holiday enacted 2021-06-17; NYSE traded
    expect(names(2022).get('2022-06-20')).toBe('Juneteenth National Independence Day (observed)');
    expect(names(2027).get('2027-06-18')).toBe('Juneteenth National Independence Day (observed)');
    expect(names(2033).get('2033-06-20')).toBe('Juneteenth National Independence Day (observed)');
    expect(isSession('2027-06-18')).toBe(false);
  });

  it('observes a weekend Independence Day on the adjacent weekday', () => {
    expect(names(2015).get('2015-07-03')).toBe('Independence Day (observed)');
    expect(names(2020).get('2020-07-03')).toBe('Independence Day (observed)');
    expect(names(2021).get('2021-07-05')).toBe('Independence Day (observed)');
    expect(names(2010).get('2010-07-05')).toBe('Independence Day (observed)');
  });

  it('keeps Columbus Day and Veterans Day as sessions', () => {
    expect(isSession('2025-10-13')).toBe(true);
    expect(isSession('2025-11-11')).toBe(true);
  });
});

describe('holiday rule invariants 2000–2050', () => {
  it('lists only weekdays, sorted, with one recurring holiday per rule', () => {
    for (let year = 2000; year <= 2050; year++) {
      const list = holidaysOf(year);
      const dates = list.map((h) => h.date);
      expect([...dates].sort()).toEqual(dates);
      expect(new Set(dates).size).toBe(dates.length);
      for (const h of list) {
        const wd = new Date(`${h.date}T00:00:00Z`).getUTCDay();
        expect(wd, `${h.date} ${h.name}`).not.toBe(0);
        expect(wd, `${h.date} ${h.name}`).not.toBe(6);
        expect(h.date.startsWith(String(year))).toBe(true);
      }
      const regular = list.filter((h) => h.kind === 'holiday').length;
      const newYearSkipped = new Date(Date.UTC(year, 0, 1)).getUTCDay() === 6;
      const expected = (year >= 2022 ? 10 : 9) - (newYearSkipped ? 1 : 0);
      expect(regular, String(year)).toBe(expected);
    }
  });

  it('puts the Monday holidays and Thanksgiving on the right weekdays and weeks', () => {
    for (let year = 2000; year <= 2050; year++) {
      const byName = new Map(holidaysOf(year).map((h) => [h.name, new Date(`${h.date}T00:00:00Z`)]));
      const mlk = byName.get('Martin Luther King, Jr. Day')!;
      expect([mlk.getUTCDay(), Math.ceil(mlk.getUTCDate() / 7)]).toEqual([1, 3]);
      const wash = byName.get("Washington's Birthday")!;
      expect([wash.getUTCDay(), wash.getUTCMonth(), Math.ceil(wash.getUTCDate() / 7)]).toEqual([1, 1, 3]);
      const memorial = byName.get('Memorial Day')!;
      expect([memorial.getUTCDay(), memorial.getUTCMonth()]).toEqual([1, 4]);
      expect(memorial.getUTCDate()).toBeGreaterThan(24);
      const labor = byName.get('Labor Day')!;
      expect([labor.getUTCDay(), labor.getUTCMonth()]).toEqual([1, 8]);
      expect(labor.getUTCDate()).toBeLessThanOrEqual(7);
      const thanks = byName.get('Thanksgiving Day')!;
      expect([thanks.getUTCDay(), thanks.getUTCMonth(), Math.ceil(thanks.getUTCDate() / 7)]).toEqual([4, 10, 4]);
    }
  });
});

describe('special closures', () => {
  it.each([
    ['2001-09-11'],
    ['2001-09-12'],
    ['2001-09-13'],
    ['2001-09-14'],
    ['2004-06-11'],
    ['2007-01-02'],
    ['2012-10-29'],
    ['2012-10-30'],
    ['2018-12-05'],
    ['2025-01-09'],
  ])('%s is closed and listed as special', (date) => {
    expect(isSession(date)).toBe(false);
    const h = holidaysOf(Number(date.slice(0, 4))).find((x) => x.date === date);
    expect(h?.kind).toBe('special');
  });

  it('reopens after the closures', () => {
    expect(isSession('2001-09-10')).toBe(true);
    expect(isSession('2001-09-17')).toBe(true);
    expect(isSession('2012-10-31')).toBe(true);
    expect(isSession('2018-12-04')).toBe(true);
    expect(isSession('2025-01-10')).toBe(true);
  });
});

describe('range checks', () => {
  it('rejects years outside 2000–2050', () => {
    expect(() => holidaysOf(1999)).toThrow(RangeError);
    expect(() => holidaysOf(2051)).toThrow(RangeError);
    expect(() => holidaysOf(2024.5)).toThrow(RangeError);
  });
});
