import { exchangeCalendar, type ExchangeCalendar } from '../../engine/calendar/exchange.js';
import { minutesOfDay } from '../../engine/calendar/overrides.js';
import { overriddenCalendar, type CalendarOverridesPort } from './overrides-source.js';

/** A KRX day's regular session in minutes after Seoul midnight (the KIS adapter's `KrxHours` shape). */
export interface KrxDayHours {
  openMin: number;
  closeMin: number;
}

/**
 * The KRX session of a Seoul date (`YYYY-MM-DD`) with the run-time overrides
 * applied, for the KIS adapter's own session check (its `hours` option): a
 * day closed by `courtside calendar close --market krx` is null (closed), a
 * late open moves the open and with it the opening auction. Read through the
 * cached overrides reader, so a change acts within its TTL, without a restart.
 *
 * When the overrides cannot be read the answer is the rule calendar's, and
 * `onUnreadable` is told. That is the adapter's local check only, and exits
 * and flatten go through it too: blocking every KR sell for a database blip
 * would be worse than sending one KRX itself refuses on a day closed at run
 * time. New risk never relies on it: the entry gate refuses `calendar_unknown`
 * when the overrides cannot be read (src/trading/execution/new-risk-session.ts).
 */
export function krxSessionHoursWithOverrides(port: CalendarOverridesPort, onUnreadable: (err: unknown) => void = () => undefined): (kstDate: string) => Promise<KrxDayHours | null> {
  const rules = exchangeCalendar('XKRX');
  return async (kstDate) => {
    let cal: ExchangeCalendar;
    try {
      cal = await overriddenCalendar(port, 'XKRX');
    } catch (err) {
      onUnreadable(err);
      cal = rules;
    }
    return dayHours(cal, kstDate);
  };
}

/** The session of `date` in Seoul minutes; null on a closed day and outside the calendar's years. */
function dayHours(cal: ExchangeCalendar, date: string): KrxDayHours | null {
  let s;
  try {
    s = cal.sessionInfo(date);
  } catch (err) {
    // Outside the calendar's years: no session anyone can vouch for.
    if (err instanceof RangeError) return null;
    throw err;
  }
  if (s === null) return null;
  const open = minutesOfDay(cal.formatIso(s.open).slice(11, 16));
  const close = minutesOfDay(cal.formatIso(s.close).slice(11, 16));
  return open === null || close === null ? null : { openMin: open, closeMin: close };
}
