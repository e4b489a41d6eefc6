/**
 * nyStamp ("Jan 10 14:05 ET") against the tz database (luxon as the oracle):
 * it is computed from the engine's hand-written New York rules, not the host's.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { nyStamp } from '../../../../src/bot/format/display.js';

describe('nyStamp', () => {
  it('shows New York wall time, whatever the server zone', () => {
    expect(nyStamp(new Date('2026-01-10T19:05:00Z'))).toBe('Jan 10 14:05 ET');
    expect(nyStamp(new Date('2026-07-04T04:30:00Z'))).toBe('Jul 4 00:30 ET');
    expect(nyStamp(new Date('2026-03-08T06:59:59Z'))).toBe('Mar 8 01:59 ET'); // just before spring-forward
    expect(nyStamp(new Date('2026-03-08T07:00:00Z'))).toBe('Mar 8 03:00 ET');
    expect(nyStamp(new Date('2026-11-01T05:30:00Z'))).toBe('Nov 1 01:30 ET'); // first 01:30 (EDT)
    expect(nyStamp(new Date('2026-11-01T06:30:00Z'))).toBe('Nov 1 01:30 ET'); // second 01:30 (EST)
  });

  it('matches the tz database for random instants 2000–2050', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2051, 0, 1) - 1 }), (ms) => {
        expect(nyStamp(new Date(ms))).toBe(DateTime.fromMillis(ms, { zone: 'America/New_York', locale: 'en-US' }).toFormat("LLL d HH:mm 'ET'"));
      }),
      { numRuns: 2_000 },
    );
  });
});
