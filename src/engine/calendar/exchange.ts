/**
 * A market-neutral view of an exchange calendar, so callers can pick the
 * calendar by market (`XNYS` for US symbols, `XKRX` for Korean ones) and ask
 * the same questions of either. The NYSE object wraps the existing NYSE
 * functions unchanged; the KRX object is the `krx/` module.
 */
import * as krx from './krx/index.js';
import { CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR, holidaysOf, sessionsOf } from './year-calendar.js';
import { isSession, nextSession, previousSession, sessionInfo, sessionsBetween } from './sessions.js';
import { NY_TIME_ZONE, formatNyIso, nyDateOf } from './timezone.js';
import type { ExchangeSession } from './exchange-session.js';
import type { MarketHoliday, SessionInfo } from './types.js';

export type { ExchangeSession, SessionBreak } from './exchange-session.js';

/** ISO 10383 market identifier codes of the supported exchanges. */
export type ExchangeId = 'XNYS' | 'XKRX';

/** The questions every exchange calendar answers. Dates are exchange-local `YYYY-MM-DD`. */
export interface ExchangeCalendar {
  readonly id: ExchangeId;
  /** IANA zone of the exchange. */
  readonly timeZone: string;
  readonly firstYear: number;
  readonly lastYear: number;
  isSession(date: string): boolean;
  sessionInfo(date: string): ExchangeSession | null;
  sessionsOf(year: number): readonly string[];
  holidaysOf(year: number): readonly MarketHoliday[];
  nextSession(date: string): string;
  previousSession(date: string): string;
  sessionsBetween(from: string, to: string): string[];
  /** ISO 8601 exchange-local time with offset. */
  formatIso(instantMs: number): string;
  /** Exchange-local calendar date of an instant. */
  dateOf(instantMs: number): string;
}

// NYSE infos are frozen and shared, so their widened copies can be shared too.
const widened = new WeakMap<SessionInfo, ExchangeSession>();

function widenNyse(info: SessionInfo | null): ExchangeSession | null {
  if (info === null) return null;
  let w = widened.get(info);
  if (w === undefined) {
    w = Object.freeze({ ...info, lateClose: false, break: null });
    widened.set(info, w);
  }
  return w;
}

/** The NYSE/Nasdaq calendar behind the shared interface. */
export const XNYS_CALENDAR: ExchangeCalendar = Object.freeze({
  id: 'XNYS',
  timeZone: NY_TIME_ZONE,
  firstYear: CALENDAR_FIRST_YEAR,
  lastYear: CALENDAR_LAST_YEAR,
  isSession,
  sessionInfo: (date: string) => widenNyse(sessionInfo(date)),
  sessionsOf,
  holidaysOf,
  nextSession,
  previousSession,
  sessionsBetween,
  formatIso: formatNyIso,
  dateOf: nyDateOf,
} as const);

/** The KRX calendar behind the shared interface. */
export const XKRX_CALENDAR: ExchangeCalendar = Object.freeze({
  id: 'XKRX',
  timeZone: krx.KRX_TIME_ZONE,
  firstYear: krx.KRX_FIRST_YEAR,
  lastYear: krx.KRX_LAST_YEAR,
  isSession: krx.isSession,
  sessionInfo: krx.sessionInfo,
  sessionsOf: krx.sessionsOf,
  holidaysOf: krx.holidaysOf,
  nextSession: krx.nextSession,
  previousSession: krx.previousSession,
  sessionsBetween: krx.sessionsBetween,
  formatIso: krx.formatKrxIso,
  dateOf: krx.krxDateOf,
} as const);

/** Every supported exchange calendar by id. */
export const EXCHANGE_CALENDARS: Readonly<Record<ExchangeId, ExchangeCalendar>> = Object.freeze({
  XNYS: XNYS_CALENDAR,
  XKRX: XKRX_CALENDAR,
});

/** The calendar of an exchange. */
export function exchangeCalendar(id: ExchangeId): ExchangeCalendar {
  return EXCHANGE_CALENDARS[id];
}
