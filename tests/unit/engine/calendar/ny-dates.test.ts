/**
 * New York calendar dates of instants and New York midnights (nyDateOf,
 * nyMidnightMs, nyToday) from the hand-written US Eastern rules, against an
 * independent oracle: luxon, which reads the IANA tz database through Intl
 * (the engine itself must not).
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { dstPeriod, nyDateOf, nyMidnightMs, nyToday } from '../../../../src/engine/calendar/index.js';

const ZONE = 'America/New_York';
const DAY = 86_400_000;
const HOUR = 3_600_000;
const FROM = Date.UTC(1987, 0, 1, 5); // New York midnight of 1987-01-01
// The rules are keyed by UTC year, so the last instant is 2099-12-31T23:59:59.999Z.
const TO = Date.UTC(2100, 0, 1);

const luxonDate = (ms: number): string => DateTime.fromMillis(ms, { zone: ZONE }).toISODate()!;
const luxonMidnight = (date: string): number => DateTime.fromISO(date, { zone: ZONE }).toMillis();
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

describe('nyDateOf', () => {
  it('matches the tz database for random instants 1987–2099', () => {
    fc.assert(
      fc.property(fc.integer({ min: FROM, max: TO - 1 }), (ms) => {
        expect(nyDateOf(ms)).toBe(luxonDate(ms));
      }),
      { numRuns: 5_000 },
    );
  });

  it('gives the New York date, not the UTC date, around midnight in both offsets', () => {
    expect(nyDateOf(Date.parse('2024-01-16T03:00:00Z'))).toBe('2024-01-15');
    expect(nyDateOf(Date.parse('2024-01-16T04:59:59.999Z'))).toBe('2024-01-15');
    expect(nyDateOf(Date.parse('2024-01-16T05:00:00Z'))).toBe('2024-01-16');
    expect(nyDateOf(Date.parse('2024-07-16T03:59:59.999Z'))).toBe('2024-07-15');
    expect(nyDateOf(Date.parse('2024-07-16T04:00:00Z'))).toBe('2024-07-16');
  });

  it('is right on both sides of every DST transition 1987–2099', () => {
    for (let year = 1987; year <= 2099; year++) {
      const { start, end } = dstPeriod(year);
      for (const t of [start - 1, start, end - 1, end, start - 3 * HOUR, end + 23 * HOUR]) {
        expect(nyDateOf(t), new Date(t).toISOString()).toBe(luxonDate(t));
      }
    }
  });

  it('rejects instants outside the supported years and non-finite ones', () => {
    expect(() => nyDateOf(Date.UTC(1980, 5, 1))).toThrow(RangeError);
    expect(() => nyDateOf(Date.UTC(2100, 5, 1))).toThrow(RangeError);
    expect(() => nyDateOf(Number.NaN)).toThrow(RangeError);
  });
});

describe('nyMidnightMs', () => {
  it('matches the tz database for every third day 1987–2099 (every weekday, so every transition Sunday kind)', () => {
    for (let ms = Date.UTC(1987, 0, 1); ms < Date.UTC(2100, 0, 1); ms += 3 * DAY) {
      const date = isoDay(ms);
      if (nyMidnightMs(date) !== luxonMidnight(date)) throw new Error(`midnight mismatch on ${date}`);
    }
  });

  it('is 05:00Z in winter, 04:00Z in summer, and keeps the old offset on switch days', () => {
    expect(new Date(nyMidnightMs('2024-01-15')).toISOString()).toBe('2024-01-15T05:00:00.000Z');
    expect(new Date(nyMidnightMs('2024-07-15')).toISOString()).toBe('2024-07-15T04:00:00.000Z');
    expect(new Date(nyMidnightMs('2024-03-10')).toISOString()).toBe('2024-03-10T05:00:00.000Z');
    expect(new Date(nyMidnightMs('2024-11-03')).toISOString()).toBe('2024-11-03T04:00:00.000Z');
  });

  it('starts the day nyDateOf names: the millisecond before is the previous day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Math.floor((TO - FROM) / DAY) - 2 }), (n) => {
        const date = isoDay(Date.UTC(1987, 0, 1) + n * DAY);
        const m = nyMidnightMs(date);
        expect(nyDateOf(m)).toBe(date);
        expect(nyDateOf(m - 1)).toBe(isoDay(Date.UTC(1987, 0, 1) + (n - 1) * DAY));
      }),
    );
  });

  it('rejects malformed dates and years outside the supported range', () => {
    expect(() => nyMidnightMs('2024-02-30')).toThrow(RangeError);
    expect(() => nyMidnightMs('2024-1-02')).toThrow(RangeError);
    expect(() => nyMidnightMs('1980-06-01')).toThrow(RangeError);
  });
});

describe('nyToday', () => {
  it('is the New York date of the given clock reading', () => {
    fc.assert(
      fc.property(fc.integer({ min: FROM, max: TO - 1 }), (ms) => {
        expect(nyToday(new Date(ms))).toBe(luxonDate(ms));
      }),
    );
    expect(nyToday(new Date('2026-03-09T03:30:00Z'))).toBe('2026-03-08');
  });
});
