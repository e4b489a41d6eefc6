/**
 * Market data: one port ({@link MarketDataProvider}), one folder per source.
 *
 * - `csv/`       CSV parsing, a folder-of-CSVs provider, the bundled sample files
 * - `synthetic/` deterministic demo universe (seeded PRNG, regime model)
 * - `polygon/`   Polygon.io aggregates
 * - `alpaca/`    Alpaca Market Data v2 bars and latest quotes
 * - `quality/`   bar sanity checks and their text report
 * - `universe/`  universe CSV loading and liquidity filters
 * - `http/`      the shared GET + retry/backoff helper and secret redaction
 */
export type { BarCache, DateRange, MarketDataProvider, Quote, QuoteProvider } from './port.js';
export { DataProviderError, isDataProviderError, type DataProviderErrorKind } from './errors.js';
export { isIsoDate, weekdaysBetween } from '../../lib/dates.js';
export { nyDateOf, nyMidnightMs, nyToday } from '../../engine/calendar/timezone.js';
export { packageRoot, sampleOhlcvDir, defaultUniversePath } from './package-root.js';

export { parseBarsCsv, describeCsvErrors, type CsvLineError, type ParseBarsCsvResult } from './csv/parse-bars-csv.js';
export { CsvFolderProvider, type CsvFolderProviderOptions } from './csv/csv-folder-provider.js';
export { SampleCsvProvider } from './csv/sample-csv-provider.js';

export { checkBars, type CheckBarsOptions, type QualityIssue, type QualityIssueKind, type QualityReport } from './quality/check-bars.js';
export { formatQualityReport } from './quality/format-report.js';

export {
  loadUniverse,
  UniverseFileError,
  type LoadUniverseResult,
  type UniverseEntry,
  type UniverseFilters,
} from './universe/load-universe.js';
export { loadDefaultUniverse } from './universe/default-universe.js';

export { Prng } from '../../engine/backtest/prng.js';
export { symbolSeed } from './synthetic/seed.js';
export { weekdaySessions } from './synthetic/sessions.js';
export { generateSyntheticBars, generateSyntheticSeries, type SyntheticBarsInput } from './synthetic/generate-bars.js';
export { generateSyntheticUniverse, DEFAULT_DOLLAR_ADV } from './synthetic/generate-universe.js';
export { SyntheticProvider, DEFAULT_SYNTHETIC_SESSIONS, type SyntheticProviderOptions } from './synthetic/synthetic-provider.js';

export { PolygonProvider, type PolygonProviderOptions } from './polygon/polygon-provider.js';
export { AlpacaDataProvider, type AlpacaDataProviderOptions, type AlpacaFeed } from './alpaca/alpaca-data-provider.js';
export { DEFAULT_RETRY_POLICY, backoffDelayMs, parseRetryAfterMs, type RetryPolicy } from './http/retry.js';
