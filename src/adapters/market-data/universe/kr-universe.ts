/**
 * The Korean ETF universe (`data/universe/kr_etf_seed.csv`: symbol, name,
 * group, leveraged_or_inverse). Codes are six-digit KRX codes; the names are
 * labels only (several brands in the file have since been renamed, e.g.
 * KBSTAR → RISE, KINDEX → ACE), except that a name is where the file says a
 * leveraged or inverse ETF's factor.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSymbol, SymbolError } from '../../../engine/market/index.js';
import type { CsvLineError } from '../csv/parse-bars-csv.js';
import { packageRoot } from '../package-root.js';
import { readUniverseCsv, UniverseFileError } from './universe-csv.js';

/** One Korean ETF of the universe. */
export interface KrUniverseEntry {
  /** Six-digit KRX code, e.g. `069500`. */
  readonly symbol: string;
  /** Display label from the file (not an identifier: brands get renamed). */
  readonly name: string;
  /** Theme group from the file, e.g. `KOSPI Index`. */
  readonly group: string;
  /** True for leveraged and inverse ETFs (the file's `leveraged_or_inverse` column). */
  readonly leveragedOrInverse: boolean;
  /** Signed daily leverage: 1 plain, 2 leveraged, -1 inverse, -2 inverse 2x. */
  readonly leverage: number;
}

/** What {@link loadKrUniverse} read: usable entries in file order, and lines it refused. */
export interface LoadKrUniverseResult {
  readonly entries: KrUniverseEntry[];
  readonly errors: CsvLineError[];
}

const REQUIRED = ['symbol', 'name', 'group', 'leveraged_or_inverse'] as const;

// "2X" as a factor, not part of another token ("12X", "2XL"); Hangul may touch it (인버스2X).
const TWO_X = /(?<![0-9])2X(?![A-Z0-9])/i;

/**
 * The signed leverage a KRX ETF name states: 인버스2X (or 인버스 … 2X) → -2,
 * 인버스 → -1, 레버리지 or 2X → 2, anything else 1. KRX ETFs go no further
 * than 2x, so no other factor is read.
 */
export function leverageFromName(name: string): number {
  const inverse = name.includes('인버스');
  const twoX = TWO_X.test(name) || name.includes('레버리지');
  return (inverse ? -1 : 1) * (twoX ? 2 : 1);
}

/**
 * Reads the KR ETF universe CSV. A line is refused (listed in `errors`, the
 * rest still read) when its code is not six digits (a five-digit code gets the
 * zero-padded suggestion: spreadsheets drop the leading zero), repeats an
 * earlier code, has a `leveraged_or_inverse` other than yes/no, or says
 * leveraged/inverse while its name states no factor (or the reverse).
 *
 * @throws UniverseFileError when the file is empty or lacks a required column
 */
export function loadKrUniverse(csvText: string, source = 'KR universe CSV'): LoadKrUniverseResult {
  const entries: KrUniverseEntry[] = [];
  const errors: CsvLineError[] = [];
  const seen = new Map<string, number>();

  readUniverseCsv(csvText, errors, {
    header: (columns) => {
      const missing = REQUIRED.filter((c) => !columns.includes(c));
      return missing.length > 0 ? new UniverseFileError(`${source} lacks column(s) ${missing.join(', ')}; expected a header ${REQUIRED.join(',')}`) : undefined;
    },
    emptyMessage: `${source} is empty; expected a header ${REQUIRED.join(',')}`,
    row: (f, line, header) => {
      const field = (name: (typeof REQUIRED)[number]) => f[header.indexOf(name)] ?? '';
      const problem = (message: string): void => {
        errors.push({ line, message });
      };

      let symbol: string;
      try {
        const parsed = parseSymbol(field('symbol'));
        if (parsed.market !== 'KR') return problem(`${parsed.symbol} is not a KRX code; this file lists Korean ETFs by six-digit code (e.g. 069500)`);
        symbol = parsed.symbol;
      } catch (err) {
        if (err instanceof SymbolError) return problem(err.message);
        throw err;
      }
      const first = seen.get(symbol);
      if (first !== undefined) return problem(`duplicate symbol ${symbol} (first on line ${first})`);
      seen.set(symbol, line);

      const name = field('name');
      const flag = field('leveraged_or_inverse').toLowerCase();
      if (flag !== 'yes' && flag !== 'no') return problem(`leveraged_or_inverse of ${symbol} is "${flag.slice(0, 20)}"; write yes or no`);
      const leveragedOrInverse = flag === 'yes';
      const leverage = leverageFromName(name);
      if (leveragedOrInverse !== (leverage !== 1)) {
        return problem(
          leveragedOrInverse
            ? `${symbol} "${name}" is marked leveraged_or_inverse but its name states no factor; put 레버리지, 2X, 인버스 or 인버스2X in the name`
            : `${symbol} "${name}" reads as leverage ${leverage} but is marked leveraged_or_inverse=no; mark it yes`,
        );
      }
      entries.push({ symbol, name, group: field('group'), leveragedOrInverse, leverage });
    },
  });
  return { entries, errors };
}

/** `<package root>/data/universe/kr_etf_seed.csv`: the bundled 61 Korean ETFs. */
export function krEtfUniversePath(): string {
  return join(packageRoot(), 'data', 'universe', 'kr_etf_seed.csv');
}

/**
 * The bundled Korean ETF universe. Throws when any line is refused: the file
 * ships with the project, so a bad line is a packaging bug to fix, not data to skip.
 */
export function loadKrEtfUniverse(): KrUniverseEntry[] {
  const path = krEtfUniversePath();
  const { entries, errors } = loadKrUniverse(readFileSync(path, 'utf8'), path);
  if (errors.length > 0) {
    throw new UniverseFileError(`${path}: ${errors.map((e) => `line ${e.line}: ${e.message}`).join('; ').slice(0, 500)}; fix the file`);
  }
  return entries;
}
