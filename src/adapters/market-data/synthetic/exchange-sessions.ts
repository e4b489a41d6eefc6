import { XNYS_CALENDAR, type ExchangeCalendar } from '../../../engine/calendar/exchange.js';
import { isIsoDate } from '../../../lib/dates.js';

/**
 * The last `count` sessions of `calendar` up to and including `endDate`,
 * oldest first: the dates synthetic DEMO bars are generated on, so no DEMO
 * bar falls on a weekend, an exchange holiday or a special closure, and a
 * full calendar year holds exactly the calendar's session count.
 *
 * The calendar defaults to NYSE (generator v2 of the US DEMO universe; the
 * NYSE object wraps the same functions this used before it took a calendar,
 * so US DEMO dates are unchanged). Pass `XKRX_CALENDAR` for the KR DEMO ETFs.
 *
 * @throws RangeError on a malformed date, or when the history would reach
 *   before the calendar's first year (2000 for both exchanges)
 */
export function exchangeSessions(endDate: string, count: number, calendar: ExchangeCalendar = XNYS_CALENDAR): string[] {
  if (!isIsoDate(endDate)) throw new RangeError(`endDate "${endDate}" is not a YYYY-MM-DD date`);
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  const out: string[] = [];
  // Walk whole years backwards: each year's session list is computed once and shared.
  for (let year = Number(endDate.slice(0, 4)); out.length < count; year--) {
    if (year < calendar.firstYear) {
      throw new RangeError(`${count} ${calendar.id} sessions up to ${endDate} reach before ${calendar.firstYear}, where the exchange calendar starts; ask for fewer sessions or a later end date`);
    }
    const sessions = calendar.sessionsOf(year);
    for (let i = sessions.length - 1; i >= 0 && out.length < count; i--) if (sessions[i]! <= endDate) out.push(sessions[i]!);
  }
  return out.reverse();
}
