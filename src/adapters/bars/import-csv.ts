/**
 * Importing bar CSV files (`date,open,high,low,close,volume`, one file per
 * symbol named after it, e.g. `AAPL.csv` or the KRX code `069500.csv`) into
 * the store: every line that does not parse and every bar the quality checks
 * reject is reported and left out; the rest is stored (merge by default).
 * Source: `csv:<file name>`.
 *
 * The symbol fixes the market (six digits: KR). A file may carry a `market`
 * column, which must agree; KR bars must fall on KRX sessions and be priced in
 * whole won (src/adapters/market-data/csv/market-rules.ts), and their gaps are
 * counted in KRX sessions (./krx-gaps.ts). A five-digit name is refused with
 * the zero-padded code suggested (spreadsheets drop the leading zero).
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parseBarsCsv, type CsvLineError } from '../market-data/csv/parse-bars-csv.js';
import { nyToday } from '../../engine/calendar/timezone.js';
import { krxToday } from '../../engine/calendar/krx/index.js';
import { parseSymbol, SymbolError, type ParsedSymbol } from '../../engine/market/index.js';
import type { CheckBarsOptions, QualityIssue } from '../market-data/quality/check-bars.js';
import { krxGapIssues } from './krx-gaps.js';
import type { BarsStore } from './store.js';

/** The path is missing or unusable as a whole (nothing was imported). */
export class CsvImportInputError extends Error {
  override readonly name = 'CsvImportInputError';
}

export interface CsvImportOptions {
  /** Symbol for a single file whose name is not the symbol. Not allowed with a folder. */
  symbol?: string;
  /** `merge` (default) keeps stored dates missing from the file; `replace` makes the file the whole record. */
  mode?: 'merge' | 'replace';
  /** Quality checks; `asOf` defaults to today on the symbol's exchange (New York, or Seoul for KR; bars dated later are rejected). */
  quality?: CheckBarsOptions;
}

export interface CsvFileReport {
  file: string;
  symbol: string | null;
  /** The symbol's market (null when the file name is not a symbol). */
  market: 'US' | 'KR' | null;
  source: string;
  /** Non-empty data lines in the file. */
  lines: number;
  /** Lines that could not be read (line numbers count the header as line 1). */
  csvErrors: CsvLineError[];
  /** Quality findings; `dropped: true` ones were not stored. */
  issues: QualityIssue[];
  /** Bars the quality checks rejected. */
  dropped: number;
  /** Bars handed to the store. */
  stored: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  /** The file could not be imported at all. */
  error?: string;
  /** The store did not write (e.g. demo/real rule), with the reason. */
  skipped?: string;
}

export interface CsvImportReport {
  files: CsvFileReport[];
  /** Lines and bars left out over all files (unreadable lines + rejected bars), plus files that failed. */
  rejected: number;
  stored: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** True when every line of every file was stored. */
  clean: boolean;
}

/** CSV files to import from a file or folder path (sorted); throws CsvImportInputError when there are none. */
export async function csvFilesAt(path: string): Promise<{ files: string[]; folder: boolean }> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new CsvImportInputError(`no such file or folder: ${path}`);
    throw new CsvImportInputError(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (st.isFile()) return { files: [path], folder: false };
  if (!st.isDirectory()) throw new CsvImportInputError(`${path} is neither a file nor a folder`);
  const names = (await readdir(path)).filter((n) => n.toLowerCase().endsWith('.csv')).sort();
  if (names.length === 0) throw new CsvImportInputError(`no .csv files in ${path}`);
  return { files: names.map((n) => join(path, n)), folder: true };
}

/** Imports a CSV file or a folder of CSV files. */
export async function importCsvPath(store: BarsStore, path: string, opts: CsvImportOptions = {}): Promise<CsvImportReport> {
  const { files, folder } = await csvFilesAt(path);
  if (opts.symbol !== undefined) {
    if (folder) throw new CsvImportInputError('--symbol applies to a single file, not a folder (file names give the symbols)');
    try {
      parseSymbol(opts.symbol);
    } catch (err) {
      if (err instanceof SymbolError) throw new CsvImportInputError(`--symbol: ${err.message}`);
      throw err;
    }
  }
  const now = new Date();
  const seen = new Map<string, string>();
  const reports: CsvFileReport[] = [];

  for (const file of files) {
    const name = basename(file);
    const r: CsvFileReport = {
      file,
      symbol: null,
      market: null,
      source: `csv:${name}`,
      lines: 0,
      csvErrors: [],
      issues: [],
      dropped: 0,
      stored: 0,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      deleted: 0,
    };
    reports.push(r);
    const rawSymbol = opts.symbol ?? basename(name, extname(name));
    let parsedSymbol: ParsedSymbol;
    try {
      parsedSymbol = parseSymbol(rawSymbol);
    } catch (err) {
      if (!(err instanceof SymbolError)) throw err;
      r.error =
        err.suggestion !== undefined
          ? `file name "${name}" is not a symbol: ${err.message} Rename the file ${err.suggestion}${extname(name)} or pass --symbol ${err.suggestion}`
          : `file name "${name}" is not a symbol; name the file after its ticker or KRX code (e.g. AAPL.csv, 069500.csv) or pass --symbol`;
      continue;
    }
    const { symbol, market } = parsedSymbol;
    r.symbol = symbol;
    r.market = market;
    const first = seen.get(symbol);
    if (first !== undefined) {
      r.error = `symbol ${symbol} was already imported from ${basename(first)}; file skipped`;
      continue;
    }
    seen.set(symbol, file);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      r.error = `cannot read ${file}: ${(err as Error).message}`;
      continue;
    }
    const parsed = parseBarsCsv(text, { source: file, symbol: parsedSymbol });
    r.csvErrors = parsed.errors;
    r.lines = parsed.dataLines;
    if (parsed.bars.length === 0) {
      if (parsed.errors.length === 0) r.error = 'no bars in file';
      continue;
    }
    const kr = market === 'KR';
    const quality: CheckBarsOptions = {
      ...opts.quality,
      asOf: opts.quality?.asOf ?? (kr ? krxToday(now) : nyToday(now)),
      // KR gaps are counted in KRX sessions below, not in weekdays.
      ...(kr ? { maxGapWeekdays: Number.POSITIVE_INFINITY } : {}),
    };
    const imported = await store.importBars([{ symbol, bars: parsed.bars }], { source: r.source, demo: false, mode: opts.mode ?? 'merge', quality });
    const s = imported.symbols[0]!;
    r.issues = kr ? withKrxGaps(s.issues, parsed.bars.map((b) => b.date)) : s.issues;
    r.dropped = s.dropped;
    r.stored = parsed.bars.length - s.dropped;
    r.inserted = s.inserted;
    r.updated = s.updated;
    r.unchanged = s.unchanged;
    r.deleted = s.deleted;
    if (s.skipped) r.skipped = s.skipped;
  }

  const report: CsvImportReport = { files: reports, rejected: 0, stored: 0, inserted: 0, updated: 0, unchanged: 0, clean: true };
  for (const r of reports) {
    report.rejected += r.csvErrors.length + r.dropped + (r.error ? 1 : 0);
    report.stored += r.stored;
    report.inserted += r.inserted;
    report.updated += r.updated;
    report.unchanged += r.unchanged;
  }
  report.clean = report.rejected === 0 && reports.every((r) => !r.skipped);
  return report;
}

/** The quality issues with the KRX-session gaps of `dates` added, in date order (as checkBars sorts them). */
function withKrxGaps(issues: readonly QualityIssue[], dates: readonly string[]): QualityIssue[] {
  const all = [...issues, ...krxGapIssues(dates)];
  // Stable: an issue checkBars reported keeps its place before a gap on the same date.
  return all.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
}
