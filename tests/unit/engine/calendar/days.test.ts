import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MONDAY,
  SUNDAY,
  THURSDAY,
  dayNumber,
  formatDay,
  lastWeekdayOfMonth,
  nthWeekdayOfMonth,
  parseDay,
  weekdayOf,
} from '../../../../src/engine/calendar/days.js';

describe('day-number helpers', () => {
  it('round-trip with Date for 1990–2100', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1) / 864e5, max: Date.UTC(2100, 0, 1) / 864e5 }), (d) => {
        const s = new Date(d * 864e5).toISOString().slice(0, 10);
        expect(formatDay(d)).toBe(s);
        expect(parseDay(s)).toBe(d);
        expect(weekdayOf(d)).toBe(new Date(d * 864e5).getUTCDay());
      }),
    );
  });

  it('finds nth and last weekdays', () => {
    expect(formatDay(nthWeekdayOfMonth(2026, 3, SUNDAY, 2))).toBe('2026-03-08');
    expect(formatDay(nthWeekdayOfMonth(2026, 11, THURSDAY, 4))).toBe('2026-11-26');
    expect(formatDay(lastWeekdayOfMonth(2026, 5, MONDAY))).toBe('2026-05-25');
    expect(formatDay(lastWeekdayOfMonth(2006, 10, SUNDAY))).toBe('2006-10-29');
    expect(formatDay(lastWeekdayOfMonth(2026, 12, SUNDAY))).toBe('2026-12-27');
    expect(dayNumber(1970, 1, 1)).toBe(0);
  });

  it('rejects impossible dates', () => {
    for (const bad of ['2025-02-29', '2024-00-10', '2024-04-31', '2024-4-1', ' 2024-04-01', '']) {
      expect(() => parseDay(bad)).toThrow(RangeError);
    }
    expect(parseDay('2024-02-29')).toBe(dayNumber(2024, 2, 29));
  });
});
