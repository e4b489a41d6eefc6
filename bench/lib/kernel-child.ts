/**
 * The timing half of the `indicators` section, run in its own plain `node` process (no tsx
 * loader, nothing else of the bench or the app loaded) over JS bundled from the current sources
 * by bench/lib/kernel-launch.ts. It receives one {@link KernelRequest} over IPC, generates the
 * synthetic universe, times our kernels, the scan compute paths and then the same indicators from
 * `technicalindicators`, and sends one {@link KernelResult} back. It never writes to stdout (the
 * parent's stdout carries the tables).
 */
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { BarSeries } from '../../src/engine/bars.js';
import { IndicatorCache } from '../../src/engine/indicators/cache.js';
import { rankSignals, scanLatest } from '../../src/engine/scan/scan.js';
import { STRATEGIES } from '../../src/engine/strategies/index.js';
import { generateSyntheticUniverse } from '../../src/adapters/market-data/synthetic/generate-universe.js';
import { weekdaySessions } from '../../src/adapters/market-data/synthetic/sessions.js';
import { indicatorTableColumns, KERNELS, timeRepeated, type KernelMessage, type KernelRequest, type KernelResult, type PlainSeries, type TI, type Timing } from './kernel-suite.js';

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

function send(m: KernelMessage): void {
  process.send?.(m);
}

const progress = (message: string): void => send({ type: 'progress', message });

function run(req: KernelRequest): KernelResult {
  const loadStart = load();
  progress('(child) generating the synthetic universe…');
  const t0 = performance.now();
  const series: BarSeries[] = [...generateSyntheticUniverse(req.entries, weekdaySessions(req.endDate, req.sessions)).values()];
  const generateMs = performance.now() - t0;
  let bars = 0;
  for (const s of series) bars += s.dates.length;
  const warm = series.slice(0, Math.min(50, series.length));
  let sink = 0;

  // ── technicalindicators (loaded only here) ──
  const theirs: Record<string, Timing> = {};
  let tiVersion: string | null = null;
  let tiBars = 0;
  let tiSymbols = 0;
  let convertMs = Number.NaN;
  let loadAfterTi: string | null = null;
  const timeTheirs = (): void => {
    if (req.tiPath === null) return;
    const require = createRequire(import.meta.url);
    const ti = require(req.tiPath) as TI;
    try {
      tiVersion = (JSON.parse(readFileSync(join(dirname(req.tiPath), '..', 'package.json'), 'utf8')) as { version?: string }).version ?? null;
    } catch {
      tiVersion = null;
    }
    const tiSeries = series.slice(0, req.tiSymbols);
    tiSymbols = tiSeries.length;
    const t = performance.now();
    const plain: PlainSeries[] = tiSeries.map((s) => ({ high: Array.from(s.high), low: Array.from(s.low), close: Array.from(s.close) }));
    convertMs = performance.now() - t;
    for (const s of tiSeries) tiBars += s.dates.length;
    const tiWarm = plain.slice(0, Math.min(20, plain.length));
    for (const k of KERNELS) {
      const f = k.theirs;
      if (!f) continue;
      progress(`(child) technicalindicators ${k.name} (${req.tiRepeats} pass${req.tiRepeats > 1 ? 'es' : ''} over ${tiBars} bars)…`);
      for (const a of tiWarm) sink += f(ti, a);
      const r = timeRepeated(req.tiRepeats, 0, () => {
        let x = 0;
        for (const a of plain) x += f(ti, a);
        return x;
      });
      sink += r.sink;
      theirs[k.name] = { runs: r.runs, best: r.best, median: r.median };
    }
    loadAfterTi = load();
  };

  if (req.tiFirst) timeTheirs();

  // ── kernels, ours ──
  const ours: Record<string, Timing> = {};
  for (const k of KERNELS) {
    progress(`(child) kernel ${k.name}…`);
    for (const s of warm) sink += k.ours(s);
    const r = timeRepeated(req.repeats, 1, () => {
      let x = 0;
      for (const s of series) x += k.ours(s);
      return x;
    });
    sink += r.sink;
    ours[k.name] = { runs: r.runs, best: r.best, median: r.median };
  }
  const loadAfterKernels = load();

  // ── scan compute, data in memory ──
  const asOf = series[0]!.dates[series[0]!.dates.length - 1]!;
  const donchian = STRATEGIES.donchian;
  const soup = STRATEGIES.turtle_soup;
  const dp = donchian.resolveParams();
  const tp = soup.resolveParams();
  let dailySignals = 0;
  let historyHits = 0;
  let historySignals = 0;
  const repeats = req.repeats;

  progress('(child) scan (a): daily scan, latestSignal × 2 strategies × every symbol…');
  const daily = timeRepeated(repeats, 1, () => {
    const out = scanLatest(series, asOf, ['donchian', 'turtle_soup']);
    dailySignals = out.signals.length;
    return rankSignals(out.signals).length + out.evaluated;
  });
  progress('(child) scan (b): full history, strategy indicators + signalIndices × 2 (shared cache)…');
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
  progress('(child) scan (b2): full history as Signal objects (signals × 2, shared cache)…');
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
  progress('(child) scan (c): every indicator-table column + both strategies…');
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
  const loadAfterScan = load();
  const strip = (t: Timing): Timing => ({ runs: t.runs, best: t.best, median: t.median });

  if (!req.tiFirst) timeTheirs();

  return {
    node: process.version,
    execArgv: process.execArgv,
    nodeOptions: process.env.NODE_OPTIONS ?? null,
    symbols: series.length,
    bars,
    generateMs,
    ours,
    theirs,
    tiVersion,
    tiSymbols,
    tiBars,
    convertMs,
    load: { start: loadStart, afterKernels: loadAfterKernels, afterScan: loadAfterScan, afterTi: loadAfterTi },
    scan: {
      asOf,
      daily: strip(daily),
      history: strip(history),
      historyObjects: strip(historyObjects),
      everything: strip(everything),
      dailySignals,
      historyHits,
      historySignals,
    },
    sink,
  };
}

let done = false;
// The parent going away (Ctrl-C, crash) ends the child too.
process.on('disconnect', () => {
  if (!done) process.exit(1);
});
process.once('message', (req: KernelRequest) => {
  let msg: KernelMessage;
  try {
    msg = { type: 'result', result: run(req) };
  } catch (err) {
    msg = { type: 'error', message: err instanceof Error ? err.message : String(err), ...(err instanceof Error && err.stack ? { stack: err.stack } : {}) };
  }
  done = true;
  process.send?.(msg, () => process.disconnect());
});
