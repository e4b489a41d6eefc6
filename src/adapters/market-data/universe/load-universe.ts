import type { CsvLineError } from '../csv/parse-bars-csv.js';
import { readUniverseCsv, UniverseFileError } from './universe-csv.js';

export { UniverseFileError };

/** One tradable symbol and what is known about its liquidity. */
export interface UniverseEntry {
  symbol: string;
  /** Average daily volume in shares, when the file has `adv_shares`. */
  advShares?: number;
  /** Average daily traded value in dollars, when the file has `adv_dollar`. */
  advDollar?: number;
  /** Years of history available, when the file has `years`. */
  years?: number;
  /** `advDollar / advShares`: the volume-weighted average price over the ADV window. */
  avgPrice?: number;
  earliest?: string;
  latest?: string;
  hasOptions?: boolean;
  /** Any other columns, verbatim (e.g. `name`, `group` in the Korean ETF seed). */
  extra: Record<string, string>;
}

export interface UniverseFilters {
  /** File name or label used in error messages. */
  source?: string;
  /** Keep symbols whose average price (`adv_dollar / adv_shares`) is at least this. */
  minPrice?: number;
  minDollarAdv?: number;
  minYears?: number;
}

export interface LoadUniverseResult {
  /** Symbols that parsed and passed every filter, in file order. */
  entries: UniverseEntry[];
  /** Symbols that parsed but were filtered out, and why. */
  excluded: { symbol: string; reason: string }[];
  /** Lines that could not be read. */
  errors: CsvLineError[];
}

const KNOWN = new Set(['symbol', 'ok', 'earliest', 'latest', 'years', 'adv_shares', 'adv_dollar', 'has_options']);
const NUMERIC = { years: 'years', adv_shares: 'advShares', adv_dollar: 'advDollar' } as const;

/**
 * Reads a universe CSV. Only `symbol` is required; `years`, `adv_shares`,
 * `adv_dollar`, `earliest`, `latest`, `has_options` and `ok` are used when
 * present, anything else lands in `extra`. Rows with `ok` false were marked
 * unusable upstream and are excluded.
 *
 * A filter that needs a column the file lacks throws instead of quietly
 * passing everything. Fields follow RFC 4180 quoting (csv-parse), so a name
 * such as "Invesco QQQ Trust, Series 1" stays one field.
 */
export function loadUniverse(csvText: string, filters: UniverseFilters = {}): LoadUniverseResult {
  const source = filters.source ?? 'universe CSV';
  const entries: UniverseEntry[] = [];
  const excluded: LoadUniverseResult['excluded'] = [];
  const errors: CsvLineError[] = [];
  const seen = new Map<string, number>();

  readUniverseCsv(csvText, errors, {
    header: (columns) => checkHeader(columns, source, filters),
    emptyMessage: `${source} is empty; expected a header with a "symbol" column`,
    row: (f, line, header) => {
      const col = (name: string) => header.indexOf(name);
      const symbol = (f[col('symbol')] ?? '').toUpperCase();
      if (!/^[A-Z0-9][A-Z0-9.\-]{0,14}$/.test(symbol)) {
        errors.push({ line, message: `bad symbol "${symbol.slice(0, 20)}"` });
        return;
      }
      const firstLine = seen.get(symbol);
      if (firstLine !== undefined) {
        errors.push({ line, message: `duplicate symbol ${symbol} (first on line ${firstLine})` });
        return;
      }
      seen.set(symbol, line);

      const entry: UniverseEntry = { symbol, extra: {} };
      let bad: string | undefined;
      for (const [name, key] of Object.entries(NUMERIC) as [keyof typeof NUMERIC, 'years' | 'advShares' | 'advDollar'][]) {
        const idx = col(name);
        const s = idx >= 0 ? (f[idx] ?? '') : '';
        if (s === '') continue;
        const v = Number(s);
        if (!Number.isFinite(v) || v < 0) {
          bad = `${name} is not a non-negative number: "${s.slice(0, 30)}"`;
          break;
        }
        entry[key] = v;
      }
      if (bad) {
        errors.push({ line, message: bad });
        return;
      }
      if (entry.advDollar !== undefined && entry.advShares !== undefined && entry.advShares > 0) {
        entry.avgPrice = entry.advDollar / entry.advShares;
      }
      const str = (name: string) => {
        const idx = col(name);
        const s = idx >= 0 ? f[idx] : undefined;
        return s === undefined || s === '' ? undefined : s;
      };
      const earliest = str('earliest');
      const latest = str('latest');
      if (earliest !== undefined) entry.earliest = earliest;
      if (latest !== undefined) entry.latest = latest;
      const hasOptions = str('has_options');
      if (hasOptions !== undefined) entry.hasOptions = truthy(hasOptions);
      header.forEach((h, idx) => {
        if (!KNOWN.has(h) && h !== '') entry.extra[h] = f[idx] ?? '';
      });

      const okFlag = str('ok');
      const reason =
        okFlag !== undefined && !truthy(okFlag)
          ? 'marked ok=false upstream'
          : whyFiltered(entry, filters);
      if (reason) excluded.push({ symbol, reason });
      else entries.push(entry);
    },
  });
  return { entries, excluded, errors };
}

/** Why the header makes the file unusable (no symbol column, a filter on a missing column), if it does. */
function checkHeader(header: readonly string[], source: string, filters: UniverseFilters): UniverseFileError | undefined {
  if (!header.includes('symbol')) {
    return new UniverseFileError(`${source} has no "symbol" column (header: ${header.join(',').slice(0, 120)}); add one`);
  }
  const needs: [keyof UniverseFilters, string[]][] = [
    ['minPrice', ['adv_dollar', 'adv_shares']],
    ['minDollarAdv', ['adv_dollar']],
    ['minYears', ['years']],
  ];
  for (const [f, cols] of needs) {
    const missing = cols.filter((c) => !header.includes(c));
    if (filters[f] !== undefined && missing.length > 0) {
      return new UniverseFileError(`${source}: filter ${f} needs column(s) ${missing.join(', ')}; drop the filter or use a file that has them`);
    }
  }
  return undefined;
}

function whyFiltered(e: UniverseEntry, f: UniverseFilters): string | undefined {
  if (f.minPrice !== undefined && !(e.avgPrice !== undefined && e.avgPrice >= f.minPrice)) {
    return `average price ${e.avgPrice?.toFixed(2) ?? 'unknown'} < ${f.minPrice}`;
  }
  if (f.minDollarAdv !== undefined && !(e.advDollar !== undefined && e.advDollar >= f.minDollarAdv)) {
    return `dollar ADV ${e.advDollar?.toFixed(0) ?? 'unknown'} < ${f.minDollarAdv}`;
  }
  if (f.minYears !== undefined && !(e.years !== undefined && e.years >= f.minYears)) {
    return `history ${e.years?.toFixed(1) ?? 'unknown'} years < ${f.minYears}`;
  }
  return undefined;
}

function truthy(s: string): boolean {
  return /^(true|yes|1|y)$/i.test(s.trim());
}
