/**
 * Faults the Alpaca trading emulator can inject. Each is used once, by the
 * first request it matches (`method` and exact `path`, when given), in the
 * order injected.
 *
 * "Before" faults answer instead of processing the request (nothing changes);
 * "after" faults process it normally (an order POST creates the order) and
 * then spoil the answer.
 */
export type AlpacaTradingFaultSpec =
  /** Before: refuse with this status (default 422) and `{"code", "message"}` (default 40010001, "insufficient buying power"). */
  | { kind: 'reject'; status?: number; code?: number; message?: string }
  /** Before: 429 `{"code":42910000,"message":"rate limit exceeded"}`, with Retry-After when given. */
  | { kind: 'rate_limit'; retryAfterSeconds?: number }
  /** Before (or after, with `processed: true`: the order exists but the client sees a 5xx): status default 500. */
  | { kind: 'server_error'; status?: number; processed?: boolean }
  /** After: 200 with a body that is not JSON. */
  | { kind: 'garbage' }
  /** After: 200 JSON with the order's (or first element's) `status`/`qty` removed and `filled_qty` made non-numeric. */
  | { kind: 'bad_shape' }
  /** Wait this long, then process and answer normally. */
  | { kind: 'delay'; ms: number }
  /**
   * After: the request is processed (an order POST creates and executes the
   * order) but the answer is never sent — or only after `respondAfterMs`,
   * by which time the client has given up.
   */
  | { kind: 'accept_then_timeout'; respondAfterMs?: number }
  /** After: processed, then the connection is destroyed without an answer (a network error for the client). */
  | { kind: 'accept_then_drop' }
  /** `DELETE /v2/orders`: the first `count` (default 1) open orders fail to cancel (entry status 500) and stay open. */
  | { kind: 'cancel_fails'; count?: number }
  /**
   * `POST /v2/orders`, before: another order (`order`) already holds the
   * request's client order id — placed by a second installation on the same
   * account, or before a database restore — so Alpaca answers 422 "client_order_id
   * must be unique" and GET by that id returns the other order (Alpaca docs,
   * "Orders": client_order_id must be unique per account).
   */
  | { kind: 'id_taken'; order: PlantedOrder };

/** Order types a planted order may have (Alpaca's `type`). */
export type PlantedOrderType = 'limit' | 'market' | 'stop' | 'stop_limit' | 'trailing_stop';

/**
 * An order put at the emulator as if placed outside this client (see
 * `plantOrder`): from the Alpaca dashboard, another app or installation, so
 * it may be of any shape Alpaca allows, not only Courtside's whole-share limits.
 */
export interface PlantedOrder {
  /** Default: the id of the request that meets an `id_taken` fault; required for `plantOrder`. */
  clientOrderId?: string;
  symbol: string;
  side: 'buy' | 'sell';
  /** Shares, fractional allowed ("0.5" on the wire). Give `qty` or `notional`. */
  qty?: number;
  /**
   * A notional order: this many dollars of the symbol, no share count. On the
   * wire `qty` is then null and `notional` a decimal string, as Alpaca sends
   * for "buy $100 of AAPL" placed from its dashboard.
   */
  notional?: number;
  /** Default `limit`. */
  type?: PlantedOrderType;
  /** The limit price; required for `limit` and `stop_limit`, ignored (null on the wire) for the other types. */
  limit?: number;
  /** The stop price of `stop`/`stop_limit` orders (default: the limit, else 1). */
  stop?: number;
  /** Default `day`. */
  timeInForce?: 'day' | 'gtc' | 'ioc';
  /**
   * `bracket` plants two more orders, the take-profit (limit) and stop-loss
   * (stop) legs, `held` until the parent fills; `oto` plants one (a stop).
   * The legs are orders in the book like any other (listed with
   * `nested=false`, cancelled by cancel-all); with `nested=true` they are
   * listed under the parent's `legs`. Default `simple`.
   */
  orderClass?: 'simple' | 'bracket' | 'oco' | 'oto';
  /** Default `filled` (at `limit`, else the stop, else 1). A `filled` notional order has no share count, so it must not be planted filled. */
  status?: 'filled' | 'new' | 'canceled';
}

export type AlpacaTradingFault = AlpacaTradingFaultSpec & {
  /** Only requests with this method match. */
  method?: 'GET' | 'POST' | 'DELETE';
  /** Only requests with exactly this path (no query) match, e.g. `/v2/orders`. */
  path?: string;
};
