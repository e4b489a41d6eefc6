import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Bar } from '../../../engine/bars.js';
import { DataProviderError } from '../errors.js';
import type { DateRange, MarketDataProvider } from '../port.js';
import { checkRange, checkSymbol } from '../validate.js';
import { describeCsvErrors, parseBarsCsv } from './parse-bars-csv.js';

export interface CsvFolderProviderOptions {
  /** Folder holding one `<SYMBOL>.csv` per symbol. */
  dir: string;
  /** Provider name in logs and errors; default `csv`. */
  name?: string;
  /** Whether these files are made-up data; default false. */
  demo?: boolean;
  /**
   * When true (default) any unreadable line fails the whole request, because a
   * silently skipped row shifts every indicator. When false, bad lines are
   * logged as warnings and left out.
   */
  strict?: boolean;
  logger?: Logger;
}

/**
 * Reads daily bars from `<dir>/<SYMBOL>.csv` (header `date,open,high,low,close,volume`).
 * Files are re-read on every call so edits show up without a restart.
 */
export class CsvFolderProvider implements MarketDataProvider {
  readonly name: string;
  readonly demo: boolean;
  readonly dir: string;
  private readonly strict: boolean;
  private readonly logger: Logger | undefined;

  constructor(opts: CsvFolderProviderOptions) {
    this.dir = opts.dir;
    this.name = opts.name ?? 'csv';
    this.demo = opts.demo ?? false;
    this.strict = opts.strict ?? true;
    this.logger = opts.logger;
  }

  async dailyBars(symbol: string, range: DateRange): Promise<Bar[]> {
    checkRange(this.name, range);
    const all = await this.allBars(symbol);
    return all.filter((b) => b.date >= range.from && b.date <= range.to);
  }

  /** Every bar in the symbol's file. */
  async allBars(symbol: string): Promise<Bar[]> {
    const sym = checkSymbol(this.name, symbol);
    const { path, text } = await this.readSymbolFile(sym);
    const parsed = parseBarsCsv(text, { source: path });
    if (parsed.errors.length > 0) {
      if (this.strict) {
        throw new DataProviderError({
          provider: this.name,
          kind: 'bad_response',
          detail: `${parsed.errors.length} unreadable line(s) in ${describeCsvErrors(parsed, 3).replaceAll('\n', '; ')}`,
          hint: 'fix or delete those lines, or use strict: false to skip them',
        });
      }
      this.logger?.warn({ provider: this.name, symbol: sym, errors: parsed.errors.slice(0, 20) }, 'skipped unreadable CSV lines');
    }
    return parsed.bars;
  }

  /** Symbols with a `.csv` file in the folder, sorted. */
  async symbols(): Promise<string[]> {
    const names = await readdir(this.dir).catch((e: unknown) => {
      throw this.folderError(e);
    });
    return names
      .filter((n) => n.toLowerCase().endsWith('.csv'))
      .map((n) => n.slice(0, -4))
      .sort();
  }

  private async readSymbolFile(sym: string): Promise<{ path: string; text: string }> {
    // Try the symbol as given, then upper case, so `spy` finds SPY.csv on
    // case-sensitive file systems.
    const candidates = [...new Set([sym, sym.toUpperCase()])];
    for (const name of candidates) {
      const path = join(this.dir, `${name}.csv`);
      try {
        return { path, text: await readFile(path, 'utf8') };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw this.folderError(e);
      }
    }
    throw new DataProviderError({
      provider: this.name,
      kind: 'not_found',
      detail: `no file ${join(this.dir, `${sym.toUpperCase()}.csv`)}`,
      hint: 'add the CSV file or pick a symbol that has one',
    });
  }

  private folderError(e: unknown): DataProviderError {
    return new DataProviderError({
      provider: this.name,
      kind: 'unavailable',
      detail: `cannot read ${this.dir}: ${(e as Error).message}`,
      hint: 'check the folder exists and is readable',
      cause: e,
    });
  }
}
