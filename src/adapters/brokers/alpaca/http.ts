import type { Logger } from 'pino';
import pRetry from 'p-retry';
import { redact, safeUrl } from '../../market-data/http/redact.js';
import { backoffDelayMs, parseRetryAfterMs, type RetryPolicy } from '../../market-data/http/retry.js';
import { BrokerError, type BrokerErrorKind } from '../errors.js';
import { scrubbedBrokerError, type BrokerErrorExtra } from '../scrubbed-error.js';
import { BudgetExhaustedError, type BudgetPriority, type RateHeaders, type RequestBudget } from './rate-budget.js';
import { parseErrorBody } from './schema.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/**
 * What one HTTP attempt produced: a response (any status) or no response at all.
 * `localBudget` marks the 429 {@link AlpacaHttp.once} makes up, without sending
 * anything, when the request budget of the API key is exhausted.
 */
export type RawOutcome =
  | { kind: 'response'; status: number; text: string; retryAfterMs: number | undefined; localBudget?: true }
  | { kind: 'network'; timedOut: boolean; why: string };

export interface AlpacaHttpOptions {
  broker: string;
  baseUrl: string;
  /** Auth headers; never logged. */
  headers: Record<string, string>;
  /** Scrubbed from everything logged or thrown. */
  secrets: readonly string[];
  fetch: typeof globalThis.fetch;
  policy: RetryPolicy;
  logger?: Logger | undefined;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** The API key's request budget (shared by every process using the key); none: requests are not paced. */
  budget?: RequestBudget | undefined;
}

/** The body of the 429 made up for an exhausted local budget: Alpaca's own code for "too many requests". */
const LOCAL_429_TEXT = JSON.stringify({ code: 42910000, message: 'local request budget exhausted' });

/** Alpaca error code for "request is not authorized" (bad or missing keys). */
const CODE_UNAUTHORIZED = 40110000;

/**
 * The adapter's HTTP layer: one attempt at a time ({@link once}), status →
 * {@link BrokerError} mapping ({@link errorFor}), and retried reads
 * ({@link readJson}). Order submission does NOT use the retry loop: whether a
 * POST may be repeated depends on what happened, which the adapter decides.
 */
export class AlpacaHttp {
  constructor(private readonly o: AlpacaHttpOptions) {}

  get policy(): RetryPolicy {
    return this.o.policy;
  }

  get logger(): Logger | undefined {
    return this.o.logger;
  }

  sleep(ms: number): Promise<void> {
    return this.o.sleep(ms);
  }

  backoff(retry: number): number {
    return backoffDelayMs(retry, this.o.policy, this.o.random);
  }

  scrub(text: string): string {
    return redact(text, this.o.secrets);
  }

  /** Path and query of a request, safe to log or show. */
  safePath(pathAndQuery: string): string {
    const safe = safeUrl(`${this.o.baseUrl}${pathAndQuery}`, this.o.secrets);
    try {
      const u = new URL(safe);
      return this.scrub(`${u.pathname}${u.search}`);
    } catch {
      return safe;
    }
  }

  /**
   * One request, no retries. Never throws: transport failures come back as `network`.
   * With a budget, waits for a slot of `priority` first; when the budget would
   * wait too long nothing is sent and the outcome is a 429 like Alpaca's own
   * (`localBudget: true`, Retry-After = when a slot frees), so every caller
   * already reads it as "refused before processing, nothing placed". The
   * response's rate headers are fed back to the budget.
   */
  async once(method: HttpMethod, pathAndQuery: string, body?: unknown, timeoutMs = this.o.policy.timeoutMs, priority: BudgetPriority = 'normal'): Promise<RawOutcome> {
    const budget = this.o.budget;
    if (budget) {
      try {
        await budget.acquire(priority);
      } catch (e) {
        // Any failure of the budget (it only throws rate_limited by contract) sends nothing: never unpaced.
        const retryAfterMs = e instanceof BudgetExhaustedError ? e.retryAfterMs : undefined;
        const why = e instanceof BudgetExhaustedError ? undefined : this.scrub((e as Error)?.message ?? String(e));
        this.o.logger?.warn({ broker: this.o.broker, method, path: this.safePath(pathAndQuery), priority, retryAfterMs, why }, 'broker request not sent: local request budget exhausted');
        return { kind: 'response', status: 429, text: LOCAL_429_TEXT, retryAfterMs, localBudget: true };
      }
    }
    const url = `${this.o.baseUrl}${pathAndQuery}`;
    this.o.logger?.debug({ broker: this.o.broker, method, url: safeUrl(url, this.o.secrets) }, 'broker request');
    let res: Response;
    try {
      res = await this.o.fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...this.o.headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        // A redirect would carry the secret key header to wherever it points.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      return { kind: 'network', ...describeNetworkError(e, timeoutMs) };
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      // Headers arrived but the body did not: as unknown as no answer at all.
      const d = describeNetworkError(e, timeoutMs);
      return { kind: 'network', timedOut: d.timedOut, why: `HTTP ${res.status} but the body never arrived (${d.why})` };
    }
    const retryAfterMs = parseRetryAfterMs(res.headers.get('retry-after'));
    if (budget) await this.report(budget, rateHeadersOf(res.status, res.headers, retryAfterMs));
    return { kind: 'response', status: res.status, text, retryAfterMs };
  }

  /** Tells the budget what the broker said; a budget that cannot listen never fails the request that was answered. */
  private async report(budget: RequestBudget, h: RateHeaders): Promise<void> {
    try {
      await budget.observe(h);
    } catch (e) {
      this.o.logger?.warn({ broker: this.o.broker, err: this.scrub((e as Error)?.message ?? String(e)) }, 'request budget could not record the rate headers');
    }
  }

  /** The error for a non-2xx response or a transport failure, with the server's words when it gave any. */
  errorFor(method: HttpMethod, pathAndQuery: string, out: RawOutcome, attempts?: number): BrokerError {
    const what = `${method} ${this.safePath(pathAndQuery)}`;
    if (out.kind === 'network') return this.error('unavailable', `${what} failed: ${out.why}`, { attempts });
    const s = out.status;
    const { code, message } = parseErrorBody(out.text);
    const said = message ? ` (broker says: ${JSON.stringify(this.scrub(message).slice(0, 200))})` : '';
    const base = `${what} returned HTTP ${s}${said}`;
    const reason = message ? this.scrub(message).slice(0, 300) : undefined;
    const opts = { status: s, attempts };
    if (s === 401) return this.error('auth', base, opts);
    if (s === 403) {
      // Alpaca answers 403 both for bad keys (code 40110000) and for orders
      // it refuses, e.g. {"code":40310000,"message":"insufficient buying power"}.
      if (code === CODE_UNAUTHORIZED || method === 'GET') return this.error('auth', base, opts);
      return this.error('rejected', base, { ...opts, reason: reason ?? `HTTP ${s}` });
    }
    if (s === 404) return this.error('not_found', base, { ...opts, hint: 'check the order id and the broker base URL' });
    if (s === 429) return this.error('rate_limited', base, opts);
    if (s === 408 || s >= 500) return this.error('unavailable', base, opts);
    if (s >= 300 && s < 400) return this.error('bad_response', `${base}: a redirect, which is not followed`, { ...opts, hint: 'check the broker base URL' });
    if (s >= 400 && method !== 'GET') return this.error('rejected', base, { ...opts, reason: reason ?? `HTTP ${s}` });
    return this.error('bad_response', `${base}: unexpected status`, opts);
  }

  error(kind: BrokerErrorKind, detail: string, extra: BrokerErrorExtra = {}): BrokerError {
    return scrubbedBrokerError(this.o.broker, kind, detail, extra, (text) => this.scrub(text));
  }

  /**
   * A request that is safe to repeat (GET, cancel-all): retried on 429, 408,
   * 5xx and transport failures with backoff (at least what Retry-After asks,
   * failing fast when that is longer than `maxDelayMs`). Returns the parsed
   * JSON of a 2xx (null for an empty body), or null on 404 when
   * `allowNotFound`; throws {@link BrokerError} otherwise.
   */
  async readJson(
    method: 'GET' | 'DELETE',
    pathAndQuery: string,
    opts: { allowNotFound?: boolean; priority?: BudgetPriority } = {},
  ): Promise<{ status: number; body: unknown } | null> {
    const policy = this.o.policy;
    const where = () => ({ broker: this.o.broker, method, path: this.safePath(pathAndQuery) });
    // p-retry counts the attempts and stops on a failure that is not retryable; the wait between attempts
    // is ours (backoff, at least Retry-After, the injectable sleep), so its own is 0. Each attempt goes
    // through once(): the request budget is asked again for every retry.
    return pRetry(
      async (attempt) => {
        const out = await this.once(method, pathAndQuery, undefined, undefined, opts.priority);
        if (out.kind === 'response' && out.status >= 200 && out.status < 300) {
          return { status: out.status, body: this.parseJson(method, pathAndQuery, out.status, out.text) };
        }
        if (out.kind === 'response' && out.status === 404 && opts.allowNotFound) return null;
        throw new FailedRead(this.errorFor(method, pathAndQuery, out, attempt), out);
      },
      {
        retries: policy.maxRetries,
        minTimeout: 0,
        maxTimeout: 0,
        shouldRetry: ({ error }) => error instanceof FailedRead && error.error.retryable,
        onFailedAttempt: async ({ error, attemptNumber: attempt, retriesLeft }) => {
          if (!(error instanceof FailedRead)) return;
          const { error: err, out } = error;
          if (!err.retryable || retriesLeft === 0) {
            this.o.logger?.warn({ ...where(), attempts: attempt, kind: err.kind, status: err.status }, 'broker request failed');
            throw err;
          }
          let delay = this.backoff(attempt - 1);
          const retryAfter = out.kind === 'response' ? out.retryAfterMs : undefined;
          if (retryAfter !== undefined) {
            if (retryAfter > policy.maxDelayMs) {
              if (out.kind === 'response' && out.localBudget) {
                throw this.error(err.kind, `${method} ${this.safePath(pathAndQuery)} was not sent: the local request budget of this API key is exhausted for the next ${Math.ceil(retryAfter / 1000)} s`, {
                  attempts: attempt,
                });
              }
              throw this.error(err.kind, `${method} ${this.safePath(pathAndQuery)} returned HTTP ${err.status} and asked to wait ${Math.ceil(retryAfter / 1000)} s, longer than the ${Math.ceil(policy.maxDelayMs / 1000)} s we wait`, {
                status: err.status,
                attempts: attempt,
              });
            }
            delay = Math.max(delay, retryAfter);
          }
          this.o.logger?.warn({ ...where(), attempt, kind: err.kind, status: err.status, delayMs: delay }, 'broker request failed; retrying');
          await this.o.sleep(delay);
        },
      },
    );
  }

  /** JSON of a 2xx body; empty → null; unparseable → `bad_response`. */
  parseJson(method: HttpMethod, pathAndQuery: string, status: number, text: string): unknown {
    if (text.trim() === '') return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw this.error('bad_response', `${method} ${this.safePath(pathAndQuery)} returned HTTP ${status} with a body that is not JSON (starts ${JSON.stringify(this.scrub(text.slice(0, 40)))})`, { status });
    }
  }
}

/** X-RateLimit-Limit/Remaining/Reset (Reset in unix seconds) and Retry-After of one response; unreadable values are left out. */
function rateHeadersOf(status: number, headers: Headers, retryAfterMs: number | undefined): RateHeaders {
  const num = (name: string): number | undefined => {
    const v = headers.get(name)?.trim();
    if (!v || !/^\d+(\.\d+)?$/.test(v)) return undefined;
    return Number(v);
  };
  const limit = num('x-ratelimit-limit');
  const remaining = num('x-ratelimit-remaining');
  const reset = num('x-ratelimit-reset');
  return {
    status,
    ...(limit === undefined ? {} : { limit }),
    ...(remaining === undefined ? {} : { remaining }),
    ...(reset === undefined ? {} : { resetAtMs: Math.round(reset * 1000) }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

function describeNetworkError(e: unknown, timeoutMs: number): { timedOut: boolean; why: string } {
  const name = (e as Error)?.name;
  const timedOut = name === 'TimeoutError' || name === 'AbortError';
  if (timedOut) return { timedOut, why: `no response within ${timeoutMs} ms` };
  // The error itself is not kept: undici errors can carry request details.
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  return { timedOut, why: `network error: ${cause?.code ?? cause?.message ?? (e as Error)?.message ?? String(e)}` };
}

/** One failed read as p-retry sees it: the typed error and the raw outcome (its Retry-After, whether the local budget refused it). */
class FailedRead extends Error {
  constructor(
    readonly error: BrokerError,
    readonly out: RawOutcome,
  ) {
    super(error.message);
    this.name = 'FailedRead';
  }
}
