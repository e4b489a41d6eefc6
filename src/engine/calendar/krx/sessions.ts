/**
 * Session queries on the KRX calendar (pure; every input is explicit).
 * Dates are Seoul calendar dates `YYYY-MM-DD`; instants are epoch ms.
 * Any query whose answer depends on a day outside 2000–2050 throws RangeError.
 */
import { civilDate } from '../days.js';
import { sessionWalk } from '../session-walk.js';
import { krxDateOf } from './timezone.js';
import type { KrxSessionAt, KrxSessionInfo } from './types.js';
import { krxYearCalendar } from './year-calendar.js';

function infoForDay(day: number): KrxSessionInfo | null {
  const y = krxYearCalendar(civilDate(day).year);
  return y.infos[day - y.firstDay] ?? null;
}

const walk = sessionWalk<KrxSessionInfo>(infoForDay);

/**
 * True when the exchange holds a session on `date` (Seoul calendar date).
 * @throws RangeError on a malformed date or one outside 2000–2050.
 */
export const isSession: (date: string) => boolean = walk.isSession;

/**
 * Open/close instants of the session on `date`, or null when closed
 * (weekend, holiday or special closure). Returned objects are frozen and shared.
 * @throws RangeError on a malformed date or one outside 2000–2050.
 */
export const sessionInfo: (date: string) => KrxSessionInfo | null = walk.sessionInfo;

/**
 * The first session date strictly after `date` (which need not be a session).
 * @throws RangeError on a malformed date or when the answer would fall after 2050.
 */
export const nextSession: (date: string) => string = walk.nextSession;

/**
 * The last session date strictly before `date` (which need not be a session).
 * @throws RangeError on a malformed date or when the answer would fall before 2000.
 */
export const previousSession: (date: string) => string = walk.previousSession;

/**
 * Session dates from `from` to `to`, both inclusive, in order; empty when `from > to`.
 * @throws RangeError on malformed dates or a range reaching outside 2000–2050.
 */
export const sessionsBetween: (from: string, to: string) => string[] = walk.sessionsBetween;

/**
 * The session on the Seoul calendar date of `instantMs` and where the instant
 * falls in it (the 2000 lunch break is phase `break`, not open); null when
 * that date has no session.
 * @throws RangeError for non-finite instants or dates outside 2000–2050.
 */
export function sessionAt(instantMs: number): KrxSessionAt | null {
  const session = sessionInfo(krxDateOf(instantMs));
  if (session === null) return null;
  const b = session.break;
  const phase =
    instantMs < session.open
      ? 'pre-open'
      : instantMs >= session.close
        ? 'closed'
        : b !== null && instantMs >= b.start && instantMs < b.end
          ? 'break'
          : 'open';
  return { session, isOpen: phase === 'open', phase };
}
