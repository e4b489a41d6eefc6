/**
 * The one rule for which session a trade is filed under (issue 13, item 8),
 * used by /pnl, the close digest and mark-to-market so that the three always
 * agree:
 *
 * - a trade is filed under the date of its fill in its market's zone (New
 *   York for US orders, Seoul for KR ones, issue 15): an order by its last
 *   fill, or by its booking time when it has no fill; after-hours on Friday is
 *   Friday's; a KR fill at 23:30Z is the next Seoul day's;
 * - a fill on a day without a session of its market (a weekend, a holiday) is
 *   filed under the NEXT session, never the one before: nothing a Saturday did
 *   can change Friday's figures after Friday's digest was sent.
 *
 * The rule lives in two halves that only make sense together:
 * {@link tradeWindow} says which calendar dates a run of one market's sessions
 * files (everything after the previous session, through the last one), and
 * {@link filedInWindowSql} / {@link orderFiledInWindowSql} compute a trade's
 * date in SQL and test it against that window. A window and the trades tested
 * against it must be of the same market: a caller mixing markets in one query
 * files each order by its own zone, but against one calendar's window.
 */
import { marketCalendar } from '../../engine/market/session-day.js';
import { MARKET_IDS, MARKETS, type Market } from '../../engine/market/markets.js';

/** The zone whose calendar dates US trades (and fills without a known market) are filed by. */
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
 * of `market` (default: the one session `from`, of the US market): every date
 * after the market's session before `from`, through `to`. For Monday Dec 7,
 * 2026 that is Sat 5, Sun 6 and Mon 7 in both markets; for KRX's Mon Jan 4,
 * 2027 it is Dec 31 (KRX's year-end closing) through Jan 4. A `from` that is
 * not a session, or outside the calendar, files from itself: `after` is the
 * calendar day before it.
 */
export function tradeWindow(from: string, to: string = from, market: Market = 'US'): TradeWindow {
  const calendar = marketCalendar(market);
  try {
    if (calendar.isSession(from)) return { after: calendar.previousSession(from), through: to };
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
 * SQL: the zone of the market in the `market` column expression, e.g.
 * `o.market` → `CASE o.market WHEN 'KR' THEN 'Asia/Seoul' … END` (New York for
 * anything else, as every row was before markets).
 */
export function marketZoneSql(market: string): string {
  const other = MARKET_IDS.filter((m) => MARKETS[m].timeZone !== TRADE_ZONE);
  return `(CASE ${market} ${other.map((m) => `WHEN '${m}' THEN '${MARKETS[m].timeZone}'`).join(' ')} ELSE '${TRADE_ZONE}' END)`;
}

/**
 * SQL predicate: the trade at `instant` (a timestamptz expression) is filed
 * under the {@link TradeWindow} given by the placeholders `after` and
 * `through` (e.g. `'$1'`, `'$2'`), its date taken in `zone` (an SQL text
 * expression; default New York).
 */
export function filedInWindowSql(instant: string, after: string, through: string, zone = `'${TRADE_ZONE}'`): string {
  const date = `(${instant} AT TIME ZONE ${zone})::date`;
  return `${date} > ${after}::date AND ${date} <= ${through}::date`;
}

/**
 * SQL predicate: the order aliased `order` is filed under the window
 * (`after`, `through`], dated in its own market's zone; see
 * {@link orderTradeInstantSql}.
 */
export function orderFiledInWindowSql(order: string, after: string, through: string): string {
  return filedInWindowSql(orderTradeInstantSql(order), after, through, marketZoneSql(`${order}.market`));
}

function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}
