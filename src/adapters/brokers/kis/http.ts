import type { Logger } from 'pino';
import pRetry from 'p-retry';
import { redact } from '../../market-data/http/redact.js';
import { BrokerError, type BrokerErrorKind } from '../errors.js';
import { scrubbedBrokerError, type BrokerErrorExtra } from '../scrubbed-error.js';
import type { BudgetPriority, RequestBudget } from '../alpaca/rate-budget.js';
import { isTokenCode, KIS_CODES, kindOfCode } from './codes.js';
import { KisEnvelope, KisHashResponse, KisPage, KisTokenError, KisTokenResponse, lowerKeys } from './schema.js';
import { KIS_PATHS } from './tr-ids.js';
import { kstInstant } from './session.js';
import type { IssuedToken } from './token-store.js';
import type { KisCallFailureKind, KisCallLog } from './call-health.js';

/** One request to KIS. */
export interface KisCall {
  method: 'GET' | 'POST';
  path: string;
  /** Sent as the `tr_id` header (absent for tokenP and hashkey). */
  trId?: string;
  /** Upper-case query parameters of a GET. */
  query?: Record<string, string>;
  /** The exact JSON text of a POST: the hashkey is computed over these bytes, so the order must send the same ones. */
  bodyText?: string;
  hashkey?: string;
  /** `N` on a follow-up page. */
  trCont?: string;
  /** msg_cds that mean "nothing to show" for this inquiry (a read returns `noData` instead of failing). */
  noDataCodes?: readonly string[];
  /** Send authorization (the shared token). Default true. */
  auth?: boolean;
  timeoutMs?: number;
  priority?: BudgetPriority;
}

/** What one attempt produced: an answer, no answer, or nothing sent (the local rate limit said no). */
export type KisOutcome =
  | { kind: 'response'; status: number; text: string; json: Record<string, unknown> | undefined; trCont: string; rtCd: string | undefined; msgCd: string | undefined; msg: string | undefined }
  | { kind: 'network'; timedOut: boolean; why: string }
  | { kind: 'not_sent'; error: BrokerError };

export interface KisHttpOptions {
  broker: string;
  baseUrl: string;
  appKey: string;
  appSecret: string;
  fetch: typeof globalThis.fetch;
  /** The account's request rate, shared by every process (Redis). */
  budget?: RequestBudget | undefined;
  /** The shared access token (set once the token store exists). */
  token?: () => Promise<string>;
  /** Forget a token KIS refused. */
  invalidateToken?: (token: string) => Promise<void>;
  logger?: Logger | undefined;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Per-request timeout of reads. Default 10 s. */
  timeoutMs?: number;
  /** Retries of a read (network, 5xx, EGW00201). Default 3. */
  maxReadRetries?: number;
  /** Where each call's outcome is recorded for /status (last good call, last failure); absent: not recorded. */
  calls?: KisCallLog | undefined;
}

/** Pages of a paged inquiry followed at most (100 rows each on the real server). */
const MAX_PAGES = 200;
/** After an EGW00201 every process pauses this long (KIS counts per second). */
const RATE_PAUSE_MS = 1000;

/**
 * The adapter's HTTP layer: the KIS headers (authorization, appkey,
 * appsecret, tr_id, custtype P, tr_cont, hashkey), the shared rate limit,
 * one token refresh on EGW00123/EGW00121, and msg_cd → {@link BrokerError}.
 * Order POSTs go through {@link call} once; whether one may be repeated is
 * the broker's decision. App key, secret and every token are scrubbed from
 * messages and logs, and headers are never logged.
 */
export class KisHttp {
  private readonly secrets: string[];
  private readonly timeoutMs: number;
  private readonly maxReadRetries: number;

  constructor(private readonly o: KisHttpOptions) {
    this.secrets = [o.appKey, o.appSecret];
    this.timeoutMs = o.timeoutMs ?? 10_000;
    this.maxReadRetries = o.maxReadRetries ?? 3;
  }

  setToken(token: () => Promise<string>, invalidate: (token: string) => Promise<void>): void {
    this.o.token = token;
    this.o.invalidateToken = invalidate;
  }

  scrub(text: string): string {
    return redact(text, this.secrets);
  }

  sleep(ms: number): Promise<void> {
    return this.o.sleep(ms);
  }

  /** One attempt. Never throws for transport trouble: it comes back as `network`. */
  async once(c: KisCall, token?: string): Promise<KisOutcome> {
    if (this.o.budget) {
      try {
        await this.o.budget.acquire(c.priority ?? 'normal');
      } catch (e) {
        const retryAfter = (e as { retryAfterMs?: number }).retryAfterMs;
        const detail = `${c.method} ${c.path} was not sent: the account's request rate (KIS_MAX_RPS) is used up${retryAfter === undefined ? '' : ` for the next ${Math.ceil(retryAfter / 1000)} s`}`;
        return { kind: 'not_sent', error: this.error('rate_limited', detail, { hint: 'nothing was sent; wait a little and try again' }) };
      }
    }
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      accept: 'application/json',
      appkey: this.o.appKey,
      appsecret: this.o.appSecret,
      custtype: 'P',
    };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (c.trId !== undefined) headers.tr_id = c.trId;
    if (c.trId !== undefined) headers.tr_cont = c.trCont ?? '';
    if (c.hashkey !== undefined) headers.hashkey = c.hashkey;
    const qs = c.query ? `?${new URLSearchParams(c.query).toString()}` : '';
    const url = `${this.o.baseUrl}${c.path}${qs}`;
    const timeoutMs = c.timeoutMs ?? this.timeoutMs;
    this.o.logger?.debug({ method: c.method, path: c.path, trId: c.trId }, 'KIS request');
    let res: Response;
    let text: string;
    try {
      res = await this.o.fetch(url, {
        method: c.method,
        headers,
        ...(c.bodyText === undefined ? {} : { body: c.bodyText }),
        // A redirect would carry the app secret and token to wherever it points.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (e) {
      const name = (e as Error)?.name;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      const cause = (e as { cause?: { code?: string } })?.cause;
      this.o.calls?.failed(c.path, timedOut ? 'timeout' : 'network');
      return { kind: 'network', timedOut, why: timedOut ? `no answer within ${timeoutMs} ms` : `network error: ${cause?.code ?? (e as Error)?.message ?? String(e)}` };
    }
    let json: Record<string, unknown> | undefined;
    try {
      const parsed = JSON.parse(text) as unknown;
      json = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      json = undefined;
    }
    const env = KisEnvelope.safeParse(json ?? {});
    const tokenErr = KisTokenError.safeParse(json ?? {});
    const msgCd = (env.success ? env.data.msg_cd : undefined) || (tokenErr.success ? tokenErr.data.error_code : undefined) || undefined;
    const msg = (env.success ? env.data.msg1 : undefined) || (tokenErr.success ? tokenErr.data.error_description : undefined) || undefined;
    const out: KisOutcome = {
      kind: 'response',
      status: res.status,
      text,
      json,
      trCont: (res.headers.get('tr_cont') ?? '').trim(),
      rtCd: env.success ? env.data.rt_cd : undefined,
      msgCd,
      msg,
    };
    this.recordAnswer(c, out);
    if (msgCd === KIS_CODES.rateLimit && this.o.budget) {
      // Every process slows down, not just this one.
      await this.o.budget
        .observe({ status: 429, retryAfterMs: RATE_PAUSE_MS })
        .catch((err: unknown) => this.o.logger?.debug({ err: this.scrub(String(err)) }, 'could not share the EGW00201 pause with other processes through Redis'));
    }
    return out;
  }

  /**
   * One authorised attempt; when KIS says the token is expired or invalid
   * (refused before processing), the token is replaced and the request sent
   * once more. Throws only before anything is sent or after KIS refused the
   * token (getting a token failed): a throw means KIS processed nothing.
   */
  async call(c: KisCall): Promise<KisOutcome> {
    if (!this.o.token) throw new Error('KisHttp: no token source');
    const token = await this.o.token();
    this.remember(token);
    const out = await this.once(c, token);
    if (out.kind !== 'response' || !isTokenCode(out.msgCd)) return out;
    this.o.logger?.warn({ path: c.path, msgCd: out.msgCd }, 'KIS refused the access token; getting a new one');
    await this.o.invalidateToken?.(token);
    const fresh = await this.o.token();
    this.remember(fresh);
    return this.once(c, fresh);
  }

  /** True for a 2xx with rt_cd "0". */
  static ok(out: KisOutcome): out is Extract<KisOutcome, { kind: 'response' }> {
    return out.kind === 'response' && out.status >= 200 && out.status < 300 && out.rtCd === '0';
  }

  /** The error for a failed outcome. `order`: a POST that may change something (unknown codes → rejected). */
  errorFor(c: KisCall, out: KisOutcome, attempts?: number): BrokerError {
    if (out.kind === 'not_sent') return out.error;
    const what = `${c.method} ${c.path}${c.trId ? ` (${c.trId})` : ''}`;
    if (out.kind === 'network') return this.error('unavailable', `${what} failed: ${out.why}`, { attempts });
    const said = out.msgCd || out.msg ? ` (KIS says ${out.msgCd ?? ''}${out.msg ? ` ${JSON.stringify(this.scrub(out.msg).slice(0, 200))}` : ''})` : '';
    const base = `${what} returned HTTP ${out.status}${out.rtCd !== undefined ? ` rt_cd ${out.rtCd}` : ''}${said}`;
    const opts = { status: out.status, attempts };
    const known = kindOfCode(out.msgCd);
    if (known === 'auth') return this.error('auth', base, { ...opts, hint: 'check KIS_APP_KEY and KIS_APP_SECRET, and that they belong to this server (virtual keys only work on the virtual server)' });
    if (known) return this.error(known, base, opts);
    if (out.status === 401 || out.status === 403) return this.error('auth', base, opts);
    if (out.status >= 500 || out.status === 408) return this.error('unavailable', base, opts);
    if (out.status >= 300 && out.status < 400) return this.error('bad_response', `${base}: a redirect, which is not followed`, { ...opts, hint: 'check KIS_API_URL' });
    if (out.rtCd !== undefined && out.rtCd !== '0') {
      const reason = this.scrub(out.msg ?? out.msgCd ?? `rt_cd ${out.rtCd}`).slice(0, 300);
      return c.method === 'POST' ? this.error('rejected', base, { ...opts, reason }) : this.error('bad_response', base, { ...opts, hint: 'check KIS_ACCOUNT and the request; if it persists report it with the TR id' });
    }
    return this.error('bad_response', `${base}: not a KIS answer`, opts);
  }

  error(kind: BrokerErrorKind, detail: string, extra: BrokerErrorExtra = {}): BrokerError {
    return scrubbedBrokerError(this.o.broker, kind, detail, extra, (text) => this.scrub(text));
  }

  /**
   * A request that changes nothing (an inquiry, a hashkey): retried on
   * network failures, 5xx and EGW00201 with backoff (p-retry counts the
   * attempts; the waits are ours, on the injected sleep: a second after
   * EGW00201, as KIS counts per second). Returns the body with lower-case
   * keys (rt_cd "0"); an answer with one of `c.noDataCodes` comes back as
   * `noData` with an empty body; throws {@link BrokerError} otherwise.
   */
  async read(c: KisCall): Promise<{ body: Record<string, unknown>; trCont: string; noData?: true }> {
    return pRetry(
      async (attempt) => {
        const out = c.auth === false ? await this.once(c) : await this.call(c);
        if (out.kind === 'response' && out.status >= 200 && out.status < 300 && (out.rtCd === '0' || (out.rtCd === undefined && out.json !== undefined && c.trId === undefined))) {
          return { body: lowerKeys(out.json) as Record<string, unknown>, trCont: out.trCont };
        }
        if (out.kind === 'response' && out.rtCd !== undefined && out.rtCd !== '0' && out.msgCd !== undefined && c.noDataCodes?.includes(out.msgCd)) {
          return { body: {}, trCont: '', noData: true as const };
        }
        throw this.errorFor(c, out, attempt);
      },
      {
        retries: this.maxReadRetries,
        minTimeout: 0,
        maxTimeout: 0,
        shouldRetry: ({ error }) => error instanceof BrokerError && error.retryable,
        onFailedAttempt: async ({ error, attemptNumber: attempt, retriesLeft }) => {
          const err = error instanceof BrokerError ? error : undefined;
          if (!err?.retryable || retriesLeft === 0) {
            this.o.logger?.warn({ path: c.path, trId: c.trId, kind: err?.kind, status: err?.status, attempts: attempt }, 'KIS request failed');
            return;
          }
          const delay = err.kind === 'rate_limited' ? RATE_PAUSE_MS : Math.min(4000, 250 * 2 ** (attempt - 1));
          this.o.logger?.warn({ path: c.path, trId: c.trId, kind: err.kind, attempt, delayMs: delay }, 'KIS request failed; retrying');
          await this.o.sleep(delay);
        },
      },
    );
  }

  /**
   * Every row (output1) of a paged inquiry: follows tr_cont F/M with the
   * ctx_area keys. tr_cont alone is not trusted: a continuation without a
   * next-page key (ctx_area_nk100), or with the key already used, would read
   * the same page again and count its rows twice (e.g. a holding sold as the
   * bot's twice), so it fails as `bad_response` instead.
   */
  async readPages(c: KisCall & { query: Record<string, string> }): Promise<{ rows: unknown[]; output2: unknown }> {
    const rows: unknown[] = [];
    let query = { ...c.query, CTX_AREA_FK100: c.query.CTX_AREA_FK100 ?? '', CTX_AREA_NK100: c.query.CTX_AREA_NK100 ?? '' };
    let trCont = '';
    let output2: unknown;
    const usedKeys = new Set<string>();
    for (let page = 0; page < MAX_PAGES; page++) {
      const { body, trCont: more } = await this.read({ ...c, query, trCont });
      const p = KisPage.safeParse(body);
      if (!p.success) throw this.error('bad_response', `${c.path} (${c.trId}) answered without a readable output1`);
      rows.push(...p.data.output1);
      output2 = p.data.output2;
      if (more !== 'F' && more !== 'M') return { rows, output2 };
      const next = p.data.ctx_area_nk100;
      if (next === '' || usedKeys.has(next)) {
        throw this.error(
          'bad_response',
          `${c.path} (${c.trId}) said more pages follow (tr_cont ${more}) but gave ${next === '' ? 'no next-page key' : 'a next-page key it already gave'} (ctx_area_nk100); the listing is not read, as it could count rows twice`,
        );
      }
      usedKeys.add(next);
      query = { ...query, CTX_AREA_FK100: p.data.ctx_area_fk100, CTX_AREA_NK100: next };
      trCont = 'N';
    }
    throw this.error('bad_response', `${c.path} (${c.trId}) kept paging past ${MAX_PAGES} pages`);
  }

  /** POST /uapi/hashkey over the exact body text; returns HASH. */
  async hashkey(bodyText: string): Promise<string> {
    const { body } = await this.read({ method: 'POST', path: KIS_PATHS.hashkey, bodyText, auth: false, priority: 'urgent' });
    const p = KisHashResponse.safeParse(body);
    if (!p.success) throw this.error('bad_response', `${KIS_PATHS.hashkey} answered without HASH`);
    return p.data.hash;
  }

  /** POST /oauth2/tokenP once. EGW00133 (once a minute) → rate_limited; bad keys → auth. */
  async issueToken(): Promise<IssuedToken> {
    const c: KisCall = {
      method: 'POST',
      path: KIS_PATHS.token,
      bodyText: JSON.stringify({ grant_type: 'client_credentials', appkey: this.o.appKey, appsecret: this.o.appSecret }),
      auth: false,
    };
    const out = await this.once(c);
    if (out.kind === 'response' && out.status >= 200 && out.status < 300) {
      const p = KisTokenResponse.safeParse(out.json ?? {});
      if (p.success) {
        this.remember(p.data.access_token);
        const now = this.o.now();
        const byExpiresIn = p.data.expires_in !== undefined && p.data.expires_in > 0 ? now + p.data.expires_in * 1000 : undefined;
        const stamp = p.data.access_token_token_expired?.match(/^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/);
        const byStamp = stamp ? kstInstant(`${stamp[1]}${stamp[2]}${stamp[3]}`, `${stamp[4]}${stamp[5]}${stamp[6]}`) : undefined;
        // expires_in is measured from now on our clock, so clock skew with KIS does not matter; the stamp is the fallback.
        const expiresAt = byExpiresIn ?? byStamp ?? now + 86_400_000;
        return { token: p.data.access_token, expiresAt };
      }
    }
    throw this.errorFor(c, out);
  }

  /**
   * Records an answer for /status: carried out (2xx with rt_cd "0", or a
   * tokenP / hashkey answer, which has no rt_cd) is a good call; a gateway
   * code (EGW…: rate, token, keys, server), a 5xx / 408 without a code, a
   * 401 / 403, a redirect or an answer that is not KIS's is a failure; a
   * 5xx with KIS's own code (OPSQ0002, an unknown TR id) is a `refused`
   * failure, as it repeats until the configuration is fixed. A business
   * refusal in a 2xx / 4xx (rt_cd ≠ "0" with KIS's own msg_cd: insufficient
   * cash, no data, …) is neither: KIS was reached and judged the request,
   * which says nothing about the link either way.
   */
  private recordAnswer(c: KisCall, out: Extract<KisOutcome, { kind: 'response' }>): void {
    const calls = this.o.calls;
    if (!calls) return;
    const s = out.status;
    const twoXx = s >= 200 && s < 300;
    if (twoXx && (out.rtCd === '0' || (out.rtCd === undefined && out.json !== undefined && c.trId === undefined))) {
      calls.good(c.path);
      return;
    }
    const known = kindOfCode(out.msgCd);
    let kind: KisCallFailureKind | null = null;
    if (known === 'auth' || known === 'rate_limited') kind = known;
    else if (known === 'unavailable') kind = 'server_error';
    // KIS answers some of its own refusals with a 500 (OPSQ0002: a TR id this server does not have): a
    // configuration mistake that will not pass by itself. Only a 5xx without a code, or with a gateway
    // code, is the server failing.
    else if (s >= 500 || s === 408) kind = out.msgCd === undefined || /^EGW/i.test(out.msgCd.trim()) ? 'server_error' : 'refused';
    else if (s === 401 || s === 403) kind = 'auth';
    else if ((s >= 300 && s < 400) || out.json === undefined || (twoXx && out.rtCd === undefined)) kind = 'bad_response';
    if (kind !== null) calls.failed(c.path, kind, { status: s, msgCd: out.msgCd });
  }

  /** A token is a secret from the moment it is seen. */
  private remember(token: string): void {
    if (!this.secrets.includes(token)) this.secrets.push(token);
    if (this.secrets.length > 12) this.secrets.splice(2, 1);
  }
}
