/**
 * The calendar kernel of the data check (issue 21, part 5): planted gaps come back exactly, the
 * first and last bar bound what is missing, an empty series is only stale, bars on non-sessions
 * are no finding, and a strategy's window sees only the gaps inside it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataFindings, missingSessions, sessionsEndingAt, sessionsSpanning, windowGap } from '../../../../src/engine/data-quality/index.js';
import { sessionsBetween } from '../../../../src/engine/calendar/index.js';

const SESSIONS = sessionsBetween('2025-01-02', '2026-12-04');

describe('missing sessions between the first and the last bar', () => {
  it('finds exactly the planted gaps, whatever sessions are removed (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 200 }), fc.integer({ min: 0, max: 250 }), fc.uniqueArray(fc.integer({ min: 0, max: 449 }), { maxLength: 30 }), (len, start, holes) => {
        const span = SESSIONS.slice(start, start + len);
        // Keep the first and last bar: the gaps planted strictly inside are exactly what is missing.
        const planted = holes.filter((h) => h > 0 && h < span.length - 1).map((h) => span[h]!);
        const gone = new Set(planted);
        const dates = span.filter((d) => !gone.has(d));
        expect(missingSessions(SESSIONS, dates)).toEqual([...planted].sort());
      }),
    );
  });

  it('sessions before the first bar or after the last are not missing (first/last bar bounds)', () => {
    const dates = SESSIONS.slice(100, 120);
    expect(missingSessions(SESSIONS, dates)).toEqual([]);
    expect(missingSessions(SESSIONS, [SESSIONS[100]!, SESSIONS[103]!])).toEqual([SESSIONS[101], SESSIONS[102]]);
  });

  it('bars on weekends or holidays are no finding, and do not hide a missing session', () => {
    // 2026-11-26 is Thanksgiving (no session), 2026-11-28 a Saturday; 2026-11-25 is removed.
    const dates = ['2026-11-23', '2026-11-24', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-30'];
    expect(missingSessions(SESSIONS, dates)).toEqual(['2026-11-25']);
  });

  it('an empty series has no missing session and is stale', () => {
    expect(missingSessions(SESSIONS, [])).toEqual([]);
    expect(dataFindings('E', [], SESSIONS, '2026-12-03')).toEqual([{ symbol: 'E', kind: 'stale', lastBar: null, expected: '2026-12-03', behind: 1 }]);
  });
});

describe('the findings of one symbol', () => {
  it('missing_session with its count, first and last; stale counting the sessions behind', () => {
    const dates = sessionsBetween('2026-10-01', '2026-12-01').filter((d) => d !== '2026-10-15' && d !== '2026-11-03');
    const f = dataFindings('X', dates, SESSIONS, '2026-12-03');
    expect(f).toEqual([
      { symbol: 'X', kind: 'missing_session', count: 2, first: '2026-10-15', last: '2026-11-03', dates: ['2026-10-15', '2026-11-03'] },
      // 2026-12-02 and 2026-12-03 have no bar.
      { symbol: 'X', kind: 'stale', lastBar: '2026-12-01', expected: '2026-12-03', behind: 2 },
    ]);
  });

  it('a whole series that reaches the last completed session has no finding', () => {
    expect(dataFindings('OK', sessionsBetween('2026-01-02', '2026-12-03'), SESSIONS, '2026-12-03')).toEqual([]);
  });
});

describe('the look-back window of a strategy', () => {
  const asOf = '2026-12-03';
  const all = sessionsBetween('2026-01-02', asOf);
  const without = (d: string) => all.filter((x) => x !== d);

  it('a gap inside the last N sessions is reported with its count, first and last', () => {
    const inside = all[all.length - 10]!;
    expect(windowGap(SESSIONS, without(inside), asOf, 20)).toEqual({ count: 1, first: inside, last: inside });
    const two = all.filter((x) => x !== all[all.length - 3] && x !== all[all.length - 15]);
    expect(windowGap(SESSIONS, two, asOf, 20)).toEqual({ count: 2, first: all[all.length - 15], last: all[all.length - 3] });
  });

  it('a gap just outside the window is not the strategy’s concern', () => {
    const outside = all[all.length - 21]!;
    expect(windowGap(SESSIONS, without(outside), asOf, 20)).toBeNull();
    expect(windowGap(SESSIONS, without(outside), asOf, 21)).toEqual({ count: 1, first: outside, last: outside });
  });

  it('sessions before the first bar are not a gap (a short history is reported apart)', () => {
    expect(windowGap(SESSIONS, all.slice(-5), asOf, 50)).toBeNull();
    expect(windowGap(SESSIONS, [], asOf, 50)).toBeNull();
  });
});

describe('calendar slices', () => {
  it('the last N sessions up to a date, across years, oldest first', () => {
    const s = sessionsEndingAt('2026-01-05', 5);
    expect(s).toEqual(['2025-12-29', '2025-12-30', '2025-12-31', '2026-01-02', '2026-01-05']);
    expect(sessionsEndingAt('2026-01-04', 1)).toEqual(['2026-01-02']);
    expect(sessionsEndingAt('2060-01-04', 3)).toEqual([]);
    expect(sessionsEndingAt('2000-01-05', 10)).toEqual(['2000-01-03', '2000-01-04', '2000-01-05']);
  });

  it('spans clamp to the calendar’s years', () => {
    expect(sessionsSpanning('1999-12-01', '2000-01-04')).toEqual(['2000-01-03', '2000-01-04']);
    expect(sessionsSpanning('2026-12-05', '2026-12-04')).toEqual([]);
  });
});
