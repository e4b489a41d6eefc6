import { parseArgs } from 'node:util';
import { IndicatorCache } from '../../engine/indicators/cache.js';
import { type AnyPatternFamily, FAMILY_IDS, familyById, PATTERN_FAMILIES } from '../../engine/patterns/index.js';
import { StrategyParamError } from '../../engine/strategies/params.js';
import { type CliCommand, UsageError } from '../command.js';
import { readCsvSeries } from '../read-csv-series.js';
import { familyListing, formatFamilyList, type PatternSignalsReport, formatSignalsTable } from './patterns-output.js';

/** One line for `courtside help`. */
const SUMMARY = 'Pattern families: list them, or every historical signal of one on a CSV file';

// Built from the registry, so families added to it show up here without an edit.
const USAGE = `courtside patterns --list [--json]
       courtside patterns --csv FILE --family ID [--param k=v ...] [--json]

  --list          every pattern family: id, title, rule and params with defaults
  --csv FILE      daily bars, columns date,open,high,low,close,volume (symbol = file name)
  --family ID     one of ${FAMILY_IDS.join(', ')}
  --param k=v     override one parameter (repeatable); \`courtside patterns --list\` shows the keys
  --json          JSON with full-precision numbers: --list gives { families: [...] },
                  a family gives { family, params, symbol, signals: [{ date, index, close, why }] }`;

/** Resolves `--family`: a missing or unknown id is a usage error listing the valid ids. */
function resolveFamily(id: string | undefined): AnyPatternFamily {
  if (!id) throw new UsageError(`--family ID is required: one of ${FAMILY_IDS.join(', ')} (or --list to see them)`);
  try {
    return familyById(id);
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(`${err.message}. Fix: pass --family with one of those ids`);
    throw err;
  }
}

/** Resolves `--param k=v` over the family's defaults: a bad key or value is a usage error naming the valid keys. */
function resolveParams(family: AnyPatternFamily, pairs: readonly string[]): object {
  try {
    return family.parseParams(pairs);
  } catch (err) {
    if (err instanceof StrategyParamError) throw new UsageError(`${err.message}. Fix: pass --param key=value with one of those keys`);
    throw err;
  }
}

/**
 * Every signal of `family` on a series: each qualifying bar's date, index,
 * close and the family's figures. One IndicatorCache serves the scan and
 * every `why`, so each column is computed once.
 */
export function patternSignals(family: AnyPatternFamily, series: Parameters<AnyPatternFamily['why']>[0], params: object): PatternSignalsReport {
  const cache = new IndicatorCache(series);
  const signals = Array.from(family.signalIndices(series, params, cache), (index) => {
    const why = family.why(series, index, params, cache);
    // The PatternFamily contract: why is non-null exactly at signalIndices; a null here is a family bug.
    if (why === null) throw new Error(`${family.id}: bar ${index} (${series.dates[index]}) is a signal but why() returned null`);
    return { date: series.dates[index]!, index, close: series.close[index]!, why };
  });
  return { family: family.id, params, symbol: series.symbol, signals };
}

/** `courtside patterns`: the pattern family registry and one family's historical signals on a CSV file. */
export const patternsCommand: CliCommand = {
  name: 'patterns',
  summary: SUMMARY,
  usage: USAGE,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        list: { type: 'boolean' },
        csv: { type: 'string' },
        family: { type: 'string' },
        param: { type: 'string', multiple: true },
        json: { type: 'boolean' },
      },
      strict: true,
    });
    if (values.list) {
      if (values.csv !== undefined || values.family !== undefined || values.param !== undefined) {
        throw new UsageError('--list takes no --csv, --family or --param: run it alone, then one family with --csv FILE --family ID');
      }
      const families = Object.values(PATTERN_FAMILIES).map(familyListing);
      io.stdout(values.json ? `${JSON.stringify({ families })}\n` : formatFamilyList(families));
      return 0;
    }
    if (values.csv === undefined && values.family === undefined) {
      throw new UsageError('give --list, or --csv FILE --family ID');
    }
    const family = resolveFamily(values.family);
    const params = resolveParams(family, values.param ?? []);
    const series = await readCsvSeries(values.csv);
    const report = patternSignals(family, series, params);
    io.stdout(
      values.json
        ? `${JSON.stringify(report)}\n`
        : formatSignalsTable(report, family.title, series.dates[0]!, series.dates[series.dates.length - 1]!),
    );
    return 0;
  },
};
