import type { Candle } from '../../adapters/charts/port.js';
import type { ExecutionOutcome } from '../execution/execute.js';
import type { SqlSession } from '../../adapters/db/port.js';
import { z } from 'zod';
import { pgBool, pgInt, pgText } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';

/** Daily candles on a fill confirmation: about three months, legible in a small chart. */
export const FILL_CHART_BARS = 60;

/** `picks.stop` / `entry` are float8. */
const PickRow = z.object({ stop: pgInt, entry: pgInt, demo: pgBool });
const PICK_SQL = `SELECT stop, entry, demo FROM picks WHERE id = $1`;
/** `bars_daily` prices are float8; the date is formatted in SQL. */
const CandleRow = z.object({ date: pgText, open: pgInt, high: pgInt, low: pgInt, close: pgInt });
const CANDLES_SQL = `SELECT to_char(date, 'YYYY-MM-DD') AS date, open, high, low, close FROM (
         SELECT date, open, high, low, close FROM bars_daily WHERE symbol = $1 ORDER BY date DESC LIMIT $2) t ORDER BY date`;
const HeldRow = z.object({ qty: pgInt, n: pgInt });
const HELD_SQL = `SELECT COALESCE(sum(qty), 0)::int AS qty, count(*)::int AS n FROM positions WHERE symbol = $1`;

/** What a fill confirmation shows beyond the execution outcome itself. */
export interface FillContext {
  /** The pick's stop (the position's protective stop). */
  stop: number | null;
  /** The pick's planned entry, for "filled vs planned". */
  plannedEntry: number | null;
  /** The pick was made on synthetic DEMO data. */
  demo: boolean;
  /** Oldest first, at most {@link FILL_CHART_BARS}. */
  candles: Candle[];
  /** Shares held after the fill (all strategies), null when unknown. */
  positionQty: number | null;
}

/** Loads the stop, planned entry, DEMO flag, position size and recent candles for an outcome's pick and symbol. */
export async function loadFillContext(db: SqlSession, outcome: ExecutionOutcome): Promise<FillContext> {
  const empty: FillContext = { stop: null, plannedEntry: null, demo: false, candles: [], positionQty: null };
  if (!('pickId' in outcome) || !('symbol' in outcome)) return empty;
  const [pick, bars, held] = await Promise.all([
    rowsOf(db, PickRow, PICK_SQL, [outcome.pickId]),
    rowsOf(db, CandleRow, CANDLES_SQL, [outcome.symbol, FILL_CHART_BARS]),
    rowsOf(db, HeldRow, HELD_SQL, [outcome.symbol]),
  ]);
  const p = pick[0];
  return {
    stop: p?.stop ?? null,
    plannedEntry: p?.entry ?? null,
    demo: p?.demo ?? false,
    candles: bars.map((b) => ({ date: b.date, o: b.open, h: b.high, l: b.low, c: b.close })),
    positionQty: held[0] && held[0].n > 0 ? held[0].qty : null,
  };
}
