import { XKRX_CALENDAR } from '../calendar/exchange.js';
import { isSession, nextSession } from '../calendar/index.js';
import type { Market } from '../market/markets.js';

/** Default time stop of both strategies (DESIGN §6): exit at the close of bar 5. */
export const DEFAULT_TIME_STOP_BARS = 5;

/**
 * The session at whose close a position's time stop exits it.
 *
 * Bar 1 is the entry session: `entryDay` itself when it is a session, else
 * the next session (an entry booked on a weekend or holiday is first exposed
 * to the market on the next session). Bar N is N − 1 sessions later, so
 * holidays and weekends are skipped: entry 2025-07-01 → bars 07-01, 07-02,
 * 07-03, 07-07, 07-08 (July 4 is closed) → time stop 2025-07-08.
 *
 * Bars are sessions of the position's own market: a KR entry counts KRX
 * sessions (Seoul dates, KRX holidays), never NYSE's.
 *
 * @param entryDay The market's own date `YYYY-MM-DD` the entry filled on (New York for US, Seoul for KR).
 * @param bars Whole number ≥ 1; 1 means exit at the close of the entry session.
 * @param market Whose sessions count (default US).
 * @throws RangeError on a malformed date, a date outside the calendar (2000–2050) or bad `bars`.
 */
export function timeStopDate(entryDay: string, bars: number = DEFAULT_TIME_STOP_BARS, market: Market = 'US'): string {
  if (!Number.isSafeInteger(bars) || bars < 1) throw new RangeError(`time-stop bars must be a whole number ≥ 1, not ${String(bars)}`);
  const cal = market === 'US' ? { isSession, nextSession } : XKRX_CALENDAR;
  let day = cal.isSession(entryDay) ? entryDay : cal.nextSession(entryDay);
  for (let bar = 1; bar < bars; bar++) day = cal.nextSession(day);
  return day;
}
