import { describe, expect, it } from 'vitest';
import { exchangeSessions } from '../../../../src/adapters/market-data/synthetic/exchange-sessions.js';
import { SyntheticProvider } from '../../../../src/adapters/market-data/synthetic/synthetic-provider.js';
import { holidaysOf, isSession, sessionsOf } from '../../../../src/engine/calendar/index.js';

describe('exchangeSessions: the dates DEMO bars are generated on', () => {
  it('are the calendar’s sessions only: each full year holds its session count, no holiday appears', () => {
    const days = exchangeSessions('2026-12-04', 2520);
    expect(days).toHaveLength(2520);
    expect(days.at(-1)).toBe('2026-12-04');
    expect(days.every(isSession)).toBe(true);
    for (let i = 1; i < days.length; i++) expect(days[i]! > days[i - 1]!).toBe(true);
    const years = new Map<number, number>();
    for (const d of days) years.set(Number(d.slice(0, 4)), (years.get(Number(d.slice(0, 4))) ?? 0) + 1);
    for (const y of [...years.keys()].slice(1, -1)) expect(years.get(y)).toBe(sessionsOf(y).length);
    const holidays = new Set([2019, 2020, 2025].flatMap((y) => holidaysOf(y).map((h) => h.date)));
    expect(days.filter((d) => holidays.has(d))).toEqual([]);
  });

  it('end on the last session at or before a non-session end date, and refuse a history before the calendar', () => {
    expect(exchangeSessions('2025-12-25', 2)).toEqual(['2025-12-23', '2025-12-24']);
    expect(exchangeSessions('2025-12-27', 1)).toEqual(['2025-12-26']);
    expect(() => exchangeSessions('2001-01-05', 2520)).toThrow(RangeError);
    expect(() => exchangeSessions('2025-02-30', 1)).toThrow(RangeError);
  });

  it('are the SyntheticProvider’s default sessions', () => {
    const p = new SyntheticProvider({ endDate: '2025-12-31' });
    expect(p.sessions).toEqual(exchangeSessions('2025-12-31', 2520));
  });
});
