import { readFileSync } from 'node:fs';
import { type Bar, type BarSeries, toSeries } from '../../../src/engine/bars.js';

/** Repository data directory: tests read only the project's own copies of the sample bars. */
const OHLCV_DIR = new URL('../../../data/ohlcv/', import.meta.url);

/** Parses a `date,open,high,low,close,volume` CSV (header required, rows oldest first). */
export function parseOhlcvCsv(text: string): Bar[] {
  const lines = text.trim().split(/\r?\n/);
  const header = lines[0]?.trim();
  if (header !== 'date,open,high,low,close,volume') throw new Error(`unexpected CSV header: ${header}`);
  return lines.slice(1).map((line, i) => {
    const f = line.split(',');
    const nums = f.slice(1).map(Number);
    if (f.length !== 6 || nums.some((x) => !Number.isFinite(x))) throw new Error(`bad CSV row ${i + 2}: ${line}`);
    return { date: f[0]!, open: nums[0]!, high: nums[1]!, low: nums[2]!, close: nums[3]!, volume: nums[4]! };
  });
}

const cache = new Map<string, BarSeries>();

/** Loads data/ohlcv/<symbol>.csv as a BarSeries (memoised per test file). */
export function loadFixture(symbol: string): BarSeries {
  let s = cache.get(symbol);
  if (s === undefined) {
    s = toSeries(symbol, parseOhlcvCsv(readFileSync(new URL(`${symbol}.csv`, OHLCV_DIR), 'utf8')));
    cache.set(symbol, s);
  }
  return s;
}
