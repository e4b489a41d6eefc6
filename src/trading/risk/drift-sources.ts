/**
 * What the drift checks read from Postgres (issue 21, part 3): the subjects, their reference R
 * distributions, their live closed trades in R, and each market's filled entries. Every read is
 * bounded by the session `asOf` (New York dates): nothing closed, filled or finished after it is
 * seen, so a check re-run for an old session sees what it saw then (no lookahead).
 */
import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { backtestRMultiples } from '../../engine/risk/drift-reference.js';
import type { EntryFill } from '../../engine/risk/drift-slippage.js';
import { hypothesisSourceId, STRATEGY_IDS } from '../../engine/signal.js';
import { pgInt, pgJson, pgText } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';
import { orderTradeInstantSql, TRADE_ZONE } from '../portfolio/trade-date.js';

/** A subject of the sequential test. */
export interface DriftSubject {
  kind: 'strategy' | 'hypothesis';
  /** `donchian`, `turtle_soup`, or `hyp:<id>` (the `strategy` its orders carry). */
  subject: string;
}

/** Where a subject's reference distribution came from. */
export type DriftReferenceSource =
  /** The most recent finished risk-sized backtest run (on or before the session) that traded the strategy. */
  | { kind: 'backtest'; runId: string; finishedOn: string }
  /** The hypothesis's PAPER shadow book as of its last PAPER session: forward, out-of-sample trades before promotion. */
  | { kind: 'paper_book'; session: string };

/** A reference distribution in R. */
export interface DriftReference {
  source: DriftReferenceSource;
  rs: number[];
}

/** One live closed trade in R. */
export interface LiveTradeR {
  orderId: string;
  symbol: string;
  /** NY date it is filed under. */
  closedOn: string;
  r: number;
}

const IdRow = z.object({ id: pgText });

/** Every Kobe strategy, then every LIVE hypothesis (by id). */
export async function driftSubjects(db: SqlSession): Promise<DriftSubject[]> {
  const hyps = await rowsOf(db, IdRow, `SELECT id FROM hypotheses WHERE state = 'LIVE' ORDER BY id`);
  return [...STRATEGY_IDS.map((s) => ({ kind: 'strategy' as const, subject: s })), ...hyps.map((h) => ({ kind: 'hypothesis' as const, subject: hypothesisSourceId(h.id) }))];
}

/**
 * A risk-sized backtest run: `pct` and `cash` are read out of its request (null when absent there),
 * `curves` is json written by the backtest store (only the dates and equity are read here).
 */
const ReferenceRunRow = z.object({
  id: pgText,
  pct: pgInt.nullable(),
  cash: pgInt.nullable(),
  curves: z.object({ dates: z.array(z.string()), equity: z.array(z.number()) }),
  finished_on: pgText,
});
/** A backtest trade: `entry_date` cast to text, `pnl` float8. */
const BacktestTradeRow = z.object({ entry_date: pgText, pnl: pgInt });

/** The R distribution a strategy's live trades are judged against, or null when there is none. */
export async function strategyReference(db: SqlSession, strategy: string, asOf: string): Promise<DriftReference | null> {
  const runs = await rowsOf(
    db,
    ReferenceRunRow,
    `SELECT r.id, (r.request->'sizing'->>'pct')::float8 AS pct, (r.request->>'initialCash')::float8 AS cash, r.curves,
            to_char((r.finished_at AT TIME ZONE '${TRADE_ZONE}')::date, 'YYYY-MM-DD') AS finished_on
       FROM backtest_runs r
      WHERE r.status = 'done' AND r.request->'sizing'->>'kind' = 'risk' AND r.curves IS NOT NULL
        AND (r.finished_at AT TIME ZONE '${TRADE_ZONE}')::date <= $2::date
        AND EXISTS (SELECT 1 FROM backtest_trades t WHERE t.run_id = r.id AND t.strategy = $1)
      ORDER BY r.finished_at DESC, r.id DESC LIMIT 1`,
    [strategy, asOf],
  );
  const run = runs[0];
  if (!run || run.pct === null || run.cash === null || !(run.pct > 0) || !(run.cash > 0)) return null;
  const trades = await rowsOf(
    db,
    BacktestTradeRow,
    `SELECT entry_date::text AS entry_date, pnl FROM backtest_trades WHERE run_id = $1 AND strategy = $2 ORDER BY seq`,
    [run.id, strategy],
  );
  const rs = backtestRMultiples(trades.map((t) => ({ entryDate: t.entry_date, pnl: t.pnl })), run.curves, run.pct, run.cash);
  return { source: { kind: 'backtest', runId: run.id, finishedOn: run.finished_on }, rs };
}

/** A PAPER book's session (cast to text) and its closed trades' R (jsonb, checked below). */
const PaperBookRow = z.object({ session: pgText, closed_r: pgJson });

/** The R distribution a LIVE hypothesis's live trades are judged against, or null when there is none. */
export async function hypothesisReference(db: SqlSession, source: string, asOf: string): Promise<DriftReference | null> {
  const id = source.startsWith('hyp:') ? source.slice(4) : source;
  const rows = await rowsOf(
    db,
    PaperBookRow,
    `SELECT session::text AS session, closed_r FROM hypothesis_books WHERE hypothesis_id = $1 AND state = 'PAPER' AND session <= $2::date ORDER BY session DESC LIMIT 1`,
    [id, asOf],
  );
  const row = rows[0];
  if (!row || !Array.isArray(row.closed_r)) return null;
  return { source: { kind: 'paper_book', session: row.session }, rs: row.closed_r.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)) };
}

/** A booked exit (`pnl` cast to float8, `qty` integer) and its entry card's levels (float8). `closed_at` is only the sort key. */
const LiveTradeRow = z.object({ id: pgText, strategy: pgText, symbol: pgText, pnl: pgInt, qty: pgInt, entry: pgInt, stop: pgInt, closed_on: pgText });

/**
 * Live closed trades in R, by the `strategy` their orders carry, oldest first: every booked exit
 * order with a fill, filed (in New York) on or before `asOf`, with R = its realized P&L ÷
 * ((entry − stop) × its filled quantity), entry and stop the card's of the latest filled entry of
 * the same symbol and strategy before it. Exits with no such entry (a position booked by hand) or
 * a card without risk (stop ≥ entry) are left out: they have no R.
 */
export async function liveTradesR(db: SqlSession, asOf: string): Promise<Map<string, LiveTradeR[]>> {
  const xAt = orderTradeInstantSql('x');
  const eAt = orderTradeInstantSql('e');
  const rows = await rowsOf(
    db,
    LiveTradeRow,
    `SELECT x.id, x.strategy, x.symbol, x.realized_pnl::float8 AS pnl, x.filled_qty AS qty, c.entry, c.stop,
            to_char((${xAt} AT TIME ZONE '${TRADE_ZONE}')::date, 'YYYY-MM-DD') AS closed_on, ${xAt} AS closed_at
       FROM orders x
       JOIN LATERAL (
         SELECT pk.entry, pk.stop
           FROM orders e JOIN approvals a ON a.id = e.approval_id JOIN picks pk ON pk.id = a.pick_id
          WHERE e.kind = 'entry' AND e.symbol = x.symbol AND e.strategy = x.strategy AND e.filled_qty > 0 AND ${eAt} <= ${xAt}
          ORDER BY ${eAt} DESC, e.id DESC LIMIT 1
       ) c ON true
      WHERE x.kind = 'exit' AND x.booked_at IS NOT NULL AND x.filled_qty > 0 AND x.realized_pnl IS NOT NULL
        AND (${xAt} AT TIME ZONE '${TRADE_ZONE}')::date <= $1::date
      ORDER BY closed_at, x.id`,
    [asOf],
  );
  const out = new Map<string, LiveTradeR[]>();
  for (const r of rows) {
    const risk = (r.entry - r.stop) * r.qty;
    if (!(risk > 0)) continue;
    const list = out.get(r.strategy) ?? [];
    list.push({ orderId: r.id, symbol: r.symbol, closedOn: r.closed_on, r: r.pnl / risk });
    out.set(r.strategy, list);
  }
  return out;
}

/** The market every order trades in today (the only one Courtside has: US equities, New York's calendar). */
export const DRIFT_MARKET = 'US';

/** An entry's average fill (cast to float8), its card's entry and the signal bar's close (float8; null without a bar). */
const EntryFillRow = z.object({ fill: pgInt, card: pgInt, close: pgInt.nullable() });

/**
 * Filled entries of a market, oldest first, filed on or before `asOf`: the average fill, the
 * card's entry price, and the signal bar's close (the symbol's stored close on the pick's
 * session; null when no bar is stored).
 */
export async function entryFills(db: SqlSession, asOf: string): Promise<Map<string, EntryFill[]>> {
  const eAt = orderTradeInstantSql('e');
  const rows = await rowsOf(
    db,
    EntryFillRow,
    `SELECT e.avg_fill_price::float8 AS fill, pk.entry AS card,
            (SELECT b.close FROM bars_daily b WHERE b.symbol = pk.symbol AND b.date = pk.session_date) AS close, ${eAt} AS filled_at
       FROM orders e JOIN approvals a ON a.id = e.approval_id JOIN picks pk ON pk.id = a.pick_id
      WHERE e.kind = 'entry' AND e.filled_qty > 0 AND e.avg_fill_price IS NOT NULL AND pk.entry > 0
        AND (${eAt} AT TIME ZONE '${TRADE_ZONE}')::date <= $1::date
      ORDER BY filled_at, e.id`,
    [asOf],
  );
  return new Map([[DRIFT_MARKET, rows.map((r) => ({ fillPrice: r.fill, cardPrice: r.card, closePrice: r.close }))]]);
}
