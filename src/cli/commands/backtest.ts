import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { DataSource } from 'typeorm';
import { barsStoreSource } from '../../trading/backtest/bars-source.js';
import { BarsStore } from '../../adapters/bars/store.js';
import { backtestData, BacktestCancelledError, loadCsvFolder, resolveBacktestData, type BacktestData, type BarsSource } from '../../trading/backtest/data.js';
import { backtestDataSources } from '../../app/backtest-sources.js';
import { TypeOrmUnitOfWork } from '../../adapters/db/unit-of-work.js';
import { overallFraction, progressBar } from '../../bot/views/backtest-messages.js';
import { outcomeJson, type BacktestOutcome } from '../../trading/backtest/report.js';
import {
  BacktestInputError,
  buildRequest,
  DEFAULT_BENCHMARK,
  DEFAULT_BENCHMARK_KR,
  parseIsoDate,
  parseMarketWord,
  symbolsMarket,
  parseSizingSpec,
  parseStrategyChoice,
  requestHash,
  splitParamPairs,
  STRATEGY_CHOICES,
  type BacktestRequest,
  type BacktestRequestInput,
} from '../../trading/backtest/request.js';
import { runBacktest, type BacktestProgress } from '../../trading/backtest/run.js';
import { BacktestStore } from '../../trading/backtest/store.js';
import { formatTextReport } from '../../bot/views/backtest-text-report.js';
import { backtestNoteText } from '../../bot/views/backtest-notes.js';
import { loadConfig } from '../../app/config/config.js';
import { createDataSource } from '../../adapters/db/data-source.js';
import type { BarSeries } from '../../engine/bars.js';
import { lastCompletedSession } from '../../trading/market-clock.js';
import { loadUniverse, UniverseFileError } from '../../adapters/market-data/universe/load-universe.js';
import { withTimeout } from '../../adapters/redis/connections.js';
import { UsageError, type CliCommand, type CliIO } from '../command.js';
import { readCsvSeries } from '../read-csv-series.js';
import { codeVersion } from '../../trading/manifest/code-version.js';
import { withManifest } from '../../trading/manifest/backtest-manifest.js';
import { runReplay } from './backtest-replay.js';
import { assertKrxSessions } from '../../trading/backtest/kr-data.js';
import type { Market } from '../../engine/market/markets.js';

const USAGE = `courtside backtest --strategy ${STRATEGY_CHOICES.join('|')} [--market us|kr] [--csv FILE ...] [--universe FILE [--data-dir DIR]] [--data-dir DIR]
       [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--sizing shares:N|dollars:N|equity:PCT|risk:PCT] [--slippage-bps N]
       [--initial-cash N] [--param k=v ...] [--walk-forward] [--monte-carlo N] [--seed N] [--trades N] [--no-store] [--json]
       courtside backtest --replay MANIFEST_ID [--json]

Data: --csv files (symbol = file name), or --universe FILE (a CSV with a symbol column) with bars from
--data-dir (one SYMBOL.csv each), the bars store, or else synthetic DEMO bars; with neither, every CSV in
--data-dir (default: the bundled data/ohlcv). PCT is in percent (risk:1 = 1% of equity at risk per trade;
default risk:1). With --strategy all, write parameters as strategy.key=value. Results are stored in
Postgres (DATABASE_URL) when it is reachable; an identical request on identical data reuses the stored run.
Every report names its run manifest (data hash, code version, parameters, seed): --replay MANIFEST_ID (the
12 hex digits the report shows, or any unique prefix) loads the same bars, re-runs and prints "identical"
(exit 0) or the first figure that differs and why: data changed, code changed, or neither (a bug) (exit 1).
The manifest of a hypothesis incubation (its incubation notice and /hypothesis card show it) replays its
walk-forward evaluation and verdict on the stored bars as a dry run: no hypothesis changes.
--market kr backtests KRX codes in won: KR bars (--csv files, or the bars store: every stored KR symbol
when no file is given), KRX sessions only, fills on the KRX ETF tick, the KIS commission (KIS_COMMISSION_BPS)
on both sides and no sell tax, ₩10,000,000 initial cash unless --initial-cash; the benchmark is 069500
(KODEX 200) when its stored bars are real, else none. KRX codes alone imply --market kr; US and KR symbols
in one run are refused (there is no exchange rate).`;

/** What the command needs from outside; tests and the app inject these. */
export interface BacktestCliOptions {
  /** Postgres URL for storing runs (default: DATABASE_URL / the config default). */
  databaseUrl?: () => string;
  /** Stored bars for --universe without --data-dir (default: the bars store in the database, when reachable). */
  barsStore?: (ds: DataSource | null) => BarsSource | null;
  /** Draw a progress bar on stderr (default: when stderr is a TTY). */
  progress?: boolean;
  /** Last session of synthetic DEMO bars (default: the last completed NYSE session). */
  demoEndDate?: () => string;
  /** The KIS commission of KR runs, a fraction of a fill's value (default: config.kr.commissionRate, KIS_COMMISSION_BPS). */
  krCommissionRate?: () => number | undefined;
}

function toNumber(raw: string | undefined, what: string, check: (n: number) => boolean, expect: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`${what} must be ${expect}, got "${raw}"`);
  return n;
}

/** Parsed and validated arguments: everything but the data. */
interface CliPlan {
  csvFiles: string[];
  universe: string | undefined;
  dataDir: string | undefined;
  /** The request minus its symbols (known once the data is read). */
  input: Omit<BacktestRequestInput, 'symbols'>;
  maxTrades: number;
  json: boolean;
  noStore: boolean;
}

/** `--replay MANIFEST_ID [--json]`. */
interface ReplayPlan {
  replay: string;
  json: boolean;
}

function parseCli(args: string[], krRate: number | undefined): CliPlan | ReplayPlan {
  const { values, positionals } = parseArgs({
    args,
    options: {
      strategy: { type: 'string' },
      csv: { type: 'string', multiple: true },
      universe: { type: 'string' },
      'data-dir': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      sizing: { type: 'string' },
      'slippage-bps': { type: 'string' },
      'initial-cash': { type: 'string' },
      param: { type: 'string', multiple: true },
      'walk-forward': { type: 'boolean' },
      'monte-carlo': { type: 'string' },
      seed: { type: 'string' },
      trades: { type: 'string' },
      'no-store': { type: 'boolean' },
      json: { type: 'boolean' },
      replay: { type: 'string' },
      market: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.replay !== undefined) {
    const others = Object.keys(values).filter((k) => k !== 'replay' && k !== 'json');
    if (others.length > 0 || positionals.length > 0) throw new UsageError(`--replay takes only a manifest id (and --json); drop ${others.length > 0 ? `--${others[0]}` : `"${positionals[0]}"`}`);
    return { replay: values.replay, json: values.json === true };
  }
  const csvFiles = [...(values.csv ?? [])];
  if (positionals.length > 0) {
    if (csvFiles.length === 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    csvFiles.push(...positionals);
  }
  if (values.strategy === undefined) throw new UsageError(`--strategy is required (${STRATEGY_CHOICES.join(', ')})`);
  if (csvFiles.length > 0 && values.universe !== undefined) throw new UsageError('use either --csv or --universe, not both');
  if (csvFiles.length > 0 && values['data-dir'] !== undefined) throw new UsageError('--data-dir goes with --universe (or alone), not with --csv');

  let market: Market | undefined;
  if (values.market !== undefined) {
    const m = parseMarketWord(values.market);
    if (m === null) throw new UsageError(`--market must be us or kr, got "${values.market.slice(0, 20)}"`);
    market = m;
  }
  const base = inputError(() => {
    const strategies = parseStrategyChoice(values.strategy);
    return {
      strategies,
      params: splitParamPairs(strategies, values.param ?? []),
      from: values.from !== undefined ? parseIsoDate(values.from, '--from') : null,
      to: values.to !== undefined ? parseIsoDate(values.to, '--to') : null,
      ...(values.sizing !== undefined ? { sizing: parseSizingSpec(values.sizing) } : {}),
    };
  });
  if (base.from && base.to && base.from > base.to) throw new UsageError(`--from ${base.from} is after --to ${base.to}`);
  const slippageBps = toNumber(values['slippage-bps'], '--slippage-bps', (n) => n >= 0 && n <= 10_000, 'a number from 0 to 10000');
  const initialCash = toNumber(values['initial-cash'], '--initial-cash', (n) => n > 0, 'a positive number');
  const mcRuns = toNumber(values['monte-carlo'], '--monte-carlo', (n) => Number.isInteger(n) && n >= 1 && n <= 1_000_000, 'a whole number of runs from 1 to 1000000');
  const seed = toNumber(values.seed, '--seed', (n) => Number.isSafeInteger(n), 'a whole number');
  const input: CliPlan['input'] = {
    ...base,
    ...(slippageBps !== undefined ? { slippageBps } : {}),
    ...(initialCash !== undefined ? { initialCash } : {}),
    walkForward: values['walk-forward'] === true,
    monteCarloRuns: mcRuns ?? null,
    ...(seed !== undefined ? { seed } : {}),
    ...(market !== undefined ? { market } : {}),
    ...(krRate !== undefined ? { krCommissionRate: krRate } : {}),
  };
  // Validate the whole request once with a placeholder symbol of its market, so a bad --param fails before any file is read.
  inputError(() => buildRequest({ ...input, symbols: [market === 'KR' ? DEFAULT_BENCHMARK_KR : 'X'] }));
  return {
    csvFiles,
    universe: values.universe,
    dataDir: values['data-dir'],
    input,
    maxTrades: toNumber(values.trades, '--trades', (n) => Number.isInteger(n) && n >= 0, 'a whole number') ?? 20,
    json: values.json === true,
    noStore: values['no-store'] === true,
  };
}

/** Builds the `backtest` command; {@link backtestCommand} is the default instance. */
export function createBacktestCommand(opts: BacktestCliOptions = {}): CliCommand {
  return {
    name: 'backtest',
    summary: 'Backtest donchian / turtle_soup on CSVs or a universe; stores the run in Postgres',
    usage: USAGE,
    async run(args, io) {
      const parsed = parseCli(args, (opts.krCommissionRate ?? defaultKrCommissionRate)());
      if ('replay' in parsed) {
        const url = (opts.databaseUrl ?? defaultDatabaseUrl)();
        const bars = opts.barsStore ?? defaultBarsStore;
        return runReplay(parsed.replay, parsed.json, { databaseUrl: url, label: dbLabel(url), barsStore: (ds) => bars(ds) }, io);
      }
      const plan = parsed;
      // The database serves two things: storing results, and stored bars for --universe (and for --market kr without files).
      const useBarsStore = (plan.universe !== undefined && plan.dataDir === undefined) || krStoreRun(plan);
      const db = plan.noStore && !useBarsStore ? null : await openDatabase((opts.databaseUrl ?? defaultDatabaseUrl)(), io, plan.noStore);
      try {
        const bars = useBarsStore ? (opts.barsStore ?? defaultBarsStore)(db?.ds ?? null) : null;
        const data = await loadCliData(plan, bars, opts, io);
        const request = inputError(() => buildRequest({ ...plan.input, symbols: data.series.map((s) => s.symbol) }));
        for (const n of data.notes) io.stderr(`note: ${backtestNoteText(n)}\n`);
        if (data.demo) io.stderr('warning: DEMO data (synthetic bars): the results are not evidence about real markets\n');
        const outcome = await execute(request, data, db, opts, io);
        if (outcome === null) return 130;
        io.stdout(plan.json ? outcomeJson(outcome.report, outcome.trades) + '\n' : formatTextReport(outcome.report, outcome.trades, { maxTrades: plan.maxTrades }));
        return 0;
      } finally {
        await db?.close();
      }
    },
  };
}

/**
 * Reuses the stored run of an identical request on identical data, or runs
 * the backtest (progress on stderr, Ctrl-C cancels) and stores it. Null when
 * interrupted.
 */
async function execute(request: BacktestRequest, data: BacktestData, db: OpenDb | null, opts: BacktestCliOptions, io: CliIO): Promise<BacktestOutcome | null> {
  const results = db?.results ?? null;
  const hash = requestHash(request);
  if (results) {
    const existing = await results.findDone(hash, data.fingerprint);
    const stored = existing ? await results.loadOutcome(existing.id) : null;
    if (existing && stored) {
      io.stderr(`reused stored backtest run ${existing.id} (same request and data) from ${db!.label}\n`);
      return stored;
    }
  }
  const progress = makeProgress(io, opts.progress ?? process.stderr.isTTY === true);
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  let runId: string | null = null;
  try {
    if (results) {
      runId = await results.create({ request, requestHash: hash, requestedBy: `cli:${whoami()}` });
      await results.start(runId, data);
    }
    const computed = await runBacktest(request, data, { onProgress: progress.update, shouldCancel: () => interrupted });
    progress.clear();
    // The manifest (data hash, code version, request, seed, key figures) is stored with the run; the report shows its short hash.
    const outcome = withManifest(request, data, computed, codeVersion());
    if (results && runId) {
      const saved = await results.complete(runId, outcome);
      io.stderr(saved.reused ? `an identical run finished first: reused stored run ${saved.id} from ${db!.label}\n` : `stored as backtest run ${saved.id} in ${db!.label}\n`);
    }
    return outcome;
  } catch (err) {
    progress.clear();
    if (err instanceof BacktestCancelledError) {
      if (results && runId) {
        await results
          .cancel(runId, 'interrupted (SIGINT)')
          .catch((e: unknown) => io.stderr(`warning: backtest run ${runId} could not be marked cancelled (${firstLine(e)}); it stays recorded as running\n`));
      }
      io.stderr('backtest interrupted; nothing was stored as a result\n');
      return null;
    }
    if (results && runId) {
      // `err` is what this command reports; a run that cannot be marked failed is said alongside it.
      await results.fail(runId, (err as Error).message).catch((e: unknown) => io.stderr(`warning: backtest run ${runId} could not be marked failed (${firstLine(e)}); it stays recorded as running\n`));
    }
    if (err instanceof BacktestInputError) throw new UsageError(err.message);
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** `courtside backtest`. */
export const backtestCommand: CliCommand = createBacktestCommand();

function inputError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof BacktestInputError) throw new UsageError(err.message);
    throw err;
  }
}

/** config.kr.commissionRate (KIS_COMMISSION_BPS); undefined when the config cannot be read (KR runs then take the default KIS rate). */
function defaultKrCommissionRate(): number | undefined {
  try {
    return loadConfig().kr.commissionRate;
  } catch {
    return undefined;
  }
}

/** `--market kr` with neither --csv, --universe nor --data-dir: every stored KR symbol. */
function krStoreRun(plan: CliPlan): boolean {
  return plan.input.market === 'KR' && plan.csvFiles.length === 0 && plan.universe === undefined && plan.dataDir === undefined;
}

/** The market of a run on `symbols`: --market, else what the symbols name (mixing US and KR is a usage error). */
function marketOf(plan: CliPlan, symbols: readonly string[]): Market {
  return inputError(() => symbolsMarket(symbols, plan.input.market));
}

/** The benchmark symbol of a run on `market`. */
function benchmarkOf(market: Market): string {
  return market === 'KR' ? DEFAULT_BENCHMARK_KR : DEFAULT_BENCHMARK;
}

/** KR bars from files must sit on KRX sessions (see assertKrxSessions). */
function checkKrSessions(market: Market, series: readonly BarSeries[]): void {
  if (market === 'KR') inputError(() => assertKrxSessions(series));
}

function defaultDatabaseUrl(): string {
  return loadConfig().db.url;
}

function whoami(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** postgres://user@host:port/db without the password. */
function dbLabel(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'the database';
  }
}

interface OpenDb {
  ds: DataSource;
  label: string;
  /** Null when results are not stored (--no-store, or the table is missing). */
  results: BacktestStore | null;
  close(): Promise<void>;
}

/** Connects to Postgres; null (with a warning) when it is unreachable. */
async function openDatabase(url: string, io: CliIO, noStore: boolean): Promise<OpenDb | null> {
  const label = dbLabel(url);
  let ds: DataSource | null = null;
  try {
    ds = createDataSource(url, { poolSize: 2, applicationName: 'courtside-backtest' });
    await withTimeout(ds.initialize(), 5_000, 'connecting to Postgres');
    let results: BacktestStore | null = null;
    if (!noStore) {
      results = new BacktestStore(new TypeOrmUnitOfWork(ds));
      if (!(await results.hasSchema())) {
        io.stderr(`warning: ${label} has no backtest_runs table (run \`courtside migrate\`); results will not be stored\n`);
        results = null;
      }
    }
    const open = ds;
    return { ds: open, label, results, close: () => closeQuietly(open, io) };
  } catch (err) {
    const what = noStore ? 'stored bars cannot be read' : 'results will be printed but not stored';
    io.stderr(`warning: database ${label} is unreachable (${(err as Error).message.split('\n')[0]}); ${what}\n`);
    if (ds?.isInitialized) await closeQuietly(ds, io);
    return null;
  }
}

/** The first line of an error's message. */
function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

/** Closes the pool at the end of the command: a failure changes no result, so it is a note, not an error. */
async function closeQuietly(ds: DataSource, io: CliIO): Promise<void> {
  try {
    await ds.destroy();
  } catch (err) {
    io.stderr(`note: closing the database connection failed (${firstLine(err)})\n`);
  }
}

/** The bars store of the CLI's database, when it has the bars tables. */
function defaultBarsStore(ds: DataSource | null): BarsSource | null {
  return ds ? barsStoreSource(new BarsStore(ds)) : null;
}

async function loadCliData(plan: CliPlan, store: BarsSource | null, opts: BacktestCliOptions, io: CliIO): Promise<BacktestData> {
  const sources = backtestDataSources();
  const csvFiles = plan.csvFiles;
  if (krStoreRun(plan)) {
    // The stored KR universe (won, KRX sessions), resolved like /backtest … kr.
    const request = inputError(() => buildRequest({ ...plan.input, symbols: null }));
    return inputErrorAsync(() => resolveBacktestData(request, { sources, barsStore: store }));
  }
  if (csvFiles.length > 0) {
    const series: BarSeries[] = [];
    const seen = new Map<string, string>();
    for (const f of csvFiles) {
      const s = await readCsvSeries(f, { validate: true });
      const prev = seen.get(s.symbol);
      if (prev) throw new UsageError(`${f} and ${prev} are both symbol ${s.symbol}`);
      seen.set(s.symbol, f);
      series.push(s);
    }
    const market = marketOf(plan, series.map((s) => s.symbol));
    checkKrSessions(market, series);
    return backtestData(series, { source: csvSourceName(csvFiles), demo: false, benchmarkSymbol: benchmarkOf(market), load: { kind: 'csv-files', files: csvFiles.map((f) => resolve(f)) } });
  }

  if (plan.universe !== undefined) {
    const path = plan.universe;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
    let entries;
    try {
      const u = loadUniverse(text, { source: path });
      if (u.errors.length > 0) throw new UsageError(u.errors.slice(0, 10).map((e) => `${path} line ${e.line}: ${e.message}`).join('\n'));
      entries = u.entries;
    } catch (err) {
      if (err instanceof UniverseFileError) throw new UsageError(err.message);
      throw err;
    }
    if (entries.length === 0) throw new UsageError(`${path} lists no usable symbols`);
    const symbols = entries.map((e) => e.symbol);
    const market = marketOf(plan, symbols);
    const dir = plan.dataDir;
    if (dir !== undefined) {
      const { series, missing } = await inputErrorAsync(() => loadCsvFolder(sources, dir, symbols));
      if (missing.length > 0) throw new UsageError(`no CSV in ${dir} for ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}`);
      checkKrSessions(market, series);
      return backtestData(series, { source: 'csv', demo: false, benchmarkSymbol: benchmarkOf(market), load: { kind: 'csv-dir', dir: resolve(dir), symbols } });
    }
    // The same per-symbol resolution as /backtest: real stored bars, then the samples, then DEMO bars
    // (flagged and counted); an unknown symbol is an error naming the closest known ones.
    let barsStore = store;
    if (store) {
      await store.list(market).catch((err: unknown) => {
        io.stderr(`note: stored bars are unavailable (${(err as Error).message.split('\n')[0]})\n`);
        barsStore = null;
      });
    }
    const request = inputError(() => buildRequest({ ...plan.input, symbols }));
    return inputErrorAsync(() =>
      resolveBacktestData(request, { sources, barsStore, demoEndDate: opts.demoEndDate ?? (() => lastCompletedSession(Date.now())) }),
    );
  }

  const dir = plan.dataDir ?? sources.sampleDir();
  const symbols = await inputErrorAsync(() => sources.csvSymbols(dir));
  if (symbols.length === 0) throw new UsageError(`no .csv files in ${dir}`);
  const { series } = await inputErrorAsync(() => loadCsvFolder(sources, dir, symbols));
  const market = marketOf(plan, symbols);
  checkKrSessions(market, series);
  return backtestData(series, { source: plan.dataDir ? 'csv' : 'sample-csv', demo: false, benchmarkSymbol: benchmarkOf(market), load: { kind: 'csv-dir', dir: resolve(dir), symbols } });
}

/** `csv:SPY.csv`, `csv:GL.csv,RVLV.csv,SPY.csv`, `csv:A.csv,B.csv,C.csv+4 more`: the files a CSV run read. */
function csvSourceName(files: readonly string[]): string {
  const names = files.map((f) => basename(f));
  return `csv:${names.slice(0, 3).join(',')}${names.length > 3 ? `+${names.length - 3} more` : ''}`;
}

async function inputErrorAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof BacktestInputError) throw new UsageError(err.message);
    throw err;
  }
}

/** A one-line progress bar on stderr (TTY only), redrawn at most every 100 ms. */
function makeProgress(io: CliIO, enabled: boolean): { update(p: BacktestProgress): void; clear(): void } {
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 100 && p.done !== p.total) return;
      last = now;
      const detail = p.total > 1 ? ` ${p.done}/${p.total}` : '';
      io.stderr(`\r\x1b[K${progressBar(overallFraction(p), 24)} ${p.phase.replace('_', '-')}${detail}`);
      drawn = true;
    },
    clear() {
      if (drawn) io.stderr('\r\x1b[K');
      drawn = false;
    },
  };
}

