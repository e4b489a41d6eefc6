/**
 * Faults the Polygon emulator can inject. Each queued fault is consumed by
 * exactly one request, in order, so a test can script "429, then 500, then OK".
 */
export type PolygonFault =
  /** 429 with a Retry-After header (seconds, default 0). */
  | { kind: 'rate_limit'; retryAfterSeconds?: number }
  /** A 5xx (default 500) with Polygon's error body. */
  | { kind: 'server_error'; status?: number }
  /** 200 with a body that is not JSON (a proxy's HTML page). */
  | { kind: 'garbage' }
  /** 200 JSON whose results are missing the close price. */
  | { kind: 'bad_shape' }
  /** Wait this long, then answer normally (for client timeouts). */
  | { kind: 'delay'; ms: number };
