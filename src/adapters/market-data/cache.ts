import type { Logger } from 'pino';
import type { Bar } from '../../engine/bars.js';
import type { BarCache } from './port.js';

/**
 * Returns cached bars for `key`, or loads, stores and returns them. Cache
 * failures are logged and bypassed: a broken cache must not take data
 * fetching down with it. Empty results are cached too (a symbol with no data
 * in a range stays that way until the cache entry expires).
 */
export async function withBarCache(
  cache: BarCache | undefined,
  key: string,
  log: { logger: Logger | undefined; provider: string },
  load: () => Promise<Bar[]>,
): Promise<Bar[]> {
  if (!cache) return load();
  try {
    const hit = await cache.get(key);
    if (hit) return hit;
  } catch (e) {
    log.logger?.warn({ provider: log.provider, key, err: (e as Error)?.message }, 'bar cache read failed; fetching instead');
  }
  const bars = await load();
  try {
    await cache.set(key, bars);
  } catch (e) {
    log.logger?.warn({ provider: log.provider, key, err: (e as Error)?.message }, 'bar cache write failed');
  }
  return bars;
}
