import { CALENDAR_FIRST_YEAR, sessionsOf } from '../../../engine/calendar/index.js';
import { isIsoDate } from '../../../lib/dates.js';

/**
 * The last `count` NYSE sessions up to and including `endDate`, oldest first:
 * the dates synthetic DEMO bars are generated on (generator v2), so no DEMO
 * bar falls on a weekend, an exchange holiday or a special closure, and a
 * full calendar year holds exactly the calendar's session count.
 *
 * @throws RangeError on a malformed date, or when the history would reach
 *   before the calendar's first year (2000)
 */
export function exchangeSessions(endDate: string, count: number): string[] {
  if (!isIsoDate(endDate)) throw new RangeError(`endDate "${endDate}" is not a YYYY-MM-DD date`);
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  const out: string[] = [];
  // Walk whole years backwards: each year's session list is computed once and shared.
  for (let year = Number(endDate.slice(0, 4)); out.length < count; year--) {
    if (year < CALENDAR_FIRST_YEAR) throw new RangeError(`${count} sessions up to ${endDate} reach before ${CALENDAR_FIRST_YEAR}, where the exchange calendar starts`);
    const sessions = sessionsOf(year);
    for (let i = sessions.length - 1; i >= 0 && out.length < count; i--) if (sessions[i]! <= endDate) out.push(sessions[i]!);
  }
  return out.reverse();
}
