/**
 * The KRX regular session as the order path's {@link MarketHours}: what the KR
 * paper book (and anything else that trades KRX codes) asks before an order can
 * execute. The KRX counterpart of EXCHANGE_HOURS and marketHoursFor in
 * ./market-hours.ts; the instant is always handed in (no clock here).
 */
import { XKRX_CALENDAR, type ExchangeCalendar } from './calendar/exchange.js';
import { withOverrides, type CalendarOverride } from './calendar/overrides.js';
import type { MarketHours } from './market-hours.js';

/**
 * The sessions of `calendar` as MarketHours: open from the open to the close
 * of the instant's exchange-local day, outside a midday break. Beyond the
 * calendar's years it is closed with no next open, as EXCHANGE_HOURS is.
 */
export function calendarHours(calendar: ExchangeCalendar): MarketHours {
  return {
    name: 'exchange',
    isOpen(nowMs) {
      const s = sessionOf(calendar, calendar.dateOf(nowMs));
      if (s === null || nowMs < s.open || nowMs >= s.close) return false;
      return s.break === null || nowMs < s.break.start || nowMs >= s.break.end;
    },
    nextOpen(nowMs) {
      const date = calendar.dateOf(nowMs);
      const today = sessionOf(calendar, date);
      if (today !== null && nowMs < today.open) return today;
      try {
        return calendar.sessionInfo(calendar.nextSession(date));
      } catch (err) {
        if (err instanceof RangeError) return null;
        throw err;
      }
    },
  };
}

/** The session on `date`, null on a non-session day and outside the calendar's years (it throws RangeError there). */
function sessionOf(calendar: ExchangeCalendar, date: string) {
  try {
    return calendar.sessionInfo(date);
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}

/** The KRX regular sessions (09:00–15:30 Seoul; holidays, late opens and CSAT days included). */
export const KRX_HOURS: MarketHours = calendarHours(XKRX_CALENDAR);

/**
 * Always open, for tests of the KR fill path only (never a production
 * setting). Its next open is KRX's, not New York's as ALWAYS_OPEN's is.
 */
export const KRX_ALWAYS_OPEN: MarketHours = {
  name: 'always',
  isOpen: () => true,
  nextOpen: (nowMs) => KRX_HOURS.nextOpen(nowMs),
};

/**
 * The KRX hours a configuration asks for, read the way marketHoursFor reads
 * it (`market.hours` = `always` → {@link KRX_ALWAYS_OPEN}, anything else the
 * KRX sessions), so one setting switches both markets' hours for tests.
 * Run-time calendar overrides apply on top with hoursWithOverrides(KRX_HOURS,
 * XKRX_CALENDAR, overrides), as for NYSE.
 */
export function krxMarketHoursFor(config: object): MarketHours {
  const market = 'market' in config ? config.market : undefined;
  const hours = typeof market === 'object' && market !== null && 'hours' in market ? market.hours : undefined;
  return hours === 'always' ? KRX_ALWAYS_OPEN : KRX_HOURS;
}

/** KRX's closing single-price auction: the last 10 minutes of each day's session (15:20–15:30). */
const CLOSING_AUCTION_MS = 10 * 60_000;

/**
 * When an IOC order can be sent to KRX on `calendar` (the rule calendar, or it
 * with run-time overrides applied): the continuous session only, from the open
 * to 10 minutes before the close. The single-price auctions take no IOC orders
 * (KIS refuses them), so the order path treats them as closed; the opening
 * auction is before the open and already closed by the calendar's session.
 */
export function krxIocHours(calendar: ExchangeCalendar): MarketHours {
  const session = calendarHours(calendar);
  return {
    name: 'exchange',
    isOpen(nowMs) {
      if (!session.isOpen(nowMs)) return false;
      const s = sessionOf(calendar, calendar.dateOf(nowMs));
      return s !== null && nowMs < s.close - CLOSING_AUCTION_MS;
    },
    nextOpen: (nowMs) => session.nextOpen(nowMs),
  };
}

/** KRX's continuous session on the rule calendar (see {@link krxIocHours}). */
export const KRX_IOC_HOURS: MarketHours = krxIocHours(XKRX_CALENDAR);

/**
 * `base` (KRX order hours) with run-time calendar overrides applied: a closed day
 * is never open, a late-open day opens (and its queue window moves) at the
 * override's time. Hours that are not the exchange's (always open: tests of the
 * fill path) and an empty list give `base` back unchanged.
 */
export function krxHoursWithOverrides(base: MarketHours, overrides: readonly CalendarOverride[]): MarketHours {
  if (base.name !== 'exchange') return base;
  const cal = withOverrides(XKRX_CALENDAR, overrides);
  return cal === XKRX_CALENDAR ? base : krxIocHours(cal);
}

/** {@link krxMarketHoursFor} for the order path: {@link KRX_IOC_HOURS} (or always open for tests). */
export function krxOrderHoursFor(config: object): MarketHours {
  const hours = krxMarketHoursFor(config);
  return hours === KRX_ALWAYS_OPEN ? hours : KRX_IOC_HOURS;
}
