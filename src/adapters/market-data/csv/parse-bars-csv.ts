import type { Bar } from '../../../engine/bars.js';
import { isIsoDate } from '../../../lib/dates.js';

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
}

const REQUIRED = ['date', 'open', 'high', 'low', 'close', 'volume'] as const;
type Column = (typeof REQUIRED)[number];
const PRICE_COLUMNS = ['open', 'high', 'low', 'close'] as const;

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
 * Fields are split on commas without quote handling beyond stripping
 * surrounding quotes: bar files never contain commas inside fields.
 */
export function parseBarsCsv(text: string, opts: { source: string }): ParseBarsCsvResult {
  const { source } = opts;
  const errors: CsvLineError[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);

  const headerIdx = lines.findIndex((l) => l.trim() !== '');
  if (headerIdx < 0) {
    return { source, bars: [], errors: [{ line: 1, message: `empty file; expected a header "${REQUIRED.join(',')}"` }] };
  }
  const header = splitFields(lines[headerIdx]!).map((h) => h.toLowerCase());
  const index = {} as Record<Column, number>;
  const missing: string[] = [];
  for (const col of REQUIRED) {
    const i = header.indexOf(col);
    if (i < 0) missing.push(col);
    index[col] = i;
  }
  if (missing.length > 0) {
    const looksLikeData = isIsoDate(header[0] ?? '');
    return {
      source,
      bars: [],
      errors: [
        {
          line: headerIdx + 1,
          message: looksLikeData
            ? `no header row; add "${REQUIRED.join(',')}" as the first line`
            : `header is missing column(s) ${missing.join(', ')}; expected "${REQUIRED.join(',')}"`,
        },
      ],
    };
  }
  const needed = Math.max(...REQUIRED.map((c) => index[c])) + 1;

  const rows: { bar: Bar; line: number }[] = [];
  for (let i = headerIdx + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const lineNo = i + 1;
    const f = splitFields(raw);
    if (f.length < needed) {
      errors.push({ line: lineNo, message: `missing column(s): expected at least ${needed} fields, got ${f.length}` });
      continue;
    }
    const date = f[index.date]!;
    if (!isIsoDate(date)) {
      errors.push({ line: lineNo, message: `bad date "${date.slice(0, 30)}"; expected YYYY-MM-DD` });
      continue;
    }
    const problem = parseNumbers(f, index);
    if (typeof problem === 'string') {
      errors.push({ line: lineNo, message: problem });
      continue;
    }
    rows.push({ bar: { date, ...problem }, line: lineNo });
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
  return { source, bars, errors };
}

/** Formats up to `max` errors as `source line N: message` lines. */
export function describeCsvErrors(result: Pick<ParseBarsCsvResult, 'source' | 'errors'>, max = 10): string {
  const shown = result.errors.slice(0, max).map((e) => `${result.source} line ${e.line}: ${e.message}`);
  const more = result.errors.length - shown.length;
  if (more > 0) shown.push(`… and ${more} more`);
  return shown.join('\n');
}

function splitFields(line: string): string[] {
  return line.split(',').map((s) => s.trim().replace(/^"(.*)"$/, '$1'));
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
