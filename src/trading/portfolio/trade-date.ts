/**
 * The one rule for which session a trade is filed under (issue 13, item 8),
 * used by /pnl, the close digest and mark-to-market so that the three always
 * agree:
 *
 * - a trade is filed under the date of its fill in its market's zone (New
 *   York): an order by its last fill, or by its booking time when it has no
 *   fill; after-hours on Friday is Friday's;
 * - a fill on a day without a session (a weekend, a holiday) is filed under
 *   the NEXT session, never the one before: nothing a Saturday did can change
 *   Friday's figures after Friday's digest was sent.
 *
 * The rule lives in two halves that only make sense together:
 * {@link tradeWindow} says which calendar dates a run of sessions files
 * (everything after the previous session, through the last one), and
 * {@link filedInWindowSql} / {@link orderFiledInWindowSql} compute a trade's
 * date in SQL and test it against that window.
 */
import { isSession, previousSession } from '../../engine/calendar/index.js';

/** The zone whose calendar dates trades are filed by (every market we trade is a US one). */
export const TRADE_ZONE = 'America/New_York';

/**
 * The calendar dates filed under a run of sessions: every date after `after`,
 * through `through` (query with `date > after AND date <= through`).
 */
export interface TradeWindow {
  /** The last date NOT in the window: the session before `from`. */
  after: string;
  /** The last date in the window: `to`. */
  through: string;
}

/**
 * The calendar dates whose trades are filed under the sessions `from`..`to`
 * (default: the one session `from`): every date after the session before
 * `from`, through `to`. For Monday Dec 7, 2026 that is Sat 5, Sun 6 and Mon 7.
 * A `from` that is not a session, or outside the calendar (2000–2050), files
 * from itself: `after` is the calendar day before it.
 */
export function tradeWindow(from: string, to: string = from): TradeWindow {
  try {
    if (isSession(from)) return { after: previousSession(from), through: to };
  } catch {
    // A malformed date or one outside the calendar: it can only file itself.
  }
  return { after: dayBefore(from), through: to };
}

/**
 * SQL: the instant an order is filed by — its last fill, or its booking time
 * when it has none. `order` is the alias of `orders` in the query.
 */
export function orderTradeInstantSql(order = 'o'): string {
  return `COALESCE((SELECT max(f.filled_at) FROM fills f WHERE f.order_id = ${order}.id), ${order}.booked_at)`;
}

/**
 * SQL predicate: the trade at `instant` (a timestamptz expression) is filed
 * under the {@link TradeWindow} given by the placeholders `after` and
 * `through` (e.g. `'$1'`, `'$2'`).
 */
export function filedInWindowSql(instant: string, after: string, through: string): string {
  const date = `(${instant} AT TIME ZONE '${TRADE_ZONE}')::date`;
  return `${date} > ${after}::date AND ${date} <= ${through}::date`;
}

/** SQL predicate: the order aliased `order` is filed under the window (`after`, `through`]; see {@link orderTradeInstantSql}. */
export function orderFiledInWindowSql(order: string, after: string, through: string): string {
  return filedInWindowSql(orderTradeInstantSql(order), after, through);
}

function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}
