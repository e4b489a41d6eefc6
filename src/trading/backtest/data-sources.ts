import type { BarSeries } from '../../engine/bars.js';

/** A symbol of the bundled universe, as the synthetic DEMO data imitates it. */
export interface DemoSymbol {
  symbol: string;
  /** Average daily traded value in dollars, when known. */
  advDollar?: number;
  /** Typical price, when known. */
  avgPrice?: number;
}

/**
 * Where backtests find bars besides the bars store: folders of CSV files
 * (the bundled samples, or the user's) and synthetic DEMO data. App builds it
 * from the market-data adapters (`backtestDataSources()` in
 * src/app/backtest-sources.ts); use cases only see this interface.
 */
export interface BacktestDataSources {
  /** The folder of the bundled real sample bars (`<SYMBOL>.csv` files). */
  sampleDir(): string;
  /** Symbols with a `<SYMBOL>.csv` in `dir`, sorted; a BacktestInputError when the folder cannot be read. */
  csvSymbols(dir: string): Promise<string[]>;
  /** `<dir>/<SYMBOL>.csv` as a series; null when there is no such file; a BacktestInputError naming malformed lines. */
  readCsv(dir: string, symbol: string): Promise<BarSeries | null>;
  /** The bundled universe (about 900 symbols). */
  demoUniverse(): readonly DemoSymbol[];
  /** The last `count` exchange sessions up to `endDate` (YYYY-MM-DD), oldest first: DEMO bars never fall on a holiday. */
  demoSessions(endDate: string, count: number): string[];
  /** Deterministic synthetic bars of one symbol over `sessions`. */
  demoSeries(symbol: DemoSymbol, sessions: readonly string[]): BarSeries;
}
