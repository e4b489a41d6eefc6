/**
 * The bars store: daily OHLCV in Postgres (system of record) loaded into
 * columnar memory through an in-process LRU and on-disk snapshots keyed by
 * the data fingerprint. See `store.ts` for the read/write model and the
 * migration `1763900000000-Bars.ts` for the tables.
 */
export {
  BarsStore,
  type BarsStoreOptions,
  type ImportBarsReport,
  type LoadOptions,
  type SymbolImportResult,
} from './store.js';
export type {
  BarSource,
  BarsStatus,
  DatasetInfo,
  Fingerprint,
  LoadInfo,
  LoadSource,
  SymbolBarsInput,
  SymbolInfo,
  SymbolWriteResult,
  WriteOptions,
  WriteReport,
} from './types.js';
export { BarsWriteError } from './write.js';
export { columnarFromBars, columnarFromSeries, type ColumnarBars } from './columnar.js';
export { normalizeSymbol } from './symbols.js';
export { seedDefaultData, type SeedOptions, type SeedReport } from './seed.js';
export {
  csvFilesAt,
  importCsvPath,
  CsvImportInputError,
  type CsvFileReport,
  type CsvImportOptions,
  type CsvImportReport,
} from './import-csv.js';
export { measureBarsLoad, type BarsLoadTimings } from './measure.js';
