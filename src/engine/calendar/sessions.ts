/**
 * Session queries on the NYSE/Nasdaq calendar (pure; every input is explicit).
 *
 * Dates are New York calendar dates as `YYYY-MM-DD`; instants are epoch ms.
 * Supported years are 2000–2050: any query whose answer depends on a day
 * outside that range throws RangeError instead of guessing.
 */
import { civilDate, formatDay, parseDay } from './days.js';
import { nyLocalParts } from './timezone.js';
import type { SessionAt, SessionInfo } from './types.js';
import { yearCalendar } from './year-calendar.js';

function infoForDay(day: number): SessionInfo | null {
  const y = yearCalendar(civilDate(day).year);
  return y.infos[day - y.firstDay] ?? null;
}

/**
 * True when the exchange holds a session on `date`.
 * @throws RangeError on a malformed date or one outside 2000–2050.
 */
export function isSession(date: string): boolean {
  return infoForDay(parseDay(date)) !== null;
}

/**
 * Open/close instants of the session on `date`, or null when closed
 * (weekend, holiday or special closure). Returned objects are frozen and shared.
 * @throws RangeError on a malformed date or one outside 2000–2050.
 */
export function sessionInfo(date: string): SessionInfo | null {
  return infoForDay(parseDay(date));
}

/**
 * The first session date strictly after `date` (which need not be a session).
 * @throws RangeError on a malformed date or when the answer would fall after 2050.
 */
export function nextSession(date: string): string {
  let day = parseDay(date) + 1;
  while (infoForDay(day) === null) day++;
  return formatDay(day);
}

/**
 * The last session date strictly before `date` (which need not be a session).
 * @throws RangeError on a malformed date or when the answer would fall before 2000.
 */
export function previousSession(date: string): string {
  let day = parseDay(date) - 1;
  while (infoForDay(day) === null) day--;
  return formatDay(day);
}

/**
 * Session dates from `from` to `to`, both inclusive, in order; empty when `from > to`.
 * @throws RangeError on malformed dates or a range reaching outside 2000–2050.
 */
export function sessionsBetween(from: string, to: string): string[] {
  const first = parseDay(from);
  const last = parseDay(to);
  const out: string[] = [];
  for (let day = first; day <= last; day++) {
    const info = infoForDay(day);
    if (info !== null) out.push(info.date);
  }
  return out;
}

/**
 * The session held on the New York calendar date of `instantMs`, and where
 * the instant falls in it; null when that date has no session. An instant
 * at 20:00 New York on a session day still maps to that day (phase `closed`),
 * and 00:30 maps to the new day (phase `pre-open`).
 * @throws RangeError for non-finite instants or dates outside 2000–2050.
 */
export function sessionAt(instantMs: number): SessionAt | null {
  const session = sessionInfo(nyLocalParts(instantMs).date);
  if (session === null) return null;
  const phase = instantMs < session.open ? 'pre-open' : instantMs < session.close ? 'open' : 'closed';
  return { session, isOpen: phase === 'open', phase };
}
