import { describe, expect, it } from 'vitest';
import { KRX_SPECIAL_CLOSURES, holidaysOf, isSession } from '../../../../../src/engine/calendar/krx/index.js';

const closed = (date: string): boolean => !isSession(date);
const nameOn = (date: string): string | undefined =>
  holidaysOf(Number(date.slice(0, 4))).find((h) => h.date === date)?.name;

describe('KRX solar holidays by year', () => {
  it('Arbor Day (5 Apr) until 2005 only', () => {
    expect(closed('2005-04-05')).toBe(true); // Tuesday
    expect(closed('2006-04-05')).toBe(false); // Wednesday
  });

  it('Constitution Day (17 Jul) until 2007 and again from 2026', () => {
    expect(closed('2007-07-17')).toBe(true); // Tuesday
    expect(closed('2008-07-17')).toBe(false); // Thursday
    expect(closed('2025-07-17')).toBe(false); // Thursday
    expect(closed('2026-07-17')).toBe(true); // Friday
    expect(nameOn('2026-07-17')).toBe('Constitution Day');
    expect(closed('2030-07-17')).toBe(true); // Wednesday
    // 2027-07-17 is a Saturday: a national day, so Monday 19 is its substitute.
    expect(closed('2027-07-19')).toBe(true);
  });

  it('Hangul Day (9 Oct) from 2013', () => {
    expect(closed('2012-10-09')).toBe(false); // Tuesday
    expect(closed('2013-10-09')).toBe(true); // Wednesday
  });

  it('May 1, Memorial Day and Christmas close every year', () => {
    expect(closed('2024-05-01')).toBe(true);
    expect(closed('2024-06-06')).toBe(true);
    expect(closed('2024-12-25')).toBe(true);
    expect(closed('2003-05-01')).toBe(true);
  });
});

describe('KRX lunar holidays', () => {
  it('closes three days for Seollal and Chuseok and one for Buddha’s Birthday', () => {
    // 2025: Seollal 29 Jan, Buddha's Birthday 5 May (also Children's Day), Chuseok 6 Oct.
    for (const d of ['2025-01-28', '2025-01-29', '2025-01-30', '2025-10-06', '2025-10-07']) expect(closed(d)).toBe(true);
    // 2008: Seollal 7 Feb, Buddha 12 May, Chuseok 14 Sep (a Sunday; no substitute before 2014).
    for (const d of ['2008-02-06', '2008-02-07', '2008-02-08', '2008-05-12', '2008-09-15']) expect(closed(d)).toBe(true);
    expect(closed('2008-09-16')).toBe(false);
  });
});

describe('KRX substitute holidays', () => {
  it('Seollal/Chuseok: from 2014, for a Sunday or another holiday, not a Saturday', () => {
    expect(closed('2014-09-10')).toBe(true); // Chuseok 7–9 Sep, 7th a Sunday: the first substitute day
    expect(closed('2017-10-06')).toBe(true); // Chuseok eve on National Foundation Day (3 Oct)
    expect(closed('2023-01-24')).toBe(true); // Seollal 21–23 Jan, 22nd a Sunday
    expect(closed('2024-02-12')).toBe(true); // Seollal 9–11 Feb, 11th a Sunday
    expect(closed('2025-10-08')).toBe(true); // Chuseok 5–7 Oct, 5th a Sunday
    expect(closed('2025-10-10')).toBe(false); // …one substitute only
    expect(closed('2028-10-05')).toBe(true); // Chuseok day on National Foundation Day (3 Oct 2028)
    // Before 2014 none: Seollal 2013 was 9–11 Feb with the 10th a Sunday.
    expect(closed('2013-02-12')).toBe(false);
    // A Saturday alone gives none: Chuseok 2021 was 20–22 Sep (Mon–Wed); Seollal 2021 11–13 Feb (Thu–Sat).
    expect(closed('2021-02-15')).toBe(false);
  });

  it("Children's Day: from 2014, Saturday, Sunday or another holiday", () => {
    expect(closed('2019-05-06')).toBe(true); // Sunday
    expect(closed('2018-05-07')).toBe(true); // Saturday
    expect(closed('2025-05-06')).toBe(true); // shared with Buddha's Birthday
    expect(closed('2025-05-07')).toBe(false); // one substitute for the shared day
    expect(closed('2013-05-06')).toBe(false); // Sunday 2013: before the rule
  });

  it('national days: from August 2021 (Liberation Day 2021 first)', () => {
    expect(closed('2021-08-16')).toBe(true);
    expect(closed('2021-10-04')).toBe(true); // Foundation Day on Sunday
    expect(closed('2021-10-11')).toBe(true); // Hangul Day on Saturday
    expect(closed('2025-03-03')).toBe(true); // Independence Movement Day on Saturday
    expect(closed('2020-08-17')).toBe(true); // 2020: a temporary holiday, not a substitute
    expect(nameOn('2020-08-17')).toMatch(/Temporary/);
    expect(closed('2021-03-02')).toBe(false); // 1 Mar 2021 Monday; and no rule before August anyway
    expect(closed('2020-10-05')).toBe(false); // Foundation Day 2020 on Saturday: before the rule
  });

  it("Buddha's Birthday and Christmas: from 2023", () => {
    expect(closed('2023-05-29')).toBe(true); // Buddha on Saturday 27 May
    expect(closed('2026-05-25')).toBe(true); // Buddha on Sunday 24 May
    expect(closed('2027-12-27')).toBe(true); // Christmas on Saturday
    expect(closed('2022-12-26')).toBe(false); // Christmas 2022 on Sunday: before the rule
    expect(closed('2020-05-01')).toBe(true); // May 1 (Buddha's Birthday 2020 was 30 Apr)
  });

  it('never for New Year’s Day or Memorial Day', () => {
    expect(closed('2023-01-02')).toBe(false); // 1 Jan 2023 Sunday (and the year's first session)
    expect(closed('2027-06-07')).toBe(false); // 6 Jun 2027 Sunday
  });
});

describe('KRX year-end closing day', () => {
  it('is the last weekday of the year', () => {
    expect(closed('2025-12-31')).toBe(true); // Wednesday
    expect(closed('2025-12-30')).toBe(false);
    expect(closed('2016-12-30')).toBe(true); // 31 Dec 2016 a Saturday
    expect(closed('2017-12-29')).toBe(true); // 31 Dec 2017 a Sunday
    expect(closed('2017-12-28')).toBe(false);
    expect(closed('2050-12-30')).toBe(true); // 31 Dec 2050 a Saturday
  });

  it('was 27–29 December in 2000', () => {
    for (const d of ['2000-12-27', '2000-12-28', '2000-12-29']) expect(closed(d)).toBe(true);
    expect(closed('2000-12-26')).toBe(false);
  });
});

describe('KRX ad hoc closures', () => {
  it('closes on elections, temporary holidays and 2000-01-03', () => {
    for (const d of ['2000-01-03', '2017-05-09', '2024-04-10', '2024-10-01', '2025-01-27', '2025-06-03', '2026-06-03']) {
      expect(closed(d)).toBe(true);
      expect(holidaysOf(Number(d.slice(0, 4))).find((h) => h.date === d)?.kind).toBe('special');
    }
  });

  it('cites a source for every one', () => {
    for (const s of KRX_SPECIAL_CLOSURES) expect(s.source.length).toBeGreaterThan(10);
  });

  it('lists weekdays only, each once, sorted', () => {
    for (let y = 2000; y <= 2050; y++) {
      const dates = holidaysOf(y).map((h) => h.date);
      expect([...new Set(dates)].sort()).toEqual(dates);
      for (const d of dates) expect([0, 6]).not.toContain(new Date(`${d}T00:00:00Z`).getUTCDay());
    }
  });
});
