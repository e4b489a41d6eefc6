/**
 * What went wrong talking to a broker, as far as the caller needs to decide
 * what to do next:
 * - `rejected`: the broker (or our own pre-send check) refused the order —
 *   HTTP 422, insufficient buying power, invalid price. Nothing was placed.
 *   Not retryable as is; show the user {@link BrokerError.reason}.
 * - `rate_limited`: too many requests; wait and retry.
 * - `unavailable`: network failure, timeout or 5xx on a request that changes
 *   nothing (a GET, or a cancel); retry later.
 * - `timeout_unknown`: an order submission got no usable answer and the order
 *   could not be found afterwards. It MAY exist. The caller must look it up
 *   with `getOrderByClientId` (again, later) and never re-submit it, least of
 *   all under a new client order id.
 * - `auth`: credentials missing or wrong; fix configuration.
 * - `bad_response`: the broker answered with something we cannot read.
 * - `not_found`: no such order (or endpoint).
 * - `ambiguous`: the broker holds an order under our client order id that is
 *   not the one we sent (other symbol, side, qty or limit: a restored
 *   database, a second installation, a manual order). It proves nothing:
 *   book nothing from it, send nothing again, leave it to an admin.
 */
export type BrokerErrorKind = 'rejected' | 'rate_limited' | 'unavailable' | 'timeout_unknown' | 'auth' | 'bad_response' | 'not_found' | 'ambiguous';

const DEFAULT_HINTS: Record<BrokerErrorKind, string> = {
  rejected: 'the order was not placed; fix it (or the account) before trying again',
  rate_limited: 'wait a little and try again',
  unavailable: 'try again shortly; if it persists check the broker status page',
  timeout_unknown:
    'the order may or may not exist: look it up by its client order id before doing anything else, and never resubmit it under a new id',
  auth: 'check the broker API key id and secret, and that they belong to this environment (paper or live)',
  bad_response: 'try again shortly; if it persists report it with the broker name and what was requested',
  not_found: 'check the order id',
  ambiguous:
    'nothing was booked from it and nothing will be sent again under this id: /stuck lists the order with what the broker shows; check it at the broker, then settle it with /resolve',
};

const RETRYABLE: ReadonlySet<BrokerErrorKind> = new Set(['rate_limited', 'unavailable']);

export interface BrokerErrorInit {
  broker: string;
  kind: BrokerErrorKind;
  /** What happened, already free of secrets. */
  detail: string;
  /** What to do next; defaults per kind. */
  hint?: string;
  /** The broker's own words for a rejection ("insufficient buying power"), shown to the user. */
  reason?: string;
  /** The client order id concerned, when there is one. */
  clientOrderId?: string;
  status?: number;
  attempts?: number;
  cause?: unknown;
}

/**
 * The only error type brokers throw. The message reads
 * `<broker>: <detail>; <hint>` so it can be shown as is. Never put API keys,
 * auth headers or credential-bearing URLs into `detail` or `reason`.
 */
export class BrokerError extends Error {
  override readonly name = 'BrokerError';
  readonly broker: string;
  readonly kind: BrokerErrorKind;
  /** True when repeating the same request later can succeed. Never true for `timeout_unknown`. */
  readonly retryable: boolean;
  readonly hint: string;
  /** What happened, without the broker prefix and hint. */
  readonly detail: string;
  readonly reason: string | undefined;
  readonly clientOrderId: string | undefined;
  readonly status: number | undefined;
  readonly attempts: number | undefined;

  constructor(init: BrokerErrorInit) {
    const hint = init.hint ?? DEFAULT_HINTS[init.kind];
    super(`${init.broker}: ${init.detail}; ${hint}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.broker = init.broker;
    this.kind = init.kind;
    this.retryable = RETRYABLE.has(init.kind);
    this.hint = hint;
    this.detail = init.detail;
    this.reason = init.reason;
    this.clientOrderId = init.clientOrderId;
    this.status = init.status;
    this.attempts = init.attempts;
  }
}

/** True for a {@link BrokerError}, optionally of one of the given kinds. */
export function isBrokerError(e: unknown, ...kinds: BrokerErrorKind[]): e is BrokerError {
  return e instanceof BrokerError && (kinds.length === 0 || kinds.includes(e.kind));
}
