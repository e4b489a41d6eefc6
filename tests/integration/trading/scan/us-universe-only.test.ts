/**
 * KR bars in the store (a `data import 069500.csv`, the KR DEMO ETFs) are not part of the US universe:
 * scans, backtests over "the stored universe" and incubations run on the NYSE calendar, so they list
 * only US symbols until KR trading is wired.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BarsStore } from '../../../../src/adapters/bars/store.js';
import type { Bar } from '../../../../src/engine/bars.js';
import { barsStoreSource } from '../../../../src/trading/backtest/bars-source.js';
import { StoreScanData } from '../../../../src/trading/scan/store-scan-data.js';
import { openBarsTestEnv, type BarsTestEnv } from '../../adapters/bars/helpers.js';

let env: BarsTestEnv;
let store: BarsStore;

const bars = (dates: string[], price: number): Bar[] => dates.map((date) => ({ date, open: price, high: price, low: price, close: price, volume: 1000 }));

beforeAll(async () => {
  env = await openBarsTestEnv();
  store = env.store();
  await store.writeBars([{ symbol: 'SPY', bars: bars(['2025-10-01', '2025-10-02'], 600.5) }], { source: 'csv:test', demo: false });
  await store.writeBars([{ symbol: '069500', bars: bars(['2025-10-01', '2025-10-02'], 42000) }], { source: 'csv:test', demo: false });
  await store.writeBars([{ symbol: 'QQQ', bars: bars(['2025-10-01', '2025-10-02'], 500) }], { source: 'synthetic', demo: true });
});
afterAll(async () => {
  await env.close();
});

describe('the US universe leaves KR bars out', () => {
  it('the store holds both markets', async () => {
    expect((await store.listSymbols()).map((s) => [s.symbol, s.market])).toEqual([
      ['069500', 'KR'],
      ['QQQ', 'US'],
      ['SPY', 'US'],
    ]);
  });

  it('a scan lists the US symbols only', async () => {
    expect((await new StoreScanData(store).members()).map((m) => m.symbol)).toEqual(['QQQ', 'SPY']);
  });

  it('a backtest or incubation over the stored universe lists the US symbols only; named symbols still load', async () => {
    const source = barsStoreSource(store);
    expect((await source.list()).map((s) => s.symbol)).toEqual(['QQQ', 'SPY']);
    const loaded = await source.load(['SPY', '069500']);
    expect([...loaded.series.keys()].sort()).toEqual(['069500', 'SPY']);
  });
});
