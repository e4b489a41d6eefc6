import { Redis, type RedisOptions } from 'ioredis';
import { reportOncePerOutage } from '../../lib/redis-outage.js';

/**
 * Two kinds of Redis connection, because they must fail differently:
 * - `producer`: used on request paths (the bot enqueuing a command). It must
 *   fail fast when Redis is down so the user hears "queue unavailable" at once,
 *   so the offline queue is off and each command gets one try.
 * - `blocking`: used by BullMQ workers. They must wait out an outage and carry
 *   on, so BullMQ requires maxRetriesPerRequest: null; ioredis reconnects forever.
 */
export function redisOptions(kind: 'producer' | 'blocking', connectTimeoutMs = 1_000): RedisOptions {
  const reconnect = (attempt: number) => Math.min(100 * 2 ** Math.min(attempt, 6), 2_000);
  return kind === 'producer'
    ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: connectTimeoutMs, retryStrategy: reconnect, lazyConnect: false }
    : { enableOfflineQueue: true, maxRetriesPerRequest: null, connectTimeout: connectTimeoutMs * 5, retryStrategy: reconnect };
}

/**
 * Opens a connection; errors are reported through `onError` instead of crashing the process
 * (described, once per outage: see `reportOncePerOutage`).
 */
export function openRedis(url: string, kind: 'producer' | 'blocking', onError: (err: Error) => void): Redis {
  const r = new Redis(url, redisOptions(kind));
  reportOncePerOutage(r, r, url, onError);
  return r;
}

/**
 * Waits until a connection is ready, up to `ms`. Returns false (never throws)
 * so callers decide: the bot still starts and answers "queue unavailable".
 */
export function whenReady(r: Redis, ms: number): Promise<boolean> {
  if (r.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      r.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    r.on('ready', onReady);
  });
}

/** Redis key helper: everything Courtside stores lives under one prefix. */
export function keyspace(prefix: string) {
  return (...parts: (string | number)[]) => [prefix, ...parts].join(':');
}

export { withTimeout } from '../../lib/timeout.js';
