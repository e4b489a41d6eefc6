import type { BarsStore } from '../../adapters/bars/store.js';
import type { BarsSource } from './data.js';

/**
 * The bars store as a backtest data source: series from `loadUniverse` (its
 * caches make repeated universe loads cheap) and the DEMO flag of each
 * symbol from `bar_symbols`.
 */
export function barsStoreSource(store: Pick<BarsStore, 'loadUniverse' | 'listSymbols'>): BarsSource {
  return {
    name: 'bars-store',
    async load(symbols) {
      const [series, info] = await Promise.all([store.loadUniverse(symbols ?? undefined), store.listSymbols(symbols ? { symbols } : {})]);
      return { series, demo: new Set(info.filter((s) => s.demo).map((s) => s.symbol)) };
    },
  };
}
