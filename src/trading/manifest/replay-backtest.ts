import type { BarSeries } from '../../engine/bars.js';
import { rangeSeries } from '../../engine/backtest/index.js';
import { backtestData, loadCsvFolder, resolveBacktestData, type BacktestData, type DataResolverOptions } from '../backtest/data.js';
import type { BacktestLoadSpec } from '../backtest/load-spec.js';
import { BacktestInputError, normaliseRequest, type BacktestRequest } from '../backtest/request.js';
import { runBacktest } from '../backtest/run.js';
import { backtestFigures, type BacktestManifestParams } from './backtest-manifest.js';
import { firstDatasetDifference, hashDataset, type DatasetDifference } from './dataset-hash.js';
import { firstFigureDifference, shortHash, type KeyFigure, type RunManifest } from './manifest.js';

/** Where a replay reads bars: the resolver's sources (bars store, CSVs, DEMO data) and a reader for single CSV files. */
export interface ReplayPorts {
  data: DataResolverOptions;
  /** `courtside backtest --csv FILE` as the CLI reads it (symbol = file name). */
  readCsvFile(path: string): Promise<BarSeries>;
  /** The code version of this process (`codeVersion()`). */
  codeVersion: string;
}

/** Why a replayed figure differs: what changed between the stored run and now. */
export type ReplayWhy = 'data' | 'code' | 'data_and_code' | 'nondeterminism';

/**
 * What a replay found, in codes and figures (the CLI words it):
 * - `data`: whether the input bars hash the same (over the stored symbols
 *   and date ranges), and if not, the first difference (`unavailable`: the
 *   bars could not be loaded at all; `detail` says why);
 * - `code`: the stored and current code versions;
 * - `result`: `identical`, or the first key figure that differs (null when
 *   the run could not be repeated; `error` says why) and the likely why.
 */
export interface ReplayReport {
  manifest: { id: string; short: string; kind: RunManifest['kind'] };
  data: { changed: false; hash: string; symbols: number } | { changed: true; storedHash: string; hash: string | null; difference: DatasetDifference | { kind: 'unavailable'; detail: string } };
  code: { changed: boolean; stored: string; now: string };
  result:
    | { identical: true; figures: number }
    | { identical: false; figure: { name: string; stored: KeyFigure[1] | undefined; now: KeyFigure[1] | undefined } | null; why: ReplayWhy; error?: string };
}

/**
 * The report of a replay whose bars could not be loaded (a symbol gone, a file missing): the data
 * counts as changed and the run as not repeated, with the loader's reason.
 */
export function unloadable(manifest: RunManifest, head: ReplayReport['manifest'], code: ReplayReport['code'], err: Error): ReplayReport {
  return {
    manifest: head,
    data: { changed: true, storedHash: manifest.datasetHash, hash: null, difference: { kind: 'unavailable', detail: err.message } },
    code,
    result: { identical: false, figure: null, why: code.changed ? 'data_and_code' : 'data', error: `the bars could not be loaded: ${err.message}` },
  };
}

/**
 * Replays a backtest manifest: loads the same symbols (as its load spec
 * says) cut to the stored date ranges (bars appended since are not a
 * change), re-hashes them, re-runs the stored request with its seed and
 * compares every key figure with the stored ones (then the dataset hash:
 * changed bars are never "identical", even when no figure moved).
 *
 * @throws RangeError when the manifest is not a backtest's
 */
export async function replayBacktest(manifest: RunManifest, ports: ReplayPorts): Promise<ReplayReport> {
  if (manifest.kind !== 'backtest') throw new RangeError(`manifest ${shortHash(manifest.id)} is of kind "${manifest.kind}", not a backtest's (replayManifest replays every kind)`);
  const params = manifest.params as unknown as BacktestManifestParams;
  const request = normaliseRequest(params.request);
  const head = { id: manifest.id, short: shortHash(manifest.id), kind: manifest.kind };
  const code = { changed: ports.codeVersion !== manifest.codeVersion, stored: manifest.codeVersion, now: ports.codeVersion };

  let data: BacktestData;
  try {
    data = await loadLikeStored(params.load, request, manifest, ports);
  } catch (err) {
    if (!(err instanceof BacktestInputError)) throw err;
    return unloadable(manifest, head, code, err);
  }

  const { data: dataReport, why, nowHash } = compareDataset(manifest, data.series, data.benchmark, code.changed);
  const storedHash = manifest.datasetHash;

  let figures: KeyFigure[];
  try {
    figures = backtestFigures(await runBacktest(request, data));
  } catch (err) {
    if (!(err instanceof BacktestInputError)) throw err;
    return { manifest: head, data: dataReport, code, result: { identical: false, figure: null, why, error: err.message } };
  }
  // Changed bars that happen to leave every figure equal are still not the same run: the dataset hash is the last figure compared.
  const diff = firstFigureDifference(manifest.figures, figures) ?? (dataReport.changed ? { name: 'dataset.hash', stored: storedHash, now: nowHash } : null);
  return {
    manifest: head,
    data: dataReport,
    code,
    result: diff ? { identical: false, figure: diff, why } : { identical: true, figures: figures.length },
  };
}

/**
 * The input bars of a replay against the stored manifest: their hash, the
 * first difference from the stored digests (null when they hash the same),
 * and so the likely why of any differing figure. Shared by every kind of
 * replay, so "data changed" means the same thing for each.
 */
export function compareDataset(
  manifest: RunManifest,
  series: readonly BarSeries[],
  benchmark: BarSeries | null,
  codeChanged: boolean,
): { data: ReplayReport['data']; why: ReplayWhy; nowHash: string } {
  const now = hashDataset(series, benchmark);
  const byName = new Map<string, BarSeries>(series.map((s) => [s.symbol, s]));
  if (benchmark) byName.set(benchmark.symbol, benchmark);
  const storedHash = manifest.datasetHash;
  const difference =
    now.hash === storedHash ? null : (firstDatasetDifference(manifest.symbols, byName) ?? { kind: 'unavailable' as const, detail: 'the dataset hash differs but no series does (a changed symbol set)' });
  const data: ReplayReport['data'] = difference ? { changed: true, storedHash, hash: now.hash, difference } : { changed: false, hash: now.hash, symbols: manifest.symbols.length };
  const why: ReplayWhy = difference && codeChanged ? 'data_and_code' : difference ? 'data' : codeChanged ? 'code' : 'nondeterminism';
  return { data, why, nowHash: now.hash };
}

/** The bars of the stored run: loaded as it loaded them, only its symbols, each cut to its stored first..last dates. */
async function loadLikeStored(spec: BacktestLoadSpec, request: BacktestRequest, manifest: RunManifest, ports: ReplayPorts): Promise<BacktestData> {
  const traded = manifest.symbols.filter((d) => d.role === 's').map((d) => d.symbol);
  let loaded: BacktestData;
  if (spec.kind === 'csv-files') {
    const series: BarSeries[] = [];
    for (const f of spec.files) series.push(await ports.readCsvFile(f));
    loaded = backtestData(series, { source: 'csv', demo: false, benchmarkSymbol: request.benchmark });
  } else if (spec.kind === 'csv-dir') {
    const { series } = await loadCsvFolder(ports.data.sources, spec.dir, spec.symbols);
    loaded = backtestData(series, { source: 'csv', demo: false, benchmarkSymbol: request.benchmark });
  } else {
    // The run's own symbols, not its universe's members today: a symbol added to the store since is not this run's data.
    const only: BacktestRequest = { ...request, universe: { kind: 'symbols', symbols: traded } };
    const end = spec.demoEndDate;
    loaded = await resolveBacktestData(only, { ...ports.data, ...(end !== null ? { demoEndDate: () => end } : {}) });
  }
  const range = new Map(manifest.symbols.map((d) => [d.symbol, d]));
  const cut = (s: BarSeries): BarSeries | null => {
    const d = range.get(s.symbol);
    return d ? rangeSeries(s, d.first, d.last) : s;
  };
  const series = loaded.series.map(cut).filter((s): s is BarSeries => s !== null);
  const benchmark = loaded.benchmark ? cut(loaded.benchmark) : null;
  // The loader has chosen the benchmark already; naming its symbol again would make a traded DEMO 069500 (or SPY) the benchmark.
  return backtestData(series, { source: loaded.source, demo: loaded.demo, benchmark, notes: loaded.notes, load: spec });
}
