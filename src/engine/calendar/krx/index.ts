/**
 * KRX (Korea Exchange: KOSPI/KOSDAQ regular market) calendar, computed from
 * rules for 2000–2050 (DESIGN §8). Pure: no I/O, no clock. Dates are Seoul
 * `YYYY-MM-DD`, instants epoch ms; Seoul is UTC+09:00 all year.
 * Holiday rules: `holiday-rules.ts`; hours: `hours.ts`; ad hoc closures and
 * CSAT days with sources: `special-days.ts`; lunar dates: the generated
 * `lunar-table.ts`.
 */
export type { KrxBreak, KrxSessionAt, KrxSessionInfo } from './types.js';
export { KRX_FIRST_YEAR, KRX_LAST_YEAR, holidaysOf, sessionsOf } from './year-calendar.js';
export { isSession, nextSession, previousSession, sessionAt, sessionInfo, sessionsBetween } from './sessions.js';
export {
  KRX_LATE_OPEN,
  KRX_REGULAR_CLOSE,
  KRX_REGULAR_CLOSE_BEFORE_2016_08,
  KRX_REGULAR_OPEN,
  projectedCsatDay,
} from './hours.js';
export { KRX_CSAT_DAYS, KRX_HOLIDAY_PAGE, KRX_SPECIAL_CLOSURES } from './special-days.js';
export type { KrxSpecialClosure } from './special-days.js';
export {
  KRX_TIME_ZONE,
  KST_OFFSET_MINUTES,
  formatKrxIso,
  krxDateOf,
  krxTimeToInstant,
  krxToday,
} from './timezone.js';
