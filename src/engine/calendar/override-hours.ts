/**
 * The order path's market hours with run-time overrides applied: a closed day
 * is not open at any instant, a late-open day opens at its override time.
 * Pure (the overrides are handed in; src/trading/calendar reads them).
 */
import type { MarketHours } from '../market-hours.js';
import type { ExchangeCalendar } from './exchange.js';
import { withOverrides, type CalendarOverride } from './overrides.js';

/**
 * `base` judged on `calendar` with `overrides` applied. `base` itself comes back
 * when no override applies, and for hours that are not the exchange's
 * (`always`: tests of the fill path, which no calendar change may close).
 */
export function hoursWithOverrides(base: MarketHours, calendar: ExchangeCalendar, overrides: readonly CalendarOverride[]): MarketHours {
  if (base.name !== 'exchange') return base;
  const cal = withOverrides(calendar, overrides);
  if (cal === calendar) return base;
  return {
    name: base.name,
    isOpen(nowMs) {
      const s = cal.sessionInfo(cal.dateOf(nowMs));
      if (s === null || nowMs < s.open || nowMs >= s.close) return false;
      return s.break === null || nowMs < s.break.start || nowMs >= s.break.end;
    },
    nextOpen(nowMs) {
      const date = cal.dateOf(nowMs);
      const today = cal.sessionInfo(date);
      if (today !== null && nowMs < today.open) return today;
      try {
        return cal.sessionInfo(cal.nextSession(date));
      } catch (err) {
        // Beyond the calendar's last year: no next open to name (as EXCHANGE_HOURS says).
        if (err instanceof RangeError) return null;
        throw err;
      }
    },
  };
}
