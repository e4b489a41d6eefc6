import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { BrokerError } from '../errors.js';
import type { RequestBudget } from '../alpaca/rate-budget.js';
import { formatKisAccount, parseKisAccount, type KisAccount } from './account.js';
import { KisCallLog } from './call-health.js';
import { KisHttp } from './http.js';
import { kisKeys, kisTag, type KisKeys } from './keys.js';
import { createKisRateLimit } from './rate-limit.js';
import { KisTokenStore } from './token-store.js';
import { defaultMaxRps, KIS_REAL_URL, KIS_VIRTUAL_URL, type KisServer } from './tr-ids.js';

/** What {@link createKisConnection} needs: one KIS app key on one server. */
export interface KisConnectionOptions {
  server: KisServer;
  /** Default KIS's host for the server; the emulator's URL in tests (KIS_API_URL). */
  baseUrl?: string;
  appKey: string;
  appSecret: string;
  /**
   * KIS_ACCOUNT, `12345678-01`. KIS issues an app key for one account, and the
   * Redis keys of the token and the rate are named after (server, app key,
   * account): a data-only process passes the same account to share them.
   */
  account: string;
  /** KIS_MAX_RPS; default 18 real, 1 virtual. */
  maxRps?: number;
  /** Shared by every process: token, rate (and the broker's order map). */
  redis: Redis;
  /** REDIS_PREFIX. */
  keyPrefix: string;
  /** The business clock (token expiry). */
  now: () => number;
  /** The wall clock pacing requests. Default Date.now. */
  rateClock?: () => number;
  logger?: Logger;
  fetch?: typeof globalThis.fetch;
  /** Every wait: retries, the token store and the rate limit's pacing (which reads `rateClock`). Default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Override the shared rate limit (tests). */
  budget?: RequestBudget;
  /** Token store timings (tests). */
  token?: { refreshBeforeMs?: number; minIntervalMs?: number; maxWaitMs?: number };
  /** Read timeout per request. Default 10 s. */
  timeoutMs?: number;
}

/**
 * One KIS app key's link to KIS: the HTTP layer with its headers, the ONE
 * access token (Redis) and the account's request rate (Redis). The broker
 * and the daily-price provider are built on it, so a process that trades
 * and reads prices asks for one token and spends one rate.
 */
export interface KisConnection {
  /** `kis-live` (real) or `kis-virtual`: the name in BrokerError messages. */
  readonly name: string;
  readonly server: KisServer;
  readonly account: KisAccount;
  readonly http: KisHttp;
  readonly tokens: KisTokenStore;
  /** The last good and the last failed KIS call of this app key, shared by every process (Redis), for /status. */
  readonly calls: KisCallLog;
  readonly keys: KisKeys;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly logger: Logger | undefined;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Wires the shared parts of one app key: the rate limit, the token store and
 * the call record (last good call, last failure) in Redis under
 * `<keyPrefix>:kis:{tag}` / `<keyPrefix>:kis-rate:{tag}` (the tag hashes
 * server, app key and account). Throws {@link KisAccountError}
 * for a malformed account and `BrokerError` `auth` for a missing key or secret.
 */
export function createKisConnection(o: KisConnectionOptions): KisConnection {
  const name = o.server === 'real' ? 'kis-live' : 'kis-virtual';
  const appKey = o.appKey?.trim() ?? '';
  const appSecret = o.appSecret?.trim() ?? '';
  if (appKey === '' || appSecret === '') {
    throw new BrokerError({ broker: name, kind: 'auth', detail: `no ${appKey === '' ? 'app key' : 'app secret'} configured`, hint: 'set KIS_APP_KEY and KIS_APP_SECRET' });
  }
  const account = parseKisAccount(o.account);
  const tag = kisTag(o.server, appKey, formatKisAccount(account));
  const keys = kisKeys(o.keyPrefix, tag);
  const logger = o.logger?.child({ broker: name });
  const sleep = o.sleep ?? defaultSleep;
  const budget =
    o.budget ?? createKisRateLimit({ redis: o.redis, keyPrefix: o.keyPrefix, tag, maxRps: o.maxRps ?? defaultMaxRps(o.server), broker: name, logger, clock: o.rateClock ?? Date.now, sleep });
  const calls = new KisCallLog({ redis: o.redis, key: keys.calls, now: o.now, logger });
  const http = new KisHttp({
    broker: name,
    baseUrl: (o.baseUrl ?? (o.server === 'real' ? KIS_REAL_URL : KIS_VIRTUAL_URL)).replace(/\/+$/, ''),
    appKey,
    appSecret,
    fetch: o.fetch ?? globalThis.fetch,
    budget,
    logger,
    sleep,
    now: o.now,
    calls,
    ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
  });
  const tokens = new KisTokenStore({ broker: name, redis: o.redis, keys, issue: () => http.issueToken(), now: o.now, sleep, logger, ...o.token });
  http.setToken(
    () => tokens.get(),
    (t) => tokens.invalidate(t),
  );
  return { name, server: o.server, account, http, tokens, calls, keys, now: o.now, sleep, logger };
}
