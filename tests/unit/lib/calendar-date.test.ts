import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarDate, isIsoDate } from '../../../src/lib/dates.js';
import { isDataException } from '../../../src/lib/errors.js';

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** An independent reference: what a proleptic Gregorian calendar (JS Date, set without the 0–99 year quirk) says. */
function referenceIsDate(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

describe('isIsoDate: a real calendar day, the one check every date argument goes through', () => {
  it('knows leap years', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2000-02-29')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('1900-02-29')).toBe(false);
    expect(isIsoDate('2100-02-29')).toBe(false);
  });

  it('refuses days a month does not have and months a year does not have', () => {
    for (const bad of ['2026-02-30', '2026-04-31', '2026-06-31', '2026-09-31', '2026-11-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-01-32', '9999-99-99']) {
      expect(isIsoDate(bad), bad).toBe(false);
    }
    for (const good of ['2026-01-31', '2026-03-31', '2026-04-30', '2026-12-31', '2026-02-28']) expect(isIsoDate(good), good).toBe(true);
  });

  it('takes years 0001–9999 (what Postgres stores as a date) and no year zero', () => {
    expect(isIsoDate('0000-01-01')).toBe(false);
    expect(isIsoDate('0001-01-01')).toBe(true);
    // Date.UTC would read year 99 as 1999; the check must not.
    expect(isIsoDate('0099-06-30')).toBe(true);
    expect(isIsoDate('9999-12-31')).toBe(true);
    expect(isIsoDate('10000-01-01')).toBe(false);
  });

  it('wants exactly YYYY-MM-DD: padded, ASCII digits, nothing around it', () => {
    for (const bad of ['2026-2-01', '2026-02-1', '26-02-01', '20260201', '2026/02/01', ' 2026-02-01', '2026-02-01 ', '2026-02-01\n', '+2026-02-01', '2026-02-01T00:00:00Z', '２０２６-02-01', '']) {
      expect(isIsoDate(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('agrees with the calendar for any YYYY-MM-DD made of digits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), (y, m, d) => {
        expect(isIsoDate(`${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`)).toBe(referenceIsDate(y, m, d));
      }),
      { numRuns: 5_000, seed: 12 },
    );
  });
});

describe('calendarDate (zod)', () => {
  it('passes a real day through unchanged', () => {
    expect(calendarDate.parse('2024-02-29')).toBe('2024-02-29');
  });

  it('names the refused value and says what to type', () => {
    const r = calendarDate.safeParse('2026-02-30');
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toBe('2026-02-30 is not a date (write YYYY-MM-DD, e.g. 2026-11-20)');
  });

  it('echoes at most 20 characters of a long value', () => {
    const r = calendarDate.safeParse('x'.repeat(300));
    expect(r.error!.issues[0]!.message).toBe(`${'x'.repeat(20)} is not a date (write YYYY-MM-DD, e.g. 2026-11-20)`);
  });

  it('refuses what is not a string', () => {
    expect(calendarDate.safeParse(20260230).success).toBe(false);
  });
});

describe('isDataException: Postgres errors a retry cannot fix', () => {
  it('is true for SQLSTATE class 22, from pg or wrapped by TypeORM', () => {
    expect(isDataException(Object.assign(new Error('date/time field value out of range: "2026-02-30"'), { code: '22008' }))).toBe(true);
    expect(isDataException({ message: 'invalid input syntax for type date', driverError: { code: '22007' } })).toBe(true);
    expect(isDataException({ code: '22P02' })).toBe(true);
  });

  it('is false for anything else', () => {
    for (const e of [{ code: '23505' }, { code: '40001' }, { code: '08006' }, { code: 'ECONNREFUSED' }, { code: 22008 }, new Error('boom'), null, undefined, 'code 22008']) {
      expect(isDataException(e), JSON.stringify(e)).toBe(false);
    }
  });
});
