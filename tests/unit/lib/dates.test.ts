import { describe, expect, it } from 'vitest';
import { isIsoDate, nyDateOf, nyMidnightMs, weekdaysBetween } from '../../../src/lib/dates.js';

describe('dates', () => {
  it('validates real calendar dates only', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2024-1-02')).toBe(false);
    expect(isIsoDate('2024-01-02T00:00:00Z')).toBe(false);
  });

  it('finds New York midnight in winter (EST, 05:00Z) and summer (EDT, 04:00Z)', () => {
    expect(new Date(nyMidnightMs('2024-01-15')).toISOString()).toBe('2024-01-15T05:00:00.000Z');
    expect(new Date(nyMidnightMs('2024-07-15')).toISOString()).toBe('2024-07-15T04:00:00.000Z');
    // DST switch days: clocks change at 02:00, so midnight keeps the old offset.
    expect(new Date(nyMidnightMs('2024-03-10')).toISOString()).toBe('2024-03-10T05:00:00.000Z');
    expect(new Date(nyMidnightMs('2024-11-03')).toISOString()).toBe('2024-11-03T04:00:00.000Z');
  });

  it('gives the New York date of an instant, not the UTC date', () => {
    expect(nyDateOf(Date.parse('2024-01-16T03:00:00Z'))).toBe('2024-01-15');
    expect(nyDateOf(Date.parse('2024-01-15T05:00:00Z'))).toBe('2024-01-15');
    for (const d of ['2024-03-10', '2024-03-11', '2024-11-03', '2024-11-04', '2025-06-30']) expect(nyDateOf(nyMidnightMs(d))).toBe(d);
  });

  it('counts weekdays strictly between two dates', () => {
    expect(weekdaysBetween('2024-03-29', '2024-04-01')).toBe(0); // Fri → Mon
    expect(weekdaysBetween('2024-03-25', '2024-03-29')).toBe(3);
    expect(weekdaysBetween('2024-03-29', '2024-03-25')).toBe(3);
  });
});
