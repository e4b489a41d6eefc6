import { isSession, nyLocalParts, previousSession } from '../../engine/calendar/index.js';
import type { PeriodRange, PnlPeriod } from './types.js';

/**
 * Sessions per period. Rolling, not calendar-to-date: "week" on a Monday
 * still shows a week of history, so the equity chart always has a shape and
 * the numbers mean the same thing whatever day it is.
 */
export const PERIOD_SESSIONS: Readonly<Record<PnlPeriod, number>> = { day: 1, week: 5, month: 21 };

/**
 * The New York sessions a /pnl period covers at `now`: the last
 * {@link PERIOD_SESSIONS} sessions ending with the latest one on or before
 * today (so on a Saturday "day" is Friday), and the session before them as
 * the equity baseline. Trades are filed by the session of their fill
 * (./trade-date.ts): a Saturday fill is not Friday's.
 * @throws RangeError outside the exchange calendar's 2000–2050.
 */
export function periodRange(period: PnlPeriod, now: Date): PeriodRange {
  const today = nyLocalParts(now.getTime()).date;
  const to = isSession(today) ? today : previousSession(today);
  let from = to;
  for (let i = 1; i < PERIOD_SESSIONS[period]; i++) from = previousSession(from);
  return { period, from, to, today, baseline: previousSession(from), sessions: PERIOD_SESSIONS[period] };
}
