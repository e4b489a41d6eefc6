import type { Redis } from 'ioredis';
import type { RateLimit, ReserveVerdict, TakeVerdict, UserFairnessStore } from './port.js';

/** Redis' own clock in ms: every replica reads the same time, whatever its own clock says. */
const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** Keeps a key alive at least `ttl` ms more, never shortening a longer life. */
const EXTEND = `
local function extend(key, ttl)
  if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
end
`;

/**
 * KEYS[1] bucket hash, KEYS[2] notice marker; ARGV[1] tokens per ms,
 * ARGV[2] burst, ARGV[3] notice interval ms. Returns 1 (taken), 2 (refused:
 * tell the user) or 0 (refused: already told within the interval).
 */
const TAKE = `${NOW}
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'ts', 'tokens')
local ts = tonumber(b[1]) or now
local tokens = tonumber(b[2]) or burst
if now > ts then tokens = math.min(burst, tokens + (now - ts) * rate) end
local taken = 0
if tokens >= 1 then
  tokens = tokens - 1
  taken = 1
end
redis.call('HSET', KEYS[1], 'ts', now, 'tokens', tostring(tokens))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 1000)
if taken == 1 then return 1 end
if redis.call('SET', KEYS[2], '1', 'PX', ARGV[3], 'NX') then return 2 end
return 0
`;

/**
 * KEYS[1] slots (sorted set scored by expiry); ARGV[1] member, ARGV[2] max,
 * ARGV[3] ttl ms. Returns {granted 0|1, held}. A member already held is
 * granted again (a redelivered update keeps its slot).
 */
const RESERVE = `${NOW}${EXTEND}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local held = redis.call('ZCARD', KEYS[1])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return {1, held} end
if held >= tonumber(ARGV[2]) then return {0, held} end
local ttl = tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
extend(KEYS[1], ttl)
return {1, held + 1}
`;

/** KEYS[1] slots; ARGV[1] member to replace, ARGV[2] ttl ms, ARGV[3..] replacements. */
const SETTLE = `${NOW}${EXTEND}
redis.call('ZREM', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
for i = 3, #ARGV do redis.call('ZADD', KEYS[1], now + ttl, ARGV[i]) end
if #ARGV >= 3 then extend(KEYS[1], ttl) end
return 1
`;

/** KEYS[1] slots. The unexpired members. */
const HELD = `${NOW}
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')
`;

/** The scripts as ioredis commands (EVALSHA, with a fallback to EVAL after a Redis restart). */
interface FairnessCommands {
  fairnessTake(bucket: string, notice: string, ratePerMs: string, burst: string, noticeMs: string): Promise<number>;
  fairnessReserve(slots: string, member: string, max: string, ttlMs: string): Promise<[number, number]>;
  fairnessSettle(slots: string, member: string, ttlMs: string, ...replacements: string[]): Promise<number>;
  fairnessHeld(slots: string): Promise<string[]>;
}

/**
 * Per-user fairness in Redis, shared by every bot replica: a token bucket
 * (`<prefix>:fair:bucket:<user>`), a once-per-interval notice marker
 * (`<prefix>:fair:notice:<user>`) and a sorted set of work slots scored by
 * expiry (`<prefix>:fair:slots:<user>`). Each decision is one Lua script, so
 * concurrent updates of one user (a batch of 100 is handled at once) cannot
 * both take the last token or the last slot.
 */
export class RedisUserFairness implements UserFairnessStore {
  private readonly commands: FairnessCommands;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('fairnessTake', { numberOfKeys: 2, lua: TAKE });
    redis.defineCommand('fairnessReserve', { numberOfKeys: 1, lua: RESERVE });
    redis.defineCommand('fairnessSettle', { numberOfKeys: 1, lua: SETTLE });
    redis.defineCommand('fairnessHeld', { numberOfKeys: 1, lua: HELD });
    this.commands = redis as unknown as FairnessCommands;
  }

  private key(kind: 'bucket' | 'notice' | 'slots', userId: number): string {
    return `${this.prefix}:fair:${kind}:${userId}`;
  }

  async take(userId: number, limit: RateLimit): Promise<TakeVerdict> {
    const r = Number(
      await this.commands.fairnessTake(this.key('bucket', userId), this.key('notice', userId), String(limit.perMinute / 60_000), String(limit.burst), String(limit.noticeEveryMs)),
    );
    return r === 1 ? { allowed: true } : { allowed: false, notify: r === 2 };
  }

  async reserve(userId: number, member: string, max: number, ttlMs: number): Promise<ReserveVerdict> {
    const [granted, held] = await this.commands.fairnessReserve(this.key('slots', userId), member, String(max), String(ttlMs));
    return { granted: Number(granted) === 1, held: Number(held) };
  }

  async settle(userId: number, member: string, replacements: readonly string[], ttlMs: number): Promise<void> {
    await this.commands.fairnessSettle(this.key('slots', userId), member, String(ttlMs), ...replacements);
  }

  async held(userId: number): Promise<string[]> {
    return this.commands.fairnessHeld(this.key('slots', userId));
  }

  async release(userId: number, members: readonly string[]): Promise<void> {
    if (members.length > 0) await this.redis.zrem(this.key('slots', userId), ...members);
  }
}
