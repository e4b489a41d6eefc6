/**
 * Issue 15, item 6: a trade is filed under its own market's session day. A KR trade goes by the
 * Seoul date and the KRX calendar, a US one by the New York date and the NYSE calendar, so one
 * instant can be filed under different dates in the two markets. The SQL half is tested on
 * Postgres in tests/integration/trading/portfolio/pnl-markets.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { periodRange } from '../../../../src/trading/portfolio/period.js';
import { tradeWindow } from '../../../../src/trading/portfolio/trade-date.js';

describe('tradeWindow per market', () => {
  it('uses the market’s calendar: KRX is closed on Dec 31, NYSE is not', () => {
    // Mon Jan 4, 2027: KRX's previous session is Wed Dec 30 (Dec 31 year-end closing, Jan 1 holiday).
    expect(tradeWindow('2027-01-04', '2027-01-04', 'KR')).toEqual({ after: '2026-12-30', through: '2027-01-04' });
    expect(tradeWindow('2027-01-04', '2027-01-04', 'US')).toEqual({ after: '2026-12-31', through: '2027-01-04' });
    // US stays the default.
    expect(tradeWindow('2027-01-04')).toEqual({ after: '2026-12-31', through: '2027-01-04' });
  });

  it('a KRX holiday that is an NYSE session: its KR trades go to the next KRX session', () => {
    // Mon Mar 2, 2026 is a KRX holiday (the Mar 1 substitute) but an NYSE session.
    expect(tradeWindow('2026-03-03', '2026-03-03', 'KR')).toEqual({ after: '2026-02-27', through: '2026-03-03' });
    expect(tradeWindow('2026-03-03', '2026-03-03', 'US')).toEqual({ after: '2026-03-02', through: '2026-03-03' });
    // Not a KRX session: it files only itself.
    expect(tradeWindow('2026-03-02', '2026-03-02', 'KR')).toEqual({ after: '2026-03-01', through: '2026-03-02' });
  });
});

describe('periodRange per market', () => {
  // 23:30Z Monday Dec 7, 2026: 18:30 in New York (Monday), 08:30 Tuesday Dec 8 in Seoul.
  const now = new Date('2026-12-07T23:30:00Z');

  it('the KR period is the KRX sessions up to today’s Seoul date', () => {
    expect(periodRange('day', now, 'KR')).toEqual({ period: 'day', from: '2026-12-08', to: '2026-12-08', today: '2026-12-08', baseline: '2026-12-07', sessions: 1 });
    expect(periodRange('day', now, 'US')).toEqual({ period: 'day', from: '2026-12-07', to: '2026-12-07', today: '2026-12-07', baseline: '2026-12-04', sessions: 1 });
    expect(periodRange('day', now)).toEqual(periodRange('day', now, 'US'));
  });

  it('counts KRX sessions: the week back from Jan 4, 2027 skips Dec 31 and Jan 1', () => {
    const monday = new Date('2027-01-04T03:00:00Z'); // 12:00 KST
    // KRX: Jan 4, Dec 30, 29, 28, 24. New York is still on Sunday Jan 3: its week ends Thursday Dec 31.
    expect(periodRange('week', monday, 'KR')).toMatchObject({ from: '2026-12-24', to: '2027-01-04', baseline: '2026-12-23', sessions: 5 });
    expect(periodRange('week', monday, 'US')).toMatchObject({ from: '2026-12-24', to: '2026-12-31', today: '2027-01-03' });
  });
});
