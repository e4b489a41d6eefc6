import { z } from 'zod';
import { marketCalendar } from '../../engine/market/session-day.js';
import { MARKET_IDS, MARKETS, type Market } from '../../engine/market/markets.js';
import { pgInt, pgNumeric, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowOf, rowsOf } from '../../lib/sql-rows.js';
import { periodRange } from './period.js';
import type { SqlSession } from '../../adapters/db/port.js';
import { loadOpenPositions, totalsOf } from './positions.js';
import { num, numOr0, round6 } from './rows.js';
import { realizedNetBetween } from './realized-net.js';
import { orderFiledInWindowSql, tradeWindow } from './trade-date.js';
import type { EquityPoint, MarketPnl, PnlPeriod, PnlReport, PositionsSnapshot, RealizedSummary } from './types.js';

export type { RealizedNet } from './realized-net.js';

/**
 * /pnl with the fees the books recorded (see {@link PnlReport.realizedNet});
 * the fields now live on PnlReport itself, this name stays for its callers.
 */
export type PnlReportWithFees = PnlReport;

/** An `equity_marks` row; the date formatted in SQL, the figures numeric. */
const MarkRow = z.object({ date: pgText, equity: pgNumeric, cash: pgNumeric, marked_at: pgTimestamp });
const MARKS_SQL = `SELECT to_char(date, 'YYYY-MM-DD') AS date, equity, cash, marked_at FROM equity_marks WHERE market = $3 AND date BETWEEN $1::date AND $2::date ORDER BY date`;
const ANCHOR_SQL = `SELECT to_char(date, 'YYYY-MM-DD') AS date, equity, cash, marked_at FROM equity_marks WHERE market = $2 AND date <= $1::date ORDER BY date DESC LIMIT 1`;
/** `sum(numeric)` is numeric (text); the counts are cast to int. */
const RealizedRow = z.object({ total: pgNumeric, trades: pgInt, wins: pgInt, losses: pgInt });
/** Σ qty × price over numeric prices: numeric (text). */
const FlowsRow = z.object({ net: pgNumeric });
const FLOWS_SQL = `SELECT COALESCE(sum(CASE WHEN side = 'sell' THEN qty * price ELSE -(qty * price) END), 0) AS net FROM fills WHERE filled_at > $1 AND market = $2`;

/**
 * Closing orders of `market` filed under a date after `after`, through
 * `through` (see src/trading/portfolio/trade-date.ts): one currency, so the
 * sum is an amount.
 */
async function realizedBetween(db: SqlSession, market: Market, after: string, through: string): Promise<RealizedSummary> {
  const r = await rowOf(
    db,
    RealizedRow,
    `SELECT COALESCE(sum(realized_pnl), 0) AS total, count(*)::int AS trades,
            count(*) FILTER (WHERE realized_pnl > 0)::int AS wins, count(*) FILTER (WHERE realized_pnl < 0)::int AS losses
       FROM orders o
      WHERE o.realized_pnl IS NOT NULL AND o.booked_at IS NOT NULL AND o.market = $3 AND ${orderFiledInWindowSql('o', '$1', '$2')}`,
    [after, through, market],
  );
  return { total: round6(numOr0(r?.total)), trades: r?.trades ?? 0, wins: r?.wins ?? 0, losses: r?.losses ?? 0 };
}

/**
 * P&L for a period at `now`, per market (issue 15): each market on its own
 * sessions (Seoul dates on KRX) and in its own currency, never summed across
 * currencies. The top level is the US book, as before markets; `markets` is
 * present when another market has something to report. Per market:
 * - realized: Σ `orders.realized_pnl` (gross of fees; `realizedNet` nets them,
 *   see ./realized-net.ts) of orders filled in the period's sessions (a fill on
 *   a day without a session belongs to the next one, see ./trade-date.ts); on a
 *   weekend or holiday the fills since the last session are reported apart
 *   (`later`), under the next session;
 * - unrealized: now, over the market's open positions;
 * - equity: the market's `equity_marks` from the baseline session through the
 *   last session, plus a live point for the last session when it has no mark yet.
 */
export async function loadPnl(db: SqlSession, period: PnlPeriod, now: Date): Promise<PnlReport> {
  const positions = await loadOpenPositions(db);
  const usRange = periodRange(period, now, 'US');
  const usWindow = tradeWindow(usRange.from, usRange.to, 'US');
  const [books, realizedNet] = await Promise.all([
    Promise.all(MARKET_IDS.map((m) => loadMarketPnl(db, m, period, now, positions))),
    realizedNetBetween(db, usWindow.after, usWindow.through, 'US'),
  ]);
  const us = books.find((b) => b.market === 'US')!;
  const markets = books.filter(hasData);
  return {
    range: us.range,
    realized: us.realized,
    later: us.later ?? null,
    unrealized: us.unrealized,
    equity: us.equity,
    ...(realizedNet.length > 0 ? { realizedNet } : {}),
    ...(markets.some((b) => b.market !== 'US') ? { markets } : {}),
  };
}

/** One market's figures for the period (see {@link loadPnl}). */
async function loadMarketPnl(db: SqlSession, market: Market, period: PnlPeriod, now: Date, all: PositionsSnapshot): Promise<MarketPnl> {
  const range = periodRange(period, now, market);
  const window = tradeWindow(range.from, range.to, market);
  const held = all.positions.filter((p) => (p.market ?? 'US') === market);
  const totals = totalsOf(held);
  const [realized, net, later, marks] = await Promise.all([
    realizedBetween(db, market, window.after, window.through),
    realizedNetBetween(db, window.after, window.through, market),
    range.today > range.to ? realizedBetween(db, market, range.to, range.today) : Promise.resolve(null),
    rowsOf(db, MarkRow, MARKS_SQL, [range.baseline, range.to, market]),
  ]);
  const points: EquityPoint[] = marks.map((m) => ({ date: m.date, equity: numOr0(m.equity), live: false }));
  if (points.at(-1)?.date !== range.to) {
    const live = await liveEquity(db, market, range.to, totals.marketValue);
    if (live !== null) points.push({ date: range.to, equity: live, live: true });
  }
  const first = points[0];
  const last = points.at(-1);
  const fees = net.find((n) => n.currency === MARKETS[market].currency);
  return {
    market,
    currency: MARKETS[market].currency,
    range,
    realized,
    ...(fees ? { realizedNet: fees } : {}),
    later: later && later.trades > 0 ? { ...later, session: marketCalendar(market).nextSession(range.to) } : null,
    unrealized: {
      total: totals.unrealizedPnl,
      positions: totals.count,
      unpriced: totals.unpriced,
      origins: held.flatMap((p) => (p.priceOrigin ? [p.priceOrigin] : [])),
    },
    equity: {
      points,
      change: first && last && points.length >= 2 ? round6(last.equity - first.equity) : null,
      since: first?.date ?? null,
    },
  };
}

/** Whether a market's report says anything: a trade, a fee, an open position or an equity point. */
function hasData(b: MarketPnl): boolean {
  return b.realized.trades > 0 || !!b.later || !!b.realizedNet || b.unrealized.positions > 0 || b.equity.points.length > 0;
}

/**
 * Equity now, for a session that has no mark yet: the cash of the market's
 * latest mark on or before it, moved by every fill of the market since that
 * mark (buys spend, sells bring cash in), plus the market's open positions at
 * current prices. Null when the market was never marked: without a starting
 * cash there is no equity to show.
 */
async function liveEquity(db: SqlSession, market: Market, upTo: string, marketValue: number): Promise<number | null> {
  const a = await rowOf(db, MarkRow, ANCHOR_SQL, [upTo, market]);
  if (!a) return null;
  const flows = await rowOf(db, FlowsRow, FLOWS_SQL, [a.marked_at, market]);
  const cash = numOr0(a.cash) + (num(flows?.net) ?? 0);
  return round6(cash + marketValue);
}
