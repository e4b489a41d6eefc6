/**
 * What the `indicators` section times, shared by the parent (bench/indicators.ts: options, tables)
 * and the child that does the timing (bench/lib/kernel-child.ts, run by plain `node`).
 *
 * Nothing here imports `technicalindicators` at run time: the child loads the package only when it
 * times it, and passes it to the `theirs` functions.
 */
import { performance } from 'node:perf_hooks';
import type * as TechnicalIndicators from 'technicalindicators';
import type { BarSeries } from '../../src/engine/bars.js';
import {
  atr,
  bollinger,
  dollarAdv,
  donchianLowerWithIndex,
  donchianUpper,
  ema,
  histVol,
  ibs,
  type IndicatorCache,
  macd,
  momentum,
  roc,
  rsi,
  sma,
  stochastic,
  zScore,
} from '../../src/engine/indicators/index.js';
import type { UniverseEntry } from '../../src/adapters/market-data/universe/load-universe.js';

export type TI = typeof TechnicalIndicators;

/** Best and median of repeated timings, ms. */
export interface Timing {
  runs: number[];
  best: number;
  median: number;
}

/** The middle value (mean of the two middle ones for an even count — with 2 runs, not just the best). */
export function median(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length === 0 ? Number.NaN : v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

/**
 * Runs `fn` `n` times (after `warmup` untimed calls) and times each on performance.now().
 * Results are folded into a sink so the JIT cannot drop the work.
 */
export function timeRepeated(n: number, warmup: number, fn: () => number): Timing & { sink: number } {
  let sink = 0;
  for (let i = 0; i < warmup; i++) sink += fn();
  const runs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    sink += fn();
    runs.push(performance.now() - t);
  }
  return { runs, best: Math.min(...runs), median: median(runs), sink };
}

/** A series as `technicalindicators` takes it (number[]; converted once, outside the timing). */
export interface PlainSeries {
  high: number[];
  low: number[];
  close: number[];
}

/** One of our column kernels, applied to one series; returns something to sink. */
export interface Kernel {
  name: string;
  ours: (s: BarSeries) => number;
  /** The same indicator from `technicalindicators`, on plain arrays, when the package has it. */
  theirs?: (ti: TI, a: PlainSeries) => number;
  /** How the package's version differs, for the notes. */
  note?: string;
}

const last = (a: Float64Array): number => a[a.length - 1] ?? 0;

export const KERNELS: Kernel[] = [
  { name: 'SMA(200)', ours: (s) => last(sma(s.close, 200)), theirs: (ti, a) => ti.sma({ period: 200, values: a.close }).length },
  { name: 'EMA(20)', ours: (s) => last(ema(s.close, 20)), theirs: (ti, a) => ti.ema({ period: 20, values: a.close }).length },
  { name: 'ATR(14), Wilder', ours: (s) => last(atr(s.high, s.low, s.close, 14)), theirs: (ti, a) => ti.atr({ period: 14, high: a.high, low: a.low, close: a.close }).length },
  { name: 'RSI(14), Wilder', ours: (s) => last(rsi(s.close, 14)), theirs: (ti, a) => ti.rsi({ period: 14, values: a.close }).length, note: 'RSI: the package also rounds every value to 2 decimals.' },
  {
    name: 'Donchian upper(55)',
    ours: (s) => last(donchianUpper(s.high, 55)),
    theirs: (ti, a) => ti.highest({ period: 55, values: a.high }).length,
    note: 'Donchian: the package has no channel; its rolling highest(55)/lowest(20) (window including bar t — ours is the same shifted by one bar) stand in, and lowest() gives no index.',
  },
  { name: 'Donchian lower(20) + index', ours: (s) => last(donchianLowerWithIndex(s.low, 20).lower), theirs: (ti, a) => ti.lowest({ period: 20, values: a.low }).length },
  { name: 'IBS', ours: (s) => last(ibs(s.high, s.low, s.close)) },
  { name: 'Bollinger(20, 2)', ours: (s) => last(bollinger(s.close, 20, 2).upper), theirs: (ti, a) => ti.bollingerbands({ period: 20, stdDev: 2, values: a.close }).length },
  { name: 'Dollar ADV(20)', ours: (s) => last(dollarAdv(s.close, s.volume, 20)) },
  {
    name: 'MACD(12, 26, 9)',
    ours: (s) => last(macd(s.close, 12, 26, 9).histogram),
    theirs: (ti, a) => ti.macd({ values: a.close, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false }).length,
  },
  { name: 'Stochastic(14, 3)', ours: (s) => last(stochastic(s.high, s.low, s.close, 14, 3).d), theirs: (ti, a) => ti.stochastic({ period: 14, signalPeriod: 3, high: a.high, low: a.low, close: a.close }).length },
  { name: 'ROC(10)', ours: (s) => last(roc(s.close, 10)), theirs: (ti, a) => ti.roc({ period: 10, values: a.close }).length },
  { name: 'Z-score(20)', ours: (s) => last(zScore(s.close, 20)) },
  { name: 'Hist vol(20)', ours: (s) => last(histVol(s.close, 20)) },
];

/** The eight indicators the issue names for the comparison (Donchian is extra: the package only has highest/lowest). */
export const NAMED = new Set(['SMA(200)', 'EMA(20)', 'ATR(14), Wilder', 'RSI(14), Wilder', 'Bollinger(20, 2)', 'MACD(12, 26, 9)', 'Stochastic(14, 3)', 'ROC(10)']);

/** Every column of indicatorTable (without the per-bar row objects), through one cache. */
export function indicatorTableColumns(s: BarSeries, cache: IndicatorCache): number {
  const { high, low, close, volume } = s;
  let x = 0;
  x += last(cache.sma(50)) + last(cache.sma(200)) + last(cache.ema(20)) + last(cache.atr(14));
  x += last(rsi(close, 14));
  x += last(cache.donchianUpper(55)) + last(cache.donchianLower(55).lower) + last(cache.donchianUpper(20)) + last(cache.donchianLower(20).lower);
  x += last(cache.ibs());
  x += last(bollinger(close, 20, 2).upper);
  x += last(dollarAdv(close, volume, 20));
  x += last(macd(close, 12, 26, 9).histogram);
  x += last(stochastic(high, low, close, 14, 3).d);
  x += last(roc(close, 10)) + last(momentum(close, 10));
  x += last(zScore(close, 20)) + last(histVol(close, 20));
  return x;
}

/** What the parent asks the child to time (one IPC message). */
export interface KernelRequest {
  /** Universe entries (loadDefaultUniverse().entries, sliced); the child generates the bars itself. */
  entries: UniverseEntry[];
  endDate: string;
  sessions: number;
  repeats: number;
  tiRepeats: number;
  /** Absolute path of technicalindicators' entry point, or null to skip the comparison. */
  tiPath: string | null;
  /** Symbols for the technicalindicators passes (the first N of the universe). */
  tiSymbols: number;
  /** Time technicalindicators before our kernels instead of after the scan paths (a check that loading it does not slow ours). */
  tiFirst: boolean;
}

/** What the child sends back. */
export interface KernelResult {
  node: string;
  execArgv: string[];
  nodeOptions: string | null;
  symbols: number;
  bars: number;
  generateMs: number;
  ours: Record<string, Timing>;
  theirs: Record<string, Timing>;
  tiVersion: string | null;
  tiSymbols: number;
  tiBars: number;
  convertMs: number;
  /** Load average when the child started, after our kernels, after the scan paths, after technicalindicators. */
  load: { start: string; afterKernels: string; afterScan: string; afterTi: string | null };
  scan: {
    asOf: string;
    daily: Timing;
    history: Timing;
    historyObjects: Timing;
    everything: Timing;
    dailySignals: number;
    historyHits: number;
    historySignals: number;
  };
  sink: number;
}

/** Child → parent messages. */
export type KernelMessage =
  | { type: 'progress'; message: string }
  | { type: 'result'; result: KernelResult }
  | { type: 'error'; message: string; stack?: string };
