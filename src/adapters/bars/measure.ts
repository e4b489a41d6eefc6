import type { BarsStore } from './store.js';

export interface BarsLoadTimings {
  /** Postgres → columnar memory, caches empty (fingerprint query + packed read). */
  coldMs: number;
  /** Fingerprint query + disk snapshot, memory cache empty (what a fresh worker pays). */
  diskCacheMs: number;
  /** Fingerprint query + in-process cache hit. */
  memoryCacheMs: number;
  /** Bars loaded. */
  rows: number;
  symbols: number;
  /** Time to write the disk snapshot after the cold load (in the background normally). */
  snapshotWriteMs: number;
}

/**
 * Times one `loadUniverse(symbols)` from each tier: cold from Postgres (both
 * caches cleared first), from the disk snapshot (memory cleared), and from
 * memory. Clears the store's caches as a side effect; `diskCacheMs` is NaN
 * when the store has no `cacheDir` (or the universe is below its
 * `diskMinBars`).
 */
export async function measureBarsLoad(store: BarsStore, symbols?: readonly string[]): Promise<BarsLoadTimings> {
  store.clearMemoryCache();
  await store.clearDiskCache();

  let t = performance.now();
  const cold = await store.loadUniverse(symbols);
  const coldMs = performance.now() - t;
  const from = (): string | undefined => store.lastLoad?.from;
  if (from() !== 'postgres') throw new Error(`expected a cold load from Postgres, got ${from()}`);
  let rows = 0;
  for (const s of cold.values()) rows += s.dates.length;

  t = performance.now();
  await store.idle();
  const snapshotWriteMs = performance.now() - t;

  store.clearMemoryCache();
  t = performance.now();
  await store.loadUniverse(symbols);
  let diskCacheMs = performance.now() - t;
  if (from() !== 'disk') diskCacheMs = NaN;

  t = performance.now();
  await store.loadUniverse(symbols);
  const memoryCacheMs = performance.now() - t;
  if (from() !== 'memory') throw new Error(`expected a memory cache hit, got ${from()}`);

  return { coldMs, diskCacheMs, memoryCacheMs, rows, symbols: cold.size, snapshotWriteMs };
}
