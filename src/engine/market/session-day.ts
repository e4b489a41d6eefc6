/**
 * A market's day: its exchange calendar, and the calendar date an instant falls on in the market's
 * own zone (KRX: Asia/Seoul, NYSE: America/New_York). Per-session keys — the daily budget, the
 * equity marks — are dated this way, so a KR order at 23:30Z counts against the next Seoul day while
 * a US order at the same instant still counts against the New York day. The caller passes the
 * instant (the engine reads no clock).
 */
import { EXCHANGE_CALENDARS, type ExchangeCalendar } from '../calendar/exchange.js';
import { marketDescriptor, type Market } from './markets.js';

/** The exchange calendar a market trades on. Throws a RangeError for an unknown market. */
export function marketCalendar(market: Market): ExchangeCalendar {
  return EXCHANGE_CALENDARS[marketDescriptor(market).mic];
}

/** The market-local calendar date (`YYYY-MM-DD`) of an instant (epoch ms). */
export function marketDayOf(market: Market, instantMs: number): string {
  return marketCalendar(market).dateOf(instantMs);
}
