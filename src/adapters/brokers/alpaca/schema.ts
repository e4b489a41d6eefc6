import { z } from 'zod';

/**
 * Alpaca Trading API v2 wire shapes. Alpaca sends quantities and prices as
 * decimal strings ("10", "401.23", fractional "0.5"); numbers are accepted
 * too. Unknown fields are ignored (Alpaca adds fields over time). Orders
 * parse whatever placed them (the Alpaca dashboard, another app): any `type`
 * (market, stop, stop_limit, trailing_stop), any `order_class` (bracket,
 * oco, oto; their `legs` are not read), notional orders.
 */

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** A decimal string or number, as a finite number. */
export const Num = z.union([
  z.number().refine(Number.isFinite, 'expected a finite number'),
  z.string().regex(DECIMAL, 'expected a decimal number').transform(Number),
]);

export const AlpacaOrder = z.object({
  id: z.string().min(1),
  client_order_id: z.string().min(1),
  created_at: z.string().min(1),
  updated_at: z.string().nullable().optional(),
  submitted_at: z.string().nullable().optional(),
  filled_at: z.string().nullable().optional(),
  symbol: z.string().min(1),
  /** Null for notional orders (`notional` set instead), which Courtside never places. */
  qty: Num.nullable(),
  /** The dollar amount of a notional order; null (or absent) otherwise. */
  notional: Num.nullable().optional(),
  filled_qty: Num,
  filled_avg_price: Num.nullable().optional(),
  type: z.string().optional(),
  order_type: z.string().optional(),
  side: z.enum(['buy', 'sell']),
  time_in_force: z.string(),
  limit_price: Num.nullable().optional(),
  status: z.string().min(1),
});
export type AlpacaOrder = z.infer<typeof AlpacaOrder>;

export const AlpacaOrderList = z.array(AlpacaOrder);

export const AlpacaPosition = z.object({
  symbol: z.string().min(1),
  /** Negative for a short. */
  qty: Num,
  avg_entry_price: Num,
  cost_basis: Num,
  side: z.enum(['long', 'short']).optional(),
  current_price: Num.nullable().optional(),
  market_value: Num.nullable().optional(),
  unrealized_pl: Num.nullable().optional(),
});
export const AlpacaPositionList = z.array(AlpacaPosition);

export const AlpacaAccount = z.object({
  cash: Num,
  equity: Num,
  buying_power: Num,
  status: z.string().optional(),
  trading_blocked: z.boolean().optional(),
  account_blocked: z.boolean().optional(),
  trade_suspended_by_user: z.boolean().optional(),
});

/** `GET /v2/clock`: the broker's own word on the session. */
export const AlpacaClock = z.object({
  timestamp: z.string().min(1),
  is_open: z.boolean(),
  next_open: z.string().nullish(),
  next_close: z.string().nullish(),
});

/** One entry of the 207 Multi-Status body of `DELETE /v2/orders`. */
export const AlpacaCancelResult = z.array(
  z.object({
    id: z.string().min(1),
    status: z.number().int(),
    body: z.unknown().optional(),
  }),
);

/** One entry of the 207 Multi-Status body of `DELETE /v2/positions`; `body` is the closing order on success. */
export const AlpacaCloseResult = z.array(
  z.object({
    symbol: z.string().min(1),
    status: z.number().int(),
    body: z.unknown().optional(),
  }),
);

/** Alpaca error bodies: `{"code": 40010001, "message": "..."}`, sometimes with extra context fields. */
export const AlpacaErrorBody = z.object({
  code: z.number().optional(),
  message: z.string(),
});

export function parseErrorBody(text: string): { code: number | undefined; message: string | undefined } {
  try {
    const parsed = AlpacaErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) return { code: parsed.data.code, message: parsed.data.message };
  } catch {
    // Not JSON (a proxy's HTML page): nothing worth quoting.
  }
  return { code: undefined, message: undefined };
}
