import type { Bar } from '../../../engine/bars.js';
import { checkBars, type QualityIssue } from '../quality/check-bars.js';
import { describeCsvErrors, parseBarsCsv } from './parse-bars-csv.js';

/** A bars CSV read for a run that must use every line: its bars, or why it cannot be used. */
export type StrictCsvResult = { ok: true; bars: Bar[] } | { ok: false; problem: string };

/** At most this many rejected bars are listed. */
const MAX_LISTED = 10;

/**
 * Reads a bars CSV all-or-nothing, as a backtest must: any line that does
 * not parse, and any bar the quality checks reject (the same checks, in the
 * same words, as `courtside data import`: high below low, zero volume, a
 * spike that reverts, …), makes the whole file unusable. Warnings that keep
 * a bar in an import (a move that holds, a gap) do not stop it here either.
 * The problem text ends by saying nothing ran, so no line claims to be
 * "ignored" when the command stops.
 */
export function readStrictBarsCsv(text: string, source: string, symbol: string): StrictCsvResult {
  const parsed = parseBarsCsv(text, { source });
  if (parsed.errors.length > 0) return { ok: false, problem: `${describeCsvErrors(parsed)}\n${NOTHING_RAN}` };
  if (parsed.bars.length === 0) return { ok: false, problem: `${source} has no bars` };
  const rejected = checkBars(symbol, parsed.bars).issues.filter((i) => i.dropped);
  if (rejected.length > 0) return { ok: false, problem: `${describeRejected(source, rejected)}\n${NOTHING_RAN}` };
  return { ok: true, bars: parsed.bars };
}

const NOTHING_RAN = 'nothing was backtested: fix the file (`courtside data import` rejects the same lines and bars)';

/** "FILE: 2024-01-03 ohlc_inconsistent (rejected): high 9 is below …", one per bar, as `data import` lists them. */
function describeRejected(source: string, issues: readonly QualityIssue[]): string {
  const shown = issues.slice(0, MAX_LISTED).map((i) => `${source}: ${i.date} ${i.kind} (rejected): ${i.detail}`);
  if (issues.length > MAX_LISTED) shown.push(`… and ${issues.length - MAX_LISTED} more`);
  return shown.join('\n');
}
