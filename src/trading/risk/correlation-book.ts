import { z } from 'zod';
import type { Market } from '../../engine/market/markets.js';
import type { SqlSession } from '../../adapters/db/port.js';
import { openRisk, type RiskMember } from '../../engine/risk/correlation.js';
import { pgInt, pgNumber, pgText } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';
import type { OpenPosition } from './open-positions.js';

/**
 * An entry already past its gates and reserved (its order row exists, its approval is
 * `approved`/`executing`) whose fill is not booked into `positions` yet: it will be a position in a
 * moment, so the correlation limit counts it at its planned size, (limit − stop) × qty.
 */
export interface InFlightEntry {
  symbol: string;
  strategy: string;
  qty: number;
  limitPrice: number;
  stop: number | null;
}

/** An in-flight entry's order (`limit_price` numeric) and its pick's stop (float8). */
const InFlightRow = z.object({ symbol: pgText, strategy: pgText, qty: pgInt, limit_price: pgNumber, stop: pgNumber.nullable() });

/**
 * In-flight entries, except `exceptSymbol`/`exceptStrategy`'s (the approval being judged may find its
 * own order row on a retry: counting it would count the candidate twice). Approvals still without an
 * order row are NOT counted: they have not passed their gates yet and will be judged against this
 * one once it is reserved.
 */
export async function loadInFlightEntries(db: SqlSession, except?: { symbol: string; strategy: string }, market: Market = 'US'): Promise<InFlightEntry[]> {
  const rows = await rowsOf(
    db,
    InFlightRow,
    `SELECT o.symbol, o.strategy, o.qty, o.limit_price, p.stop
       FROM orders o
       JOIN approvals a ON a.id = o.approval_id
       JOIN picks p ON p.id = a.pick_id
      WHERE o.kind = 'entry' AND o.side = 'buy' AND o.booked_at IS NULL
        AND a.state IN ('approved', 'executing')
        AND NOT (o.symbol = $1 AND o.strategy = $2)
        -- One market's entries: their risk is in its currency (see loadOpenPositions).
        AND o.market = $3
      ORDER BY o.symbol, o.strategy`,
    [except?.symbol ?? '', except?.strategy ?? '', market],
  );
  return rows.map((r) => ({ symbol: r.symbol, strategy: r.strategy, qty: r.qty, limitPrice: r.limit_price, stop: r.stop }));
}

/** The book's members as the correlation limit weighs them: positions at (avg cost − stop) × qty, in-flight entries at (limit − stop) × qty. */
export function riskMembers(positions: readonly OpenPosition[], inFlight: readonly InFlightEntry[]): RiskMember[] {
  return [
    ...positions.map((p) => ({ symbol: p.symbol, kind: 'position' as const, risk: openRisk(p.qty, p.avgCost, p.stop) })),
    ...inFlight.map((e) => ({ symbol: e.symbol, kind: 'in_flight' as const, risk: openRisk(e.qty, e.limitPrice, e.stop) })),
  ];
}

/**
 * Closes to load per symbol (read on or before the judged day): the lookback's returns need
 * lookback + 1 sessions; the slack lets a pair whose symbols miss different days still share
 * `lookback` returns.
 */
export function closesToLoad(lookback: number): number {
  return lookback + 1 + 10;
}
