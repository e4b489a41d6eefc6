import { describe, expect, it } from 'vitest';
import { tradeDatesOf, tradeSessionOf } from '../../../src/engine/trade-session.js';

const ET = (iso: string) => Date.parse(`${iso}-05:00`);

describe('the session a trade is filed under (New York)', () => {
  it('a session day’s trades are its own, after-hours included', () => {
    expect(tradeSessionOf(ET('2026-12-04T10:00:00'))).toBe('2026-12-04');
    expect(tradeSessionOf(ET('2026-12-04T19:30:00'))).toBe('2026-12-04');
  });
  it('weekend and holiday trades go to the next session, never the one before', () => {
    expect(tradeSessionOf(ET('2026-12-05T11:00:00'))).toBe('2026-12-07');
    expect(tradeSessionOf(ET('2026-12-06T23:59:00'))).toBe('2026-12-07');
    expect(tradeSessionOf(ET('2026-12-25T12:00:00'))).toBe('2026-12-28');
  });
  it('the dates a run of sessions files: after the session before the first, through the last', () => {
    expect(tradeDatesOf('2026-12-07', '2026-12-07')).toEqual({ after: '2026-12-04', through: '2026-12-07' });
    expect(() => tradeDatesOf('2026-12-05', '2026-12-07')).toThrow(RangeError);
  });
});
