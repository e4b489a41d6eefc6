import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDefaultData, seedKrDemoData } from '../../../../src/adapters/bars/seed.js';
import type { BarsStore } from '../../../../src/adapters/bars/store.js';
import { krDemoSessions } from '../../../../src/adapters/market-data/synthetic/generate-kr-universe.js';
import { KrSyntheticProvider } from '../../../../src/adapters/market-data/synthetic/kr-synthetic-provider.js';
import { loadDefaultUniverse } from '../../../../src/adapters/market-data/universe/default-universe.js';
import { loadKrEtfUniverse } from '../../../../src/adapters/market-data/universe/kr-universe.js';
import { previousSession as krxPreviousSession } from '../../../../src/engine/calendar/krx/index.js';
import { openBarsTestEnv, seriesDiff, type BarsTestEnv } from './helpers.js';

/**
 * `seedKrDemoData`: the KR DEMO dataset (`demo-kr`) stored next to the US
 * default data, idempotent, DEMO-flagged, KR/KRW rows, and never disturbed
 * by the US seed (nor the US one by it).
 */
let env: BarsTestEnv;
let store: BarsStore;
const kr = loadKrEtfUniverse();
const krCodes = kr.map((e) => e.symbol);
// 2025-10-06 is Chuseok (KRX closed): the history ends on the session before.
const END = '2025-10-06';
const LAST = krxPreviousSession(END);
const US = loadDefaultUniverse().entries.filter((e) => ['SPY', 'MSFT', 'TOL', 'NVDA'].includes(e.symbol));

beforeAll(async () => {
  env = await openBarsTestEnv();
  store = env.store();
});
afterAll(async () => {
  await env.close();
});

async function marketsOf(table: 'bars_daily' | 'bar_symbols', codes: string[]): Promise<string[]> {
  const col = table === 'bars_daily' ? `market || '/' || currency` : 'market';
  const rows = (await env.ds.query(`SELECT DISTINCT ${col} AS m FROM ${table} WHERE symbol = ANY ($1::text[]) ORDER BY 1`, [codes])) as { m: string }[];
  return rows.map((r) => r.m);
}

describe('seedKrDemoData', () => {
  it('stores the 61 ETFs as DEMO (source synthetic) over 2520 KRX sessions, exactly what the KR DEMO provider serves, as KR/KRW rows', async () => {
    const r = await seedKrDemoData(store, { endDate: END });
    expect(r).toMatchObject({ upToDate: false, dataset: 'demo-kr', demoSymbols: 61, reseeded: 61, demoGenerator: { stored: null, current: 1 }, regenerated: false });
    expect(LAST).toBe('2025-10-02');
    const symbols = await store.listSymbols({ symbols: krCodes });
    expect(symbols).toHaveLength(61);
    for (const s of symbols) expect(s, s.symbol).toMatchObject({ source: 'synthetic', demo: true, barCount: 2520, lastDate: LAST });

    const provider = new KrSyntheticProvider({ endDate: END });
    const loaded = await store.loadUniverse();
    for (const code of krCodes) expect(seriesDiff(loaded.get(code), provider.series(code))).toBeUndefined();

    expect(await marketsOf('bars_daily', krCodes)).toEqual(['KR/KRW']);
    expect(await marketsOf('bar_symbols', krCodes)).toEqual(['KR']);
    const seeds = (await env.ds.query(`SELECT name, generator_version FROM bar_seeds ORDER BY name`)) as { name: string; generator_version: number }[];
    expect(seeds).toEqual([{ name: 'demo-kr', generator_version: 1 }]);
  });

  it('does nothing when already seeded: up to date, nothing written', async () => {
    const fp = (await store.fingerprint()).fingerprint;
    const r = await seedKrDemoData(store, { endDate: END });
    expect(r).toMatchObject({ upToDate: true, demoSymbols: 61, reseeded: 0 });
    expect((await store.fingerprint()).fingerprint).toBe(fp);
  });

  it('lives alongside the US default data: seeding, or regenerating, the US data leaves the KR dataset current and whole', async () => {
    const us = await seedDefaultData(store, { endDate: '2025-10-02', universe: US });
    expect(us.demoSymbols).toBe(3); // SPY is the real sample
    // Make the US dataset look written by the old generator, then regenerate it with a smaller universe:
    // that prunes US DEMO symbols outside it (NVDA) and must not touch a single KR DEMO code.
    await env.ds.query(`UPDATE bar_seeds SET seed_key = 'seeded-by-generator-1', generator_version = NULL WHERE name = 'default'`);
    const again = await seedDefaultData(store, { endDate: '2025-10-02', universe: US.filter((e) => e.symbol !== 'NVDA') });
    expect(again.regenerated).toBe(true);
    expect(again.removedDemoSymbols).toEqual(['NVDA']);
    expect(await store.listSymbols({ symbols: krCodes })).toHaveLength(61);
    expect(await marketsOf('bars_daily', ['MSFT', 'TOL'])).toEqual(['US/USD']);
    expect((await seedKrDemoData(store, { endDate: END })).upToDate).toBe(true);
  });

  it('re-seeds only a changed ETF, and keeps real bars imported over a KR DEMO code', async () => {
    await store.writeBars([{ symbol: '069500', bars: [{ date: '2025-10-02', open: 43_000, high: 43_500, low: 42_800, close: 43_200, volume: 5e6 }] }], { source: 'csv:069500.csv', demo: false });
    expect(await store.deleteSymbols(['102110'])).toBe(2520);
    const r = await seedKrDemoData(store, { endDate: END });
    expect(r.reseeded).toBe(2);
    expect(r.synthetic!.symbols.map((s) => [s.symbol, s.skipped ? 'kept' : s.inserted])).toEqual([
      ['069500', 'kept'],
      ['102110', 2520],
    ]);
    expect(r.demoSymbols).toBe(60);
    expect((await store.listSymbols({ symbols: ['069500'] }))[0]).toMatchObject({ source: 'csv:069500.csv', demo: false, barCount: 1 });
  });

  it('refuses sessions that are not KRX sessions, and a bad end date', async () => {
    const sessions = [...krDemoSessions('2025-10-02', 5), '2025-10-06'];
    await expect(seedKrDemoData(store, { endDate: '2025-10-10', sessions })).rejects.toThrow(/KRX session dates.*"2025-10-06"/);
    await expect(seedKrDemoData(store, { endDate: '2025-02-30' })).rejects.toThrow(/YYYY-MM-DD/);
  });
});
