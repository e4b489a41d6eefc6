import { isSession, nextSession } from '../calendar/index.js';

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
 * @param entryDay New York date `YYYY-MM-DD` the entry filled on.
 * @param bars Whole number ≥ 1; 1 means exit at the close of the entry session.
 * @throws RangeError on a malformed date, a date outside the calendar (2000–2050) or bad `bars`.
 */
export function timeStopDate(entryDay: string, bars: number = DEFAULT_TIME_STOP_BARS): string {
  if (!Number.isSafeInteger(bars) || bars < 1) throw new RangeError(`time-stop bars must be a whole number ≥ 1, not ${String(bars)}`);
  let day = isSession(entryDay) ? entryDay : nextSession(entryDay);
  for (let bar = 1; bar < bars; bar++) day = nextSession(day);
  return day;
}
