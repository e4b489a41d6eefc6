/**
 * What went wrong when fetching market data, as far as the caller needs to
 * decide what to do next:
 * - `auth`: credentials missing, wrong, or not entitled to this data; fix config.
 * - `not_found`: the symbol (or its file) does not exist at this provider.
 * - `rate_limited`: too many requests; wait and retry.
 * - `unavailable`: network failure, timeout or 5xx; retry later.
 * - `bad_response`: the provider answered with something we cannot read.
 * - `bad_request`: our request was invalid (bad symbol, inverted range); fix the input.
 */
export type DataProviderErrorKind =
  | 'auth'
  | 'not_found'
  | 'rate_limited'
  | 'unavailable'
  | 'bad_response'
  | 'bad_request';

const DEFAULT_HINTS: Record<DataProviderErrorKind, string> = {
  auth: 'check the API credentials and that your plan includes this data',
  not_found: 'check the symbol spelling or pick another symbol',
  rate_limited: 'try again later or reduce the request rate',
  unavailable: 'try again later; if it persists check the provider status page',
  bad_response: 'try again later; if it persists report it with the provider name and request details',
  bad_request: 'fix the request input',
};

/** Kinds where repeating the same request later can succeed. */
const RETRYABLE: ReadonlySet<DataProviderErrorKind> = new Set(['rate_limited', 'unavailable']);

export interface DataProviderErrorInit {
  provider: string;
  kind: DataProviderErrorKind;
  /** What happened, without secrets (callers must redact first). */
  detail: string;
  /** What the user should do next; defaults to a generic hint per kind. */
  hint?: string;
  /** HTTP status, when the failure came from an HTTP response. */
  status?: number;
  /** How many HTTP attempts were made before giving up. */
  attempts?: number;
  cause?: unknown;
}

/**
 * The only error type market-data providers throw. The message reads
 * `<provider>: <detail>; <hint>` so it can be shown to a user as-is.
 *
 * Never put API keys, auth headers or URLs with credentials into `detail`:
 * these messages end up in logs and chat replies.
 */
export class DataProviderError extends Error {
  override readonly name = 'DataProviderError';
  readonly provider: string;
  readonly kind: DataProviderErrorKind;
  readonly retryable: boolean;
  readonly hint: string;
  readonly status: number | undefined;
  readonly attempts: number | undefined;

  constructor(init: DataProviderErrorInit) {
    const hint = init.hint ?? DEFAULT_HINTS[init.kind];
    super(`${init.provider}: ${init.detail}; ${hint}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.provider = init.provider;
    this.kind = init.kind;
    this.retryable = RETRYABLE.has(init.kind);
    this.hint = hint;
    this.status = init.status;
    this.attempts = init.attempts;
  }
}

/** True for a {@link DataProviderError}, optionally of one of the given kinds. */
export function isDataProviderError(e: unknown, ...kinds: DataProviderErrorKind[]): e is DataProviderError {
  return e instanceof DataProviderError && (kinds.length === 0 || kinds.includes(e.kind));
}
