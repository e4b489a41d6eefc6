import { describe, expect, it } from 'vitest';
import { periodRange } from '../../../../src/trading/portfolio/period.js';

describe('periodRange', () => {
  // Friday 2025-01-10, 15:00 New York. Thursday 2025-01-09 was a market closure (national day of mourning).
  const fri = new Date('2025-01-10T20:00:00Z');

  it('day: the current session; its baseline skips the 2025-01-09 closure', () => {
    expect(periodRange('day', fri)).toEqual({ period: 'day', from: '2025-01-10', to: '2025-01-10', today: '2025-01-10', baseline: '2025-01-08', sessions: 1 });
  });

  it('week = the last 5 sessions, month = the last 21, counted on the exchange calendar', () => {
    // Sessions back from Jan 10: 10, 8, 7, 6, 3 (Jan 9 closed, weekend 4–5).
    expect(periodRange('week', fri)).toMatchObject({ from: '2025-01-03', to: '2025-01-10', baseline: '2025-01-02', sessions: 5 });
    // 21 sessions back crosses Christmas (Dec 25) and New Year (Jan 1).
    expect(periodRange('month', fri)).toMatchObject({ from: '2024-12-10', to: '2025-01-10', baseline: '2024-12-09', sessions: 21 });
  });

  it('on a weekend "day" is the last session, and today is still today (for bookings)', () => {
    expect(periodRange('day', new Date('2025-01-11T17:00:00Z'))).toMatchObject({ from: '2025-01-10', to: '2025-01-10', today: '2025-01-11' });
  });

  it('uses the New York date, not UTC: 22:00 New York on Friday is already Saturday in UTC', () => {
    expect(periodRange('day', new Date('2025-01-11T03:00:00Z'))).toMatchObject({ to: '2025-01-10', today: '2025-01-10' });
    // 04:30Z Monday is 23:30 Sunday in New York: still the weekend, so the last session is Friday.
    expect(periodRange('day', new Date('2025-01-13T04:30:00Z'))).toMatchObject({ to: '2025-01-10', today: '2025-01-12' });
  });
});
