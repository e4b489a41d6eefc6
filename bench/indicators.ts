import { performance } from 'node:perf_hooks';
import * as ti from 'technicalindicators';
import type { BarSeries } from '../src/engine/bars.js';
import {
  atr,
  bollinger,
  dollarAdv,
  donchianLowerWithIndex,
  donchianUpper,
  ema,
  histVol,
  ibs,
  IndicatorCache,
  macd,
  momentum,
  roc,
  rsi,
  sma,
  stochastic,
  zScore,
} from '../src/engine/indicators/index.js';
import { rankSignals, scanLatest } from '../src/engine/scan/index.js';
import { STRATEGIES } from '../src/engine/strategies/index.js';
import { generateSyntheticUniverse, loadDefaultUniverse, weekdaySessions } from '../src/market-data/index.js';
import { loadAverage } from './lib/system.js';
import { atLeast, below, mark, ms, num, type Cell, type Table } from './lib/table.js';
import type { Benchmark } from './lib/types.js';

const TARGET_SPEEDUP = atLeast(30, '×');
const TARGET_SCAN = below(100, 'ms');
/** Fixed so figures compare across days (the same end date as the backtest bench). */
export const DEFAULT_END_DATE = '2025-12-31';
export const DEFAULT_SESSIONS = 2_520;

/** Best and median of repeated timings, ms. */
interface Timing {
  runs: number[];
  best: number;
  median: number;
}

/**
 * Runs `fn` `n` times (after `warmup` untimed calls) and times each on performance.now().
 * Results are folded into a sink so the JIT cannot drop the work.
 */
function timeRepeated(n: number, warmup: number, fn: () => number): Timing & { sink: number } {
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

/** The middle value (mean of the two middle ones for an even count — with 2 runs, not just the best). */
export function median(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length === 0 ? Number.NaN : v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

const nsPerBar = (msTotal: number, bars: number): number => (msTotal * 1e6) / bars;
const nsCell = (v: number): string => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : num(v)} ns` : 'n/a');
const ratio = (v: number): string => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(1) : Math.round(v)}×` : 'n/a');

/** The synthetic default universe in memory: every symbol of the bundled universe over `sessions` weekdays up to `endDate`. */
export function syntheticUniverse(opts: { endDate: string; sessions: number; symbols?: number }): { series: BarSeries[]; bars: number; generateMs: number } {
  const entries = loadDefaultUniverse().entries.slice(0, opts.symbols ?? Infinity);
  const t = performance.now();
  const series = [...generateSyntheticUniverse(entries, weekdaySessions(opts.endDate, opts.sessions)).values()];
  const generateMs = performance.now() - t;
  let bars = 0;
  for (const s of series) bars += s.dates.length;
  return { series, bars, generateMs };
}

/** One of our column kernels, applied to one series; returns something to sink. */
interface Kernel {
  name: string;
  ours: (s: BarSeries) => number;
  /** The same indicator from `technicalindicators`, on plain arrays, when the package has it. */
  theirs?: (a: PlainSeries) => number;
  /** How the package's version differs, for the notes. */
  note?: string;
}

/** A series as `technicalindicators` takes it (number[]; converted once, outside the timing). */
interface PlainSeries {
  high: number[];
  low: number[];
  close: number[];
}

const last = (a: Float64Array): number => a[a.length - 1] ?? 0;

const KERNELS: Kernel[] = [
  { name: 'SMA(200)', ours: (s) => last(sma(s.close, 200)), theirs: (a) => ti.sma({ period: 200, values: a.close }).length },
  { name: 'EMA(20)', ours: (s) => last(ema(s.close, 20)), theirs: (a) => ti.ema({ period: 20, values: a.close }).length },
  { name: 'ATR(14), Wilder', ours: (s) => last(atr(s.high, s.low, s.close, 14)), theirs: (a) => ti.atr({ period: 14, high: a.high, low: a.low, close: a.close }).length },
  { name: 'RSI(14), Wilder', ours: (s) => last(rsi(s.close, 14)), theirs: (a) => ti.rsi({ period: 14, values: a.close }).length, note: 'RSI: the package also rounds every value to 2 decimals.' },
  {
    name: 'Donchian upper(55)',
    ours: (s) => last(donchianUpper(s.high, 55)),
    theirs: (a) => ti.highest({ period: 55, values: a.high }).length,
    note: 'Donchian: the package has no channel; its rolling highest(55)/lowest(20) (window including bar t — ours is the same shifted by one bar) stand in, and lowest() gives no index.',
  },
  { name: 'Donchian lower(20) + index', ours: (s) => last(donchianLowerWithIndex(s.low, 20).lower), theirs: (a) => ti.lowest({ period: 20, values: a.low }).length },
  { name: 'IBS', ours: (s) => last(ibs(s.high, s.low, s.close)) },
  { name: 'Bollinger(20, 2)', ours: (s) => last(bollinger(s.close, 20, 2).upper), theirs: (a) => ti.bollingerbands({ period: 20, stdDev: 2, values: a.close }).length },
  { name: 'Dollar ADV(20)', ours: (s) => last(dollarAdv(s.close, s.volume, 20)) },
  {
    name: 'MACD(12, 26, 9)',
    ours: (s) => last(macd(s.close, 12, 26, 9).histogram),
    theirs: (a) => ti.macd({ values: a.close, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false }).length,
  },
  { name: 'Stochastic(14, 3)', ours: (s) => last(stochastic(s.high, s.low, s.close, 14, 3).d), theirs: (a) => ti.stochastic({ period: 14, signalPeriod: 3, high: a.high, low: a.low, close: a.close }).length },
  { name: 'ROC(10)', ours: (s) => last(roc(s.close, 10)), theirs: (a) => ti.roc({ period: 10, values: a.close }).length },
  { name: 'Z-score(20)', ours: (s) => last(zScore(s.close, 20)) },
  { name: 'Hist vol(20)', ours: (s) => last(histVol(s.close, 20)) },
];

/** The eight indicators the issue names for the comparison (Donchian is extra: the package only has highest/lowest). */
const NAMED = new Set(['SMA(200)', 'EMA(20)', 'ATR(14), Wilder', 'RSI(14), Wilder', 'Bollinger(20, 2)', 'MACD(12, 26, 9)', 'Stochastic(14, 3)', 'ROC(10)']);

/** Every column of indicatorTable (without the per-bar row objects), through one cache. */
function indicatorTableColumns(s: BarSeries, cache: IndicatorCache): number {
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

export const indicatorsBenchmark: Benchmark = {
  name: 'indicators',
  summary:
    'Indicator kernels (ns/bar) over the ~900-symbol × 2,520-bar synthetic universe in memory, against the same indicators from `technicalindicators`, and the scan compute paths (daily scan, full history, every column) against the 100 ms target. One thread, no I/O.',
  options: {
    '--repeats=7': 'timed passes over the universe per kernel / scan path (best and median reported)',
    '--ti-repeats=3': 'timed passes for each technicalindicators kernel over the universe (slow: ~0.2–5 s per pass each)',
    '--ti-symbols=N': 'symbols for the technicalindicators passes (default: the whole universe)',
    '--symbols=N': 'universe size (default: every symbol of the bundled universe)',
    '--sessions=2520': 'bars per symbol',
    '--end-date=2025-12-31': 'last synthetic session',
    '--no-ti': 'skip the technicalindicators comparison',
  },
  async run(ctx) {
    const o = ctx.options;
    const q = o.quick;
    const repeats = Math.max(1, o.number('repeats', q ? 2 : 7));
    const tiRepeats = Math.max(1, o.number('ti-repeats', q ? 1 : 3));
    const withTi = o.flag('ti', true);
    const sessions = o.number('sessions', q ? 600 : DEFAULT_SESSIONS);
    const endDate = o.get('end-date') ?? DEFAULT_END_DATE;
    const symbolsOpt = o.get('symbols') === undefined ? (q ? 100 : undefined) : o.number('symbols', 0);
    const loadStart = loadAverage();

    ctx.progress('generating the synthetic universe…');
    const { series, bars, generateMs } = syntheticUniverse({ endDate, sessions, ...(symbolsOpt !== undefined ? { symbols: symbolsOpt } : {}) });
    const universeLabel = `${num(series.length)} symbols × ${num(sessions)} bars = ${num(bars)} bars`;
    const warm = series.slice(0, Math.min(50, series.length));

    // ── kernels, ours ──
    const ours = new Map<string, Timing>();
    let sink = 0;
    for (const k of KERNELS) {
      ctx.progress(`kernel ${k.name}…`);
      for (const s of warm) sink += k.ours(s);
      const r = timeRepeated(repeats, 1, () => {
        let x = 0;
        for (const s of series) x += k.ours(s);
        return x;
      });
      sink += r.sink;
      ours.set(k.name, r);
    }

    // ── kernels, technicalindicators ──
    const theirs = new Map<string, Timing>();
    let tiBars = 0;
    let tiSymbols = 0;
    let convertMs = Number.NaN;
    if (withTi) {
      const tiSeries = series.slice(0, o.get('ti-symbols') === undefined ? (q ? 20 : series.length) : o.number('ti-symbols', series.length));
      tiSymbols = tiSeries.length;
      const t = performance.now();
      const plain: PlainSeries[] = tiSeries.map((s) => ({ high: Array.from(s.high), low: Array.from(s.low), close: Array.from(s.close) }));
      convertMs = performance.now() - t;
      for (const s of tiSeries) tiBars += s.dates.length;
      const tiWarm = plain.slice(0, Math.min(20, plain.length));
      for (const k of KERNELS) {
        const f = k.theirs;
        if (!f) continue;
        ctx.progress(`technicalindicators ${k.name} (${tiRepeats} pass${tiRepeats > 1 ? 'es' : ''} over ${num(tiBars)} bars)…`);
        for (const a of tiWarm) sink += f(a);
        const r = timeRepeated(tiRepeats, 0, () => {
          let x = 0;
          for (const a of plain) x += f(a);
          return x;
        });
        sink += r.sink;
        theirs.set(k.name, r);
      }
    }

    const rows: Cell[][] = [];
    const totals = { named: { ours: 0, theirs: 0 }, all: { ours: 0, theirs: 0 } };
    for (const k of KERNELS) {
      const a = ours.get(k.name)!;
      const b = theirs.get(k.name);
      const oursBest = nsPerBar(a.best, bars);
      const theirsBest = b ? nsPerBar(b.best, tiBars) : Number.NaN;
      const speedup = theirsBest / oursBest;
      const speedupMedian = b ? nsPerBar(b.median, tiBars) / nsPerBar(a.median, bars) : Number.NaN;
      if (b) {
        totals.all.ours += oursBest;
        totals.all.theirs += theirsBest;
        if (NAMED.has(k.name)) {
          totals.named.ours += oursBest;
          totals.named.theirs += theirsBest;
        }
      }
      rows.push([
        k.name,
        nsCell(oursBest),
        nsCell(nsPerBar(a.median, bars)),
        ms(a.best),
        b ? nsCell(theirsBest) : '',
        b ? nsCell(nsPerBar(b.median, tiBars)) : '',
        b ? ratio(speedup) : '',
        b ? ratio(speedupMedian) : '',
        b ? TARGET_SPEEDUP.label : '',
        b ? mark(speedup, TARGET_SPEEDUP) : '',
      ]);
    }
    if (withTi) {
      const named = totals.named.theirs / totals.named.ours;
      const all = totals.all.theirs / totals.all.ours;
      rows.push([
        `= overall, the 8 named (SMA, EMA, ATR, RSI, Bollinger, MACD, stochastic, ROC)`,
        nsCell(totals.named.ours),
        '',
        ms((totals.named.ours * bars) / 1e6),
        nsCell(totals.named.theirs),
        '',
        ratio(named),
        '',
        TARGET_SPEEDUP.label,
        mark(named, TARGET_SPEEDUP),
      ]);
      rows.push([`= overall, with Donchian highest/lowest (10 kernels)`, nsCell(totals.all.ours), '', ms((totals.all.ours * bars) / 1e6), nsCell(totals.all.theirs), '', ratio(all), '', TARGET_SPEEDUP.label, mark(all, TARGET_SPEEDUP)]);
    }
    let everyKernel = 0;
    for (const t of ours.values()) everyKernel += t.best;
    rows.push([`= all ${KERNELS.length} kernels above, ours`, nsCell(nsPerBar(everyKernel, bars)), '', ms(everyKernel), '', '', '', '', '', '']);
    const loadAfterKernels = loadAverage();

    const kernelTable: Table = {
      title: `Indicator kernels — ${universeLabel}, in memory`,
      columns: ['kernel', 'ours best /bar', 'ours median /bar', 'ours best, whole universe', 'technicalindicators best /bar', 'median /bar', 'speed-up (best)', 'speed-up (median)', 'target', 'ok'],
      rows,
      notes: [
        `ns/bar = wall time of one pass over every symbol (one batch call per symbol, Float64Array in, fresh output column(s) out, allocation and GC included) ÷ bars. Ours: best and median of ${repeats} pass${repeats > 1 ? 'es' : ''} after a warm-up pass; technicalindicators ${withTi ? `(v3.1, ${num(tiSymbols)} symbols, ${num(tiBars)} bars): best and median of ${tiRepeats} pass${tiRepeats > 1 ? 'es' : ''} after warming up on 20 symbols` : ': skipped (--no-ti)'}. Same run, same process, one thread.`,
        withTi
          ? `technicalindicators takes number[] and returns number[] or arrays of objects; the Float64Array → number[] conversion (${ms(convertMs)} for its ${num(tiSymbols)} symbols) is done once beforehand and not counted. Speed-up = its ns/bar ÷ ours (best ÷ best, and median ÷ median); the target is checked on the best. The overall rows add the per-bar costs of the kernels compared.`
          : '',
        ...KERNELS.filter((k) => k.note && withTi).map((k) => k.note!),
        'IBS, dollar ADV, z-score and hist vol have no technicalindicators counterpart. Values agree with the package within 1e-6 where conventions match (tests/unit/engine/indicators/technicalindicators.test.ts).',
        `Universe generated in ${ms(generateMs)} (generateSyntheticUniverse over loadDefaultUniverse, weekdaySessions(${endDate}, ${sessions})); not part of any figure. Load average (1/5/15 min) at start ${loadStart}, after the kernels ${loadAfterKernels}.`,
      ].filter(Boolean),
    };

    // ── scan compute, data in memory ──
    const asOf = series[0]!.dates[series[0]!.dates.length - 1]!;
    const donchian = STRATEGIES.donchian;
    const soup = STRATEGIES.turtle_soup;
    const dp = donchian.resolveParams();
    const tp = soup.resolveParams();
    let dailySignals = 0;
    let historyHits = 0;
    let historySignals = 0;

    ctx.progress('scan (a): daily scan, latestSignal × 2 strategies × every symbol…');
    const daily = timeRepeated(repeats, 1, () => {
      const out = scanLatest(series, asOf, ['donchian', 'turtle_soup']);
      dailySignals = out.signals.length;
      return rankSignals(out.signals).length + out.evaluated;
    });
    ctx.progress('scan (b): full history, strategy indicators + signalIndices × 2 (shared cache)…');
    const history = timeRepeated(repeats, 1, () => {
      let n = 0;
      for (const s of series) {
        const cache = new IndicatorCache(s);
        n += donchian.signalIndices(s, dp, cache).length;
        n += soup.signalIndices(s, tp, cache).length;
      }
      historyHits = n;
      return n;
    });
    ctx.progress('scan (b2): full history as Signal objects (signals × 2, shared cache)…');
    const historyObjects = timeRepeated(repeats, 1, () => {
      let n = 0;
      for (const s of series) {
        const cache = new IndicatorCache(s);
        n += donchian.signals(s, dp, cache).length;
        n += soup.signals(s, tp, cache).length;
      }
      historySignals = n;
      return n;
    });
    ctx.progress('scan (c): every indicator-table column + both strategies…');
    const everything = timeRepeated(repeats, 1, () => {
      let x = 0;
      for (const s of series) {
        const cache = new IndicatorCache(s);
        x += indicatorTableColumns(s, cache);
        x += donchian.signalIndices(s, dp, cache).length;
        x += soup.signalIndices(s, tp, cache).length;
      }
      return x;
    });
    sink += daily.sink + history.sink + historyObjects.sink + everything.sink;
    const loadEnd = loadAverage();

    const scanRow = (label: string, t: Timing, result: string, target = true): Cell[] => [
      label,
      ms(t.best),
      ms(t.median),
      nsCell(nsPerBar(t.best, bars)),
      result,
      target ? TARGET_SCAN.label : '',
      target ? mark(t.best, TARGET_SCAN) : '',
    ];
    const scanTable: Table = {
      title: `Scan compute with the data in memory — ${universeLabel}, one core`,
      columns: ['path', 'best', 'median', 'per bar', 'result', 'target', 'ok'],
      rows: [
        scanRow(`(a) daily scan: scanLatest = latestSignal of donchian + turtle_soup on every symbol's last bar`, daily, `${dailySignals} signals as of ${asOf}`),
        scanRow(`(b) full history: IndicatorCache (SMA200, ATR14, Donchian upper55, lower20 + index) + signalIndices of both`, history, `${num(historyHits)} signal bars`),
        scanRow(`(b2) same, as Signal objects (signals() of both, reasons formatted — what the backtest consumes)`, historyObjects, `${num(historySignals)} signals`, false),
        scanRow(`(c) every indicator-table column (23 columns from 18 kernel calls) + signalIndices of both, one cache per symbol`, everything, '23 columns + 2 strategies per symbol'),
      ],
      notes: [
        `Best and median of ${repeats} passes after one warm-up pass, performance.now() around the whole universe; the 100 ms target is for one core (this is the main thread; V8's GC helpers may use another core).`,
        `(a) is what each /scan chunk runs (point evaluators on the last bar only: O(window) per symbol, plus an O(t) Wilder ATR pass only when the cheap conditions hold). (b) and (c) recompute whole columns: what a backtest or an indicator export needs, not a daily scan.`,
        `(c) computes the columns of indicatorTable (src/engine/indicators/table.ts) but not its per-bar row objects (${num(bars)} objects of 29 fields — that form is for charts and exports).`,
        `Load average (1/5/15 min) at the end: ${loadEnd}. Checksum ${sink.toExponential(3)} (keeps the work observable).`,
      ],
    };
    return [kernelTable, scanTable];
  },
};
