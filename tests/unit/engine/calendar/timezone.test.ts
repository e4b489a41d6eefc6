/**
 * The hand-written US Eastern rules against an independent oracle: luxon,
 * which reads the IANA tz database through Intl (the engine itself must not).
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  dstPeriod,
  formatNyIso,
  nyLocalParts,
  nyOffsetMinutes,
  nyTimeToInstant,
} from '../../../../src/engine/calendar/index.js';

const ZONE = 'America/New_York';
const HOUR = 3_600_000;
const FROM = Date.UTC(2000, 0, 1);
const TO = Date.UTC(2051, 0, 1);

const luxonOffset = (ms: number): number => DateTime.fromMillis(ms, { zone: ZONE }).offset;

describe('DST transitions 2000–2050', () => {
  it('match the tz database at the exact millisecond, every year', () => {
    for (let year = 2000; year <= 2050; year++) {
      const { start, end } = dstPeriod(year);
      expect(luxonOffset(start - 1), `${year} before spring-forward`).toBe(-300);
      expect(luxonOffset(start), `${year} spring-forward`).toBe(-240);
      expect(luxonOffset(end - 1), `${year} before fall-back`).toBe(-240);
      expect(luxonOffset(end), `${year} fall-back`).toBe(-300);
      expect(nyOffsetMinutes(start - 1)).toBe(-300);
      expect(nyOffsetMinutes(start)).toBe(-240);
      expect(nyOffsetMinutes(end - 1)).toBe(-240);
      expect(nyOffsetMinutes(end)).toBe(-300);
    }
  });

  it('uses the pre-2007 and post-2007 rules on the documented Sundays', () => {
    const iso = (ms: number): string => new Date(ms).toISOString();
    expect(iso(dstPeriod(2006).start)).toBe('2006-04-02T07:00:00.000Z'); // first Sunday of April
    expect(iso(dstPeriod(2006).end)).toBe('2006-10-29T06:00:00.000Z'); // last Sunday of October
    expect(iso(dstPeriod(2007).start)).toBe('2007-03-11T07:00:00.000Z'); // second Sunday of March
    expect(iso(dstPeriod(2007).end)).toBe('2007-11-04T06:00:00.000Z'); // first Sunday of November
    expect(iso(dstPeriod(2026).start)).toBe('2026-03-08T07:00:00.000Z');
    expect(iso(dstPeriod(2026).end)).toBe('2026-11-01T06:00:00.000Z');
  });

  it('agrees with the tz database across 2000–2050, sampled every 7 hours', () => {
    // 7 is coprime with 24, so over the years every hour of the day is visited;
    // the exact transition instants are covered by the test above.
    for (let t = FROM; t < TO; t += 7 * HOUR) {
      if (nyOffsetMinutes(t) !== luxonOffset(t)) {
        throw new Error(`offset mismatch at ${new Date(t).toISOString()}`);
      }
    }
  });

  it('rejects instants outside the supported time-zone years', () => {
    expect(() => nyOffsetMinutes(Date.UTC(1980, 5, 1))).toThrow(RangeError);
    expect(() => nyOffsetMinutes(Date.UTC(2100, 5, 1))).toThrow(RangeError);
    expect(() => nyOffsetMinutes(Number.NaN)).toThrow(RangeError);
  });
});

describe('nyLocalParts / formatNyIso', () => {
  const instant = fc.integer({ min: FROM, max: TO - 1 });

  it('match luxon wall-clock fields for random instants', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        const p = nyLocalParts(ms);
        const l = DateTime.fromMillis(ms, { zone: ZONE });
        expect([p.year, p.month, p.day, p.hour, p.minute, p.second, p.millisecond]).toEqual([
          l.year,
          l.month,
          l.day,
          l.hour,
          l.minute,
          l.second,
          l.millisecond,
        ]);
        expect(p.weekday).toBe(l.weekday % 7);
        expect(p.offsetMinutes).toBe(l.offset);
        expect(p.isDst).toBe(l.isInDST);
        expect(p.date).toBe(l.toISODate());
      }),
      { numRuns: 2000 },
    );
  });

  it('formats like luxon ISO with the New York offset', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        expect(formatNyIso(ms)).toBe(DateTime.fromMillis(ms, { zone: ZONE }).toISO({ suppressMilliseconds: true }));
      }),
      { numRuns: 2000 },
    );
  });

  it('formats session boundaries', () => {
    expect(formatNyIso(Date.UTC(2026, 2, 9, 13, 30))).toBe('2026-03-09T09:30:00-04:00');
    expect(formatNyIso(Date.UTC(2026, 2, 6, 14, 30))).toBe('2026-03-06T09:30:00-05:00');
    expect(formatNyIso(Date.UTC(2026, 2, 6, 14, 30, 0, 250))).toBe('2026-03-06T09:30:00.250-05:00');
  });

  it('maps late evening UTC to the previous New York date', () => {
    const p = nyLocalParts(Date.UTC(2026, 0, 1, 3, 0)); // 22:00 EST on 31 Dec
    expect([p.date, p.hour, p.weekday]).toEqual(['2025-12-31', 22, 3]);
  });
});

describe('nyTimeToInstant', () => {
  it('round-trips every minute-aligned wall time that exists exactly once', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2000, max: 2050 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        (y, mo, d, h, mi) => {
          const pad = (n: number): string => String(n).padStart(2, '0');
          const date = `${y}-${pad(mo)}-${pad(d)}`;
          const time = `${pad(h)}:${pad(mi)}`;
          const l = DateTime.fromObject({ year: y, month: mo, day: d, hour: h, minute: mi }, { zone: ZONE });
          const unique = l.hour === h && l.minute === mi && l.getPossibleOffsets().length === 1;
          fc.pre(unique);
          const t = nyTimeToInstant(date, time);
          expect(t).toBe(l.toMillis());
          const p = nyLocalParts(t);
          expect([p.date, p.hour, p.minute]).toEqual([date, h, mi]);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('handles DST on the Monday session after the change', () => {
    expect(nyTimeToInstant('2026-03-09', '09:30')).toBe(Date.UTC(2026, 2, 9, 13, 30));
    expect(nyTimeToInstant('2026-03-06', '09:30')).toBe(Date.UTC(2026, 2, 6, 14, 30));
    expect(nyTimeToInstant('2026-11-02', '09:30')).toBe(Date.UTC(2026, 10, 2, 14, 30));
  });

  it('reads a non-existent spring-forward time with the EST offset (lands after the jump)', () => {
    const t = nyTimeToInstant('2026-03-08', '02:30');
    expect(t).toBe(Date.UTC(2026, 2, 8, 7, 30));
    expect(formatNyIso(t)).toBe('2026-03-08T03:30:00-04:00');
    expect(nyTimeToInstant('2026-03-08', '02:00')).toBe(nyTimeToInstant('2026-03-08', '03:00'));
    // Same behaviour as luxon's default for the gap.
    expect(t).toBe(DateTime.fromObject({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, { zone: ZONE }).toMillis());
    // Pre-2007 rule: first Sunday of April.
    expect(formatNyIso(nyTimeToInstant('2006-04-02', '02:15'))).toBe('2006-04-02T03:15:00-04:00');
  });

  it('picks the earlier (EDT) occurrence of an ambiguous fall-back time', () => {
    const t = nyTimeToInstant('2026-11-01', '01:30');
    expect(t).toBe(Date.UTC(2026, 10, 1, 5, 30));
    expect(formatNyIso(t)).toBe('2026-11-01T01:30:00-04:00');
    expect(formatNyIso(t + HOUR)).toBe('2026-11-01T01:30:00-05:00');
    expect(formatNyIso(nyTimeToInstant('2006-10-29', '01:59'))).toBe('2006-10-29T01:59:00-04:00');
    expect(nyTimeToInstant('2026-11-01', '02:00')).toBe(Date.UTC(2026, 10, 1, 7, 0));
  });

  it('rejects malformed input', () => {
    expect(() => nyTimeToInstant('2026-03-09', '9:30')).toThrow(RangeError);
    expect(() => nyTimeToInstant('2026-03-09', '24:00')).toThrow(RangeError);
    expect(() => nyTimeToInstant('2026-02-29', '09:30')).toThrow(RangeError);
    expect(() => nyTimeToInstant('2026-3-9', '09:30')).toThrow(RangeError);
  });
});
