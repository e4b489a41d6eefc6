import type { Redis } from 'ioredis';

/**
 * A token bucket per chat kept in Redis (so every worker shares it), using
 * Redis' own clock. Returns 0 when a message may go now, else how many ms to wait.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'ts', 'tokens')
local ts = tonumber(b[1]) or now
local tokens = tonumber(b[2]) or burst
tokens = math.min(burst, tokens + (now - ts) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'ts', now, 'tokens', tostring(tokens))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 1000)
return wait
`;

export class ChatPacer {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  /** Takes one token for `chatId`; returns the wait in ms (0 = send now). */
  async take(chatId: number): Promise<number> {
    const wait = await this.redis.eval(TAKE, 1, `${this.prefix}:pace:${chatId}`, String(this.perSecond / 1000), String(this.burst));
    return Number(wait);
  }
}
