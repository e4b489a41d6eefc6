import { describe, expect, it } from 'vitest';
import { sessionAt, sessionInfo } from '../../../../../src/engine/calendar/krx/index.js';

const HOUR = 3_600_000;
/** Seoul wall time → instant, computed independently of the code under test (UTC+9). */
const kst = (date: string, hhmm: string): number => Date.parse(`${date}T${hhmm}:00Z`) - 9 * HOUR;

function hours(date: string): { open: number; close: number; lateOpen: boolean; lateClose: boolean } {
  const s = sessionInfo(date);
  if (s === null) throw new Error(`${date} is not a session`);
  return { open: s.open, close: s.close, lateOpen: s.lateOpen, lateClose: s.lateClose };
}

describe('KRX session hours', () => {
  it('opens the first session of the year at 10:00 from 2001', () => {
    expect(hours('2001-01-02')).toEqual({ open: kst('2001-01-02', '10:00'), close: kst('2001-01-02', '15:00'), lateOpen: true, lateClose: false });
    expect(hours('2025-01-02')).toEqual({ open: kst('2025-01-02', '10:00'), close: kst('2025-01-02', '15:30'), lateOpen: true, lateClose: false });
    // 2010-01-01 Friday holiday → the first session is Monday 2010-01-04.
    expect(hours('2010-01-04').open).toBe(kst('2010-01-04', '10:00'));
    // The second session is regular.
    expect(hours('2025-01-03')).toMatchObject({ open: kst('2025-01-03', '09:00'), lateOpen: false });
  });

  it('opened 2000-01-04 (first session of 2000) at 09:00, with the lunch break', () => {
    const s = sessionInfo('2000-01-04')!;
    expect(s.open).toBe(kst('2000-01-04', '09:00'));
    expect(s.lateOpen).toBe(false);
    expect(s.break).toEqual({ start: kst('2000-01-04', '12:00'), end: kst('2000-01-04', '13:00') });
  });

  it('had the 12:00–13:00 break until 2000-05-19 and none from 2000-05-22', () => {
    expect(sessionInfo('2000-05-19')!.break).toEqual({ start: kst('2000-05-19', '12:00'), end: kst('2000-05-19', '13:00') });
    expect(sessionInfo('2000-05-22')!.break).toBeNull();
    expect(sessionAt(kst('2000-05-19', '12:30'))).toMatchObject({ phase: 'break', isOpen: false });
    expect(sessionAt(kst('2000-05-19', '13:00'))).toMatchObject({ phase: 'open', isOpen: true });
    expect(sessionAt(kst('2000-05-22', '12:30'))).toMatchObject({ phase: 'open', isOpen: true });
  });

  it('closes at 15:00 until 2016-07-29 and 15:30 from 2016-08-01', () => {
    expect(hours('2016-07-29').close).toBe(kst('2016-07-29', '15:00'));
    expect(hours('2016-08-01').close).toBe(kst('2016-08-01', '15:30'));
  });

  it('delays CSAT days by one hour: 10:00–16:00 until 2015, 10:00–16:30 from 2016', () => {
    expect(hours('2000-11-15')).toEqual({ open: kst('2000-11-15', '10:00'), close: kst('2000-11-15', '16:00'), lateOpen: true, lateClose: true });
    expect(hours('2015-11-12')).toEqual({ open: kst('2015-11-12', '10:00'), close: kst('2015-11-12', '16:00'), lateOpen: true, lateClose: true });
    expect(hours('2016-11-17')).toEqual({ open: kst('2016-11-17', '10:00'), close: kst('2016-11-17', '16:30'), lateOpen: true, lateClose: true });
    expect(hours('2025-11-13')).toEqual({ open: kst('2025-11-13', '10:00'), close: kst('2025-11-13', '16:30'), lateOpen: true, lateClose: true });
    // Both 2017 dates (the exam was postponed a week after the hours were announced).
    expect(hours('2017-11-16').lateClose).toBe(true);
    expect(hours('2017-11-23').lateClose).toBe(true);
    // COVID year: December, not November.
    expect(hours('2020-12-03').lateOpen).toBe(true);
    expect(hours('2020-11-19').lateOpen).toBe(false);
  });

  it('projects CSAT days after the published list (third-week Thursday of November)', () => {
    expect(hours('2027-11-18').lateClose).toBe(true); // published
    // Nov 2028: 1st is a Wednesday → week 3 runs 12–18, Thursday 16.
    expect(hours('2028-11-16')).toMatchObject({ open: kst('2028-11-16', '10:00'), close: kst('2028-11-16', '16:30') });
    expect(hours('2028-11-09').lateClose).toBe(false);
    // Nov 2030: 1st is a Friday → week 3 runs 10–16, Thursday 14.
    expect(hours('2030-11-14').lateClose).toBe(true);
    expect(hours('2030-11-21').lateClose).toBe(false);
  });

  it('reports phases around open and close', () => {
    expect(sessionAt(kst('2025-06-10', '08:59'))).toMatchObject({ phase: 'pre-open' });
    expect(sessionAt(kst('2025-06-10', '09:00'))).toMatchObject({ phase: 'open', isOpen: true });
    expect(sessionAt(kst('2025-06-10', '15:30'))).toMatchObject({ phase: 'closed', isOpen: false });
    expect(sessionAt(kst('2025-06-07', '10:00'))).toBeNull(); // Saturday
  });
});
