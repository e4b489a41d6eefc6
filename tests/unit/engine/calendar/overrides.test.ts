/**
 * Run-time calendar overrides applied purely (src/engine/calendar/overrides.ts,
 * override-hours.ts). Expected instants are written out from the exchanges'
 * published hours (NYSE 09:30–16:00 New York, EST in December = UTC−5; KRX
 * 09:00–15:30 Seoul = UTC+9), not computed by the code under test.
 */
import { describe, expect, it } from 'vitest';
import { XKRX_CALENDAR, XNYS_CALENDAR } from '../../../../src/engine/calendar/exchange.js';
import { hoursWithOverrides } from '../../../../src/engine/calendar/override-hours.js';
import { overrideProblem, withOverrides, type CalendarOverride } from '../../../../src/engine/calendar/overrides.js';
import { ALWAYS_OPEN, EXCHANGE_HOURS } from '../../../../src/engine/market-hours.js';

const close = (date: string, exchange: CalendarOverride['exchange'] = 'XNYS'): CalendarOverride => ({ exchange, date, kind: 'close', openTime: null, reason: 'Storm closure' });
const late = (date: string, at: string, exchange: CalendarOverride['exchange'] = 'XNYS'): CalendarOverride => ({ exchange, date, kind: 'late_open', openTime: at, reason: 'System outage' });
const ms = (iso: string) => Date.parse(iso);

describe('overrideProblem: an override checked against the rule calendar', () => {
  it('accepts a close on a session and a late open between the open and the close', () => {
    expect(overrideProblem(XNYS_CALENDAR, close('2026-12-10'))).toBeNull();
    expect(overrideProblem(XNYS_CALENDAR, late('2026-12-10', '10:30'))).toBeNull();
    expect(overrideProblem(XKRX_CALENDAR, late('2026-12-10', '10:00', 'XKRX'))).toBeNull();
  });

  it.each([
    ['a close on a holiday', XNYS_CALENDAR, close('2026-12-25'), /2026-12-25 is not a XNYS session by the rules/],
    ['a close on a Saturday', XKRX_CALENDAR, close('2026-12-12', 'XKRX'), /2026-12-12 is not a XKRX session by the rules/],
    ['a late open at the close', XNYS_CALENDAR, late('2026-12-10', '16:00'), /at or after the 16:00 close of 2026-12-10: close the day instead/],
    ['a late open after the close', XKRX_CALENDAR, late('2026-12-10', '15:45', 'XKRX'), /at or after the 15:30 close/],
    ['a late open before the open', XNYS_CALENDAR, late('2026-12-10', '09:00'), /not after the scheduled 09:30 open/],
    ['a late open at the open', XNYS_CALENDAR, late('2026-12-10', '09:30'), /not after the scheduled 09:30 open/],
    ['a late open without a time', XNYS_CALENDAR, { ...late('2026-12-10', '10:00'), openTime: null }, /needs its local open time as HH:MM/],
    ['a late open at 25:00', XNYS_CALENDAR, late('2026-12-10', '25:00'), /needs its local open time as HH:MM/],
    ['an empty reason', XNYS_CALENDAR, { ...close('2026-12-10'), reason: '   ' }, /a reason is required/],
    ['an impossible date', XNYS_CALENDAR, close('2026-02-30'), /not a date YYYY-MM-DD in 2000–2050/],
    ['a date outside the calendar', XNYS_CALENDAR, close('2051-01-03'), /not a date YYYY-MM-DD in 2000–2050/],
    ['another exchange', XNYS_CALENDAR, close('2026-12-10', 'XKRX'), /for XKRX, not XNYS/],
  ])('refuses %s, saying why', (_what, cal, o, message) => {
    expect(overrideProblem(cal, o)).toMatch(message);
  });
});

describe('withOverrides', () => {
  it('is the rule calendar itself when no override applies', () => {
    expect(withOverrides(XNYS_CALENDAR, [])).toBe(XNYS_CALENDAR);
    expect(withOverrides(XNYS_CALENDAR, [close('2026-12-10', 'XKRX')])).toBe(XNYS_CALENDAR);
    // No longer fits the rules (a holiday): ignored rather than half-applied.
    expect(withOverrides(XNYS_CALENDAR, [close('2026-12-25')])).toBe(XNYS_CALENDAR);
  });

  it('a closed day is no session: skipped by the walks, listed as a special holiday named by its reason', () => {
    const cal = withOverrides(XNYS_CALENDAR, [close('2026-12-10'), close('2026-12-11')]);
    expect(cal.isSession('2026-12-10')).toBe(false);
    expect(cal.sessionInfo('2026-12-10')).toBeNull();
    expect(cal.nextSession('2026-12-09')).toBe('2026-12-14');
    expect(cal.previousSession('2026-12-14')).toBe('2026-12-09');
    expect(cal.sessionsBetween('2026-12-08', '2026-12-15')).toEqual(['2026-12-08', '2026-12-09', '2026-12-14', '2026-12-15']);
    expect(cal.sessionsOf(2026)).toHaveLength(251 - 2);
    expect(cal.holidaysOf(2026).map((h) => h.date)).toEqual(['2026-01-01', '2026-01-19', '2026-02-16', '2026-04-03', '2026-05-25', '2026-06-19', '2026-07-03', '2026-09-07', '2026-11-26', '2026-12-10', '2026-12-11', '2026-12-25']);
    expect(cal.holidaysOf(2026)[9]).toEqual({ date: '2026-12-10', name: 'Storm closure', kind: 'special' });
    expect(cal.holidaysOf(2027)).toEqual(XNYS_CALENDAR.holidaysOf(2027));
    // The rule calendar is untouched.
    expect(XNYS_CALENDAR.isSession('2026-12-10')).toBe(true);
  });

  it('a late open moves the open and marks it; the close stays', () => {
    const nyse = withOverrides(XNYS_CALENDAR, [late('2026-12-10', '10:30')]).sessionInfo('2026-12-10');
    expect(nyse).toMatchObject({ date: '2026-12-10', open: ms('2026-12-10T15:30:00Z'), close: ms('2026-12-10T21:00:00Z'), lateOpen: true, earlyClose: false, lateClose: false });
    const krx = withOverrides(XKRX_CALENDAR, [late('2026-12-10', '10:00', 'XKRX')]).sessionInfo('2026-12-10');
    expect(krx).toMatchObject({ open: ms('2026-12-10T01:00:00Z'), close: ms('2026-12-10T06:30:00Z'), lateOpen: true });
  });

  it('a late open into the 2000 KRX lunch break starts after it; one before it keeps it', () => {
    const into = withOverrides(XKRX_CALENDAR, [late('2000-01-04', '12:30', 'XKRX')]).sessionInfo('2000-01-04');
    expect(into).toMatchObject({ open: ms('2000-01-04T04:00:00Z'), break: null });
    const before = withOverrides(XKRX_CALENDAR, [late('2000-01-04', '11:00', 'XKRX')]).sessionInfo('2000-01-04');
    expect(before).toMatchObject({ open: ms('2000-01-04T02:00:00Z'), break: { start: ms('2000-01-04T03:00:00Z'), end: ms('2000-01-04T04:00:00Z') } });
  });
});

describe('hoursWithOverrides: the order path on an overridden calendar', () => {
  it('is the base hours when nothing applies, and never changes ALWAYS_OPEN', () => {
    expect(hoursWithOverrides(EXCHANGE_HOURS, XNYS_CALENDAR, [])).toBe(EXCHANGE_HOURS);
    expect(hoursWithOverrides(ALWAYS_OPEN, XNYS_CALENDAR, [close('2026-12-10')])).toBe(ALWAYS_OPEN);
  });

  it('a closed day is closed all day; the next open is the next session', () => {
    const h = hoursWithOverrides(EXCHANGE_HOURS, XNYS_CALENDAR, [close('2026-12-10')]);
    expect(EXCHANGE_HOURS.isOpen(ms('2026-12-10T16:00:00Z'))).toBe(true);
    expect(h.isOpen(ms('2026-12-10T16:00:00Z'))).toBe(false);
    expect(h.nextOpen(ms('2026-12-10T16:00:00Z'))?.open).toBe(ms('2026-12-11T14:30:00Z'));
    expect(h.nextOpen(ms('2026-12-09T22:00:00Z'))?.open).toBe(ms('2026-12-11T14:30:00Z'));
    expect(h.isOpen(ms('2026-12-11T15:00:00Z'))).toBe(true);
  });

  it('before a late open the market is closed and the next open is the late one', () => {
    const h = hoursWithOverrides(EXCHANGE_HOURS, XNYS_CALENDAR, [late('2026-12-10', '10:30')]);
    expect(h.isOpen(ms('2026-12-10T15:29:59Z'))).toBe(false);
    expect(h.nextOpen(ms('2026-12-10T15:00:00Z'))?.open).toBe(ms('2026-12-10T15:30:00Z'));
    expect(h.isOpen(ms('2026-12-10T15:30:00Z'))).toBe(true);
    expect(h.isOpen(ms('2026-12-10T21:00:00Z'))).toBe(false);
  });
});
