/**
 * Faults the KIS emulator can inject. A fault matches a request by exact
 * `path` (no query) and `trId` when given; it is used `count` times
 * (default 1), in the order injected.
 *
 * "Before" faults answer instead of processing (nothing changes); "after"
 * faults process the request normally (an order POST places the order) and
 * then spoil the answer — the case a broker client must resolve by looking
 * the order up instead of sending it again.
 */
export type KisFaultSpec =
  /** After: processed (the order exists), but no answer is sent — or only after `respondAfterMs`, when the client has given up. */
  | { kind: 'accept_then_timeout'; respondAfterMs?: number }
  /** After: processed, then the socket is destroyed (a network error for the client). */
  | { kind: 'accept_then_drop' }
  /** Before (or after, with `processed: true`): HTTP `status` (default 500) with a KIS error body. */
  | { kind: 'server_error'; status?: number; processed?: boolean }
  /** After: HTTP 200 with a cut-off, non-JSON body. */
  | { kind: 'garbage' }
  /** Before: a forced EGW00201 (HTTP 500), as if the per-second limit were hit. */
  | { kind: 'rate_limit' }
  /** Wait `ms`, then process and answer normally. */
  | { kind: 'delay'; ms: number };

/** A fault with what it matches and how many times it fires. */
export type KisFault = KisFaultSpec & {
  /** Only requests to exactly this path match, e.g. `/uapi/domestic-stock/v1/trading/order-cash`. */
  path?: string;
  /** Only requests with this `tr_id` header match. */
  trId?: string;
  /** How many matching requests it spoils (default 1). */
  count?: number;
};
