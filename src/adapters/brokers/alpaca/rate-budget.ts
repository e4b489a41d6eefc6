import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { BrokerError } from '../errors.js';
import { ACQUIRE_SCRIPT, OBSERVE_SCRIPT } from './rate-budget.lua.js';

/**
 * How much a request matters when the budget runs short. `urgent` ones
 * (cancel-all for /kill, cancels, exits) may also use the reserved share;
 * `normal` ones (polling, listings) may not.
 */
export type BudgetPriority = 'normal' | 'urgent';

/** What one response said about the broker's own window (all optional; from X-RateLimit-Limit/Remaining/Reset and Retry-After). */
export interface RateHeaders {
  /** X-RateLimit-Limit: requests the broker allows per its window. */
  limit?: number;
  /** X-RateLimit-Remaining: requests left in the broker's current window. */
  remaining?: number;
  /** X-RateLimit-Reset as ms since the epoch (the header is unix seconds). */
  resetAtMs?: number;
  /** Retry-After in ms (a 429 carries it). */
  retryAfterMs?: number;
  /** HTTP status of the response. */
  status: number;
}

/** A budget of requests to one broker API key, shared by everyone who sends with that key. */
export interface RequestBudget {
  /** Resolves when one request may be sent now (and counts it); waits otherwise. Throws BrokerError kind 'rate_limited' (src/lib/broker-errors.ts) when it would have to wait longer than `maxWaitMs` (default 30 s) — nothing was sent. */
  acquire(priority: BudgetPriority, opts?: { maxWaitMs?: number }): Promise<void>;
  /** Feeds what the broker said back, so every process slows down: Remaining at or below the reserve, or a 429 (Retry-After / Reset), blocks 'normal' requests until the reset; a 429 blocks 'urgent' ones too until Retry-After. */
  observe(h: RateHeaders): Promise<void>;
}

/** Limits of a {@link MemoryRequestBudget} (and of a {@link RedisRequestBudget}). */
export interface MemoryRequestBudgetOptions {
  /** Requests per window for everyone on the key (ALPACA_MAX_RPM, default 180; Alpaca allows 200). */
  maxPerMinute: number;
  /** The share of {@link maxPerMinute} only 'urgent' requests may use, e.g. 30. */
  reservedPerMinute: number;
  /** Length of the sliding window; 60 000 (one minute) unless a test shortens it. */
  windowMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Broker name in errors; default `alpaca`. */
  broker?: string;
}

/** Where a {@link RedisRequestBudget} keeps its count, and its limits. */
export interface RedisRequestBudgetOptions extends MemoryRequestBudgetOptions {
  redis: Redis;
  /** The deployment's Redis key prefix (REDIS_PREFIX). */
  prefix: string;
  /** identifies the key without revealing it: pass a hash of the key id ({@link alpacaKeyTag}) */
  keyTag: string;
  /**
   * The middle part of the Redis key names, `<prefix>:<keyName>:{<keyTag>}:…`.
   * Default `alpaca-rate` (Alpaca's keys); other brokers pass their own (KIS: `kis-rate`).
   */
  keyName?: string;
  /** Warned (once per outage) when Redis cannot be used and each process counts alone. */
  logger?: Logger | undefined;
  /** How long one Redis call may take before this process counts on its own. Default 1000 ms. */
  redisTimeoutMs?: number;
}

/** The `rate_limited` error of a budget that would wait too long; `retryAfterMs` is when the next request could go. */
export class BudgetExhaustedError extends BrokerError {
  constructor(
    broker: string,
    detail: string,
    readonly retryAfterMs: number,
  ) {
    super({
      broker,
      kind: 'rate_limited',
      detail,
      hint: 'nothing was sent; wait a little and try again. If it keeps happening, too many requests share this API key: poll less often or lower ALPACA_MAX_RPM only if the broker still answers 429',
    });
  }
}

/** A stable tag for an API key id that does not reveal it (Redis key names are visible to anyone with Redis access). */
export function alpacaKeyTag(keyId: string): string {
  return createHash('sha256').update(`alpaca-key:${keyId.trim()}`).digest('hex').slice(0, 16);
}

const DEFAULT_WINDOW_MS = 60_000;
const DEFAULT_MAX_WAIT_MS = 30_000;
/** Waiters re-ask at least this often (a slot freed by a stale word, a clock step) but never spin: they sleep until the computed time otherwise. */
const MAX_POLL_MS = 250;
/** A 429 without Retry-After or Reset, or a low Remaining without a usable Reset: pause this long, then the next answer tells more. */
const NO_WORD_PAUSE_MS = 1000;
/** A lower X-RateLimit-Limit is honoured this many windows after the last response that said so. */
const LIMIT_FRESH_WINDOWS = 5;
/** Redis keys outlive their last use by this much: only to clean up, never part of the rules. */
const KEY_SLACK_MS = 60_000;
const DEFAULT_REDIS_TIMEOUT_MS = 1000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The broker's word as absolute times (0: nothing said). */
interface Word {
  urgentUntil: number;
  normalUntil: number;
  limit: number;
  limitUntil: number;
}

interface Limits {
  max: number;
  reserved: number;
  windowMs: number;
}

function checkLimits(o: MemoryRequestBudgetOptions): Limits {
  const windowMs = o.windowMs ?? DEFAULT_WINDOW_MS;
  const { maxPerMinute: max, reservedPerMinute: reserved } = o;
  if (!Number.isInteger(max) || max < 1) throw new Error(`request budget: maxPerMinute must be a whole number ≥ 1 (got ${max}); check ALPACA_MAX_RPM`);
  if (!Number.isInteger(reserved) || reserved < 0 || reserved >= max) {
    throw new Error(`request budget: reservedPerMinute must be a whole number from 0 to ${max - 1} (below maxPerMinute ${max}); got ${reserved}`);
  }
  if (!(windowMs > 0)) throw new Error(`request budget: windowMs must be positive (got ${windowMs})`);
  return { max, reserved, windowMs };
}

/**
 * What a response tells us, as absolute times; null when it asks for nothing
 * (the common case, so no Redis round trip follows).
 * - A 429 stops everything for Retry-After (else a second: urgent requests
 *   probe again then) and normal requests until the reset.
 * - Remaining at or below the reserve stops normal requests until the reset.
 * - A Limit below our max lowers the max while responses keep saying so, and
 *   the reserved share with it in proportion (normal requests keep a share).
 * A Reset is an absolute time from the broker's clock: one more than a window
 * away can only be clock skew, so it counts as one window.
 */
function wordOf(h: RateHeaders, now: number, l: Limits): Word | null {
  const resetAt = h.resetAtMs !== undefined && h.resetAtMs > now ? Math.min(h.resetAtMs, now + l.windowMs) : undefined;
  const w: Word = { urgentUntil: 0, normalUntil: 0, limit: 0, limitUntil: 0 };
  if (h.status === 429) {
    // Urgent requests (/kill's cancel-all and its proof) wait what Retry-After asks; without it they
    // probe again after a second rather than sit out the whole window: one more 429 costs less than
    // a kill switch that cancels nothing for a minute. Normal requests wait for the reset.
    const pause = h.retryAfterMs ?? Math.min(NO_WORD_PAUSE_MS, resetAt === undefined ? NO_WORD_PAUSE_MS : resetAt - now);
    w.urgentUntil = now + Math.max(0, pause);
    w.normalUntil = Math.max(w.urgentUntil, resetAt ?? 0);
  }
  // The reserve as a share of the broker's own limit when it says a lower one (see `take`).
  const reserve = h.limit !== undefined && h.limit > 0 && h.limit < l.max && l.reserved > 0 ? Math.max(1, Math.floor((l.reserved * h.limit) / l.max)) : l.reserved;
  if (h.remaining !== undefined && h.remaining <= reserve) {
    w.normalUntil = Math.max(w.normalUntil, resetAt ?? now + NO_WORD_PAUSE_MS);
  }
  if (h.limit !== undefined && h.limit > 0 && h.limit < l.max) {
    w.limit = Math.floor(h.limit);
    w.limitUntil = now + LIMIT_FRESH_WINDOWS * l.windowMs;
  }
  return w.urgentUntil > now || w.normalUntil > now || w.limit > 0 ? w : null;
}

/**
 * Waits for a slot: asks `take` (0 = counted, else ms to wait), sleeps until
 * the time it names (re-asking at least every {@link MAX_POLL_MS}), and gives
 * up before sleeping when the slot is further away than the caller waits.
 */
async function acquireLoop(
  take: (priority: BudgetPriority, now: number) => Promise<number>,
  priority: BudgetPriority,
  opts: { maxWaitMs?: number } | undefined,
  env: { now: () => number; sleep: (ms: number) => Promise<void>; broker: string; what: string },
): Promise<void> {
  const maxWaitMs = opts?.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const deadline = env.now() + maxWaitMs;
  for (;;) {
    const now = env.now();
    const wait = await take(priority, now);
    if (wait <= 0) return;
    if (now + wait > deadline) {
      throw new BudgetExhaustedError(
        env.broker,
        `local request budget ${env.what} exhausted for ${priority} requests: the next one may go in ${Math.ceil(wait / 1000)} s, longer than the ${Math.ceil(maxWaitMs / 1000)} s this request waits`,
        wait,
      );
    }
    await env.sleep(Math.min(wait, MAX_POLL_MS));
  }
}

/**
 * The budget's rules in one process: a sliding window of grant times, and the
 * broker's last word. For the paper and unit paths, tests, and as the
 * {@link RedisRequestBudget}'s fallback when Redis is unreachable.
 */
export class MemoryRequestBudget implements RequestBudget {
  private readonly limits: Limits;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly broker: string;
  /** Grant times, oldest first. */
  private grants: number[] = [];
  private word: Word = { urgentUntil: 0, normalUntil: 0, limit: 0, limitUntil: 0 };

  constructor(o: MemoryRequestBudgetOptions) {
    this.limits = checkLimits(o);
    this.now = o.now ?? Date.now;
    this.sleep = o.sleep ?? defaultSleep;
    this.broker = o.broker ?? 'alpaca';
  }

  acquire(priority: BudgetPriority, opts?: { maxWaitMs?: number }): Promise<void> {
    return acquireLoop(async (p, now) => this.take(p, now), priority, opts, { now: this.now, sleep: this.sleep, broker: this.broker, what: '(this process)' });
  }

  async observe(h: RateHeaders): Promise<void> {
    this.remember(h, this.now());
  }

  /** @internal Counts one request if the rules allow it now: 0, else the ms until one may go. */
  take(priority: BudgetPriority, now: number): number {
    const { windowMs } = this.limits;
    const w = this.word;
    const blockedUntil = priority === 'urgent' ? w.urgentUntil : Math.max(w.urgentUntil, w.normalUntil);
    if (blockedUntil > now) return Math.ceil(blockedUntil - now);
    const lowered = w.limit > 0 && w.limitUntil > now && w.limit < this.limits.max;
    const max = lowered ? w.limit : this.limits.max;
    // The broker allows fewer than we planned for: both shares shrink in proportion (as the Lua script does).
    const reserved = lowered && this.limits.reserved > 0 ? Math.max(1, Math.floor((this.limits.reserved * w.limit) / this.limits.max)) : this.limits.reserved;
    const cap = priority === 'urgent' ? max : max - reserved;
    if (cap < 1) return w.limitUntil > now ? Math.ceil(w.limitUntil - now) : windowMs;
    this.trim(now);
    if (this.grants.length < cap) {
      this.record(now);
      return 0;
    }
    return Math.max(1, Math.ceil(this.grants[this.grants.length - cap]! + windowMs - now));
  }

  /** @internal Counts a request granted elsewhere (by Redis), so a fallback starts from this process's own recent requests. */
  record(now: number): void {
    let i = this.grants.length;
    while (i > 0 && this.grants[i - 1]! > now) i--;
    this.grants.splice(i, 0, now);
  }

  /** @internal Merges a response's word, never loosening what is known. */
  remember(h: RateHeaders, now: number): void {
    const w = wordOf(h, now, this.limits);
    if (w === null) return;
    this.word.urgentUntil = Math.max(this.word.urgentUntil, w.urgentUntil);
    this.word.normalUntil = Math.max(this.word.normalUntil, w.normalUntil);
    if (w.limit > 0) {
      this.word.limit = w.limit;
      this.word.limitUntil = w.limitUntil;
    }
  }

  private trim(now: number): void {
    const cutoff = now - this.limits.windowMs;
    let drop = 0;
    while (drop < this.grants.length && this.grants[drop]! <= cutoff) drop++;
    if (drop > 0) this.grants.splice(0, drop);
  }
}

/**
 * ONE budget per API key across every process (bot, workers), kept in Redis:
 * a sorted set of request times over a sliding window and a hash of the
 * broker's last word, checked and counted by one Lua script (rate-budget.lua.ts),
 * so concurrent processes can never overshoot. Time is the callers' clock
 * (`now`): processes sharing a key are assumed to run on clocks in step (NTP);
 * a skew of s ms shifts the window's edge by s ms, nothing more.
 *
 * If Redis is unreachable (not connected, an error, or no answer within
 * `redisTimeoutMs`), `acquire` neither hangs nor sends unlimited: this process
 * falls back to a {@link MemoryRequestBudget} with the SAME limits (seeded with
 * its own recent requests) and warns once per outage. The same limits, not a
 * share of them: how many processes use the key is not known, and guessing low
 * would starve /kill's cancel-all. So during an outage several processes
 * together may exceed the limit; the broker's 429s, fed back through `observe`,
 * still slow each of them down, and everything returns to the shared count as
 * soon as Redis answers again.
 */
export class RedisRequestBudget implements RequestBudget {
  private readonly limits: Limits;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly broker: string;
  private readonly fallback: MemoryRequestBudget;
  private readonly windowKey: string;
  private readonly wordKey: string;
  private readonly memberTag = randomBytes(6).toString('hex');
  private seq = 0;
  private degraded = false;

  constructor(private readonly o: RedisRequestBudgetOptions) {
    this.limits = checkLimits(o);
    this.now = o.now ?? Date.now;
    this.sleep = o.sleep ?? defaultSleep;
    this.broker = o.broker ?? 'alpaca';
    this.fallback = new MemoryRequestBudget(o);
    // One hash tag for both keys: the script touches them together (Redis Cluster needs one slot).
    const base = `${o.prefix}:${o.keyName ?? 'alpaca-rate'}:{${o.keyTag}}`;
    this.windowKey = `${base}:window`;
    this.wordKey = `${base}:word`;
  }

  acquire(priority: BudgetPriority, opts?: { maxWaitMs?: number }): Promise<void> {
    return acquireLoop((p, now) => this.take(p, now), priority, opts, { now: this.now, sleep: this.sleep, broker: this.broker, what: `of API key ${this.o.keyTag}` });
  }

  async observe(h: RateHeaders): Promise<void> {
    const now = this.now();
    // The fallback always knows the word, so an outage starts from it.
    this.fallback.remember(h, now);
    const w = wordOf(h, now, this.limits);
    if (w === null) return;
    await this.redisCall(() =>
      this.o.redis.eval(OBSERVE_SCRIPT, 1, this.wordKey, String(now), String(w.urgentUntil), String(w.normalUntil), String(w.limit), String(w.limitUntil), String(this.limits.windowMs + KEY_SLACK_MS)),
    );
  }

  private async take(priority: BudgetPriority, now: number): Promise<number> {
    const member = `${this.memberTag}:${++this.seq}`;
    const { max, reserved, windowMs } = this.limits;
    const r = await this.redisCall(() =>
      this.o.redis.eval(ACQUIRE_SCRIPT, 2, this.windowKey, this.wordKey, String(now), String(windowMs), String(max), String(reserved), priority, member, String(windowMs + KEY_SLACK_MS)),
    );
    if (r === undefined) return this.fallback.take(priority, now);
    const wait = Number(r);
    if (wait <= 0) this.fallback.record(now);
    return wait;
  }

  /** Runs one Redis call; undefined (and a warning, once per outage) when Redis cannot answer. */
  private async redisCall(call: () => Promise<unknown>): Promise<unknown> {
    const redis = this.o.redis;
    let why: string;
    if (redis.status === 'end' || (this.degraded && redis.status !== 'ready')) {
      // Known down: a command would only sit in ioredis' offline queue until the timeout. (While
      // not yet degraded it is sent anyway, so a connection still starting up is waited for.)
      why = `the Redis connection is ${redis.status}`;
    } else {
      const ms = this.o.redisTimeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
      let timer: NodeJS.Timeout | undefined;
      try {
        const r = await Promise.race([
          call(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
          }),
        ]);
        if (this.degraded) {
          this.degraded = false;
          this.o.logger?.info({ keyTag: this.o.keyTag }, 'broker request budget: Redis answers again; back to the budget shared by every process');
        }
        return r;
      } catch (e) {
        why = (e as Error)?.message ?? String(e);
      } finally {
        clearTimeout(timer);
      }
    }
    if (!this.degraded) {
      this.degraded = true;
      this.o.logger?.warn(
        { keyTag: this.o.keyTag, why },
        'broker request budget: Redis unreachable, so this process counts its requests alone (same limits); together the processes may exceed the broker limit until Redis is back, and its 429s will slow them down. Check Redis',
      );
    }
    return undefined;
  }
}
