/**
 * The SQL behind the weekly review. Read-only; numerics come back as float8, dates as
 * `YYYY-MM-DD` text. Scan decisions and cards are counted by their session date; trades and fills
 * by the session they are filed under (src/trading/portfolio/trade-date.ts), like /pnl and the
 * close digest; audit events by their New York date.
 */
import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgBool, pgInt, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';
import { orderTradeInstantSql, orderFiledInWindowSql, type TradeWindow } from '../portfolio/trade-date.js';

const NY = `'America/New_York'`;

const SourceCountRow = z.object({ source: pgText, n: pgInt });
const DayCountRow = z.object({ date: pgText, n: pgInt });
const OutcomeCountRow = z.object({ outcome: pgText, n: pgInt });

/** Signals per source over the sessions. */
export async function loadSignalCounts(db: SqlSession, sessions: readonly string[]): Promise<{ source: string; n: number }[]> {
  return rowsOf(
    db,
    SourceCountRow,
    `SELECT source, count(*)::int AS n FROM decisions
      WHERE kind = 'signal' AND session_date = ANY($1::date[])
      GROUP BY source ORDER BY count(*) DESC, source`,
    [sessions],
  );
}

/** Signals per session date. */
export async function loadSignalsPerDay(db: SqlSession, sessions: readonly string[]): Promise<{ date: string; n: number }[]> {
  return rowsOf(
    db,
    DayCountRow,
    `SELECT to_char(session_date, 'YYYY-MM-DD') AS date, count(*)::int AS n FROM decisions
      WHERE kind = 'signal' AND session_date = ANY($1::date[])
      GROUP BY session_date ORDER BY session_date`,
    [sessions],
  );
}

/** Card decisions per outcome over the sessions. */
export async function loadCardCounts(db: SqlSession, sessions: readonly string[]): Promise<{ outcome: string; n: number }[]> {
  return rowsOf(
    db,
    OutcomeCountRow,
    `SELECT outcome, count(*)::int AS n FROM decisions
      WHERE kind = 'card' AND session_date = ANY($1::date[])
      GROUP BY outcome ORDER BY outcome`,
    [sessions],
  );
}

/** One posted card's pick and what became of it. */
const PostedPickRowSchema = z.object({
  pick_id: pgText,
  state: pgText,
  approval_state: pgText.nullable(),
  refused_gate: pgText.nullable(),
  expired: pgBool,
});
export type PostedPickRow = z.output<typeof PostedPickRowSchema>;

/** The picks posted as cards on the sessions, with their approval and whether the audit says they expired. */
export async function loadPostedPicks(db: SqlSession, sessions: readonly string[]): Promise<PostedPickRow[]> {
  return rowsOf(
    db,
    PostedPickRowSchema,
    `SELECT p.id AS pick_id, p.state, a.state AS approval_state, a.refused_gate,
            EXISTS (SELECT 1 FROM audit_log l WHERE l.payload->>'action' = 'pick.expired' AND l.payload->>'pickId' = p.id) AS expired
       FROM (SELECT DISTINCT pick_id FROM decisions
              WHERE kind = 'card' AND outcome = 'posted' AND pick_id IS NOT NULL AND session_date = ANY($1::date[])) d
       JOIN picks p ON p.id = d.pick_id
       LEFT JOIN approvals a ON a.pick_id = p.id
      ORDER BY p.id`,
    [sessions],
  );
}

/** One closing order with a realized P&L, when it is filed, and its card's entry and stop (via the latest entry of the same position). */
const ClosedTradeRowSchema = z.object({
  id: pgText,
  strategy: pgText,
  qty: pgInt,
  realized_pnl: pgInt,
  at: pgTimestamp,
  card_entry: pgInt.nullable(),
  card_stop: pgInt.nullable(),
});
export type ClosedTradeRow = z.output<typeof ClosedTradeRowSchema>;

/** Orders with a realized P&L filed under the window (the week's sessions). */
export async function loadClosedTrades(db: SqlSession, w: TradeWindow): Promise<ClosedTradeRow[]> {
  return rowsOf(
    db,
    ClosedTradeRowSchema,
    `SELECT o.id, o.strategy, GREATEST(o.filled_qty, 1) AS qty, o.realized_pnl::float8 AS realized_pnl,
            ${orderTradeInstantSql('o')} AS at, k.entry AS card_entry, k.stop AS card_stop
       FROM orders o
       LEFT JOIN LATERAL (
         SELECT p.entry, p.stop FROM orders e
           JOIN approvals a ON a.id = e.approval_id
           JOIN picks p ON p.id = a.pick_id
          WHERE e.kind = 'entry' AND e.symbol = o.symbol AND e.strategy = o.strategy AND e.created_at <= o.created_at
          ORDER BY e.created_at DESC LIMIT 1
       ) k ON true
      WHERE o.market = 'US' AND o.realized_pnl IS NOT NULL AND o.booked_at IS NOT NULL AND ${orderFiledInWindowSql('o', '$1', '$2')}
      ORDER BY at, o.id`,
    [w.after, w.through],
  );
}

const EntryFillRow = z.object({ id: pgText, side: z.enum(['buy', 'sell']), fill: pgInt, card_entry: pgInt });

/** Filled entry orders filed under the window, with their average fill and their card's entry. */
export async function loadEntryFills(db: SqlSession, w: TradeWindow): Promise<{ id: string; side: 'buy' | 'sell'; fill: number; card_entry: number }[]> {
  return rowsOf(
    db,
    EntryFillRow,
    `SELECT o.id, o.side, o.avg_fill_price::float8 AS fill, p.entry AS card_entry
       FROM orders o JOIN approvals a ON a.id = o.approval_id JOIN picks p ON p.id = a.pick_id
      WHERE o.market = 'US' AND o.kind = 'entry' AND o.filled_qty > 0 AND o.avg_fill_price IS NOT NULL AND ${orderFiledInWindowSql('o', '$1', '$2')}
      ORDER BY o.id`,
    [w.after, w.through],
  );
}

const KillEventRow = z.object({ action: pgText, at: pgTimestamp, by: pgText.nullable(), reason: pgText.nullable() });

/** Kill-switch engagements and resumes whose New York date falls from `from` to `to`. */
export async function loadKillEvents(db: SqlSession, from: string, to: string): Promise<{ action: string; at: Date; by: string | null; reason: string | null }[]> {
  return rowsOf(
    db,
    KillEventRow,
    `SELECT payload->>'action' AS action, created_at AS at, payload->>'actor' AS by, payload->>'reason' AS reason
       FROM audit_log
      WHERE payload->>'action' IN ('killswitch.engaged', 'killswitch.resumed')
        AND (created_at AT TIME ZONE ${NY})::date BETWEEN $1::date AND $2::date
      ORDER BY seq`,
    [from, to],
  );
}

const DemoRow = z.object({ demo: pgBool });

/** True when the bars store holds any synthetic (DEMO) data. */
export async function hasDemoBars(db: SqlSession): Promise<boolean> {
  const r = await rowsOf(db, DemoRow, `SELECT EXISTS (SELECT 1 FROM bar_symbols WHERE demo AND market = 'US') AS demo`);
  return Boolean(r[0]?.demo);
}
