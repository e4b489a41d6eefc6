import { z } from 'zod';
import { num } from './rows.js';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgInt, pgJson, pgNumeric, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';
import { storedReason } from '../execution/recorded-reasons.js';
import type { ExitReason, OrderKind, OrderState, RecentOrder } from './types.js';

/** How many orders /orders lists. */
export const RECENT_ORDERS = 10;

/** The enums are the table's CHECK constraints. */
const OrderRow = z.object({
  id: pgText,
  market: z.enum(['US', 'KR']),
  kind: z.enum(['entry', 'exit'] satisfies OrderKind[]),
  exit_reason: z.enum(['stop', 'time_stop', 'target', 'flatten', 'close'] satisfies ExitReason[]).nullable(),
  symbol: pgText,
  strategy: pgText,
  side: z.enum(['buy', 'sell']),
  qty: pgInt,
  filled_qty: pgInt,
  avg_fill_price: pgNumeric.nullable(),
  limit_price: pgNumeric,
  state: z.enum(['new', 'submitted', 'partially_filled', 'filled', 'canceled', 'rejected', 'expired'] satisfies OrderState[]),
  client_order_id: pgText,
  broker: pgText,
  realized_pnl: pgNumeric.nullable(),
  reject_reason: pgText.nullable(),
  reject_detail: pgJson,
  created_at: pgTimestamp,
  booked_at: pgTimestamp.nullable(),
});
const RECENT_SQL = `SELECT id, market, kind, exit_reason, symbol, strategy, side, qty, filled_qty, avg_fill_price, limit_price, state,
            client_order_id, broker, realized_pnl, reject_reason, reject_detail, created_at, booked_at
       FROM orders
      ORDER BY created_at DESC, client_order_id DESC
      LIMIT $1`;

/** The latest `limit` orders, entries and exits together, newest first. */
export async function loadRecentOrders(db: SqlSession, limit: number = RECENT_ORDERS): Promise<RecentOrder[]> {
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new RangeError(`limit must be an integer from 1 to 100, got ${limit}`);
  const rows = await rowsOf(db, OrderRow, RECENT_SQL, [limit]);
  return rows.map((r) => ({
    id: r.id,
    market: r.market,
    kind: r.kind,
    exitReason: r.exit_reason,
    symbol: r.symbol,
    strategy: r.strategy,
    side: r.side,
    qty: r.qty,
    filledQty: r.filled_qty,
    avgFillPrice: num(r.avg_fill_price),
    limitPrice: num(r.limit_price) ?? 0,
    state: r.state,
    clientOrderId: r.client_order_id,
    shortId: shortClientOrderId(r.client_order_id),
    broker: r.broker,
    realizedPnl: num(r.realized_pnl),
    rejectReason: storedReason(r.reject_detail),
    brokerReason: r.reject_reason,
    createdAt: r.created_at,
    bookedAt: r.booked_at,
  }));
}

/**
 * A client order id short enough for a phone line and still unique in
 * practice: `cs-<uuid>` → `cs-1a2b3c4d` (the prefix and the uuid's first
 * group); an exit's `cx-<s|t|p|f|c>-<yyyymmdd>-<hash>` → `cx-f-1a2b3c4d5e`
 * (its kind and the hash's first 10 characters: the orders of one flatten
 * share their day and differ only in the hash); anything else is cut to 12
 * characters with an ellipsis.
 */
export function shortClientOrderId(id: string): string {
  const exit = /^(cx-[a-z]-)\d{8}-([0-9a-f]{10})[0-9a-f]*$/.exec(id);
  if (exit) return `${exit[1]}${exit[2]}`;
  const m = /^([a-z]+(?:-[a-z]+)*-)([0-9a-f]{8})-[0-9a-f-]+$/i.exec(id);
  if (m) return `${m[1]}${m[2]}`;
  return id.length <= 12 ? id : `${id.slice(0, 12)}…`;
}
