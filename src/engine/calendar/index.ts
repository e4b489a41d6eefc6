/**
 * NYSE/Nasdaq exchange calendar, computed from rules for 2000–2050.
 *
 * Pure: no I/O, no clock. Dates are New York `YYYY-MM-DD` strings, instants
 * are epoch milliseconds, and time-zone handling uses hand-written US DST
 * rules (see `timezone.ts`). Holiday rules: `holiday-rules.ts`; early-close
 * rules and their sources: `early-close-rules.ts`; one-off events:
 * `special-days.ts`.
 */
export type { EarlyClose, MarketHoliday, SessionAt, SessionInfo } from './types.js';
export {
  CALENDAR_FIRST_YEAR,
  CALENDAR_LAST_YEAR,
  REGULAR_CLOSE,
  REGULAR_OPEN,
  earlyClosesOf,
  holidaysOf,
  sessionsOf,
} from './year-calendar.js';
export { isSession, nextSession, previousSession, sessionAt, sessionInfo, sessionsBetween } from './sessions.js';
export { EARLY_CLOSE_TIME } from './early-close-rules.js';
export {
  EDT_OFFSET_MINUTES,
  EST_OFFSET_MINUTES,
  NY_TIME_ZONE,
  TZ_FIRST_YEAR,
  TZ_LAST_YEAR,
  dstPeriod,
  formatNyIso,
  nyDateOf,
  nyLocalParts,
  nyMidnightMs,
  nyOffsetMinutes,
  nyTimeToInstant,
  nyToday,
} from './timezone.js';
export type { DstPeriod, NyLocalParts } from './timezone.js';
export { easterSunday, goodFriday } from './easter.js';
