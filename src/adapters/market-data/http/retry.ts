import type { Logger } from 'pino';
import pRetry from 'p-retry';
import { DataProviderError, type DataProviderErrorKind } from '../errors.js';
import { redact, safeUrl } from './redact.js';

/**
 * Shared HTTP GET + JSON + retry logic for every network data provider, so
 * backoff, status mapping and secret hygiene are written (and tested) once.
 */

export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retrying. */
  maxRetries: number;
  /** First backoff step; doubles every attempt. */
  baseDelayMs: number;
  /**
   * Longest single wait. A `Retry-After` asking for longer than this fails
   * fast with `rate_limited` instead of hanging a chat command for minutes.
   */
  maxDelayMs: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  timeoutMs: 30_000,
};

/** Options every HTTP data provider takes besides its credentials and base URL. */
export interface HttpProviderOptions {
  fetch?: typeof globalThis.fetch;
  logger?: import('pino').Logger;
  /** Retries after the first attempt for 429/5xx/network errors; default 4. */
  maxRetries?: number;
  /** Finer retry tuning (delays, timeout); `maxRetries` wins. */
  retry?: Partial<RetryPolicy>;
  cache?: import('../port.js').BarCache;
  /** Injected in tests so backoff does not really wait. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface GetJsonRequest {
  provider: string;
  url: string;
  /** Auth goes here, never in the URL. Headers are never logged. */
  headers: Record<string, string>;
  fetch: typeof globalThis.fetch;
  policy: RetryPolicy;
  /** Values to scrub from anything logged or thrown (API keys). */
  secrets: readonly string[];
  /** What to tell the user on 401/403, e.g. "check POLYGON_API_KEY". */
  authHint: string;
  logger?: Logger | undefined;
  /** Injected in tests to avoid real waiting. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Injected in tests for deterministic jitter; returns [0, 1). */
  random?: (() => number) | undefined;
  /** Pulls the server's human-readable error text out of an error body. */
  errorText?: ((body: unknown) => string | undefined) | undefined;
}

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half is
 * random, so clients that failed together don't retry in lockstep but still
 * back off meaningfully. `attempt` is 0 for the first retry.
 */
export function backoffDelayMs(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(step / 2 + (step / 2) * random());
}

/**
 * Milliseconds a `Retry-After` header asks us to wait: either delta-seconds
 * or an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * GETs `url` and returns the parsed JSON body of a 2xx response.
 *
 * - 429, 408, 5xx, network errors and timeouts are retried up to
 *   `policy.maxRetries` times with {@link backoffDelayMs}, waiting at least
 *   what `Retry-After` asks for; after that the last failure is thrown.
 * - 401/403 → `auth`, 404 → `not_found`, other 4xx → `bad_request`,
 *   redirects and unparseable bodies → `bad_response`; none are retried.
 *
 * Redirects are not followed: fetch would forward custom auth headers such as
 * Alpaca's secret key to wherever the redirect points.
 */
export async function getJsonWithRetry(req: GetJsonRequest): Promise<unknown> {
  const { provider, policy, secrets } = req;
  const sleep = req.sleep ?? defaultSleep;
  const random = req.random ?? Math.random;
  const logUrl = safeUrl(req.url, secrets);
  const log = req.logger?.child({ provider });

  // p-retry counts the attempts and stops on a failure that is not retryable; the wait between
  // attempts is ours (backoffDelayMs, at least Retry-After, the injectable sleep), so its own is 0.
  return pRetry(
    async (attempt) => {
      const outcome = await attemptOnce(req, logUrl, attempt);
      if (outcome.ok) return outcome.body;
      throw new FailedAttempt(outcome.error, outcome.retryAfterMs);
    },
    {
      retries: policy.maxRetries,
      minTimeout: 0,
      maxTimeout: 0,
      shouldRetry: ({ error }) => error instanceof FailedAttempt && error.error.retryable,
      onFailedAttempt: async ({ error, attemptNumber: attempt, retriesLeft }) => {
        if (!(error instanceof FailedAttempt)) return;
        const err = error.error;
        if (!err.retryable || retriesLeft === 0) {
          log?.warn({ url: logUrl, attempts: attempt, kind: err.kind, status: err.status }, 'market data request failed');
          throw err;
        }
        let delay = backoffDelayMs(attempt - 1, policy, random);
        if (error.retryAfterMs !== undefined) {
          if (error.retryAfterMs > policy.maxDelayMs) {
            log?.warn({ url: logUrl, attempts: attempt, status: err.status, retryAfterMs: error.retryAfterMs }, 'market data request gave up: Retry-After too long');
            throw new DataProviderError({
              provider,
              kind: err.kind,
              status: err.status,
              attempts: attempt,
              detail: `HTTP ${err.status} and asked to wait ${Math.ceil(error.retryAfterMs / 1000)} s, longer than the ${Math.ceil(policy.maxDelayMs / 1000)} s we wait`,
            });
          }
          delay = Math.max(delay, error.retryAfterMs);
        }
        log?.warn({ url: logUrl, attempt, status: err.status, kind: err.kind, delayMs: delay }, 'market data request failed; retrying');
        await sleep(delay);
      },
    },
  );
}

/** One failed attempt as p-retry sees it: the typed error, and how long the server asked us to wait. */
class FailedAttempt extends Error {
  constructor(
    readonly error: DataProviderError,
    readonly retryAfterMs: number | undefined,
  ) {
    super(error.message);
    this.name = 'FailedAttempt';
  }
}

type Outcome =
  | { ok: true; body: unknown }
  | { ok: false; error: DataProviderError; retryAfterMs?: number | undefined };

async function attemptOnce(req: GetJsonRequest, logUrl: string, attempt: number): Promise<Outcome> {
  const { provider, secrets } = req;
  const fail = (kind: DataProviderErrorKind, detail: string, status?: number, hint?: string, cause?: unknown): DataProviderError =>
    new DataProviderError({
      provider,
      kind,
      detail: redact(detail, secrets),
      ...(hint === undefined ? {} : { hint }),
      ...(status === undefined ? {} : { status }),
      attempts: attempt,
      ...(cause === undefined ? {} : { cause }),
    });

  req.logger?.debug({ provider, url: logUrl, attempt }, 'market data GET');
  let res: Response;
  try {
    res = await req.fetch(req.url, {
      method: 'GET',
      headers: { accept: 'application/json', ...req.headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(req.policy.timeoutMs),
    });
  } catch (e) {
    const name = (e as Error)?.name;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
    const why = timedOut ? `no response within ${req.policy.timeoutMs} ms` : `network error: ${cause?.code ?? cause?.message ?? (e as Error)?.message ?? String(e)}`;
    // The original error is not attached: undici errors can carry request details.
    return { ok: false, error: fail('unavailable', `GET ${pathOf(logUrl)} failed, ${why}`) };
  }

  let text: string;
  try {
    text = await res.text();
  } catch {
    // Connection dropped or timed out mid-body: transient, like a network error.
    return { ok: false, error: fail('unavailable', `GET ${pathOf(logUrl)} returned HTTP ${res.status} but the body could not be read`, res.status) };
  }
  if (res.status >= 200 && res.status < 300) {
    try {
      return { ok: true, body: JSON.parse(text) as unknown };
    } catch {
      return { ok: false, error: fail('bad_response', `GET ${pathOf(logUrl)} returned HTTP ${res.status} with a body that is not JSON (starts ${JSON.stringify(text.slice(0, 40))})`, res.status) };
    }
  }

  const serverSays = serverMessage(text, req.errorText);
  const said = serverSays ? ` (server says: ${JSON.stringify(serverSays.slice(0, 200))})` : '';
  const s = res.status;
  const what = `GET ${pathOf(logUrl)} returned HTTP ${s}${said}`;
  if (s === 401 || s === 403) return { ok: false, error: fail('auth', what, s, req.authHint) };
  if (s === 404) return { ok: false, error: fail('not_found', what, s) };
  if (s === 429) {
    return { ok: false, error: fail('rate_limited', what, s), retryAfterMs: parseRetryAfterMs(res.headers.get('retry-after')) };
  }
  if (s === 408 || s >= 500) {
    return { ok: false, error: fail('unavailable', what, s), retryAfterMs: parseRetryAfterMs(res.headers.get('retry-after')) };
  }
  if (s >= 300 && s < 400) {
    return { ok: false, error: fail('bad_response', `${what}: a redirect, which is not followed`, s, 'check the provider baseUrl') };
  }
  return { ok: false, error: fail('bad_request', what, s, 'check the symbol and date range; this request will not succeed as is') };
}

function serverMessage(text: string, pick: GetJsonRequest['errorText']): string | undefined {
  if (text.trim() === '') return undefined;
  try {
    const body = JSON.parse(text) as unknown;
    const m = pick?.(body);
    if (m) return m;
  } catch {
    // Not JSON (an HTML error page from a proxy): not worth quoting.
    return undefined;
  }
  return undefined;
}

/** Path and query only: the host adds nothing for the user and lengthens every message. */
function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}
