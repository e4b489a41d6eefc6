import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSession, sessionsBetween } from '../../../../src/engine/calendar/index.js';
import { DEFAULT_TIME_STOP_BARS, timeStopDate } from '../../../../src/engine/exits/index.js';

describe('timeStopDate: the close of bar N, bar 1 = the entry session', () => {
  it('skips Independence Day: entry 2025-07-01 → 07-01, 07-02, 07-03 (early close), 07-07, 07-08', () => {
    expect(DEFAULT_TIME_STOP_BARS).toBe(5);
    expect(timeStopDate('2025-07-01')).toBe('2025-07-08');
    expect(timeStopDate('2025-07-01', 3)).toBe('2025-07-03');
    expect(timeStopDate('2025-07-01', 4)).toBe('2025-07-07');
  });

  it('skips Good Friday and Thanksgiving (its half day counts as a bar)', () => {
    expect(timeStopDate('2025-04-14')).toBe('2025-04-21'); // 14, 15, 16, 17, (18 closed) 21
    expect(timeStopDate('2025-11-24')).toBe('2025-12-01'); // 24, 25, 26, (27 closed) 28, Dec 1
  });

  it('an entry day that is not a session starts bar 1 at the next session', () => {
    expect(timeStopDate('2025-07-05')).toBe('2025-07-11'); // Saturday → bar 1 = Mon 07-07
    expect(timeStopDate('2025-07-04', 1)).toBe('2025-07-07'); // holiday
    expect(timeStopDate('2025-07-07', 1)).toBe('2025-07-07'); // bar 1 of a session entry is that session
  });

  it('refuses bad input with a RangeError', () => {
    expect(() => timeStopDate('2025-07-01', 0)).toThrow(RangeError);
    expect(() => timeStopDate('2025-07-01', 2.5)).toThrow(RangeError);
    expect(() => timeStopDate('2025-13-01')).toThrow(RangeError);
    expect(() => timeStopDate('1999-12-31')).toThrow(RangeError);
  });

  it('property: the result is a session and exactly N sessions span bar 1 … bar N', () => {
    const day = fc.date({ min: new Date('2001-01-01T00:00:00Z'), max: new Date('2049-06-30T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 30 }), (entry, bars) => {
        const end = timeStopDate(entry, bars);
        expect(isSession(end)).toBe(true);
        expect(sessionsBetween(entry, end)).toHaveLength(bars);
      }),
      { seed: 20250701, numRuns: 300 },
    );
  });
});
