import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  holidaysOf,
  isSession,
  nextSession,
  previousSession,
  sessionAt,
  sessionInfo,
  sessionsBetween,
  sessionsOf,
} from '../../../../src/engine/calendar/index.js';

const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const dateOf = (ms: number): string => iso(ms).slice(0, 10);

describe('sessionInfo', () => {
  it('gives 09:30–16:00 New York with DST applied', () => {
    // Spring 2026: DST starts Sunday 2026-03-08.
    expect(iso(sessionInfo('2026-03-06')!.open)).toBe('2026-03-06T14:30:00.000Z');
    expect(iso(sessionInfo('2026-03-06')!.close)).toBe('2026-03-06T21:00:00.000Z');
    expect(iso(sessionInfo('2026-03-09')!.open)).toBe('2026-03-09T13:30:00.000Z');
    expect(iso(sessionInfo('2026-03-09')!.close)).toBe('2026-03-09T20:00:00.000Z');
    // Autumn 2026: DST ends Sunday 2026-11-01.
    expect(iso(sessionInfo('2026-10-30')!.open)).toBe('2026-10-30T13:30:00.000Z');
    expect(iso(sessionInfo('2026-11-02')!.open)).toBe('2026-11-02T14:30:00.000Z');
    // Old rule: DST started 2006-04-02 and ended 2006-10-29.
    expect(iso(sessionInfo('2006-03-31')!.open)).toBe('2006-03-31T14:30:00.000Z');
    expect(iso(sessionInfo('2006-04-03')!.open)).toBe('2006-04-03T13:30:00.000Z');
    expect(iso(sessionInfo('2006-10-27')!.open)).toBe('2006-10-27T13:30:00.000Z');
    expect(iso(sessionInfo('2006-10-30')!.open)).toBe('2006-10-30T14:30:00.000Z');
    // First year of the new rule: 2007-03-12 already on EDT.
    expect(iso(sessionInfo('2007-03-12')!.open)).toBe('2007-03-12T13:30:00.000Z');
  });

  it('returns the full shape, and null on closed days', () => {
    expect(sessionInfo('2024-12-24')).toEqual({
      date: '2024-12-24',
      open: Date.UTC(2024, 11, 24, 14, 30),
      close: Date.UTC(2024, 11, 24, 18, 0),
      earlyClose: true,
      lateOpen: false,
    });
    expect(sessionInfo('2024-12-25')).toBeNull();
    expect(sessionInfo('2024-12-28')).toBeNull(); // Saturday
  });

  it('models the documented 2002-09-11 noon open', () => {
    const s = sessionInfo('2002-09-11')!;
    expect(s.lateOpen).toBe(true);
    expect(iso(s.open)).toBe('2002-09-11T16:00:00.000Z');
    expect(iso(s.close)).toBe('2002-09-11T20:00:00.000Z');
  });

  it('rejects malformed and unsupported dates', () => {
    expect(() => sessionInfo('2024-13-01')).toThrow(RangeError);
    expect(() => isSession('20240102')).toThrow(RangeError);
    expect(() => isSession('1999-12-31')).toThrow(RangeError);
    expect(() => isSession('2051-01-03')).toThrow(RangeError);
  });
});

describe('next/previous/between', () => {
  it('skips weekends, holidays and special closures', () => {
    expect(nextSession('2026-07-02')).toBe('2026-07-06');
    expect(previousSession('2026-07-06')).toBe('2026-07-02');
    expect(nextSession('2001-09-10')).toBe('2001-09-17');
    expect(previousSession('2001-09-17')).toBe('2001-09-10');
    expect(nextSession('2012-10-26')).toBe('2012-10-31');
    expect(nextSession('2025-01-08')).toBe('2025-01-10');
    expect(nextSession('2024-12-31')).toBe('2025-01-02');
    expect(previousSession('2022-01-03')).toBe('2021-12-31');
  });

  it('is strict: a session date is never its own next/previous', () => {
    expect(nextSession('2026-03-09')).toBe('2026-03-10');
    expect(previousSession('2026-03-10')).toBe('2026-03-09');
  });

  it('throws when the answer leaves 2000–2050', () => {
    expect(() => previousSession('2000-01-03')).toThrow(RangeError);
    expect(() => nextSession('2050-12-30')).toThrow(RangeError);
    expect(nextSession('1999-12-31')).toBe('2000-01-03');
  });

  it('lists sessions inclusively', () => {
    expect(sessionsBetween('2026-07-01', '2026-07-07')).toEqual(['2026-07-01', '2026-07-02', '2026-07-06', '2026-07-07']);
    expect(sessionsBetween('2026-07-03', '2026-07-05')).toEqual([]);
    expect(sessionsBetween('2026-07-07', '2026-07-01')).toEqual([]);
    expect(sessionsBetween('2024-01-01', '2026-12-31')).toHaveLength(252 + 250 + 251);
  });
});

describe('sessionAt', () => {
  it('reports the phase of an instant within its New York day', () => {
    const open = Date.UTC(2026, 2, 9, 13, 30);
    expect(sessionAt(open - 1)?.phase).toBe('pre-open');
    expect(sessionAt(open)).toMatchObject({ isOpen: true, phase: 'open', session: { date: '2026-03-09' } });
    expect(sessionAt(Date.UTC(2026, 2, 9, 19, 59, 59, 999))?.isOpen).toBe(true);
    expect(sessionAt(Date.UTC(2026, 2, 9, 20, 0))).toMatchObject({ isOpen: false, phase: 'closed' });
    // 23:30 New York on 2026-03-09 is 03:30Z on the 10th but still the 9th's (closed) session.
    expect(sessionAt(Date.UTC(2026, 2, 10, 3, 30))?.session.date).toBe('2026-03-09');
  });

  it('respects early closes', () => {
    expect(sessionAt(Date.UTC(2026, 10, 27, 17, 59))?.isOpen).toBe(true); // 12:59 EST
    expect(sessionAt(Date.UTC(2026, 10, 27, 18, 0))?.phase).toBe('closed'); // 13:00 EST
  });

  it('returns null on days without a session', () => {
    expect(sessionAt(Date.UTC(2026, 6, 3, 15, 0))).toBeNull(); // Independence Day observed
    expect(sessionAt(Date.UTC(2026, 2, 8, 15, 0))).toBeNull(); // Sunday
  });
});

describe('properties 2000–2050', () => {
  const day = fc.integer({ min: Date.UTC(2000, 0, 10) / DAY, max: Date.UTC(2050, 11, 20) / DAY });

  it('nextSession and previousSession are inverse on sessions', () => {
    fc.assert(
      fc.property(day, (d) => {
        const s = nextSession(dateOf(d * DAY));
        expect(isSession(s)).toBe(true);
        expect(nextSession(previousSession(s))).toBe(s);
        expect(previousSession(nextSession(s))).toBe(s);
      }),
      { numRuns: 3000 },
    );
  });

  it('never skips a session between a date and its next session', () => {
    fc.assert(
      fc.property(day, (d) => {
        const date = dateOf(d * DAY);
        const next = nextSession(date);
        expect(next > date).toBe(true);
        for (let t = (d + 1) * DAY; dateOf(t) < next; t += DAY) expect(isSession(dateOf(t))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('every session is a weekday with open < close on that New York date', () => {
    for (let year = 2000; year <= 2050; year++) {
      const closed = new Set(holidaysOf(year).map((h) => h.date));
      for (const date of sessionsOf(year)) {
        const wd = new Date(`${date}T00:00:00Z`).getUTCDay();
        if (wd === 0 || wd === 6 || closed.has(date)) throw new Error(`bad session ${date}`);
        const s = sessionInfo(date)!;
        if (!(s.open < s.close) || sessionAt(s.open)?.session.date !== date) throw new Error(`bad hours ${date}`);
      }
    }
  });

  it('counts sessions as weekdays minus weekday closures', () => {
    for (let year = 2000; year <= 2050; year++) {
      let weekdays = 0;
      for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += DAY) {
        const wd = new Date(t).getUTCDay();
        if (wd !== 0 && wd !== 6) weekdays++;
      }
      expect(sessionsOf(year).length).toBe(weekdays - holidaysOf(year).length);
    }
  });
});
