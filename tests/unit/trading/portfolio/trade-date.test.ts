import { describe, expect, it } from 'vitest';
import { tradeWindow } from '../../../../src/trading/portfolio/trade-date.js';

// The SQL half of the rule (a trade's New York date) is checked against Postgres in
// tests/integration/trading/portfolio/trade-date.test.ts.
describe('the calendar dates a session files (New York)', () => {
  it('a session after a session files only its own date', () => {
    expect(tradeWindow('2026-12-04')).toEqual({ after: '2026-12-03', through: '2026-12-04' });
  });
  it('weekend and holiday dates go to the next session, never the one before', () => {
    // Sat 5 and Sun 6 are Monday's; Christmas (Fri 25) and the weekend after it are Mon 28's.
    expect(tradeWindow('2026-12-07')).toEqual({ after: '2026-12-04', through: '2026-12-07' });
    expect(tradeWindow('2026-12-28')).toEqual({ after: '2026-12-24', through: '2026-12-28' });
  });
  it('a run of sessions: after the session before the first, through the last', () => {
    expect(tradeWindow('2026-11-30', '2026-12-04')).toEqual({ after: '2026-11-27', through: '2026-12-04' });
  });
  it('a date that is not a session, or outside the calendar, files from itself', () => {
    expect(tradeWindow('2026-12-05')).toEqual({ after: '2026-12-04', through: '2026-12-05' });
    expect(tradeWindow('2051-01-03')).toEqual({ after: '2051-01-02', through: '2051-01-03' });
  });
});
