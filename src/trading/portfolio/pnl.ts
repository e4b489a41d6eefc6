import { z } from 'zod';
import { nextSession } from '../../engine/calendar/index.js';
import { pgInt, pgNumeric, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowOf, rowsOf } from '../../lib/sql-rows.js';
import { periodRange } from './period.js';
import type { SqlSession } from '../../adapters/db/port.js';
import { loadOpenPositions } from './positions.js';
import { num, numOr0, round6 } from './rows.js';
import { realizedNetBetween, type RealizedNet } from './realized-net.js';
import { orderFiledInWindowSql, tradeWindow } from './trade-date.js';
import type { EquityPoint, PnlPeriod, PnlReport, PositionsSnapshot, RealizedSummary } from './types.js';

export type { RealizedNet } from './realized-net.js';

/**
 * /pnl with the fees the books recorded: `realizedNet` gives, per currency,
 * the period's realized P&L before and after the fees of its fills (gross −
 * fees = net), and is absent when no fill of the period records a fee, so a
 * book without fees reports exactly what it always did. `realized.total` stays
 * gross, as before.
 */
export interface PnlReportWithFees extends PnlReport {
  realizedNet?: RealizedNet[];
}

/** An `equity_marks` row; the date formatted in SQL, the figures numeric. */
const MarkRow = z.object({ date: pgText, equity: pgNumeric, cash: pgNumeric, marked_at: pgTimestamp });
const MARKS_SQL = `SELECT to_char(date, 'YYYY-MM-DD') AS date, equity, cash, marked_at FROM equity_marks WHERE market = 'US' AND date BETWEEN $1::date AND $2::date ORDER BY date`;
const ANCHOR_SQL = `SELECT to_char(date, 'YYYY-MM-DD') AS date, equity, cash, marked_at FROM equity_marks WHERE market = 'US' AND date <= $1::date ORDER BY date DESC LIMIT 1`;
/** `sum(numeric)` is numeric (text); the counts are cast to int. */
const RealizedRow = z.object({ total: pgNumeric, trades: pgInt, wins: pgInt, losses: pgInt });
/** Σ qty × price over numeric prices: numeric (text). */
const FlowsRow = z.object({ net: pgNumeric });
const FLOWS_SQL = `SELECT COALESCE(sum(CASE WHEN side = 'sell' THEN qty * price ELSE -(qty * price) END), 0) AS net FROM fills WHERE filled_at > $1`;

/**
 * Closing orders filed under a date after `after`, through `through` (see
 * src/trading/portfolio/trade-date.ts).
 */
async function realizedBetween(db: SqlSession, after: string, through: string): Promise<RealizedSummary> {
  const r = await rowOf(
    db,
    RealizedRow,
    `SELECT COALESCE(sum(realized_pnl), 0) AS total, count(*)::int AS trades,
            count(*) FILTER (WHERE realized_pnl > 0)::int AS wins, count(*) FILTER (WHERE realized_pnl < 0)::int AS losses
       FROM orders o
      WHERE o.realized_pnl IS NOT NULL AND o.booked_at IS NOT NULL AND ${orderFiledInWindowSql('o', '$1', '$2')}`,
    [after, through],
  );
  return { total: round6(numOr0(r?.total)), trades: r?.trades ?? 0, wins: r?.wins ?? 0, losses: r?.losses ?? 0 };
}

/**
 * P&L for a period at `now`:
 * - realized: Σ `orders.realized_pnl` (gross of fees; `realizedNet` nets them
 *   per currency, see ./realized-net.ts) of orders filled in the period's
 *   sessions (a fill on a day without a session belongs to the next one, see
 *   ./trade-date.ts); on a weekend or holiday the fills since the last
 *   session are reported apart (`later`), under the next session;
 * - unrealized: now, over the open positions;
 * - equity: `equity_marks` from the baseline session through the last
 *   session, plus a live point for the last session when it has no mark yet.
 */
export async function loadPnl(db: SqlSession, period: PnlPeriod, now: Date): Promise<PnlReportWithFees> {
  const range = periodRange(period, now);
  const window = tradeWindow(range.from, range.to);
  const [realized, realizedNet, later, marks, positions] = await Promise.all([
    realizedBetween(db, window.after, window.through),
    realizedNetBetween(db, window.after, window.through),
    range.today > range.to ? realizedBetween(db, range.to, range.today) : Promise.resolve(null),
    rowsOf(db, MarkRow, MARKS_SQL, [range.baseline, range.to]),
    loadOpenPositions(db),
  ]);
  const points: EquityPoint[] = marks.map((m) => ({ date: m.date, equity: numOr0(m.equity), live: false }));
  if (points.at(-1)?.date !== range.to) {
    const live = await liveEquity(db, range.to, positions);
    if (live !== null) points.push({ date: range.to, equity: live, live: true });
  }
  const first = points[0];
  const last = points.at(-1);
  return {
    range,
    realized,
    ...(realizedNet.length > 0 ? { realizedNet } : {}),
    later: later && later.trades > 0 ? { ...later, session: nextSession(range.to) } : null,
    unrealized: {
      total: positions.totals.unrealizedPnl,
      positions: positions.totals.count,
      unpriced: positions.totals.unpriced,
      origins: positions.positions.flatMap((p) => (p.priceOrigin ? [p.priceOrigin] : [])),
    },
    equity: {
      points,
      change: first && last && points.length >= 2 ? round6(last.equity - first.equity) : null,
      since: first?.date ?? null,
    },
  };
}

/**
 * Equity now, for a session that has no mark yet: the cash of the latest
 * mark on or before it, moved by every fill since that mark (buys spend,
 * sells bring cash in), plus the open positions at current prices. Null when
 * nothing was ever marked: without a starting cash there is no equity to show.
 */
async function liveEquity(db: SqlSession, upTo: string, positions: PositionsSnapshot): Promise<number | null> {
  const a = await rowOf(db, MarkRow, ANCHOR_SQL, [upTo]);
  if (!a) return null;
  const flows = await rowOf(db, FlowsRow, FLOWS_SQL, [a.marked_at]);
  const cash = numOr0(a.cash) + (num(flows?.net) ?? 0);
  return round6(cash + positions.totals.marketValue);
}
