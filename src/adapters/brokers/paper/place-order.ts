import { z } from 'zod';
import type { SqlSession } from '../../db/port.js';
import { pgInt, pgNumeric, pgText, pgTimestamp } from '../../../lib/sql-columns.js';
import { parseRows, rowOf } from '../../../lib/sql-rows.js';
import type { Market, MarketCurrency } from '../../../engine/market/index.js';
import { ORDER_STATUSES, type OrderSide, type OrderStatus } from '../port.js';

/** Statuses of paper orders still working (they reserve cash or shares). */
export const OPEN_SQL = `('new', 'submitted', 'partially_filled')`;

/**
 * Every writer of a market's paper book takes its account row lock first: it
 * serialises them. The US and KR books share no row, so they never wait on
 * each other. `market` is a {@link Market} (a closed set), inlined because the
 * lock rides with BEGIN, which takes no parameters.
 */
export function lockAccountSql(market: Market): string {
  if (market !== 'US' && market !== 'KR') throw new RangeError(`unknown market ${JSON.stringify(String(market)).slice(0, 12)}`);
  return `SELECT cash FROM paper_account WHERE market = '${market}' FOR UPDATE`;
}

const SIDES = ['buy', 'sell'] as const satisfies readonly OrderSide[];

/** A fill as `json_build_object` gives it: numbers as JSON numbers, the time as text. */
const PaperFillJson = z.object({ qty: z.number(), price: z.union([z.number(), z.string()]), at: z.string() });

/** A paper order row as stored, with its fills (what `toOrder` turns into a BrokerOrder). */
export const PaperOrderRowSchema = z.object({
  id: pgText,
  client_order_id: pgText,
  symbol: pgText,
  side: z.enum(SIDES),
  qty: pgInt,
  order_type: pgText,
  limit_price: pgNumeric.nullable(),
  time_in_force: pgText,
  status: z.enum(ORDER_STATUSES),
  filled_qty: pgInt,
  avg_fill_price: pgNumeric.nullable(),
  reject_reason: pgText.nullable(),
  submitted_at: pgTimestamp,
  updated_at: pgTimestamp,
  fills: z.array(PaperFillJson).nullable(),
});
export type PaperOrderRow = z.output<typeof PaperOrderRowSchema>;

/**
 * What the placement statement returns: the checks it judged by, and the
 * inserted order's columns — all null when nothing was inserted (LEFT JOIN).
 */
const PlacementRow = z.looseObject({
  dup: z.boolean(),
  cash: pgNumeric.nullable(),
  reserved_cash: pgNumeric,
  held: pgInt,
  reserved_shares: pgInt,
  ok: pgInt,
  id: pgText.nullable(),
});

/** One order to write, already decided: how it executes on arrival (status, shares filled, price). */
export interface Placement {
  /** The book's market and currency, named on every row written. */
  market: Market;
  currency: MarketCurrency;
  id: string;
  clientOrderId: string;
  symbol: string;
  side: OrderSide;
  qty: number;
  orderType: 'limit' | 'market';
  limitPrice: number | null;
  timeInForce: string;
  status: OrderStatus;
  fillQty: number;
  /** Fill price; ignored when nothing fills. */
  price: number;
  rejectReason: string | null;
  /** The fill's fee (taken from cash); null when unknown or not charged, `feeNote` saying why. Ignored when nothing fills. */
  fee: number | null;
  feeNote: string | null;
  /** Buys: the most the fill's fee can be (the fee of every share at the limit), which the cash must cover too. */
  feeReserve: number;
}

export type PlacementResult =
  | { kind: 'placed'; row: PaperOrderRow }
  /** Another submit with this client order id is already stored. */
  | { kind: 'conflict' }
  /** Not enough buying power (buys) or shares (sells); nothing was written. */
  | { kind: 'short'; cash: number; reservedCash: number; held: number; reservedShares: number };

/** The placement statement (see {@link placeOrder}). */
const PLACE_SQL = `WITH chk AS (
       SELECT EXISTS (SELECT 1 FROM paper_orders WHERE client_order_id = $2) AS dup,
              (SELECT cash FROM paper_account WHERE market = $13) AS cash,
              (SELECT COALESCE(SUM((qty - filled_qty) * limit_price), 0) FROM paper_orders WHERE market = $13 AND side = 'buy' AND status IN ${OPEN_SQL}) AS reserved_cash,
              COALESCE((SELECT qty FROM paper_positions WHERE market = $13 AND symbol = $3), 0) AS held,
              (SELECT COALESCE(SUM(qty - filled_qty), 0) FROM paper_orders WHERE market = $13 AND side = 'sell' AND symbol = $3 AND status IN ${OPEN_SQL})::int AS reserved_shares
     ), ok AS (
       -- A duplicate is decided before the books: it gets the placed order back, never a refusal
       -- judged on books the first submit already changed.
       SELECT 1 FROM chk
        WHERE NOT chk.dup AND CASE WHEN $4::text = 'buy' THEN $5::int * COALESCE($7::numeric, 0) + $17::numeric <= chk.cash - chk.reserved_cash + 0.000000001
                   ELSE $5::int <= chk.held - chk.reserved_shares END
     ), ins AS (
       INSERT INTO paper_orders (id, client_order_id, symbol, side, qty, order_type, limit_price, time_in_force, status, filled_qty, avg_fill_price, reject_reason, market, currency)
       SELECT $1::uuid, $2, $3, $4::text, $5::int, $6, $7::numeric, $8, $9, $10::int, $11::numeric, $12, $13, $14 FROM ok
       ON CONFLICT (client_order_id) DO NOTHING
       RETURNING id, client_order_id, symbol, side, qty, order_type, limit_price, time_in_force, status, filled_qty, avg_fill_price, reject_reason, submitted_at, updated_at
     ), fill AS (
       INSERT INTO paper_fills (order_id, symbol, side, qty, price, market, currency, fee, fee_note)
       SELECT id, symbol, side, filled_qty, avg_fill_price, $13, $14, $15::numeric, $16 FROM ins WHERE filled_qty > 0
       RETURNING qty, price, filled_at
     ), pos_add AS (
       INSERT INTO paper_positions AS p (symbol, qty, avg_cost, market, currency)
       SELECT symbol, filled_qty, avg_fill_price, $13, $14 FROM ins WHERE side = 'buy' AND filled_qty > 0
       ON CONFLICT (symbol) DO UPDATE SET
         avg_cost = (p.qty * p.avg_cost + EXCLUDED.qty * EXCLUDED.avg_cost) / (p.qty + EXCLUDED.qty),
         qty = p.qty + EXCLUDED.qty,
         updated_at = clock_timestamp()
     ), pos_close AS (
       -- Both sell branches judge the same snapshot, so exactly one of them matches.
       DELETE FROM paper_positions p USING ins
        WHERE ins.side = 'sell' AND ins.filled_qty > 0 AND p.symbol = ins.symbol AND p.qty = ins.filled_qty
     ), pos_cut AS (
       UPDATE paper_positions p SET qty = p.qty - ins.filled_qty, updated_at = clock_timestamp() FROM ins
        WHERE ins.side = 'sell' AND ins.filled_qty > 0 AND p.symbol = ins.symbol AND p.qty > ins.filled_qty
     ), cash AS (
       UPDATE paper_account a
          SET cash = a.cash + (CASE WHEN ins.side = 'buy' THEN -1 ELSE 1 END) * ins.filled_qty * ins.avg_fill_price - COALESCE($15::numeric, 0),
              updated_at = clock_timestamp()
         FROM ins WHERE a.market = $13 AND ins.filled_qty > 0
     )
     SELECT chk.dup, chk.cash, chk.reserved_cash, chk.held, chk.reserved_shares, (SELECT count(*) FROM ok)::int AS ok, ins.*,
            (SELECT json_agg(json_build_object('qty', f.qty, 'price', f.price, 'at', f.filled_at)) FROM fill f) AS fills
       FROM chk LEFT JOIN ins ON true`;

/**
 * Writes a paper order in ONE statement: the buying-power or shares check,
 * the order row with its final fields, the fill with its fee, the position
 * (average cost on buys; cut or closed on sells) and the cash, net of the
 * fee — all or nothing, every row in the placement's market and currency.
 *
 * The caller's transaction must already hold the market's account row lock
 * ({@link lockAccountSql}): every writer takes it first, so this
 * statement's snapshot, taken after the lock, sees every committed order,
 * position and cash change.
 */
export async function placeOrder(tx: SqlSession, p: Placement): Promise<PlacementResult> {
  const filled = p.fillQty > 0;
  const row = await rowOf(
    tx,
    PlacementRow,
    PLACE_SQL,
    [
      p.id,
      p.clientOrderId,
      p.symbol,
      p.side,
      p.qty,
      p.orderType,
      p.limitPrice,
      p.timeInForce,
      p.status,
      filled ? p.fillQty : 0,
      filled ? p.price : null,
      p.rejectReason,
      p.market,
      p.currency,
      filled ? p.fee : null,
      filled ? p.feeNote : null,
      p.side === 'buy' ? p.feeReserve : 0,
    ],
  );
  if (!row || row.cash === null) throw new Error('the paper account row is missing');
  if (row.dup) return { kind: 'conflict' };
  if (row.ok === 0) return { kind: 'short', cash: Number(row.cash), reservedCash: Number(row.reserved_cash), held: Number(row.held), reservedShares: Number(row.reserved_shares) };
  if (row.id === null) return { kind: 'conflict' };
  // An order was inserted: its columns are all there.
  return { kind: 'placed', row: parseRows(PaperOrderRowSchema, [row], PLACE_SQL)[0]! };
}
