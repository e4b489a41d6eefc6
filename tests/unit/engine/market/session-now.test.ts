import { describe, expect, it } from 'vitest';
import { XKRX_CALENDAR, XNYS_CALENDAR } from '../../../../src/engine/calendar/exchange.js';
import { withOverrides } from '../../../../src/engine/calendar/overrides.js';
import { lastClosedSession, sessionNow } from '../../../../src/engine/market/session-now.js';

const at = (iso: string) => Date.parse(iso);

describe('sessionNow: where an exchange stands at an instant', () => {
  it('KRX during the session: open, closing at 15:30 KST', () => {
    // Tue 2026-12-08 10:00 KST = 01:00Z.
    const s = sessionNow(XKRX_CALENDAR, at('2026-12-08T01:00:00Z'));
    expect(s).toEqual({ open: true, date: '2026-12-08', closesAt: at('2026-12-08T06:30:00Z'), earlyClose: false });
  });

  it('KRX before the open: the same day\'s session is next', () => {
    const s = sessionNow(XKRX_CALENDAR, at('2026-12-07T23:00:00Z')); // 08:00 KST Tue
    expect(s).toEqual({ open: false, next: { date: '2026-12-08', opensAt: at('2026-12-08T00:00:00Z'), closesAt: at('2026-12-08T06:30:00Z'), lateOpen: false, earlyClose: false } });
  });

  it('KRX on Friday evening: next is Monday; the CSAT day opens late', () => {
    const fri = sessionNow(XKRX_CALENDAR, at('2026-12-11T10:00:00Z')); // Fri 19:00 KST
    expect(fri.open).toBe(false);
    expect(!fri.open && fri.next?.date).toBe('2026-12-14');
    const csat = sessionNow(XKRX_CALENDAR, at('2026-11-18T12:00:00Z')); // the evening before CSAT 2026-11-19
    expect(!csat.open && csat.next).toMatchObject({ date: '2026-11-19', opensAt: at('2026-11-19T01:00:00Z'), lateOpen: true });
  });

  it('NYSE after the close: the next session, on the New York calendar', () => {
    const s = sessionNow(XNYS_CALENDAR, at('2026-12-07T21:30:00Z')); // Mon 16:30 ET
    expect(s).toEqual({ open: false, next: { date: '2026-12-08', opensAt: at('2026-12-08T14:30:00Z'), closesAt: at('2026-12-08T21:00:00Z'), lateOpen: false, earlyClose: false } });
  });

  it('a run-time close moves the next session to the day after', () => {
    const closed = withOverrides(XKRX_CALENDAR, [{ exchange: 'XKRX', date: '2026-12-08', kind: 'close', openTime: null, reason: 'drill' }]);
    const s = sessionNow(closed, at('2026-12-07T23:00:00Z'));
    expect(!s.open && s.next?.date).toBe('2026-12-09');
  });

  it('beyond the calendar\'s years: closed with no next session', () => {
    expect(sessionNow(XKRX_CALENDAR, at('2050-12-31T10:00:00Z'))).toEqual({ open: false, next: null });
  });
});

describe('lastClosedSession: the session whose bar should be stored by now', () => {
  it('is today once the close has passed, else the previous session', () => {
    expect(lastClosedSession(XKRX_CALENDAR, at('2026-12-08T07:00:00Z'))).toBe('2026-12-08'); // 16:00 KST
    expect(lastClosedSession(XKRX_CALENDAR, at('2026-12-08T05:00:00Z'))).toBe('2026-12-07'); // 14:00 KST
    expect(lastClosedSession(XKRX_CALENDAR, at('2026-12-13T05:00:00Z'))).toBe('2026-12-11'); // Sunday
  });

  it('null outside the calendar\'s years', () => {
    expect(lastClosedSession(XKRX_CALENDAR, at('1990-01-03T07:00:00Z'))).toBeNull();
  });
});
