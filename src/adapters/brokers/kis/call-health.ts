import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { KIS_PATHS } from './tr-ids.js';

/**
 * Which kind of KIS endpoint a call went to: enough to tell "the token came
 * back but nothing else does" from "quotes work, orders fail" on /status.
 * Never the request itself (accounts, codes, amounts).
 */
export type KisEndpointKind = 'token' | 'hashkey' | 'order' | 'revise-cancel' | 'daily-orders' | 'balance' | 'price' | 'daily-prices' | 'order-book' | 'other';

/**
 * Why a call failed, as a kind only (never KIS's words, which may echo the
 * request): no answer in time, the connection failed, a 5xx (without a code
 * or with a gateway code), KIS refused the app key or token, KIS's
 * per-second limit, an answer that is not KIS's, or `refused`: a 5xx with
 * KIS's own code (OPSQ0002, a TR id the server does not have), a
 * configuration mistake rather than an outage.
 */
export type KisCallFailureKind = 'timeout' | 'network' | 'server_error' | 'auth' | 'rate_limited' | 'bad_response' | 'refused';

/** One recorded call: when (epoch ms, the connection's clock) and to which endpoint kind. */
export interface KisCallMark {
  at: number;
  endpoint: KisEndpointKind;
}

/** A failed call: the mark, the failure kind, and the HTTP status and KIS msg_cd when there were any. */
export interface KisCallFailure extends KisCallMark {
  error: KisCallFailureKind;
  /** HTTP status of an answer (absent: no answer at all). */
  status?: number;
  /** KIS's gateway code (e.g. `EGW00201`), a public code, never a message. */
  msgCd?: string;
}

/** The last good and the last failed KIS call of one app key, across every process; null: none recorded. */
export interface KisCallHealth {
  lastGood: KisCallMark | null;
  lastFailure: KisCallFailure | null;
  /**
   * The last good call to the endpoint kind of {@link lastFailure}; absent
   * when none is recorded (or no failure is). A failed order POST is followed
   * at once by a good daily-orders look-up: judged only against
   * {@link lastGood}, the failure would never show.
   */
  lastGoodOfFailedEndpoint?: KisCallMark;
}

/** How long the record outlives the last call (a week): an app key no longer used leaves nothing behind for ever. */
const KEEP_MS = 7 * 86_400_000;

/**
 * Sets one side (`good` / `fail`) of the hash only when the call is newer
 * than the one recorded: processes write out of order, and an older call
 * must not hide a newer one. A good call also sets `good:<endpoint>At`
 * (the last good call of each endpoint kind), by the same rule.
 */
const RECORD_NEWER = `
local at = tonumber(ARGV[2])
local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[1] .. 'At') or '-1')
if at >= cur then
  redis.call('HSET', KEYS[1], ARGV[1] .. 'At', ARGV[2], ARGV[1] .. 'Endpoint', ARGV[3], ARGV[1] .. 'Detail', ARGV[4])
end
if ARGV[1] == 'good' then
  local field = 'good:' .. ARGV[3] .. 'At'
  local kindCur = tonumber(redis.call('HGET', KEYS[1], field) or '-1')
  if at >= kindCur then redis.call('HSET', KEYS[1], field, ARGV[2]) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

const ENDPOINTS: Record<string, KisEndpointKind> = {
  [KIS_PATHS.token]: 'token',
  [KIS_PATHS.hashkey]: 'hashkey',
  [KIS_PATHS.orderCash]: 'order',
  [KIS_PATHS.orderRevise]: 'revise-cancel',
  [KIS_PATHS.dailyOrders]: 'daily-orders',
  [KIS_PATHS.balance]: 'balance',
  [KIS_PATHS.price]: 'price',
  [KIS_PATHS.dailyPrices]: 'daily-prices',
  [KIS_PATHS.askingPrice]: 'order-book',
};

/** The endpoint kind of a request path (`other` for one the table does not name). */
export function endpointOf(path: string): KisEndpointKind {
  return ENDPOINTS[path] ?? 'other';
}

const KINDS = new Set<string>(['token', 'hashkey', 'order', 'revise-cancel', 'daily-orders', 'balance', 'price', 'daily-prices', 'order-book', 'other']);
const FAILURES = new Set<string>(['timeout', 'network', 'server_error', 'auth', 'rate_limited', 'bad_response', 'refused']);
/** A msg_cd is stored only when it looks like one (letters and digits): anything else could be text KIS echoed. */
const MSG_CD = /^[A-Z0-9]{1,12}$/;

/**
 * The last good and the last failed KIS call of one app key, and the last
 * good call of each endpoint kind, in Redis
 * (`<prefix>:kis:{tag}:calls`, a hash next to the token) so every process
 * (bot, worker, scheduler) reports into one record and /status reads it
 * wherever it runs. Writes never hold a call up: they go out in the
 * background and a Redis failure is only logged (debug); {@link flush}
 * waits for them (tests, shutdown).
 */
export class KisCallLog {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly o: {
      redis: Redis;
      /** The hash's key (kisKeys(...).calls). */
      key: string;
      now: () => number;
      logger?: Logger | undefined;
    },
  ) {}

  /** KIS carried out a call to `path`. */
  good(path: string): void {
    this.write('good', endpointOf(path), '');
  }

  /** A call to `path` failed as `error` (see {@link KisCallFailureKind}). */
  failed(path: string, error: KisCallFailureKind, info: { status?: number; msgCd?: string | undefined } = {}): void {
    const code = info.msgCd?.trim().toUpperCase();
    const detail = JSON.stringify({ error, ...(info.status === undefined ? {} : { status: info.status }), ...(code && MSG_CD.test(code) ? { msgCd: code } : {}) });
    this.write('fail', endpointOf(path), detail);
  }

  /** What is recorded; a field that does not read is left out (null), never guessed. */
  async read(): Promise<KisCallHealth> {
    const h = await this.o.redis.hgetall(this.o.key);
    const lastGood = markOf(h.goodAt, h.goodEndpoint);
    const lastFailure = failureOf(h.failAt, h.failEndpoint, h.failDetail);
    const health: KisCallHealth = { lastGood, lastFailure };
    if (lastFailure === null) return health;
    // A record written before the per-kind fields existed still has the overall last good call, which counts when it is of the same kind.
    const ofKind = [markOf(h[`good:${lastFailure.endpoint}At`], lastFailure.endpoint), lastGood?.endpoint === lastFailure.endpoint ? lastGood : null]
      .filter((m): m is KisCallMark => m !== null)
      .sort((a, b) => b.at - a.at)[0];
    if (ofKind !== undefined) health.lastGoodOfFailedEndpoint = ofKind;
    return health;
  }

  /** Waits for the writes under way. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private write(side: 'good' | 'fail', endpoint: KisEndpointKind, detail: string): void {
    const p = this.o.redis
      .eval(RECORD_NEWER, 1, this.o.key, side, String(this.o.now()), endpoint, detail, String(KEEP_MS))
      .catch((err: unknown) => this.o.logger?.debug({ err: String(err) }, 'could not record the KIS call for /status'))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }
}

function markOf(at: string | undefined, endpoint: string | undefined): KisCallMark | null {
  const ms = Number(at);
  if (at === undefined || !Number.isFinite(ms) || endpoint === undefined || !KINDS.has(endpoint)) return null;
  return { at: ms, endpoint: endpoint as KisEndpointKind };
}

function failureOf(at: string | undefined, endpoint: string | undefined, detail: string | undefined): KisCallFailure | null {
  const mark = markOf(at, endpoint);
  if (mark === null || detail === undefined) return null;
  let d: unknown;
  try {
    d = JSON.parse(detail);
  } catch {
    return null;
  }
  if (d === null || typeof d !== 'object') return null;
  const { error, status, msgCd } = d as { error?: unknown; status?: unknown; msgCd?: unknown };
  if (typeof error !== 'string' || !FAILURES.has(error)) return null;
  return {
    ...mark,
    error: error as KisCallFailureKind,
    ...(typeof status === 'number' ? { status } : {}),
    ...(typeof msgCd === 'string' && MSG_CD.test(msgCd) ? { msgCd } : {}),
  };
}
