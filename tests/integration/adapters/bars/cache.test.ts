import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureBarsLoad } from '../../../../src/adapters/bars/measure.js';
import type { BarsStore } from '../../../../src/adapters/bars/store.js';
import { openBarsTestEnv, syntheticSeries, universeDiff, type BarsTestEnv } from './helpers.js';

let env: BarsTestEnv;
let store: BarsStore;
const universe = syntheticSeries(40);

beforeAll(async () => {
  env = await openBarsTestEnv();
  store = env.store();
  await store.writeBars([...universe.values()].map((series) => ({ symbol: series.symbol, series })), { source: 'synthetic', demo: true });
});
afterAll(async () => {
  await env.close();
});

const snapshots = async () => (await readdir(env.cacheDir)).filter((n) => n.endsWith('.snap')).sort();

describe('bars caches', () => {
  it('answers from Postgres, then memory; a write moves the fingerprint and invalidates the cache', async () => {
    const first = await store.loadUniverse();
    expect(store.lastLoad).toMatchObject({ from: 'postgres', symbols: 40, bars: 40 * 2520 });
    expect(universeDiff(first, universe)).toBeUndefined();

    const second = await store.loadUniverse();
    expect(store.lastLoad?.from).toBe('memory');
    expect(second.get('AAPL')).toBe(first.get('AAPL')); // same cached series object
    expect(second).not.toBe(first); // but a fresh Map per call

    const fp = (await store.fingerprint()).fingerprint;
    const nvda = universe.get('NVDA')!;
    const n = nvda.dates.length;
    const bars = nvda.dates.map((date, i) => ({ date, open: nvda.open[i]!, high: nvda.high[i]!, low: nvda.low[i]!, close: nvda.close[i]!, volume: nvda.volume[i]! }));
    bars[n - 1] = { ...bars[n - 1]!, volume: bars[n - 1]!.volume + 1 };
    await store.writeBars([{ symbol: 'NVDA', bars }], { source: 'synthetic', demo: true });
    expect((await store.fingerprint()).fingerprint).not.toBe(fp);

    const third = await store.loadUniverse();
    expect(store.lastLoad?.from).toBe('postgres');
    expect(third.get('NVDA')!.volume[n - 1]).toBe(nvda.volume[n - 1]! + 1);
    expect(third.get('AAPL')!.close).toEqual(universe.get('AAPL')!.close);
  });

  it('keys subsets by their own fingerprint; unknown symbols are simply absent', async () => {
    const sub = await store.loadUniverse(['msft', 'AAPL', 'NOPE']);
    expect([...sub.keys()]).toEqual(['AAPL', 'MSFT']);
    expect(store.lastLoad?.from).toBe('postgres');
    await store.loadUniverse(['AAPL', 'MSFT']);
    expect(store.lastLoad?.from).toBe('memory');
    // A write to another symbol leaves this subset's fingerprint (and cache) valid.
    await store.writeBars([{ symbol: 'ZZZ', bars: [{ date: '2024-01-02', open: 1, high: 1, low: 1, close: 1, volume: 1 }] }], { source: 'csv:ZZZ.csv', demo: false });
    await store.loadUniverse(['AAPL', 'MSFT']);
    expect(store.lastLoad?.from).toBe('memory');
  });

  it('writes a disk snapshot that a fresh process loads, equal to the database load', async () => {
    await store.loadUniverse();
    await store.idle();
    const files = await snapshots();
    const fp = (await store.fingerprint()).fingerprint;
    expect(files).toContain(`bars-${fp}.snap`);

    // A new store is what a freshly started worker has: empty memory, same cache folder.
    const fresh = env.store();
    const fromDisk = await fresh.loadUniverse();
    expect(fresh.lastLoad?.from).toBe('disk');
    const fromDb = await env.store({ cacheDir: undefined }).loadUniverse(undefined, { memory: false });
    expect(universeDiff(fromDisk, fromDb)).toBeUndefined();
    expect(universeDiff(fromDisk, await store.loadFromRows())).toBeUndefined();
    await fresh.loadUniverse();
    expect(fresh.lastLoad?.from).toBe('memory');
  });

  it('never trusts a snapshot whose fingerprint no longer matches, and prunes old ones', async () => {
    const fresh = env.store({ diskSnapshots: 2 });
    for (let k = 1; k <= 3; k++) {
      await store.writeBars([{ symbol: 'ZZZ', bars: [{ date: '2024-01-02', open: 1, high: 1 + k, low: 1, close: 1, volume: 1 }] }], { source: 'csv:ZZZ.csv', demo: false });
      const u = await fresh.loadUniverse();
      expect(fresh.lastLoad?.from).toBe('postgres');
      expect(u.get('ZZZ')!.high[0]).toBe(1 + k);
      await fresh.idle();
    }
    expect((await snapshots()).length).toBeLessThanOrEqual(2);
  });

  it('ignores and removes a corrupted snapshot', async () => {
    const fp = (await store.fingerprint()).fingerprint;
    const path = join(env.cacheDir, `bars-${fp}.snap`);
    const buf = await readFile(path);
    buf[buf.length - 3] = buf[buf.length - 3]! ^ 0xff;
    await writeFile(path, buf);
    const fresh = env.store();
    const u = await fresh.loadUniverse();
    expect(fresh.lastLoad?.from).toBe('postgres');
    expect(u.size).toBe(41);
    await fresh.idle();
    // Rewritten from the database, and good again.
    const again = env.store();
    await again.loadUniverse();
    expect(again.lastLoad?.from).toBe('disk');
  });

  it('skips the disk cache below diskMinBars and when disabled per call', async () => {
    const small = env.store({ diskMinBars: 1_000_000 });
    await small.clearDiskCache();
    await small.loadUniverse();
    await small.idle();
    expect(await snapshots()).toEqual([]);
    const s = env.store();
    await s.loadUniverse(undefined, { disk: false, memory: false });
    await s.idle();
    expect(await snapshots()).toEqual([]);
  });

  it('measureBarsLoad reports cold, disk and memory timings', async () => {
    const t = await measureBarsLoad(env.store());
    expect(t.rows).toBe(40 * 2520 + 1);
    expect(t.symbols).toBe(41);
    for (const k of ['coldMs', 'diskCacheMs', 'memoryCacheMs', 'snapshotWriteMs'] as const) expect(t[k]).toBeGreaterThanOrEqual(0);
  });
});
