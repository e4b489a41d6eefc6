import { IndicatorCache } from '../indicators/cache.js';

/**
 * Columns the shared IndicatorCache does not memoise (RSI, ROC, volume
 * averages...), memoised per cache so families evaluated on one series share
 * them too. Keyed weakly on the cache: the memo lives exactly as long as the
 * cache, and no state outlives it.
 */
const extra = new WeakMap<IndicatorCache, Map<string, Float64Array>>();

/** The column `key` of `cache`'s series, computed by `make` on first use. Treat it as read-only. */
export function cachedColumn(cache: IndicatorCache, key: string, make: () => Float64Array): Float64Array {
  let m = extra.get(cache);
  if (m === undefined) {
    m = new Map();
    extra.set(cache, m);
  }
  let col = m.get(key);
  if (col === undefined) {
    col = make();
    m.set(key, col);
  }
  return col;
}
