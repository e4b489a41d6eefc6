import { describe, expect, it } from 'vitest';
import {
  EXCHANGE_CALENDARS,
  XKRX_CALENDAR,
  XNYS_CALENDAR,
  exchangeCalendar,
} from '../../../../../src/engine/calendar/exchange.js';
import * as nyse from '../../../../../src/engine/calendar/index.js';
import {
  KRX_TIME_ZONE,
  formatKrxIso,
  krxDateOf,
  krxTimeToInstant,
  krxToday,
  nextSession,
  previousSession,
  sessionInfo,
  sessionsBetween,
} from '../../../../../src/engine/calendar/krx/index.js';

describe('KRX session queries', () => {
  it('steps over the Seollal 2025 closure (27–30 Jan) and year boundaries', () => {
    expect(nextSession('2025-01-24')).toBe('2025-01-31');
    expect(previousSession('2025-01-31')).toBe('2025-01-24');
    expect(sessionsBetween('2025-01-23', '2025-02-03')).toEqual(['2025-01-23', '2025-01-24', '2025-01-31', '2025-02-03']);
    expect(nextSession('2025-12-30')).toBe('2026-01-02');
    expect(previousSession('2026-01-02')).toBe('2025-12-30');
    expect(sessionsBetween('2025-02-03', '2025-02-01')).toEqual([]);
  });

  it('rejects dates outside 2000–2050 and malformed dates', () => {
    expect(() => sessionInfo('1999-12-30')).toThrow(RangeError);
    expect(() => sessionInfo('2051-01-02')).toThrow(RangeError);
    expect(() => sessionInfo('2025-02-30')).toThrow(RangeError);
    expect(() => previousSession('2000-01-04')).toThrow(RangeError);
  });

  it('returns frozen, shared session objects', () => {
    const s = sessionInfo('2025-03-04');
    expect(Object.isFrozen(s)).toBe(true);
    expect(sessionInfo('2025-03-04')).toBe(s);
    expect(s).toMatchObject({ earlyClose: false, lateOpen: false, lateClose: false, break: null });
  });
});

describe('Seoul time (UTC+09:00, no DST)', () => {
  it('converts and formats with +09:00', () => {
    expect(KRX_TIME_ZONE).toBe('Asia/Seoul');
    const t = krxTimeToInstant('2025-07-01', '09:00');
    expect(t).toBe(Date.UTC(2025, 6, 1, 0, 0));
    expect(formatKrxIso(t)).toBe('2025-07-01T09:00:00+09:00');
    expect(formatKrxIso(t + 250)).toBe('2025-07-01T09:00:00.250+09:00');
    expect(formatKrxIso(Date.UTC(2025, 0, 1, 15, 30))).toBe('2025-01-02T00:30:00+09:00');
  });

  it('dates an instant by the Seoul calendar', () => {
    expect(krxDateOf(Date.UTC(2025, 0, 1, 14, 59))).toBe('2025-01-01');
    expect(krxDateOf(Date.UTC(2025, 0, 1, 15, 0))).toBe('2025-01-02');
    expect(krxToday(new Date(Date.UTC(2025, 5, 30, 20)))).toBe('2025-07-01');
    expect(() => krxDateOf(Number.NaN)).toThrow(RangeError);
  });
});

describe('ExchangeCalendar', () => {
  it('picks a calendar by market id', () => {
    expect(exchangeCalendar('XNYS')).toBe(XNYS_CALENDAR);
    expect(exchangeCalendar('XKRX')).toBe(XKRX_CALENDAR);
    expect(Object.keys(EXCHANGE_CALENDARS).sort()).toEqual(['XKRX', 'XNYS']);
    expect(XKRX_CALENDAR.timeZone).toBe('Asia/Seoul');
    expect(XNYS_CALENDAR.timeZone).toBe('America/New_York');
  });

  it('answers for NYSE exactly as the NYSE functions, plus lateClose false and no break', () => {
    for (const date of ['2024-12-24', '2002-09-11', '2026-03-09']) {
      expect(XNYS_CALENDAR.sessionInfo(date)).toEqual({ ...nyse.sessionInfo(date), lateClose: false, break: null });
    }
    expect(XNYS_CALENDAR.sessionInfo('2024-12-25')).toBeNull();
    expect(XNYS_CALENDAR.sessionsOf(2026)).toBe(nyse.sessionsOf(2026));
    expect(XNYS_CALENDAR.nextSession('2024-12-24')).toBe('2024-12-26');
    expect(XNYS_CALENDAR.formatIso(Date.UTC(2026, 0, 2, 14, 30))).toBe('2026-01-02T09:30:00-05:00');
  });

  it('answers for KRX with the KRX module', () => {
    expect(XKRX_CALENDAR.isSession('2025-01-27')).toBe(false);
    expect(XKRX_CALENDAR.sessionInfo('2025-11-13')).toBe(sessionInfo('2025-11-13'));
    expect(XKRX_CALENDAR.sessionInfo('2025-11-13')?.lateClose).toBe(true);
    expect(XKRX_CALENDAR.sessionsOf(2025)).toHaveLength(242);
    expect(XKRX_CALENDAR.dateOf(Date.UTC(2025, 0, 1, 15))).toBe('2025-01-02');
  });
});
