import type { BarSeries } from '../../engine/bars.js';
import { DateTables, seriesOf, type DateTable } from './columnar.js';

/** One symbol inside a loaded universe. */
export interface UniverseEntry {
  symbol: string;
  /** open, high, low, close, volume back to back; `series` views into it. */
  block: Float64Array;
  /** Index into {@link LoadedUniverse.dateTables}. */
  dateTable: number;
  series: BarSeries;
}

/** A set of series as the caches hold it: columnar blocks plus shared date columns. */
export interface LoadedUniverse {
  /** Fingerprint of the data this was read from (see BarsStore.fingerprint). */
  fingerprint: string;
  /** Sorted by symbol. */
  entries: UniverseEntry[];
  dateTables: DateTable[];
  bars: number;
  /** Approximate memory held (column blocks plus date columns). */
  bytes: number;
}

/** Collects symbols one by one (any order) into a {@link LoadedUniverse}. */
export class UniverseBuilder {
  private readonly tables = new DateTables();
  private readonly entries: UniverseEntry[] = [];
  private bars = 0;

  add(symbol: string, days: Int32Array, block: Float64Array): void {
    const idx = this.tables.intern(days);
    const table = this.tables.tables[idx]!;
    this.entries.push({ symbol, block, dateTable: idx, series: seriesOf(symbol, block, table.dates) });
    this.bars += days.length;
  }

  finish(fingerprint: string): LoadedUniverse {
    this.entries.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
    let bytes = 0;
    for (const e of this.entries) bytes += e.block.byteLength;
    for (const t of this.tables.tables) bytes += t.days.byteLength + t.dates.length * 8;
    return { fingerprint, entries: this.entries, dateTables: this.tables.tables, bars: this.bars, bytes };
  }
}

/** The caller-facing map (a fresh Map each time; the series objects are shared and must not be mutated). */
export function toSeriesMap(u: LoadedUniverse): Map<string, BarSeries> {
  const m = new Map<string, BarSeries>();
  for (const e of u.entries) m.set(e.symbol, e.series);
  return m;
}
