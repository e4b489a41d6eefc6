import { marketCalendar } from '../../engine/market/session-day.js';
import type { Market } from '../../engine/market/markets.js';
import type { PeriodRange, PnlPeriod } from './types.js';

/**
 * Sessions per period. Rolling, not calendar-to-date: "week" on a Monday
 * still shows a week of history, so the equity chart always has a shape and
 * the numbers mean the same thing whatever day it is.
 */
export const PERIOD_SESSIONS: Readonly<Record<PnlPeriod, number>> = { day: 1, week: 5, month: 21 };

/**
 * The sessions of `market` (default US: New York dates, the NYSE calendar;
 * KR: Seoul dates, the KRX calendar) a /pnl period covers at `now`: the last
 * {@link PERIOD_SESSIONS} sessions ending with the latest one on or before
 * the market's today (so on a Saturday "day" is Friday), and the session
 * before them as the equity baseline. Trades are filed by the session of
 * their fill (./trade-date.ts): a Saturday fill is not Friday's.
 * @throws RangeError outside the exchange calendar's years.
 */
export function periodRange(period: PnlPeriod, now: Date, market: Market = 'US'): PeriodRange {
  const calendar = marketCalendar(market);
  const today = calendar.dateOf(now.getTime());
  const to = calendar.isSession(today) ? today : calendar.previousSession(today);
  let from = to;
  for (let i = 1; i < PERIOD_SESSIONS[period]; i++) from = calendar.previousSession(from);
  return { period, from, to, today, baseline: calendar.previousSession(from), sessions: PERIOD_SESSIONS[period] };
}
