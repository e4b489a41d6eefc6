import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { toSeries, type BarSeries } from '../engine/bars.js';
import { describeCsvErrors, parseBarsCsv } from '../adapters/market-data/csv/parse-bars-csv.js';
import { readStrictBarsCsv } from '../adapters/market-data/csv/strict-bars.js';
import { UsageError } from './command.js';

/**
 * Reads a bars CSV for a CLI command. Missing file or any malformed line is a
 * UsageError (exit 2) naming the line, because analysing partial data silently
 * would be worse than stopping. With `validate` (backtests) bars the quality
 * checks reject (high below low, …) stop it too, exactly as `data import`
 * rejects them.
 */
export async function readCsvSeries(path: string | undefined, opts: { validate?: boolean } = {}): Promise<BarSeries> {
  if (!path) throw new UsageError('--csv FILE is required (columns date,open,high,low,close,volume)');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const symbol = basename(path, extname(path)).toUpperCase();
  if (opts.validate) {
    const strict = readStrictBarsCsv(text, path, symbol);
    if (!strict.ok) throw new UsageError(strict.problem);
    return toSeries(symbol, strict.bars);
  }
  const parsed = parseBarsCsv(text, { source: path });
  if (parsed.errors.length > 0) throw new UsageError(describeCsvErrors(parsed));
  if (parsed.bars.length === 0) throw new UsageError(`${path} has no bars`);
  return toSeries(symbol, parsed.bars);
}
