/**
 * Faults the Alpaca market-data emulator can inject, one per request, in order.
 */
export type AlpacaDataFault =
  /** 429 `{"message":"too many requests."}`, with Retry-After when given. */
  | { kind: 'rate_limit'; retryAfterSeconds?: number }
  /** A 5xx (default 500). */
  | { kind: 'server_error'; status?: number }
  /** 200 with a body that is not JSON. */
  | { kind: 'garbage' }
  /** 200 JSON with bars missing their close, or a quote missing its ask. */
  | { kind: 'bad_shape' }
  /** Wait this long, then answer normally. */
  | { kind: 'delay'; ms: number };
