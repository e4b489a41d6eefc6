import type { BarSeries } from '../../engine/bars.js';
import type { Market } from '../../engine/market/markets.js';
import type { ScanData, UniverseMember } from './data-port.js';

/** What scans read from the bars store (structurally the adapter's `BarsStore`). */
export interface ScanBarsStore {
  listSymbols(filter?: { market?: Market }): Promise<{ symbol: string; demo: boolean; lastDate?: string | null }[]>;
  loadUniverse(): Promise<Map<string, BarSeries>>;
}

/**
 * Scan data from the bars store. Chunks ask for a few symbols each, but the
 * store caches whole universes by fingerprint, so each load takes the (cached)
 * universe and picks from it instead of querying Postgres per chunk.
 */
export class StoreScanData implements ScanData {
  constructor(private readonly store: ScanBarsStore) {}

  /** The stored US symbols: scans trade the US market (on the NYSE calendar); KR bars in the store are not theirs. */
  async members(): Promise<UniverseMember[]> {
    return (await this.store.listSymbols({ market: 'US' })).map((s) => ({ symbol: s.symbol, demo: s.demo, lastDate: s.lastDate ?? null }));
  }

  async load(symbols: readonly string[]): Promise<Map<string, BarSeries>> {
    const all = await this.store.loadUniverse();
    const out = new Map<string, BarSeries>();
    for (const s of symbols) {
      const series = all.get(s);
      if (series) out.set(s, series);
    }
    return out;
  }
}
