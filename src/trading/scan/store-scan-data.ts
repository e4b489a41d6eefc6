import type { BarSeries } from '../../engine/bars.js';
import type { Market } from '../../engine/market/markets.js';
import type { ScanData, UniverseMember } from './data-port.js';

/** What scans read from the bars store (structurally the adapter's `BarsStore`). */
export interface ScanBarsStore {
  listSymbols(filter?: { market?: Market }): Promise<{ symbol: string; demo: boolean; lastDate?: string | null }[]>;
  loadUniverse(): Promise<Map<string, BarSeries>>;
}

/** A KRX listing as the KR universe file names it (structurally the adapter's `KrUniverseEntry`). */
export interface KrInstrument {
  symbol: string;
  name: string;
  leverage: number;
}

/**
 * Scan data from the bars store. Chunks ask for a few symbols each, but the
 * store caches whole universes by fingerprint, so each load takes the (cached)
 * universe and picks from it instead of querying Postgres per chunk.
 */
export class StoreScanData implements ScanData {
  private kr: Map<string, KrInstrument> | null = null;

  /**
   * @param krInstruments the KR universe (names and leverage), read on the first KR listing. Without
   * it KR members have neither: the KR scan then leaves every ETF out as possibly leveraged
   * (unless leveraged ETFs are allowed) and cards show the bare code.
   */
  constructor(
    private readonly store: ScanBarsStore,
    private readonly krInstruments?: () => readonly KrInstrument[],
  ) {}

  /** The market's stored symbols (default US): each market scans on its own calendar, so the other's bars are never its members. */
  async members(market: Market = 'US'): Promise<UniverseMember[]> {
    const rows = await this.store.listSymbols({ market });
    const known = market === 'KR' ? this.krByCode() : null;
    return rows.map((s) => {
      const m: UniverseMember = { symbol: s.symbol, demo: s.demo, lastDate: s.lastDate ?? null };
      const k = known?.get(s.symbol);
      return k ? { ...m, name: k.name, leverage: k.leverage } : m;
    });
  }

  private krByCode(): Map<string, KrInstrument> {
    this.kr ??= new Map((this.krInstruments?.() ?? []).map((k) => [k.symbol, k]));
    return this.kr;
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
