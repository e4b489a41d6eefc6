/**
 * Which session a trade is filed under. A US trade belongs to the New York
 * session day it happened on (after-hours on Friday is Friday's); a fill on a
 * day without a session (a weekend, a holiday) is filed under the NEXT
 * session, never under the one before it: nothing a Saturday did can change
 * Friday's figures after Friday's digest was sent.
 */
import { isSession, nextSession, nyLocalParts, previousSession } from './calendar/index.js';

/** The session date a trade at `instantMs` is filed under. @throws RangeError outside the calendar's 2000–2050. */
export function tradeSessionOf(instantMs: number): string {
  const date = nyLocalParts(instantMs).date;
  return isSession(date) ? date : nextSession(date);
}

/**
 * The New York calendar dates whose trades are filed under the sessions
 * `from`..`to` (both sessions): every date after the session before `from`,
 * through `to`. Query with `date > after AND date <= through`.
 * @throws RangeError when `from` or `to` is not a session.
 */
export function tradeDatesOf(from: string, to: string): { after: string; through: string } {
  if (!isSession(from) || !isSession(to)) throw new RangeError(`trade dates need sessions, not ${from}..${to}`);
  return { after: previousSession(from), through: to };
}
