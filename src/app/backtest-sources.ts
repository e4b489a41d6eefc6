import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toSeries, type BarSeries } from '../engine/bars.js';
import { readStrictBarsCsv } from '../adapters/market-data/csv/strict-bars.js';
import { sampleOhlcvDir } from '../adapters/market-data/package-root.js';
import { generateSyntheticSeries } from '../adapters/market-data/synthetic/generate-bars.js';
import { syntheticInputFor } from '../adapters/market-data/synthetic/generate-universe.js';
import { exchangeSessions } from '../adapters/market-data/synthetic/exchange-sessions.js';
import { loadDefaultUniverse } from '../adapters/market-data/universe/default-universe.js';
import type { BacktestDataSources } from '../trading/backtest/data-sources.js';
import { BacktestInputError } from '../trading/backtest/request.js';

/**
 * The backtests' fallback bars from the market-data adapters: CSV folders
 * (parsed by the CSV adapter; a bad file is an input error naming its lines),
 * the bundled samples, and the synthetic DEMO generator over the bundled
 * universe. Built by the worker, the CLI and the bench.
 */
export function backtestDataSources(): BacktestDataSources {
  return {
    sampleDir: sampleOhlcvDir,
    csvSymbols,
    readCsv: readSymbolCsv,
    demoUniverse: () => loadDefaultUniverse().entries,
    demoSessions: exchangeSessions,
    demoSeries: (symbol, sessions) => generateSyntheticSeries(syntheticInputFor(symbol, sessions)),
  };
}

/** Reads `<dir>/<SYMBOL>.csv`; null when the file does not exist. Malformed lines are an input error naming them. */
async function readSymbolCsv(dir: string, symbol: string): Promise<BarSeries | null> {
  const path = join(dir, `${symbol}.csv`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new BacktestInputError(`cannot read ${path}: ${(err as Error).message}`);
  }
  // All or nothing, with the same bar checks as `data import`.
  const strict = readStrictBarsCsv(text, path, symbol);
  if (!strict.ok) throw new BacktestInputError(strict.problem);
  return toSeries(symbol, strict.bars);
}

/** Symbols with a `<SYMBOL>.csv` in `dir`, sorted. */
async function csvSymbols(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new BacktestInputError(`cannot read folder ${dir}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (err as Error).message}`);
  }
  return names
    .filter((n) => /\.csv$/i.test(n))
    .map((n) => n.slice(0, -4).toUpperCase())
    .sort();
}
