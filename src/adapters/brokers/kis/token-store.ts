import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { BrokerError } from '../errors.js';
import { COMPARE_AND_DELETE, type KisKeys } from './keys.js';

/** What one tokenP call returned. */
export interface IssuedToken {
  token: string;
  /** Ms since the epoch, on the adapter's clock. */
  expiresAt: number;
}

export interface KisTokenStoreOptions {
  broker: string;
  redis: Redis;
  keys: KisKeys;
  /** Calls POST /oauth2/tokenP once. */
  issue: () => Promise<IssuedToken>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  logger?: Logger | undefined;
  /** Ask for a new token this long before the current one expires. Default 1 h. */
  refreshBeforeMs?: number;
  /** KIS issues a token at most once a minute (EGW00133). Default 60 s. */
  minIntervalMs?: number;
  /** How long a caller waits for a token (another process asking, or the minute passing). Default 10 s. */
  maxWaitMs?: number;
  /** How long the issuing process holds the lock at most. Default 15 s. */
  lockMs?: number;
}

const POLL_MS = 100;

const RELEASE_IF_TOKEN = `
if redis.call('HGET', KEYS[1], 'token') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * The one KIS access token (24 h) of an app key, shared by every process
 * through Redis and kept there across restarts:
 * - a valid token in Redis is used as is (no tokenP call after restarting
 *   every process);
 * - when there is none, or it expires within `refreshBeforeMs`, ONE process
 *   (the holder of a `SET NX PX` lock) calls tokenP and stores the answer; the
 *   others keep using the old token while it is valid, or wait and read;
 * - tokenP is never called twice within `minIntervalMs` (the time of the last
 *   call is in Redis too, so this holds across processes and restarts): KIS
 *   refuses the second with EGW00133.
 */
export class KisTokenStore {
  private readonly refreshBeforeMs: number;
  private readonly minIntervalMs: number;
  private readonly maxWaitMs: number;
  private readonly lockMs: number;
  private readonly owner = randomBytes(8).toString('hex');

  constructor(private readonly o: KisTokenStoreOptions) {
    this.refreshBeforeMs = o.refreshBeforeMs ?? 3_600_000;
    this.minIntervalMs = o.minIntervalMs ?? 60_000;
    this.maxWaitMs = o.maxWaitMs ?? 10_000;
    this.lockMs = o.lockMs ?? 15_000;
  }

  /** A token valid now: the shared one, or a new one when it is missing or due for refresh. */
  async get(): Promise<string> {
    // Waiting is counted in polls, not on the clock: an injected clock may stand still.
    for (let polls = 0; ; polls++) {
      const cur = await this.read();
      const now = this.o.now();
      if (cur && now < cur.expiresAt - this.refreshBeforeMs) return cur.token;
      if (await this.lock()) {
        try {
          const issued = await this.issueLocked();
          if (issued) return issued;
        } finally {
          await this.o.redis.eval(COMPARE_AND_DELETE, 1, this.o.keys.tokenLock, this.owner);
        }
      } else if (cur && now < cur.expiresAt) {
        // Another process is refreshing: the current token is still good meanwhile.
        return cur.token;
      }
      if (polls * POLL_MS >= this.maxWaitMs) {
        throw new BrokerError({
          broker: this.o.broker,
          kind: 'unavailable',
          detail: `no KIS access token within ${Math.round(this.maxWaitMs / 1000)} s (another process holds the token lock)`,
          hint: 'try again shortly; if it persists delete the stuck token lock key in Redis',
        });
      }
      await this.o.sleep(POLL_MS);
    }
  }

  /**
   * KIS refused `token` (EGW00123 expired / EGW00121 invalid): forget it, so
   * the next {@link get} asks for a new one. Only that token is forgotten: a
   * newer one another process stored meanwhile stays.
   */
  async invalidate(token: string): Promise<void> {
    await this.o.redis.eval(RELEASE_IF_TOKEN, 1, this.o.keys.token, token);
  }

  /** The shared token, or null. */
  async read(): Promise<IssuedToken | null> {
    const h = await this.o.redis.hmget(this.o.keys.token, 'token', 'expiresAt');
    const token = h[0];
    const expiresAt = Number(h[1]);
    return token && Number.isFinite(expiresAt) ? { token, expiresAt } : null;
  }

  private async lock(): Promise<boolean> {
    return (await this.o.redis.set(this.o.keys.tokenLock, this.owner, 'PX', this.lockMs, 'NX')) === 'OK';
  }

  /** Under the lock: a token (new, or the current one when the minute rule forbids asking), or null to wait and look again. */
  private async issueLocked(): Promise<string | null> {
    // Someone may have stored a fresh token between our read and the lock.
    const cur = await this.read();
    if (cur && this.o.now() < cur.expiresAt - this.refreshBeforeMs) return cur.token;
    const last = Number(await this.o.redis.get(this.o.keys.tokenLastCall));
    const now = this.o.now();
    if (Number.isFinite(last) && last > 0 && now - last < this.minIntervalMs) {
      // Asked less than a minute ago (by any process): KIS would answer EGW00133.
      if (cur && now < cur.expiresAt) return cur.token;
      const wait = last + this.minIntervalMs - now;
      if (wait > this.maxWaitMs) {
        throw new BrokerError({
          broker: this.o.broker,
          kind: 'rate_limited',
          detail: `no valid KIS access token, and KIS issues one at most once a minute: the next may be requested in ${Math.ceil(wait / 1000)} s`,
          hint: 'nothing was sent; try again in a minute',
        });
      }
      return null;
    }
    // Recorded before the call: KIS counts the attempt even when its answer is lost.
    await this.o.redis.set(this.o.keys.tokenLastCall, String(now), 'PX', this.minIntervalMs * 2);
    const issued = await this.o.issue();
    const ttl = Math.max(1000, issued.expiresAt - this.o.now() + 60_000);
    await this.o.redis.multi().hset(this.o.keys.token, 'token', issued.token, 'expiresAt', String(issued.expiresAt)).pexpire(this.o.keys.token, ttl).exec();
    this.o.logger?.info({ expiresAt: new Date(issued.expiresAt).toISOString() }, 'KIS access token issued and shared');
    return issued.token;
  }
}
