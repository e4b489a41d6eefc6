import type { Logger } from 'pino';
import { sampleOhlcvDir } from '../package-root.js';
import { CsvFolderProvider } from './csv-folder-provider.js';

/**
 * The real daily bars shipped in `data/ohlcv` (a few symbols such as SPY).
 * Real data, so `demo` is false, but only a handful of symbols.
 */
export class SampleCsvProvider extends CsvFolderProvider {
  constructor(opts: { logger?: Logger } = {}) {
    super({ dir: sampleOhlcvDir(), name: 'sample-csv', demo: false, strict: true, ...opts });
  }
}
