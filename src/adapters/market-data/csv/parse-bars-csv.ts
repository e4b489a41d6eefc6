import type { Bar } from '../../../engine/bars.js';
import { isIsoDate } from '../../../lib/dates.js';
import type { Market } from '../../../engine/market/index.js';
import { forEachCsvRecord } from './csv-records.js';
import { marketBarProblem, marketCellProblem } from './market-rules.js';

/** One rejected line; `line` is 1-based and counts the header as line 1. */
export interface CsvLineError {
  line: number;
  message: string;
}

export interface ParseBarsCsvResult {
  /** Where the text came from (file path or label), for messages. */
  source: string;
  /** Valid rows, sorted by date, one per date. */
  bars: Bar[];
  /** Every line that was not used, and why. Empty means the whole file was used. */
  errors: CsvLineError[];
  /** Non-blank records after the header, used or not (a record with a quoted line break counts once). */
  dataLines: number;
}

const REQUIRED = ['date', 'open', 'high', 'low', 'close', 'volume'] as const;
type Column = (typeof REQUIRED)[number];
const PRICE_COLUMNS = ['open', 'high', 'low', 'close'] as const;

/** Options of {@link parseBarsCsv}. */
export interface ParseBarsCsvOptions {
  /** Where the text came from (file path or label), for messages. */
  source: string;
  /**
   * The symbol the file holds and its market, when known (an import names the file after it).
   * Then an optional `market` column (US or KR, any case; blank cells allowed) must agree with
   * it, and KR bars must fall on KRX sessions and be priced in whole won; other lines are
   * reported. Omitted: a `market` column is ignored like any other extra column.
   */
  symbol?: { symbol: string; market: Market };
}

/**
 * Parses daily bars from CSV with a header row containing (in any order,
 * any case) `date,open,high,low,close,volume`; other columns are ignored.
 *
 * This is a format check only: a line is rejected when a column is missing,
 * a number does not parse, the date is not `YYYY-MM-DD`, a price is not
 * positive or volume is negative. Market-sense checks (high below close,
 * gaps, absurd moves) belong to `checkBars`.
 *
 * When a date repeats, the first line's bar is returned and later lines are
 * reported; what a reported line means (skipped by an import, fatal to a
 * backtest) is for the caller to say.
 * Fields follow RFC 4180 quoting (csv-parse, see {@link forEachCsvRecord}):
 * a broker export that quotes every field, or a note column holding commas,
 * reads the same as a plain file.
 *
 * With `opts.symbol`, the market rules of ./market-rules.ts apply per line too.
 */
export function parseBarsCsv(text: string, opts: ParseBarsCsvOptions): ParseBarsCsvResult {
  const { source, symbol: expected } = opts;
  const errors: CsvLineError[] = [];
  const rows: { bar: Bar; line: number }[] = [];
  // Set from the first non-blank record; `fatal` is a header problem that ends the read.
  let index: Record<Column, number> | undefined;
  // The optional `market` column (-1: none, or no expected symbol to hold it against).
  let marketAt = -1;
  let needed = 0;
  let fatal: CsvLineError | undefined;
  let headerSeen = false;
  let dataLines = 0;

  forEachCsvRecord(text, {
    error: (line, message) => {
      if (!fatal) errors.push({ line, message });
    },
    record: (f, lineNo) => {
      if (headerSeen) dataLines++;
      headerSeen = true;
      if (fatal) return;
      if (!index) {
        const header = f.map((h) => h.toLowerCase());
        const idx = {} as Record<Column, number>;
        const missing: string[] = [];
        for (const col of REQUIRED) {
          const i = header.indexOf(col);
          if (i < 0) missing.push(col);
          idx[col] = i;
        }
        if (missing.length > 0) {
          const looksLikeData = isIsoDate(header[0] ?? '');
          fatal = {
            line: lineNo,
            message: looksLikeData
              ? `no header row; add "${REQUIRED.join(',')}" as the first line`
              : `header is missing column(s) ${missing.join(', ')}; expected "${REQUIRED.join(',')}"`,
          };
          return;
        }
        index = idx;
        needed = Math.max(...REQUIRED.map((c) => idx[c])) + 1;
        if (expected) marketAt = header.indexOf('market');
        return;
      }
      if (f.length < needed) {
        errors.push({ line: lineNo, message: `missing column(s): expected at least ${needed} fields, got ${f.length}` });
        return;
      }
      const date = f[index.date]!;
      if (!isIsoDate(date)) {
        errors.push({ line: lineNo, message: `bad date "${date.slice(0, 30)}"; expected YYYY-MM-DD` });
        return;
      }
      const problem = parseNumbers(f, index);
      if (typeof problem === 'string') {
        errors.push({ line: lineNo, message: problem });
        return;
      }
      const bar = { date, ...problem };
      if (expected) {
        // A short row simply has no market cell: the column is optional.
        const broken = (marketAt >= 0 ? marketCellProblem(f[marketAt] ?? '', expected.market, expected.symbol) : undefined) ?? marketBarProblem(bar, expected.market);
        if (broken) {
          errors.push({ line: lineNo, message: broken });
          return;
        }
      }
      rows.push({ bar, line: lineNo });
    },
  });

  if (fatal) return { source, bars: [], errors: [fatal], dataLines };
  if (!index) {
    return { source, bars: [], errors: [...errors, { line: 1, message: `empty file; expected a header "${REQUIRED.join(',')}"` }], dataLines };
  }

  // Stable sort keeps file order among equal dates, so "first line wins" holds.
  rows.sort((a, b) => (a.bar.date < b.bar.date ? -1 : a.bar.date > b.bar.date ? 1 : 0));
  const bars: Bar[] = [];
  let prev: { bar: Bar; line: number } | undefined;
  for (const r of rows) {
    if (prev && prev.bar.date === r.bar.date) {
      errors.push({ line: r.line, message: `duplicate date ${r.bar.date} (first seen on line ${prev.line})` });
      continue;
    }
    bars.push(r.bar);
    prev = r;
  }
  errors.sort((a, b) => a.line - b.line);
  return { source, bars, errors, dataLines };
}

/** Formats up to `max` errors as `source line N: message` lines. */
export function describeCsvErrors(result: Pick<ParseBarsCsvResult, 'source' | 'errors'>, max = 10): string {
  const shown = result.errors.slice(0, max).map((e) => `${result.source} line ${e.line}: ${e.message}`);
  const more = result.errors.length - shown.length;
  if (more > 0) shown.push(`… and ${more} more`);
  return shown.join('\n');
}

function parseNumbers(f: string[], index: Record<Column, number>): Omit<Bar, 'date'> | string {
  const out = {} as Omit<Bar, 'date'>;
  for (const col of [...PRICE_COLUMNS, 'volume'] as const) {
    const s = f[index[col]]!;
    // Number('') is 0 and Number(' ') is 0, so empty fields need their own check.
    const v = s === '' ? NaN : Number(s);
    if (!Number.isFinite(v)) return `${col} is not a number: "${s.slice(0, 30)}"`;
    if (col === 'volume' ? v < 0 : v <= 0) {
      return col === 'volume' ? `volume is negative: ${s}` : `${col} must be positive, got ${s}`;
    }
    out[col] = v;
  }
  return out;
}
