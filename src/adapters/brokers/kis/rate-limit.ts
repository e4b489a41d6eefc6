import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisRequestBudget, type RequestBudget } from '../alpaca/rate-budget.js';

/**
 * The KIS request rate of one account, shared by every process through Redis.
 *
 * This reuses the Alpaca adapter's Redis request budget (one Lua script
 * checks and counts atomically, a memory fallback when Redis is down, 429
 * feedback that pauses every process) with a one-second window instead of a
 * minute: KIS limits requests per second (EGW00201), Alpaca per minute.
 * Nothing KIS-specific had to change, so no per-second variant is kept here.
 *
 * The window is 1000 ms plus {@link JITTER_GUARD_MS}: KIS counts in its own
 * second windows, and two requests granted exactly a second apart can reach
 * it within the same one when the first travels slower than the second.
 * Urgent requests (order POSTs, cancels, /kill's listing) may use a reserve
 * of one sixth of the rate (none below 6/s).
 *
 * The budget runs on the wall clock (`clock`), not the adapter's business
 * clock: it paces real requests to a real server.
 */
export const JITTER_GUARD_MS = 100;

export interface KisRateLimitOptions {
  redis: Redis;
  keyPrefix: string;
  /** Tag of the account (keys.ts kisTag). */
  tag: string;
  maxRps: number;
  broker: string;
  logger?: Logger | undefined;
  clock: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function createKisRateLimit(o: KisRateLimitOptions): RequestBudget {
  if (!Number.isInteger(o.maxRps) || o.maxRps < 1) throw new Error(`KIS_MAX_RPS must be a whole number ≥ 1 (got ${o.maxRps})`);
  return new RedisRequestBudget({
    redis: o.redis,
    prefix: o.keyPrefix,
    // `<prefix>:kis-rate:{<tag>}:…`: the account's own key names, apart from Alpaca's `alpaca-rate`.
    keyName: 'kis-rate',
    keyTag: o.tag,
    maxPerMinute: o.maxRps,
    reservedPerMinute: o.maxRps >= 6 ? Math.floor(o.maxRps / 6) : 0,
    windowMs: 1000 + JITTER_GUARD_MS,
    broker: o.broker,
    logger: o.logger,
    now: o.clock,
    ...(o.sleep ? { sleep: o.sleep } : {}),
  });
}
