import { num } from './rows.js';
import type { SqlSession } from '../../adapters/db/port.js';
import { storedReason } from '../execution/recorded-reasons.js';
import type { ExitReason, OrderKind, OrderState, RecentOrder } from './types.js';

/** How many orders /orders lists. */
export const RECENT_ORDERS = 10;

interface OrderRow {
  id: string;
  kind: OrderKind;
  exit_reason: ExitReason | null;
  symbol: string;
  strategy: string;
  side: 'buy' | 'sell';
  qty: number;
  filled_qty: number;
  avg_fill_price: string | null;
  limit_price: string;
  state: OrderState;
  client_order_id: string;
  broker: string;
  realized_pnl: string | null;
  reject_reason: string | null;
  reject_detail: unknown;
  created_at: Date;
  booked_at: Date | null;
}

/** The latest `limit` orders, entries and exits together, newest first. */
export async function loadRecentOrders(db: SqlSession, limit: number = RECENT_ORDERS): Promise<RecentOrder[]> {
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new RangeError(`limit must be an integer from 1 to 100, got ${limit}`);
  const rows = await db.rows<OrderRow>(
    `SELECT id, kind, exit_reason, symbol, strategy, side, qty, filled_qty, avg_fill_price, limit_price, state,
            client_order_id, broker, realized_pnl, reject_reason, reject_detail, created_at, booked_at
       FROM orders
      ORDER BY created_at DESC, client_order_id DESC
      LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    id: r.id,
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
