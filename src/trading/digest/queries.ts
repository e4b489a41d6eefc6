/**
 * The SQL behind the digests. Every query is read-only and bounded; numerics
 * come back as float8 and dates as `YYYY-MM-DD` text. "Today" is the New York
 * calendar date of the session (`sessionDate`).
 *
 * Every query reads one market's book (`market`, default US: the callers of
 * before markets get the US book unchanged). For KR, "today" is the Seoul
 * date of the KRX session and dates are taken in Asia/Seoul.
 */
import { nyLocalParts } from '../../engine/calendar/index.js';
import { MARKETS, marketDescriptor, type Market } from '../../engine/market/markets.js';
import { marketCalendar, marketDayOf } from '../../engine/market/session-day.js';
import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgBool, pgInt, pgJson, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';
import { ALERT_SEVERITIES } from '../alerts/alerts.js';
import { parseAlertDetail } from '../alerts/details.js';
import { storedReason } from '../execution/recorded-reasons.js';
import { filedInWindowSql, orderFiledInWindowSql, tradeWindow } from '../portfolio/trade-date.js';
import { originOf, type MarkOrigin } from '../portfolio/mark-source.js';
import { round6 } from '../../lib/numbers.js';
import { alertToFailure, positionLine, slippage, type DatedPrice, type PositionFill } from './compute.js';
import type { AlertLine, BudgetLine, ClosePnl, EquityCurve, ExitLine, ExitReason, FailureLine, FillLine, OpenApproval, PendingPick, PositionLine, SourceFreshness, BenchmarkLine } from './types.js';

const NY = `'America/New_York'`;

/**
 * The market as an SQL literal (`'US'`, `'KR'`). Checked against the known
 * markets first, so interpolating it cannot inject anything; keeping it a
 * literal leaves the US statements exactly as they were before markets.
 */
function marketSql(market: Market): string {
  return `'${marketDescriptor(market).market}'`;
}

/** The market's zone as an SQL literal: New York for US (as before markets), Seoul for KR. */
function zoneSql(market: Market): string {
  return market === 'US' ? NY : `'${MARKETS[market].timeZone}'`;
}

/** The market-local date of an instant: the New York date for US, the Seoul date for KR. */
function localDate(market: Market, at: Date): string {
  return market === 'US' ? nyLocalParts(at.getTime()).date : marketDayOf(market, at.getTime());
}

const Side = z.enum(['buy', 'sell']);
const OrderKind = z.enum(['entry', 'exit']);
const ExitReasonColumn = z.enum(['stop', 'time_stop', 'target', 'flatten', 'close']) satisfies z.ZodType<ExitReason>;

const DemoRow = z.object({ demo: pgBool });

/** True when the bars store holds any synthetic (DEMO) data of the market: each digest reports one market's book (default US). */
export async function hasDemoData(db: SqlSession, market: Market = 'US'): Promise<boolean> {
  const r = await rowsOf(db, DemoRow, `SELECT EXISTS (SELECT 1 FROM bar_symbols WHERE demo AND market = ${marketSql(market)}) AS demo`);
  return Boolean(r[0]?.demo);
}

const PositionRow = z.object({
  symbol: pgText,
  strategy: pgText,
  qty: pgInt,
  avg_cost: pgInt,
  stop: pgInt.nullable(),
  time_stop_date: pgText.nullable(),
  last_price: pgInt.nullable(),
  last_price_at: pgTimestamp.nullable(),
  last_price_source: pgText.nullable(),
  opened_at: pgTimestamp,
});
const PositionMarkRow = z.object({ date: pgText, symbol: pgText, strategy: pgText, price: pgInt, price_source: pgText.nullable(), price_at: pgTimestamp.nullable() });
const BarCloseBySymbolRow = z.object({ date: pgText, symbol: pgText, close: pgInt });
const PositionFillRow = z.object({ symbol: pgText, strategy: pgText, side: Side, qty: pgInt, price: pgInt, at: pgTimestamp });

/** Open positions with their latest price and the move since the close before it (unsorted). */
export async function loadPositions(db: SqlSession, sessionDate: string, market: Market = 'US'): Promise<PositionLine[]> {
  const rows = await rowsOf(
    db,
    PositionRow,
    `SELECT symbol, strategy, qty, avg_cost::float8 AS avg_cost, stop::float8 AS stop, to_char(time_stop_date, 'YYYY-MM-DD') AS time_stop_date,
            last_price::float8 AS last_price, last_price_at, last_price_source, opened_at
       FROM positions WHERE qty > 0 AND market = ${marketSql(market)} ORDER BY symbol, strategy`,
  );
  if (rows.length === 0) return [];
  const symbols = [...new Set(rows.map((r) => r.symbol))];
  // Six weeks back covers any long weekend or missed mark.
  const marks = await rowsOf(
    db,
    PositionMarkRow,
    `SELECT to_char(date, 'YYYY-MM-DD') AS date, symbol, strategy, price::float8 AS price, price_source, price_at
       FROM position_marks WHERE symbol = ANY($2) AND date <= $1::date AND date > $1::date - 42`,
    [sessionDate, symbols],
  );
  const bars = await rowsOf(
    db,
    BarCloseBySymbolRow,
    `SELECT to_char(date, 'YYYY-MM-DD') AS date, symbol, close FROM bars_daily WHERE symbol = ANY($2) AND date <= $1::date AND date > $1::date - 42`,
    [sessionDate, symbols],
  );
  // The positions' own fills since the oldest reference the lines can use: shares bought after a close count from their fill.
  const fills = await rowsOf(
    db,
    PositionFillRow,
    `SELECT o.symbol, o.strategy, f.side, f.qty, f.price::float8 AS price, f.filled_at AS at
       FROM fills f JOIN orders o ON o.id = f.order_id
      WHERE o.symbol = ANY($2) AND (f.filled_at AT TIME ZONE ${zoneSql(market)})::date > $1::date - 42`,
    [sessionDate, symbols],
  );
  return rows.map((r) => {
    const m: DatedPrice[] = marks
      .filter((x) => x.symbol === r.symbol && x.strategy === r.strategy)
      .map((x) => ({ date: x.date, price: x.price, ...(x.price_source === null ? {} : { origin: storedOrigin(x.price_source, x.price_at, x.date, market) }) }));
    const b: DatedPrice[] = bars.filter((x) => x.symbol === r.symbol).map((x) => ({ date: x.date, price: x.close }));
    const f: PositionFill[] = fills.filter((x) => x.symbol === r.symbol && x.strategy === r.strategy).map((x) => ({ at: x.at.getTime(), side: x.side, qty: x.qty, price: x.price }));
    return positionLine(
      {
        symbol: r.symbol,
        strategy: r.strategy,
        qty: r.qty,
        avgCost: r.avg_cost,
        stop: r.stop,
        timeStopDate: r.time_stop_date,
        lastPrice: r.last_price,
        lastPriceDate: r.last_price_at ? localDate(market, r.last_price_at) : null,
        lastPriceOrigin: r.last_price_source === null ? null : storedOrigin(r.last_price_source, r.last_price_at, null, market),
        openedAt: r.opened_at.getTime(),
      },
      m,
      b,
      sessionDate,
      f,
      market,
    );
  });
}

/** The origin of a stored price: its source word, the instant it belongs to (its market-local date names a close), else `date`. */
function storedOrigin(source: string | null, at: Date | null, date: string | null, market: Market = 'US'): MarkOrigin {
  return originOf(source, at, at ? localDate(market, at) : date);
}

const PendingPickRow = z.object({ id: pgText, symbol: pgText, strategy: pgText, qty: pgInt, entry: pgInt, expires_at: pgTimestamp });

/** The market's picks still waiting for a decision, soonest expiry first. */
export async function loadPendingPicks(db: SqlSession, now: Date, market: Market = 'US'): Promise<PendingPick[]> {
  const rows = await rowsOf(
    db,
    PendingPickRow,
    `SELECT id, symbol, strategy, qty, entry, expires_at FROM picks WHERE market = ${marketSql(market)} AND state = 'PENDING' AND expires_at > $1 ORDER BY expires_at, score DESC, id LIMIT 50`,
    [now],
  );
  return rows.map((r) => ({ id: r.id, symbol: r.symbol, strategy: r.strategy, qty: r.qty, entry: r.entry, expiresAt: r.expires_at }));
}

const OpenApprovalRow = z.object({ id: pgText, pick_id: pgText, symbol: pgText, strategy: pgText, qty: pgInt, state: pgText, expires_at: pgTimestamp });

/** Approved picks whose order is not placed or finished yet (and may still be), soonest expiry first. */
export async function loadOpenApprovals(db: SqlSession, now: Date, market: Market = 'US'): Promise<OpenApproval[]> {
  const rows = await rowsOf(
    db,
    OpenApprovalRow,
    `SELECT a.id, a.pick_id, p.symbol, p.strategy, p.qty, a.state, a.expires_at
       FROM approvals a JOIN picks p ON p.id = a.pick_id
      WHERE p.market = ${marketSql(market)} AND a.state IN ('approved', 'executing') AND a.expires_at > $1
      ORDER BY a.expires_at, a.id LIMIT 50`,
    [now],
  );
  return rows.map((r) => ({ id: r.id, pickId: r.pick_id, symbol: r.symbol, strategy: r.strategy, qty: r.qty, state: r.state, expiresAt: r.expires_at }));
}

const SpentRow = z.object({ spent: pgInt });

/** What is left of the market's budget of the day (daily_budget is keyed (market, date); KR in won). */
export async function loadBudget(db: SqlSession, sessionDate: string, limit: number | null, market: Market = 'US'): Promise<BudgetLine> {
  const r = await rowsOf(db, SpentRow, `SELECT spent::float8 AS spent FROM daily_budget WHERE market = ${marketSql(market)} AND date = $1::date`, [sessionDate]);
  const spent = r[0]?.spent ?? 0;
  return { date: sessionDate, limit, spent, left: limit === null ? null : Math.max(0, limit - spent) };
}

const SourceFreshnessRow = z.object({ source: pgText, demo: pgBool, symbols: pgInt, last_date: pgText });

/** The market's newest bar per source and how many of its sessions (NYSE for US, KRX for KR) it lags `expected` (the last completed session). */
export async function loadFreshness(db: SqlSession, expected: string, market: Market = 'US'): Promise<SourceFreshness[]> {
  const rows = await rowsOf(
    db,
    SourceFreshnessRow,
    `SELECT source, bool_or(demo) AS demo, count(*)::int AS symbols, to_char(max(last_date), 'YYYY-MM-DD') AS last_date
       FROM bar_symbols WHERE market = ${marketSql(market)} GROUP BY source ORDER BY max(last_date) DESC, source`,
  );
  return rows.map((r) => ({ source: r.source, demo: r.demo, symbols: r.symbols, lastDate: r.last_date, sessionsBehind: sessionsBehind(r.last_date, expected, market) }));
}

function sessionsBehind(last: string, expected: string, market: Market): number {
  if (last >= expected) return 0;
  try {
    return Math.max(0, marketCalendar(market).sessionsBetween(last, expected).filter((d) => d > last).length);
  } catch {
    // Outside the calendar's 2000–2050: count calendar days instead.
    return Math.round((Date.parse(`${expected}T00:00:00Z`) - Date.parse(`${last}T00:00:00Z`)) / 86_400_000);
  }
}

/** `detail` is jsonb (parsed by the driver), read through parseAlertDetail like every alert row. */
const AlertRowSchema = z.object({
  key: pgText,
  kind: pgText,
  severity: z.enum(ALERT_SEVERITIES),
  detail: pgJson,
  state: z.enum(['open', 'resolved']),
  first_at: pgTimestamp,
  last_at: pgTimestamp,
  resolved_at: pgTimestamp.nullable(),
  count: pgInt,
});
type AlertRow = z.output<typeof AlertRowSchema>;

function toAlert(r: AlertRow): AlertLine {
  return { key: r.key, kind: r.kind, severity: r.severity, detail: parseAlertDetail(r.detail), state: r.state, firstAt: r.first_at, lastAt: r.last_at, resolvedAt: r.resolved_at, count: r.count };
}

const ALERT_COLUMNS = `key, kind, severity, detail, state, first_at, last_at, resolved_at, count::int AS count`;

/** Alerts still open. */
export async function loadOpenAlerts(db: SqlSession): Promise<AlertLine[]> {
  const rows = await rowsOf(db, AlertRowSchema, `SELECT ${ALERT_COLUMNS} FROM alerts WHERE state = 'open' ORDER BY last_at DESC LIMIT 50`);
  return rows.map(toAlert);
}

/** Alerts open now or active on the session date (its date in the market's zone; alerts belong to no one market). */
export async function loadAlertsOfDay(db: SqlSession, sessionDate: string, market: Market = 'US'): Promise<AlertLine[]> {
  const rows = await rowsOf(
    db,
    AlertRowSchema,
    `SELECT ${ALERT_COLUMNS} FROM alerts
      WHERE state = 'open' OR (last_at AT TIME ZONE ${zoneSql(market)})::date = $1::date
      ORDER BY last_at DESC LIMIT 50`,
    [sessionDate],
  );
  return rows.map(toAlert);
}

const OrderFillRow = z.object({
  id: pgText,
  symbol: pgText,
  strategy: pgText,
  side: Side,
  kind: OrderKind,
  exit_reason: ExitReasonColumn.nullable(),
  decision_price: pgInt.nullable(),
  realized_pnl: pgInt.nullable(),
  qty: pgInt,
  avg_price: pgInt,
  last_at: pgTimestamp,
});

/**
 * Orders with at least one fill filed under the session (see
 * src/trading/portfolio/trade-date.ts): the order's average fill against its
 * decision price.
 */
export async function loadFillsOfDay(db: SqlSession, sessionDate: string, market: Market = 'US'): Promise<{ fills: FillLine[]; exits: ExitLine[] }> {
  const window = tradeWindow(sessionDate, sessionDate, market);
  const rows = await rowsOf(
    db,
    OrderFillRow,
    `SELECT o.id, o.symbol, o.strategy, o.side, o.kind, o.exit_reason, o.decision_price::float8 AS decision_price, o.realized_pnl::float8 AS realized_pnl,
            CASE WHEN o.filled_qty > 0 THEN o.filled_qty ELSE f.qty END AS qty,
            COALESCE(o.avg_fill_price, f.vwap)::float8 AS avg_price,
            f.last_at
       FROM orders o
       JOIN LATERAL (
         SELECT sum(qty)::int AS qty, sum(qty * price) / sum(qty) AS vwap, max(filled_at) AS last_at
           FROM fills WHERE order_id = o.id
       ) f ON f.qty > 0
      WHERE o.market = ${marketSql(market)} AND EXISTS (SELECT 1 FROM fills t WHERE t.order_id = o.id AND ${filedInWindowSql('t.filled_at', '$1', '$2', zoneSql(market))})
      ORDER BY f.last_at, o.id`,
    [window.after, window.through],
  );
  const fills: FillLine[] = rows.map((r) => ({
    orderId: r.id,
    symbol: r.symbol,
    strategy: r.strategy,
    side: r.side,
    kind: r.kind,
    qty: r.qty,
    avgPrice: r.avg_price,
    ...slippage(r.side, r.avg_price, r.decision_price, r.qty),
    lastFillAt: r.last_at,
  }));
  const exits: ExitLine[] = rows
    .filter((r) => r.kind === 'exit')
    .map((r) => ({ orderId: r.id, symbol: r.symbol, strategy: r.strategy, qty: r.qty, price: r.avg_price, reason: r.exit_reason ?? 'flatten', realizedPnl: r.realized_pnl, at: r.last_at }));
  return { fills, exits };
}

const FailedOrderRow = z.object({
  symbol: pgText,
  side: Side,
  kind: OrderKind,
  qty: pgInt,
  filled_qty: pgInt,
  state: pgText,
  reject_reason: pgText.nullable(),
  reject_detail: pgJson,
  exit_reason: ExitReasonColumn.nullable(),
  at: pgTimestamp,
});
const FailedApprovalRow = z.object({ symbol: pgText, strategy: pgText, state: z.enum(['failed', 'refused']), refused_gate: pgText.nullable(), reason_detail: pgJson, at: pgTimestamp });

/**
 * What failed today besides alerts: rejected orders, exits that did not fill
 * or filled only part (the position is still open; the order row records who
 * ended the rest), and approvals that failed or were refused by a gate
 * without reaching the broker.
 */
export async function loadOrderFailures(db: SqlSession, sessionDate: string, market: Market = 'US'): Promise<FailureLine[]> {
  const orders = await rowsOf(
    db,
    FailedOrderRow,
    `SELECT symbol, side, kind, qty, filled_qty, state, reject_reason, reject_detail, exit_reason, COALESCE(booked_at, updated_at) AS at
       FROM orders
      WHERE market = ${marketSql(market)} AND (state = 'rejected' OR (kind = 'exit' AND state IN ('canceled', 'expired') AND filled_qty < qty))
        AND (COALESCE(booked_at, updated_at) AT TIME ZONE ${zoneSql(market)})::date = $1::date
      ORDER BY at DESC LIMIT 20`,
    [sessionDate],
  );
  const approvals = await rowsOf(
    db,
    FailedApprovalRow,
    `SELECT p.symbol, p.strategy, a.state, a.refused_gate, a.reason_detail, a.updated_at AS at
       FROM approvals a JOIN picks p ON p.id = a.pick_id
      WHERE p.market = ${marketSql(market)} AND a.state IN ('failed', 'refused') AND (a.updated_at AT TIME ZONE ${zoneSql(market)})::date = $1::date
        AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.approval_id = a.id AND o.state = 'rejected')
      ORDER BY a.updated_at DESC LIMIT 20`,
    [sessionDate],
  );
  return [
    ...orders.map(
      (o): FailureLine => ({
        source: 'order',
        severity: o.kind === 'exit' ? 'critical' : 'error',
        symbol: o.symbol,
        side: o.side,
        qty: o.qty,
        filledQty: o.filled_qty,
        orderKind: o.kind,
        exitReason: o.exit_reason,
        state: o.state,
        rejectReason: storedReason(o.reject_detail),
        brokerReason: o.reject_reason,
        at: o.at,
        open: false,
        count: 1,
      }),
    ),
    ...approvals.map(
      (a): FailureLine => ({
        source: 'approval',
        severity: a.state === 'failed' ? 'error' : 'warning',
        symbol: a.symbol,
        state: a.state,
        refusedGate: a.refused_gate,
        reason: storedReason(a.reason_detail),
        at: a.at,
        open: false,
        count: 1,
      }),
    ),
  ];
}

/** Alerts of the day as failures. */
export async function loadFailures(db: SqlSession, sessionDate: string, market: Market = 'US'): Promise<FailureLine[]> {
  const [alerts, orders] = await Promise.all([loadAlertsOfDay(db, sessionDate, market), loadOrderFailures(db, sessionDate, market)]);
  return [...alerts.map(alertToFailure), ...orders];
}

const BookedPnlRow = z.object({ s: pgInt });
const TodayMarksRow = z.object({ n: pgInt, u: pgInt });
const MarkOriginRow = z.object({ price_source: pgText.nullable(), price_at: pgTimestamp.nullable() });
const OpenPositionValueRow = z.object({
  qty: pgInt,
  avg_cost: pgInt,
  today_close: pgInt.nullable(),
  last_price: pgInt.nullable(),
  last_price_source: pgText.nullable(),
  last_price_at: pgTimestamp.nullable(),
  latest_close: pgInt.nullable(),
  latest_date: pgText.nullable(),
});
const PrevMarkRow = z.object({ date: pgText.nullable(), u: pgInt.nullable() });
const EquityMarkRow = z.object({ date: pgText, equity: pgInt, unrealized_pnl: pgInt });

/**
 * Realized in the session (Σ orders.realized_pnl of orders filed under it by
 * their last fill, or their booking time without fills: see
 * src/trading/portfolio/trade-date.ts), unrealized now vs at the previous
 * mark, and equity.
 * Before today's mark-to-market has run, open positions are valued at today's
 * bar close, else their last price, else their latest close (as /positions
 * values them), else cost (counted as unpriced).
 */
export async function loadPnl(db: SqlSession, sessionDate: string, market: Market = 'US'): Promise<ClosePnl> {
  const w = tradeWindow(sessionDate, sessionDate, market);
  const m = marketSql(market);
  const booked = await rowsOf(
    db,
    BookedPnlRow,
    `SELECT COALESCE(sum(realized_pnl), 0)::float8 AS s FROM orders o
      WHERE o.market = ${m} AND booked_at IS NOT NULL AND ${orderFiledInWindowSql('o', '$1', '$2')}`,
    [w.after, w.through],
  );
  const realized = booked[0]?.s ?? 0;
  const today = await rowsOf(db, TodayMarksRow, `SELECT count(*)::int AS n, COALESCE(sum(unrealized_pnl), 0)::float8 AS u FROM position_marks WHERE market = ${m} AND date = $1::date`, [sessionDate]);
  const todayMarks = await rowsOf(
    db,
    MarkOriginRow,
    `SELECT price_source, price_at FROM position_marks WHERE market = ${m} AND date = $1::date ORDER BY symbol, strategy`,
    [sessionDate],
  );
  // Each open position at today's bar close, else its last price, else its latest close (as /positions values them), else cost (unpriced).
  const openRows = await rowsOf(
    db,
    OpenPositionValueRow,
    `SELECT p.qty, p.avg_cost::float8 AS avg_cost, b.close::float8 AS today_close, p.last_price::float8 AS last_price, p.last_price_source, p.last_price_at,
            lb.close::float8 AS latest_close, to_char(lb.date, 'YYYY-MM-DD') AS latest_date
       FROM positions p
       LEFT JOIN bars_daily b ON b.symbol = p.symbol AND b.date = $1::date
       LEFT JOIN LATERAL (SELECT close, date FROM bars_daily d WHERE d.symbol = p.symbol AND d.date <= $1::date ORDER BY d.date DESC LIMIT 1) lb ON true
      WHERE p.qty > 0 AND p.market = ${m}
      ORDER BY p.symbol, p.strategy`,
    [sessionDate],
  );
  const valued = openRows.map((r) => {
    const [price, origin]: [number | null, MarkOrigin | null] =
      r.today_close !== null
        ? [r.today_close, { kind: 'close', date: sessionDate }]
        : r.last_price !== null
          ? [r.last_price, storedOrigin(r.last_price_source, r.last_price_at, null, market)]
          : r.latest_close !== null
            ? [r.latest_close, { kind: 'close', date: r.latest_date ?? sessionDate }]
            : [null, null];
    return { pnl: price === null ? 0 : r.qty * (price - r.avg_cost), origin };
  });
  const open = [{ n: openRows.length, unpriced: valued.filter((v) => v.origin === null).length, u: round6(valued.reduce((s, v) => s + v.pnl, 0)) }];
  const prev = await rowsOf(
    db,
    PrevMarkRow,
    `SELECT to_char(d.date, 'YYYY-MM-DD') AS date, (SELECT sum(unrealized_pnl) FROM position_marks m WHERE m.market = ${m} AND m.date = d.date)::float8 AS u
       FROM (SELECT max(date) AS date FROM position_marks WHERE market = ${m} AND date < $1::date) d`,
    [sessionDate],
  );
  const eq = await rowsOf(
    db,
    EquityMarkRow,
    `(SELECT to_char(date, 'YYYY-MM-DD') AS date, equity::float8 AS equity, unrealized_pnl::float8 AS unrealized_pnl FROM equity_marks WHERE market = ${m} AND date = $1::date)
     UNION ALL
     (SELECT to_char(date, 'YYYY-MM-DD') AS date, equity::float8 AS equity, unrealized_pnl::float8 AS unrealized_pnl FROM equity_marks WHERE market = ${m} AND date < $1::date ORDER BY date DESC LIMIT 1)`,
    [sessionDate],
  );
  const todayEq = eq.find((r) => r.date === sessionDate) ?? null;
  const prevEq = eq.find((r) => r.date < sessionDate) ?? null;
  const marked = (today[0]?.n ?? 0) > 0;
  const unrealizedNow = marked ? today[0]!.u : (open[0]?.u ?? 0);
  let prevMarkDate = prev[0]?.date ?? null;
  let unrealizedPrev = prev[0]?.u ?? 0;
  if (prevMarkDate === null && prevEq) {
    prevMarkDate = prevEq.date;
    unrealizedPrev = prevEq.unrealized_pnl;
  }
  const day = realized + unrealizedNow - unrealizedPrev;
  const prevEquity = prevEq?.equity ?? null;
  return {
    realized,
    unrealizedNow,
    unrealizedPrev,
    prevMarkDate,
    day,
    equity: todayEq?.equity ?? null,
    prevEquity,
    dayReturn: prevEquity !== null && prevEquity > 0 ? day / prevEquity : null,
    openPositions: open[0]?.n ?? 0,
    unpriced: marked ? 0 : (open[0]?.unpriced ?? 0),
    origins: marked
      ? todayMarks.map((m) => (m.price_source === null ? { kind: 'mark', date: sessionDate } : storedOrigin(m.price_source, m.price_at, sessionDate, market)))
      : valued.flatMap((v) => (v.origin ? [v.origin] : [])),
  };
}

const BenchmarkMarkRow = z.object({ date: pgText, bc: pgInt.nullable() });
const BarCloseRow = z.object({ date: pgText, close: pgInt });

/** The benchmark's close-to-close move: the market's equity_marks.benchmark_close when both days have it, else bars_daily. */
export async function loadBenchmark(db: SqlSession, sessionDate: string, symbol: string, market: Market = 'US'): Promise<BenchmarkLine> {
  const marks = await rowsOf(
    db,
    BenchmarkMarkRow,
    `(SELECT to_char(date, 'YYYY-MM-DD') AS date, benchmark_close::float8 AS bc FROM equity_marks WHERE market = ${marketSql(market)} AND date = $1::date)
     UNION ALL
     (SELECT to_char(date, 'YYYY-MM-DD') AS date, benchmark_close::float8 AS bc FROM equity_marks WHERE market = ${marketSql(market)} AND date < $1::date ORDER BY date DESC LIMIT 1)`,
    [sessionDate],
  );
  const t = marks.find((m) => m.date === sessionDate)?.bc ?? null;
  const p = marks.find((m) => m.date < sessionDate)?.bc ?? null;
  if (t !== null && p !== null && p > 0) return { symbol, close: t, prevClose: p, ret: t / p - 1, source: 'equity_marks' };
  const bars = await rowsOf(
    db,
    BarCloseRow,
    `SELECT to_char(date, 'YYYY-MM-DD') AS date, close FROM bars_daily WHERE symbol = $2 AND date <= $1::date ORDER BY date DESC LIMIT 2`,
    [sessionDate, symbol],
  );
  const today = bars[0]?.date === sessionDate ? bars[0] : null;
  const before = today ? bars[1] : bars[0];
  if (!today) return { symbol, close: null, prevClose: before?.close ?? null, ret: null, source: before ? 'bars' : null };
  return { symbol, close: today.close, prevClose: before?.close ?? null, ret: before && before.close > 0 ? today.close / before.close - 1 : null, source: 'bars' };
}

const EquityCurveRow = z.object({ date: pgText, equity: pgInt, bc: pgInt.nullable() });

/** The market's last `sessions` equity marks up to the session, with the benchmark close of each date (marks, else bars; none without a `symbol`). */
export async function loadEquityCurve(db: SqlSession, sessionDate: string, symbol: string, sessions: number, market: Market = 'US'): Promise<EquityCurve> {
  const rows = (
    await rowsOf(
      db,
      EquityCurveRow,
      `SELECT to_char(date, 'YYYY-MM-DD') AS date, equity::float8 AS equity, benchmark_close::float8 AS bc
         FROM equity_marks WHERE market = ${marketSql(market)} AND date <= $1::date ORDER BY date DESC LIMIT $2`,
      [sessionDate, sessions],
    )
  ).reverse();
  if (rows.length === 0) return { dates: [], equity: [], benchmark: [] };
  let fallback = new Map<string, number>();
  if (symbol !== '' && rows.some((r) => r.bc === null)) {
    const bars = await rowsOf(
      db,
      BarCloseRow,
      `SELECT to_char(date, 'YYYY-MM-DD') AS date, close FROM bars_daily WHERE symbol = $1 AND date BETWEEN $2::date AND $3::date`,
      [symbol, rows[0]!.date, rows[rows.length - 1]!.date],
    );
    fallback = new Map(bars.map((b) => [b.date, b.close]));
  }
  return {
    dates: rows.map((r) => r.date),
    equity: rows.map((r) => r.equity),
    benchmark: rows.map((r) => r.bc ?? fallback.get(r.date) ?? null),
  };
}
