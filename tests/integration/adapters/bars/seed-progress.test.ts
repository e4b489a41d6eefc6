import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDefaultData } from '../../../../src/adapters/bars/seed.js';
import type { BarsStore } from '../../../../src/adapters/bars/store.js';
import { loadDefaultUniverse } from '../../../../src/adapters/market-data/universe/default-universe.js';
import { openBarsTestEnv, type BarsTestEnv } from './helpers.js';

/**
 * The seed reports its own progress (issue 13, item 11: "still loading, about
 * N s left" with a real estimate): `onProgress(done, total)` counts only the
 * symbols this seed writes, so a re-seed of a few stale symbols does not
 * pretend to load the whole universe.
 */
let env: BarsTestEnv;
let store: BarsStore;
// Five universe symbols (SPY among them, which the real sample covers) and the three bundled samples.
const SMALL = ['SPY', 'TOL', 'MSFT', 'NVDA', 'KO'];
const universe = loadDefaultUniverse().entries.filter((e) => SMALL.includes(e.symbol));
const endDate = '2025-11-21';

beforeAll(async () => {
  env = await openBarsTestEnv();
  store = env.store();
});
afterAll(async () => {
  await env.close();
});

describe('seedDefaultData onProgress', () => {
  it('a first seed counts every symbol it writes, from 0 to the total, never backwards', async () => {
    const calls: [number, number][] = [];
    const r = await seedDefaultData(store, { endDate, universe, onProgress: (done, total) => calls.push([done, total]) });
    // GL, RVLV, SPY (samples) + KO, MSFT, NVDA, TOL (synthetic).
    expect(r.reseeded).toBe(7);
    expect(calls[0]).toEqual([0, 7]);
    expect(calls.at(-1)).toEqual([7, 7]);
    for (let i = 1; i < calls.length; i++) {
      expect(calls[i]![1]).toBe(7);
      expect(calls[i]![0]).toBeGreaterThanOrEqual(calls[i - 1]![0]);
    }
  });

  it('a re-seed counts only the symbols it rewrites, not the whole universe', async () => {
    expect(await store.deleteSymbols(['NVDA'])).toBeGreaterThan(0);
    const calls: [number, number][] = [];
    const r = await seedDefaultData(store, { endDate, universe, onProgress: (done, total) => calls.push([done, total]) });
    expect(r.reseeded).toBe(1);
    expect(calls).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });

  it('an up-to-date store reports nothing to load', async () => {
    const calls: [number, number][] = [];
    const r = await seedDefaultData(store, { endDate, universe, onProgress: (done, total) => calls.push([done, total]) });
    expect(r.upToDate).toBe(true);
    expect(calls).toEqual([]);
  });
});
