import { createHash } from 'node:crypto';
import type { BarSeries } from '../../engine/bars.js';
import type { Market } from '../../engine/market/markets.js';
import { lastCompletedSession } from '../market-clock.js';
import type { BacktestDataSources, DemoSymbol } from './data-sources.js';
import type { BacktestNote } from './notes.js';
import { assertKnownSymbols } from './known-symbols.js';
import { BacktestInputError, type BacktestRequest } from './request.js';
import { CancelledError } from '../../lib/errors.js';
import type { BacktestLoadSpec } from './load-spec.js';
import { resolveKrBars } from './kr-data.js';

/** The bars a backtest runs on, where they came from, and their fingerprint. */
export interface BacktestData {
  /** Traded series, sorted by symbol. */
  series: BarSeries[];
  /** Buy-and-hold comparison (e.g. SPY), traded or not; null when the data has none. */
  benchmark: BarSeries | null;
  /** Synthetic demo data: everything user-facing must say so. */
  demo: boolean;
  /** `csv`, `sample-csv`, `bars-store`, `synthetic`, … */
  source: string;
  /** Hash of the input bars (see {@link fingerprintBars}). */
  fingerprint: string;
  /** Things the user should know about the data (substitutions, missing symbols), as codes with figures. */
  notes: BacktestNote[];
  /** How these bars were loaded, for the run's manifest (a replay loads them the same way); absent when unknown. */
  load?: BacktestLoadSpec;
}

/**
 * Stored bars (the bars store, see `barsStoreSource`): series for the given
 * symbols, or for everything stored when `symbols` is null, plus which of the
 * returned symbols hold synthetic DEMO bars. Symbols it lacks are absent.
 */
export interface BarsSource {
  /** Short name for messages, e.g. `bars-store`. */
  readonly name: string;
  load(symbols: readonly string[] | null): Promise<{ series: Map<string, BarSeries>; demo: ReadonlySet<string> }>;
  /** Every stored symbol of `market` (default US) and whether it holds DEMO bars (cheap: no bars are read). */
  list(market?: Market): Promise<{ symbol: string; demo: boolean }[]>;
}

/** Progress/cancellation hooks for loading; `shouldCancel` is polled between chunks. */
export interface LoadHooks {
  onProgress?(done: number, total: number): void;
  shouldCancel?(): boolean | Promise<boolean>;
  /** Symbols per chunk between event-loop yields (default 25). */
  chunkSize?: number;
}

/** Thrown when a cancellation flag is seen between chunks. */
export class BacktestCancelledError extends CancelledError {
  constructor() {
    super('backtest cancelled');
  }
}

/** Lets timers, I/O and BullMQ lock renewals run between CPU-bound chunks. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Polls the cancel hook; throws {@link BacktestCancelledError} when it says so. */
export async function checkCancel(hooks: { shouldCancel?(): boolean | Promise<boolean> } | undefined): Promise<void> {
  if (hooks?.shouldCancel && (await hooks.shouldCancel())) throw new BacktestCancelledError();
}

/**
 * Fingerprint of input bars: SHA-256 over their source name, then, per series in symbol order, the
 * symbol, bar count, first and last date, every 32nd date, and the raw bytes
 * of every OHLCV column. Hashing the columns whole costs tens of
 * milliseconds for 900 × 2,520 bars and catches any corrected price; dates
 * are sampled because they cannot change without the prices moving too.
 */
export function fingerprintBars(series: readonly BarSeries[], benchmark: BarSeries | null = null, source = ''): string {
  const h = createHash('sha256');
  // Where the bars came from is part of the data: a CSV run never reuses (and reports) a bars-store run's result.
  if (source !== '') h.update(`source|${source}\n`);
  const all = [...series].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const one = (s: BarSeries, tag: string) => {
    const n = s.dates.length;
    const sampled: string[] = [];
    for (let i = 0; i < n; i += 32) sampled.push(s.dates[i]!);
    h.update(`${tag}|${s.symbol}|${n}|${s.dates[0] ?? ''}|${s.dates[n - 1] ?? ''}|${sampled.join(',')}\n`);
    for (const col of [s.open, s.high, s.low, s.close, s.volume]) h.update(new Uint8Array(col.buffer, col.byteOffset, n * 8));
  };
  for (const s of all) one(s, 's');
  if (benchmark && !all.some((s) => s.symbol === benchmark.symbol)) one(benchmark, 'b');
  return h.digest('hex');
}

/** Wraps loaded series as {@link BacktestData}; the benchmark is taken from the series when it is among them. */
export function backtestData(
  series: readonly BarSeries[],
  opts: { source: string; demo: boolean; benchmarkSymbol?: string; benchmark?: BarSeries | null; notes?: BacktestNote[]; load?: BacktestLoadSpec },
): BacktestData {
  const sorted = [...series].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.symbol === sorted[i - 1]!.symbol) throw new BacktestInputError(`symbol ${sorted[i]!.symbol} is given twice`);
  }
  const sym = opts.benchmarkSymbol;
  const benchmark = (sym !== undefined ? sorted.find((s) => s.symbol === sym) : undefined) ?? opts.benchmark ?? null;
  return {
    series: sorted,
    benchmark: benchmark && benchmark.dates.length > 0 ? benchmark : null,
    demo: opts.demo,
    source: opts.source,
    fingerprint: fingerprintBars(sorted, benchmark, opts.source),
    notes: opts.notes ?? [],
    ...(opts.load ? { load: opts.load } : {}),
  };
}

/** Series from a CSV folder for `symbols`; `missing` lists symbols without a file. */
export async function loadCsvFolder(
  sources: Pick<BacktestDataSources, 'readCsv'>,
  dir: string,
  symbols: readonly string[],
  hooks: LoadHooks = {},
): Promise<{ series: BarSeries[]; missing: string[] }> {
  const series: BarSeries[] = [];
  const missing: string[] = [];
  const chunk = hooks.chunkSize ?? 25;
  for (let i = 0; i < symbols.length; i++) {
    const s = await sources.readCsv(dir, symbols[i]!);
    if (s) series.push(s);
    else missing.push(symbols[i]!);
    if ((i + 1) % chunk === 0) await checkCancel(hooks);
    hooks.onProgress?.(i + 1, symbols.length);
  }
  return { series, missing };
}

/** Sessions of the synthetic demo data: about ten years of exchange sessions up to `endDate`. */
export const SYNTHETIC_SESSIONS = 2520;

/**
 * Synthetic demo series (deterministic per symbol and end date), generated in
 * chunks so a long universe yields to the event loop and can be cancelled.
 */
export async function generateDemoSeries(
  sources: Pick<BacktestDataSources, 'demoSessions' | 'demoSeries'>,
  entries: readonly DemoSymbol[],
  opts: { endDate: string; sessions?: number },
  hooks: LoadHooks = {},
): Promise<BarSeries[]> {
  const sessions = sources.demoSessions(opts.endDate, opts.sessions ?? SYNTHETIC_SESSIONS);
  const out: BarSeries[] = [];
  const chunk = hooks.chunkSize ?? 25;
  for (let i = 0; i < entries.length; i++) {
    out.push(sources.demoSeries(entries[i]!, sessions));
    if ((i + 1) % chunk === 0 || i === entries.length - 1) {
      hooks.onProgress?.(i + 1, entries.length);
      await yieldToEventLoop();
      await checkCancel(hooks);
    }
  }
  return out;
}

/** Where the worker finds bars. */
export interface DataResolverOptions {
  /** CSV folders and synthetic DEMO data (the fallbacks after the bars store). */
  sources: BacktestDataSources;
  /** The bars store, when wired (preferred). */
  barsStore?: BarsSource | null;
  /** Folder of `<SYMBOL>.csv` real bars (default: the bundled samples, `sources.sampleDir()`). */
  sampleDir?: string;
  /** Last session of synthetic demo data (default: the last completed NYSE session, as the seed uses). */
  demoEndDate?: () => string;
  /** Hears, at debug, a sample folder that could not be read (the run goes on without CSV samples). */
  log?: { debug?(obj: object, msg: string): void };
}

/** Where one symbol's bars come from, best first: real stored, real sample CSV, stored DEMO, generated DEMO. */
type Origin = 'store' | 'csv' | 'store-demo' | 'generated';

/** Source names in the order a mixed run lists them (`bars-store+synthetic`). */
const SOURCE_ORDER = (store: string): Record<Origin, { name: string; rank: number }> => ({
  store: { name: store, rank: 0 },
  'store-demo': { name: store, rank: 0 },
  csv: { name: 'sample-csv', rank: 1 },
  generated: { name: 'synthetic', rank: 2 },
});

/**
 * Finds bars for a request, one symbol at a time, best source first: real
 * bars in the bars store, then the bundled sample CSVs, then the store's
 * DEMO bars, then generated DEMO bars (for symbols of the bundled universe).
 * So one symbol without real bars makes only that symbol DEMO; the run is
 * flagged `demo` when any traded bar is synthetic, with a note counting them.
 *
 * A named universe is every stored symbol (or, with an empty store, the
 * bundled universe). An explicit symbol no source knows is an error naming
 * the closest known symbols ({@link UnknownSymbolsError}), never a backtest
 * on invented bars.
 *
 * The benchmark is never synthetic: real stored bars or the sample CSV, else
 * none (with a note).
 *
 * A KR request (`market: 'KR'`) is resolved by {@link resolveKrBars}
 * from the store's KR bars only.
 */
export async function resolveBacktestData(request: BacktestRequest, opts: DataResolverOptions, hooks: LoadHooks = {}): Promise<BacktestData> {
  // KR runs read only the store's KR rows (won, KRX sessions): no US samples, no US DEMO universe.
  if (request.market === 'KR') {
    const kr = await resolveKrBars(request, opts, hooks, () => checkCancel(hooks));
    return backtestData(kr.series, { source: kr.source, demo: kr.demo, benchmark: kr.benchmark, notes: kr.notes, load: { kind: 'resolve', demoEndDate: null } });
  }
  const symbols = request.universe.kind === 'symbols' ? request.universe.symbols : null;
  const bench = request.benchmark;
  const sources = opts.sources;
  const store = opts.barsStore ?? null;
  const dir = opts.sampleDir ?? sources.sampleDir();
  const notes: BacktestNote[] = [];

  const stored = new Map((store ? await store.list() : []).map((s) => [s.symbol, s.demo]));
  // A missing or unreadable sample folder means "no CSV samples": the stored bars and DEMO still serve,
  // and a symbol found nowhere is named in the run's notes.
  const csv = new Set(
    await sources.csvSymbols(dir).catch((err: unknown): string[] => {
      opts.log?.debug?.({ err, dir }, 'sample CSV folder unreadable; the backtest goes on with stored and DEMO bars');
      return [];
    }),
  );
  const universe = new Map(sources.demoUniverse().map((e) => [e.symbol, e]));
  await checkCancel(hooks);

  let wanted: string[];
  if (symbols) {
    assertKnownSymbols(symbols, [...stored.keys(), ...csv, ...universe.keys()]);
    wanted = [...symbols];
  } else if (stored.size > 0) {
    wanted = [...stored.keys()].sort();
  } else {
    notes.push({ code: 'no_stored_universe' });
    wanted = [...universe.keys()].sort();
  }

  const origin = new Map<string, Origin>();
  for (const s of wanted) {
    const inStore = stored.get(s);
    origin.set(s, inStore === false ? 'store' : csv.has(s) ? 'csv' : inStore === true ? 'store-demo' : 'generated');
  }
  const benchOrigin: Origin | null = stored.get(bench) === false ? 'store' : csv.has(bench) ? 'csv' : null;

  // Stored series (real and DEMO) in one read, the benchmark's included.
  const fromStore = wanted.filter((s) => origin.get(s) === 'store' || origin.get(s) === 'store-demo');
  if (benchOrigin === 'store' && !fromStore.includes(bench)) fromStore.push(bench);
  const got = store && fromStore.length > 0 ? (await store.load(symbols === null && fromStore.length === stored.size ? null : fromStore.sort())).series : new Map<string, BarSeries>();
  await checkCancel(hooks);

  const fromCsv = wanted.filter((s) => origin.get(s) === 'csv');
  const csvSeries = new Map((await loadCsvFolder(sources, dir, fromCsv, hooks)).series.map((s) => [s.symbol, s]));
  if (benchOrigin === 'csv' && !csvSeries.has(bench)) {
    const b = await sources.readCsv(dir, bench);
    if (b) csvSeries.set(bench, b);
  }

  const generate = wanted.filter((s) => origin.get(s) === 'generated');
  const generated = new Map<string, BarSeries>();
  let demoEndDate: string | null = null;
  if (generate.length > 0) {
    const endDate = (opts.demoEndDate ?? (() => lastCompletedSession(Date.now())))();
    demoEndDate = endDate;
    const entries = generate.map((s) => universe.get(s) ?? { symbol: s });
    for (const s of await generateDemoSeries(sources, entries, { endDate }, hooks)) generated.set(s.symbol, s);
  }

  const series: BarSeries[] = [];
  const used = new Set<Origin>();
  let demoCount = 0;
  for (const s of wanted) {
    const o = origin.get(s)!;
    const bars = o === 'csv' ? csvSeries.get(s) : o === 'generated' ? generated.get(s) : got.get(s);
    if (!bars || bars.dates.length === 0) continue;
    series.push(bars);
    used.add(o);
    if (o === 'store-demo' || o === 'generated') demoCount++;
  }
  if (series.length === 0) throw new BacktestInputError('no bars to backtest');
  if (demoCount > 0 && demoCount < series.length) notes.push({ code: 'demo_symbols', demo: demoCount, of: series.length });

  const benchmark = benchOrigin === 'store' ? (got.get(bench) ?? null) : benchOrigin === 'csv' ? (csvSeries.get(bench) ?? null) : null;
  if (!benchmark) notes.push({ code: 'no_real_benchmark', symbol: bench });

  const order = SOURCE_ORDER(store?.name ?? 'bars-store');
  const source = [...new Set([...used].sort((a, b) => order[a].rank - order[b].rank).map((o) => order[o].name))].join('+');
  return backtestData(series, { source, demo: demoCount > 0, benchmark, notes, load: { kind: 'resolve', demoEndDate } });
}
