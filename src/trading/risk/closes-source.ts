import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import type { CloseSeries } from '../../engine/risk/returns.js';
import { pgNumber, pgText } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';

/**
 * Loads the newest `sessions` daily closes (oldest first) of each symbol, on or before `asOf` when
 * given (a judged day never sees a later bar); symbols without bars are absent.
 */
export type ClosesSource = (symbols: readonly string[], sessions: number, asOf?: string) => Promise<Map<string, CloseSeries>>;

/** A stored close: `date` cast to text in the statement, `close` a float8. */
const CloseRow = z.object({ symbol: pgText, date: pgText, close: pgNumber });

/** Closes from the bars store (`bars_daily`), one round trip for every symbol. */
export function closesFromBars(db: SqlSession): ClosesSource {
  return async (symbols, sessions, asOf) => {
    const out = new Map<string, CloseSeries>();
    const wanted = [...new Set(symbols.map((s) => s.toUpperCase()))];
    if (wanted.length === 0) return out;
    const rows = await rowsOf(
      db,
      CloseRow,
      `SELECT symbol, date::text AS date, close
         FROM (SELECT symbol, date, close, row_number() OVER (PARTITION BY symbol ORDER BY date DESC) AS k
                 FROM bars_daily WHERE symbol = ANY($1::text[]) AND ($3::date IS NULL OR date <= $3::date)) recent
        WHERE k <= $2
        ORDER BY symbol, date`,
      [wanted, sessions, asOf ?? null],
    );
    const acc = new Map<string, { dates: string[]; closes: number[] }>();
    for (const r of rows) {
      let s = acc.get(r.symbol);
      if (!s) acc.set(r.symbol, (s = { dates: [], closes: [] }));
      s.dates.push(r.date);
      s.closes.push(r.close);
    }
    for (const [k, v] of acc) out.set(k, v);
    return out;
  };
}
