import type { BarSeries } from '../../engine/bars.js';
import type { Market } from '../../engine/market/markets.js';
import type { BarsSource } from './data.js';

/** What a backtest reads from the bars store (structurally the adapter's `BarsStore`). */
export interface BacktestBarsStore {
  loadUniverse(symbols?: readonly string[]): Promise<Map<string, BarSeries>>;
  listSymbols(filter?: { symbols?: readonly string[]; market?: Market }): Promise<{ symbol: string; demo: boolean }[]>;
}

/**
 * The bars store as a backtest data source: series from `loadUniverse` (its
 * caches make repeated universe loads cheap) and the DEMO flag of each
 * symbol from `bar_symbols`.
 */
export function barsStoreSource(store: BacktestBarsStore): BarsSource {
  return {
    name: 'bars-store',
    async load(symbols) {
      const [series, info] = await Promise.all([store.loadUniverse(symbols ?? undefined), store.listSymbols(symbols ? { symbols } : {})]);
      return { series, demo: new Set(info.filter((s) => s.demo).map((s) => s.symbol)) };
    },
    // One market's stored universe (US unless asked): a backtest runs one market, in one currency.
    async list(market: Market = 'US') {
      return (await store.listSymbols({ market })).map((s) => ({ symbol: s.symbol, demo: s.demo }));
    },
  };
}
