import { createHash } from 'node:crypto';
import type { BarSeries } from '../../engine/bars.js';
import { lastCompletedSession } from '../market-clock.js';
import type { BacktestDataSources, DemoSymbol } from './data-sources.js';
import { symbolPreview, type BacktestNote } from './notes.js';
import { BacktestInputError, type BacktestRequest } from './request.js';

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
}

/** Progress/cancellation hooks for loading; `shouldCancel` is polled between chunks. */
export interface LoadHooks {
  onProgress?(done: number, total: number): void;
  shouldCancel?(): boolean | Promise<boolean>;
  /** Symbols per chunk between event-loop yields (default 25). */
  chunkSize?: number;
}

/** Thrown when a cancellation flag is seen between chunks. */
export class BacktestCancelledError extends Error {
  override readonly name = 'BacktestCancelledError';
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
 * Fingerprint of input bars: SHA-256 over, per series in symbol order, the
 * symbol, bar count, first and last date, every 32nd date, and the raw bytes
 * of every OHLCV column. Hashing the columns whole costs tens of
 * milliseconds for 900 × 2,520 bars and catches any corrected price; dates
 * are sampled because they cannot change without the prices moving too.
 */
export function fingerprintBars(series: readonly BarSeries[], benchmark: BarSeries | null = null): string {
  const h = createHash('sha256');
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
  opts: { source: string; demo: boolean; benchmarkSymbol?: string; benchmark?: BarSeries | null; notes?: BacktestNote[] },
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
    fingerprint: fingerprintBars(sorted, benchmark),
    notes: opts.notes ?? [],
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

/** Sessions of the synthetic demo data: ten years of weekdays up to `endDate`. */
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

/** Universe entries for symbols: the bundled universe's ADV and price where it knows the symbol. */
export function demoEntriesFor(sources: Pick<BacktestDataSources, 'demoUniverse'>, symbols: readonly string[] | null): DemoSymbol[] {
  const known = sources.demoUniverse();
  if (symbols === null) return [...known];
  const bySymbol = new Map(known.map((e) => [e.symbol, e]));
  return symbols.map((s) => bySymbol.get(s) ?? { symbol: s });
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
}

/**
 * Finds bars for a request, in order of preference:
 * 1. the bars store, when it holds every requested symbol (or, for a named
 *    universe, anything at all);
 * 2. the bundled sample CSVs, when they hold every requested symbol;
 * 3. synthetic demo data (flagged `demo`, with a note saying why).
 * The traded bars always come from one of these; a store run that includes
 * DEMO symbols is flagged `demo` as a whole.
 */
export async function resolveBacktestData(request: BacktestRequest, opts: DataResolverOptions, hooks: LoadHooks = {}): Promise<BacktestData> {
  const symbols = request.universe.kind === 'symbols' ? request.universe.symbols : null;
  const bench = request.benchmark;
  const notes: BacktestNote[] = [];

  if (opts.barsStore) {
    const store = opts.barsStore;
    const wanted = symbols ? [...new Set([...symbols, bench])].sort() : null;
    const got = await store.load(wanted);
    await checkCancel(hooks);
    const traded = symbols
      ? symbols.map((s) => got.series.get(s)).filter((s): s is BarSeries => s !== undefined && s.dates.length > 0)
      : [...got.series.values()].filter((s) => s.dates.length > 0);
    if (traded.length > 0 && (symbols === null || traded.length === symbols.length)) {
      const demoCount = traded.filter((s) => got.demo.has(s.symbol)).length;
      if (demoCount > 0 && demoCount < traded.length) notes.push({ code: 'demo_symbols', demo: demoCount, of: traded.length });
      const benchmark = got.series.get(bench) ?? null;
      if (benchmark && got.demo.has(bench) && demoCount < traded.length) notes.push({ code: 'demo_benchmark', symbol: bench });
      return backtestData(traded, { source: store.name, demo: demoCount > 0, benchmarkSymbol: bench, benchmark, notes });
    }
    if (symbols) {
      const missing = symbols.filter((s) => !got.series.has(s));
      notes.push({ code: 'not_stored', ...symbolPreview(missing) });
    } else {
      notes.push({ code: 'store_empty' });
    }
  }

  const sources = opts.sources;
  const dir = opts.sampleDir ?? sources.sampleDir();
  if (symbols) {
    const available = new Set(await sources.csvSymbols(dir).catch(() => [] as string[]));
    if (symbols.every((s) => available.has(s))) {
      const { series } = await loadCsvFolder(sources, dir, symbols, hooks);
      const benchmark = series.find((s) => s.symbol === bench) ?? (available.has(bench) ? await sources.readCsv(dir, bench) : null);
      return backtestData(series, { source: 'sample-csv', demo: false, benchmarkSymbol: bench, benchmark, notes });
    }
    const missing = symbols.filter((s) => !available.has(s));
    notes.push({ code: 'no_real_bars', ...symbolPreview(missing) });
  } else {
    notes.push({ code: 'no_stored_universe' });
  }

  const endDate = (opts.demoEndDate ?? (() => lastCompletedSession(Date.now())))();
  const entries = demoEntriesFor(sources, symbols);
  const series = await generateDemoSeries(sources, entries, { endDate }, hooks);
  const benchmark = series.find((s) => s.symbol === bench) ?? (await generateDemoSeries(sources, demoEntriesFor(sources, [bench]), { endDate }))[0] ?? null;
  return backtestData(series, { source: 'synthetic', demo: true, benchmarkSymbol: bench, benchmark, notes });
}
