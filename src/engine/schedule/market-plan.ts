/**
 * Where a slot table is planned: one market's sessions on its exchange's clock.
 * A US table runs on NYSE sessions in New York time, a KR table on KRX sessions
 * in Seoul time; the planner (plan.ts) takes one of these, so each market's
 * slots follow its own holidays, late opens and run-time overrides. Pure.
 */
import { exchangeCalendar, type ExchangeCalendar } from '../calendar/exchange.js';
import { nyDateOf, nyTimeToInstant, sessionInfo, type SessionInfo } from '../calendar/index.js';
import { krxDateOf, krxTimeToInstant } from '../calendar/krx/index.js';
import { MARKETS, type Market } from '../market/markets.js';

/** A day's session, or null when none: the rule calendar's, or one with run-time overrides applied. */
export type SessionLookup = (date: string) => SessionInfo | null;

/** The wall clock slot times are written in (an exchange's local time). */
export interface SlotZone {
  /** IANA name, for logs. */
  readonly timeZone: string;
  /** The local calendar date (`YYYY-MM-DD`) of an instant. */
  dateOf(instantMs: number): string;
  /** The instant of local `HH:MM` on `date`. */
  timeToInstant(date: string, hhmm: string): number;
}

/** New York: the US slots' clock. */
export const NEW_YORK_ZONE: SlotZone = Object.freeze({ timeZone: MARKETS.US.timeZone, dateOf: nyDateOf, timeToInstant: nyTimeToInstant });
/** Seoul (UTC+09:00 all year): the KR slots' clock. */
export const SEOUL_ZONE: SlotZone = Object.freeze({ timeZone: MARKETS.KR.timeZone, dateOf: krxDateOf, timeToInstant: krxTimeToInstant });

/** One market's planning context. */
export interface MarketPlan {
  readonly market: Market;
  readonly zone: SlotZone;
  /** The sessions slots run on (overrides applied when the caller has them). */
  readonly sessionOf: SessionLookup;
  /** The rule calendar: which session closes a week (the weekly review). */
  readonly calendar: ExchangeCalendar;
}

const ZONES: Readonly<Record<Market, SlotZone>> = Object.freeze({ US: NEW_YORK_ZONE, KR: SEOUL_ZONE });

/**
 * The US rule sessions are NYSE's own `sessionInfo` (not the calendar's widened
 * copy), so US occurrences carry exactly the session objects they always did.
 */
const RULE_SESSIONS: Readonly<Record<Market, SessionLookup>> = Object.freeze({
  US: sessionInfo,
  KR: (date: string) => exchangeCalendar(MARKETS.KR.mic).sessionInfo(date),
});

/** The plan of `market` on its exchange's rule calendar, or on `sessionOf` (e.g. with run-time overrides). */
export function marketPlan(market: Market, sessionOf?: SessionLookup): MarketPlan {
  return { market, zone: ZONES[market], sessionOf: sessionOf ?? RULE_SESSIONS[market], calendar: exchangeCalendar(MARKETS[market].mic) };
}

/** The US plan on the NYSE rule calendar: what the planner uses when given nothing. */
export const US_RULE_PLAN: MarketPlan = Object.freeze(marketPlan('US'));
