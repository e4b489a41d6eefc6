import type { DataSource } from 'typeorm';
import { createDataSource } from '../../adapters/db/data-source.js';
import { TypeOrmUnitOfWork } from '../../adapters/db/unit-of-work.js';
import { withTimeout } from '../../adapters/redis/connections.js';
import { backtestDataSources } from '../../app/backtest-sources.js';
import type { BarSeries } from '../../engine/bars.js';
import type { BarsSource } from '../../trading/backtest/data.js';
import { BacktestInputError } from '../../trading/backtest/request.js';
import { codeVersion } from '../../trading/manifest/code-version.js';
import type { DatasetDifference } from '../../trading/manifest/dataset-hash.js';
import { BLOCK_BARS } from '../../trading/manifest/dataset-hash.js';
import type { KeyFigure } from '../../trading/manifest/manifest.js';
import type { ReplayReport, ReplayWhy } from '../../trading/manifest/replay-backtest.js';
import { replayManifest } from '../../trading/manifest/replay.js';
import { RunManifestStore } from '../../trading/manifest/store.js';
import { UsageError, type CliIO } from '../command.js';
import { readCsvSeries } from '../read-csv-series.js';

/** What `courtside backtest --replay` needs from outside. */
export interface ReplayCliDeps {
  databaseUrl: string;
  /** Printable database name (no password). */
  label: string;
  /** The bars store of the database (null: none). */
  barsStore(ds: DataSource): BarsSource | null;
}

/**
 * `courtside backtest --replay MANIFEST_ID [--json]`: finds the manifest
 * (full id or unique prefix), replays it (a backtest, or a hypothesis
 * incubation's walk-forward as a dry run that changes no hypothesis) and
 * prints the verdict. Exit 0 when identical, 1 when any figure differs or the
 * run cannot be repeated.
 */
export async function runReplay(id: string, json: boolean, deps: ReplayCliDeps, io: CliIO): Promise<number> {
  let ds: DataSource | null = null;
  try {
    try {
      ds = createDataSource(deps.databaseUrl, { poolSize: 2, applicationName: 'courtside-replay' });
      await withTimeout(ds.initialize(), 5_000, 'connecting to Postgres');
    } catch (err) {
      throw new Error(`database ${deps.label} is unreachable (${(err as Error).message.split('\n')[0]}); manifests live there: start Postgres or set DATABASE_URL`);
    }
    const manifests = new RunManifestStore(new TypeOrmUnitOfWork(ds));
    let found;
    try {
      found = await manifests.find(id);
    } catch (err) {
      if (err instanceof RangeError) throw new UsageError(err.message);
      throw err;
    }
    if (found.kind === 'none') throw new UsageError(`no run manifest in ${deps.label} starts with "${id}"; copy the 12 hex digits after "manifest" from a backtest report, an incubation notice or a /hypothesis card`);
    if (found.kind === 'ambiguous') throw new UsageError(`"${id}" matches ${found.ids.length} manifests (${found.ids.map((x) => x.slice(0, 16)).join(', ')}); give more digits`);
    let report: ReplayReport;
    try {
      report = await replayManifest(found.manifest, {
        data: { sources: backtestDataSources(), barsStore: deps.barsStore(ds) },
        readCsvFile: readCsvForReplay,
        codeVersion: codeVersion(),
      });
    } catch (err) {
      if (err instanceof RangeError) throw new UsageError(err.message);
      throw err;
    }
    io.stdout(json ? JSON.stringify(report) + '\n' : replayText(report));
    return report.result.identical ? 0 : 1;
  } finally {
    if (ds?.isInitialized) await ds.destroy();
  }
}

/** A CSV file as `--csv` read it; a missing or malformed file is a data problem the replay reports, not a crash. */
async function readCsvForReplay(path: string): Promise<BarSeries> {
  try {
    return await readCsvSeries(path, { validate: true });
  } catch (err) {
    if (err instanceof UsageError) throw new BacktestInputError(err.message);
    throw err;
  }
}

/** The replay verdict as the CLI prints it (last line: `identical …` or `differs: …`). */
export function replayText(r: ReplayReport): string {
  const out: string[] = [];
  out.push(`Replay of run manifest ${r.manifest.short} (${r.manifest.kind.replace('_', '-')})`);
  out.push(r.data.changed ? `data: CHANGED · ${differenceText(r.data.difference)}` : `data: unchanged · ${r.data.symbols} series · hash ${r.data.hash.slice(0, 12)}`);
  out.push(r.code.changed ? `code: CHANGED · stored ${r.code.stored}, now ${r.code.now}` : `code: unchanged · ${r.code.now}`);
  const res = r.result;
  if (res.identical) out.push(`identical: all ${res.figures} key figures match`);
  else if (res.figure === null) out.push(`differs: the run could not be repeated (${res.error ?? 'no figures'}) · ${whyText(res.why)}`);
  else out.push(`differs: ${res.figure.name} stored ${figureText(res.figure.stored)}, now ${figureText(res.figure.now)} · ${whyText(res.why)}`);
  return out.join('\n') + '\n';
}

function differenceText(d: DatasetDifference | { kind: 'unavailable'; detail: string }): string {
  switch (d.kind) {
    case 'missing':
      return `${d.symbol} has no bars now in the stored date range`;
    case 'added':
      return `${d.symbol} is new: the stored run did not have it`;
    case 'range':
      return `${d.symbol} covers ${d.now.first} … ${d.now.last} (${d.now.bars} bars), the stored run ${d.stored.first} … ${d.stored.last} (${d.stored.bars} bars)`;
    case 'values':
      return d.from === d.to
        ? `${d.symbol}: the bar of ${d.from} changed`
        : `${d.symbol}: first changed bar between ${d.from} and ${d.to} (the first differing block of ${BLOCK_BARS} bars)`;
    case 'unavailable':
      return `the bars could not be compared: ${d.detail}`;
  }
}

function whyText(why: ReplayWhy): string {
  switch (why) {
    case 'data':
      return 'why: the data changed';
    case 'code':
      return 'why: the code changed';
    case 'data_and_code':
      return 'why: the data and the code changed';
    case 'nondeterminism':
      return 'why: neither data nor code changed, so the run is not deterministic: a bug (report it with this manifest id)';
  }
}

function figureText(v: KeyFigure[1] | undefined): string {
  if (v === undefined) return '(absent)';
  if (v === null) return 'null';
  if (typeof v === 'string') return v.length > 16 ? `${v.slice(0, 16)}…` : v;
  return String(v);
}
