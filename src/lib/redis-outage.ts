import type { Redis } from 'ioredis';
import { redisConnectError } from './service-unreachable.js';

/**
 * Routes `source`'s 'error' events to `onError`: a connection problem arrives as a
 * ServiceUnreachableError ("Redis is not reachable at host:port (…; REDIS_URL). Start Redis: …"),
 * and once per outage: ioredis retries every ≤ 2 s and would otherwise report the same refusal
 * each time. A different error, or the first one after `connection` was ready again, is reported
 * again. `source` is the connection itself, or a BullMQ worker (whose own duplicated connections
 * report through it).
 */
export function reportOncePerOutage(source: { on(event: 'error', fn: (err: Error) => void): unknown }, connection: Redis, url: string, onError: (err: Error) => void): void {
  let last: string | null = null;
  source.on('error', (raw: Error) => {
    const err = redisConnectError(raw, url);
    const described = err instanceof Error ? err : raw;
    if (described.message === last) return;
    last = described.message;
    onError(described);
  });
  connection.on('ready', () => {
    last = null;
  });
}

/** The URL a connection was opened with, without its password (for messages about it). */
export function urlOf(r: Redis): string {
  const o = r.options;
  return `redis://${o.host ?? '127.0.0.1'}:${o.port ?? 6379}`;
}
