/**
 * The Lua scripts of the Redis request budget (rate-budget.ts). Each runs
 * atomically in Redis, so however many processes ask at once, the check and
 * the count are one step and the window can never overshoot.
 *
 * Keys (both under one hash tag, so they live on one cluster slot):
 * - window: sorted set, one member per request granted, scored by the time it
 *   was granted (ms since the epoch, from the callers' clock);
 * - word: hash of what the broker last said, as absolute ms times:
 *   `urgentUntil` (a 429: nothing may go before), `normalUntil` (a 429's reset,
 *   or Remaining at or below the reserve: only urgent requests until then),
 *   `limit`/`limitUntil` (an X-RateLimit-Limit below our max, honoured while fresh).
 */

/**
 * Takes one request from the budget, or says how long to wait.
 * KEYS: window, word. ARGV: now, windowMs, maxPerWindow, reserved, priority
 * ('normal' | 'urgent'), member (unique), ttlMs.
 * Returns 0 when the request was counted and may go now, else the ms to wait
 * (≥ 1) before asking again; nothing is counted then.
 */
export const ACQUIRE_SCRIPT = `
local now = tonumber(ARGV[1])
local win = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
local reserved = tonumber(ARGV[4])
local urgent = ARGV[5] == 'urgent'
local w = redis.call('HMGET', KEYS[2], 'urgentUntil', 'normalUntil', 'limit', 'limitUntil')
local blockedUntil = tonumber(w[1] or '0') or 0
if not urgent then
  local n = tonumber(w[2] or '0') or 0
  if n > blockedUntil then blockedUntil = n end
end
if blockedUntil > now then return math.ceil(blockedUntil - now) end
local limit = tonumber(w[3] or '0') or 0
local limitUntil = tonumber(w[4] or '0') or 0
if limit > 0 and limitUntil > now and limit < max then
  -- The broker allows fewer than we planned for: both shares shrink in proportion.
  if reserved > 0 then reserved = math.max(1, math.floor(reserved * limit / max)) end
  max = limit
end
local cap = max
if not urgent then cap = max - reserved end
if cap < 1 then
  -- The broker's own limit leaves nothing outside the reserve: wait until that word is stale.
  if limitUntil > now then return math.ceil(limitUntil - now) end
  return win
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - win)
local count = redis.call('ZCARD', KEYS[1])
if count < cap then
  redis.call('ZADD', KEYS[1], now, ARGV[6])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[7]))
  return 0
end
-- Free once enough of the oldest entries have left the window for one more to fit.
local e = redis.call('ZRANGE', KEYS[1], count - cap, count - cap, 'WITHSCORES')
local wait = math.ceil(tonumber(e[2]) + win - now)
if wait < 1 then wait = 1 end
return wait
`;

/**
 * Records what the broker said; never loosens what is already recorded
 * (a later, stricter word from another process stays).
 * KEYS: word. ARGV: now, urgentUntil, normalUntil, limit, limitUntil, ttlMs
 * (0 = nothing to say about that field). Returns 1.
 */
export const OBSERVE_SCRIPT = `
local now = tonumber(ARGV[1])
local w = redis.call('HMGET', KEYS[1], 'urgentUntil', 'normalUntil', 'limitUntil')
local keepUntil = now
local function raise(field, cur, new)
  local c = tonumber(cur or '0') or 0
  if new > c then redis.call('HSET', KEYS[1], field, tostring(new)); c = new end
  if c > keepUntil then keepUntil = c end
end
raise('urgentUntil', w[1], tonumber(ARGV[2]))
raise('normalUntil', w[2], tonumber(ARGV[3]))
local limit = tonumber(ARGV[4])
if limit > 0 then
  redis.call('HSET', KEYS[1], 'limit', tostring(limit), 'limitUntil', ARGV[5])
  if tonumber(ARGV[5]) > keepUntil then keepUntil = tonumber(ARGV[5]) end
else
  local lu = tonumber(w[3] or '0') or 0
  if lu > keepUntil then keepUntil = lu end
end
redis.call('PEXPIRE', KEYS[1], math.ceil(keepUntil - now) + tonumber(ARGV[6]))
return 1
`;
