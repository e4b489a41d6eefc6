/** Issue 15: when a market's rule exits may be sent, their day, and the time-stop window — NYSE as before, KRX on its own clock. */
import { describe, expect, it } from 'vitest';
import { exitDayOf, exitSessionAt, inTimeStopWindow, isMarketOpen, timeStopDate } from '../../../../src/engine/exits/index.js';

/** An instant from a Seoul wall-clock time (KST = UTC+9 all year). */
const kst = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+09:00`);
const LEAD = 15;

describe('exitSessionAt: KR on KRX sessions', () => {
  it('sends only in the continuous session: not in the opening auction, not in the closing auction, not after the close', () => {
    const at = (hhmm: string) => exitSessionAt('KR', kst('2025-07-08', hhmm), LEAD).paused;
    expect(at('08:45')).toBe('closed');
    expect(at('09:00')).toBeNull();
    expect(at('15:19')).toBeNull();
    expect(at('15:20')).toBe('closing_auction');
    expect(at('15:29')).toBe('closing_auction');
    expect(at('15:30')).toBe('closed');
  });

  it('the time-stop window is the lead before the closing auction, never inside it', () => {
    const w = (hhmm: string) => exitSessionAt('KR', kst('2025-07-08', hhmm), LEAD).inTimeStopWindow;
    expect([w('15:04'), w('15:05'), w('15:19'), w('15:20'), w('15:25')]).toEqual([false, true, true, false, false]);
  });

  it('follows the day\'s own hours: the CSAT day opens 10:00 and its closing auction is 16:20–16:30', () => {
    const at = (hhmm: string) => exitSessionAt('KR', kst('2025-11-13', hhmm), LEAD);
    expect(at('09:30').paused).toBe('closed');
    expect(at('15:25').paused).toBeNull();
    expect(at('16:10').inTimeStopWindow).toBe(true);
    expect(at('16:20').paused).toBe('closing_auction');
  });

  it('is closed on a KRX holiday that is a NYSE session (Chuseok 2025-10-07)', () => {
    expect(exitSessionAt('KR', kst('2025-10-07', '11:00'), LEAD).paused).toBe('closed');
  });

  it('dates the run by Seoul: 11:00 KST on 07-08 is still 07-07 in New York', () => {
    const ms = kst('2025-07-08', '11:00');
    expect(exitSessionAt('KR', ms, LEAD).today).toBe('2025-07-08');
    expect(exitDayOf('KR', ms)).toBe('2025-07-08');
    expect(exitDayOf('US', ms)).toBe('2025-07-07');
  });
});

describe('exitSessionAt: US unchanged', () => {
  it('answers what isMarketOpen / inTimeStopWindow answer, dated by New York', () => {
    for (const iso of ['2025-07-08T17:00:00Z', '2025-07-08T19:50:00Z', '2025-07-04T15:00:00Z', '2025-07-08T02:00:00Z', '2025-11-28T17:50:00Z']) {
      const ms = Date.parse(iso);
      const s = exitSessionAt('US', ms, LEAD);
      expect(s.paused === null).toBe(isMarketOpen(ms));
      expect(s.inTimeStopWindow).toBe(inTimeStopWindow(ms, LEAD));
      expect(s.today).toBe(exitDayOf('US', ms));
    }
    expect(exitSessionAt('US', Date.parse('2025-07-08T19:50:00Z'), LEAD)).toEqual({ today: '2025-07-08', paused: null, inTimeStopWindow: true });
  });
});

describe('timeStopDate counts the market\'s own sessions', () => {
  it('KR skips the KRX holidays of Chuseok 2025 (10-03, 10-06..10-09); US counts NYSE sessions as before', () => {
    // KRX bars: 10-01, 10-02, 10-10, 10-13, 10-14. NYSE bars: 10-01, 10-02, 10-03, 10-06, 10-07.
    expect(timeStopDate('2025-10-01', 5, 'KR')).toBe('2025-10-14');
    expect(timeStopDate('2025-10-01', 5, 'US')).toBe('2025-10-07');
    expect(timeStopDate('2025-10-01', 5)).toBe('2025-10-07');
  });

  it('a KR entry booked on a KRX holiday starts on the next KRX session', () => {
    expect(timeStopDate('2025-10-06', 1, 'KR')).toBe('2025-10-10');
  });
});
