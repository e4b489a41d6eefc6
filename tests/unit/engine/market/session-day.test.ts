import { describe, expect, it } from 'vitest';
import { XKRX_CALENDAR, XNYS_CALENDAR } from '../../../../src/engine/calendar/exchange.js';
import { marketCalendar, marketDayOf } from '../../../../src/engine/market/session-day.js';

describe('marketDayOf: the calendar date of an instant in the market\'s own zone', () => {
  it('KR is the Seoul date: 23:30Z on 7 December is already 8 December in Seoul', () => {
    const at = Date.parse('2026-12-07T23:30:00Z');
    expect(marketDayOf('KR', at)).toBe('2026-12-08');
    // The same instant is still 7 December in New York.
    expect(marketDayOf('US', at)).toBe('2026-12-07');
  });

  it('KR turns the day at Seoul midnight (15:00Z), US at New York midnight (05:00Z in winter, 04:00Z in summer)', () => {
    expect(marketDayOf('KR', Date.parse('2026-12-07T14:59:59Z'))).toBe('2026-12-07');
    expect(marketDayOf('KR', Date.parse('2026-12-07T15:00:00Z'))).toBe('2026-12-08');
    expect(marketDayOf('US', Date.parse('2026-12-08T04:59:59Z'))).toBe('2026-12-07');
    expect(marketDayOf('US', Date.parse('2026-12-08T05:00:00Z'))).toBe('2026-12-08');
    expect(marketDayOf('US', Date.parse('2026-07-08T03:59:59Z'))).toBe('2026-07-07');
    expect(marketDayOf('US', Date.parse('2026-07-08T04:00:00Z'))).toBe('2026-07-08');
  });

  it('each market has its exchange calendar', () => {
    expect(marketCalendar('US')).toBe(XNYS_CALENDAR);
    expect(marketCalendar('KR')).toBe(XKRX_CALENDAR);
  });

  it('refuses an unknown market', () => {
    expect(() => marketDayOf('JP' as never, 0)).toThrow(/unknown market/);
  });
});
