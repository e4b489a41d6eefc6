import { describe, expect, it } from 'vitest';
import { earlyClosesOf, sessionInfo } from '../../../../src/engine/calendar/index.js';

const earlyDates = (year: number): string[] => earlyClosesOf(year).map((e) => e.date);

describe('early-close rule', () => {
  it('always closes early the day after Thanksgiving', () => {
    for (let year = 2000; year <= 2050; year++) {
      const e = earlyClosesOf(year).find((x) => x.name === 'Day after Thanksgiving');
      expect(e, String(year)).toBeDefined();
      expect(new Date(`${e!.date}T00:00:00Z`).getUTCDay()).toBe(5);
    }
  });

  it('closes early on Christmas Eve only when it is Monday–Thursday', () => {
    for (let year = 2000; year <= 2050; year++) {
      const wd = new Date(Date.UTC(year, 11, 24)).getUTCDay();
      expect(earlyDates(year).includes(`${year}-12-24`), String(year)).toBe(wd >= 1 && wd <= 4);
    }
  });

  it('has no July early close when 4 July is a Saturday, Sunday or Monday', () => {
    // Saturday: 2015, 2020, 2026; Sunday: 2010, 2021, 2027; Monday: 2011, 2016, 2022.
    for (const year of [2015, 2020, 2026, 2010, 2021, 2027, 2011, 2016, 2022]) {
      expect(earlyDates(year).filter((d) => d.slice(5, 7) === '07'), String(year)).toEqual([]);
    }
  });

  it('closes early on 3 July when 4 July is a Tuesday, Wednesday or Friday', () => {
    // Grouped by the weekday of 3 July.
    for (const year of [2000, 2006, 2017, 2023, 2028]) expect(earlyDates(year)).toContain(`${year}-07-03`); // Mon
    for (const year of [2001, 2007, 2012, 2018]) expect(earlyDates(year)).toContain(`${year}-07-03`); // Tue
    for (const year of [2003, 2008, 2014, 2025]) expect(earlyDates(year)).toContain(`${year}-07-03`); // Thu
  });

  it('moved the Thursday-holiday early close from Friday 5 July to Wednesday 3 July in 2013', () => {
    expect(earlyDates(2002)).toContain('2002-07-05');
    expect(earlyDates(2002)).not.toContain('2002-07-03');
    for (const year of [2013, 2019, 2024, 2030]) {
      expect(earlyDates(year)).toContain(`${year}-07-03`);
      expect(earlyDates(year)).not.toContain(`${year}-07-05`);
    }
  });

  it('includes the 2003-12-26 one-off but not later Fridays after a Thursday Christmas', () => {
    expect(earlyDates(2003)).toEqual(['2003-07-03', '2003-11-28', '2003-12-24', '2003-12-26']);
    expect(earlyDates(2008)).not.toContain('2008-12-26');
    expect(earlyDates(2014)).not.toContain('2014-12-26');
    expect(earlyDates(2025)).not.toContain('2025-12-26');
  });

  it('matches other published years', () => {
    // NYSE notices quoted by the press: 2012 (Jul 3, Nov 23, Dec 24), 2014 (Jul 3, Nov 28, Dec 24),
    // 2015 (Nov 27, Dec 24), 2019 (Jul 3, Nov 29, Dec 24).
    expect(earlyDates(2012)).toEqual(['2012-07-03', '2012-11-23', '2012-12-24']);
    expect(earlyDates(2014)).toEqual(['2014-07-03', '2014-11-28', '2014-12-24']);
    expect(earlyDates(2015)).toEqual(['2015-11-27', '2015-12-24']);
    expect(earlyDates(2019)).toEqual(['2019-07-03', '2019-11-29', '2019-12-24']);
  });

  it('only lists sessions, and sessionInfo agrees', () => {
    for (let year = 2000; year <= 2050; year++) {
      for (const e of earlyClosesOf(year)) {
        const info = sessionInfo(e.date);
        expect(info, e.date).not.toBeNull();
        expect(info!.earlyClose).toBe(true);
        expect(info!.close - info!.open).toBe(3.5 * 3_600_000);
      }
    }
  });
});
