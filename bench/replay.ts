import { performance } from 'node:perf_hooks';
import { backtestDataSources } from '../src/app/backtest-sources.js';
import type { BarSeries } from '../src/engine/bars.js';
import { backtestData, type BarsSource } from '../src/trading/backtest/data.js';
import { buildRequest } from '../src/trading/backtest/request.js';
import { runBacktest } from '../src/trading/backtest/run.js';
import { backtestManifest } from '../src/trading/manifest/backtest-manifest.js';
import { codeVersion, computeCodeVersion } from '../src/trading/manifest/code-version.js';
import { hashDataset } from '../src/trading/manifest/dataset-hash.js';
import { replayBacktest } from '../src/trading/manifest/replay-backtest.js';
import { DEFAULT_END_DATE, DEFAULT_SESSIONS, median, syntheticUniverse } from './indicators.js';
import { loadAverage } from './lib/system.js';
import { below, mark, ms, num, type Cell } from './lib/table.js';
import type { Benchmark } from './lib/types.js';

/** Recording a manifest may cost at most this share of the run it describes. */
const TARGET_OVERHEAD = below(5, '%');

const best = (xs: number[]) => Math.min(...xs);

/** The in-memory universe as the bars store a replay reads (no Postgres in the timing). */
function memoryStore(series: readonly BarSeries[]): BarsSource {
  const byName = new Map(series.map((s) => [s.symbol, s]));
  return {
    name: 'bars-store',
    async load(symbols) {
      const want = symbols ?? [...byName.keys()];
      return { series: new Map(want.filter((s) => byName.has(s)).map((s) => [s, byName.get(s)!])), demo: new Set<string>() };
    },
    async list() {
      return [...byName.keys()].map((symbol) => ({ symbol, demo: false }));
    },
  };
}

export const replayBenchmark: Benchmark = {
  name: 'replay',
  summary:
    'Reproducible results: what recording a run manifest costs (dataset content hash over every OHLCV value, key figures, id) against the backtest it describes, and a full in-memory replay (reload, re-hash, re-run, compare), on the synthetic universe. One thread, no database.',
  options: {
    '--repeats=3': 'timed repetitions (best and median)',
    '--symbols=N': 'universe size (default: every symbol of the bundled universe)',
    '--sessions=2520': 'bars per symbol',
  },
  async run(ctx) {
    const o = ctx.options;
    const q = o.quick;
    const repeats = Math.max(1, o.number('repeats', q ? 1 : 3));
    const sessions = o.number('sessions', q ? 800 : DEFAULT_SESSIONS);
    const symbolsOpt = o.get('symbols') === undefined ? (q ? 60 : undefined) : o.number('symbols', 0);
    const loadStart = loadAverage();
    ctx.progress('generating the synthetic universe…');
    const { series, bars } = syntheticUniverse({ endDate: DEFAULT_END_DATE, sessions, ...(symbolsOpt !== undefined ? { symbols: symbolsOpt } : {}) });
    const request = buildRequest({ strategies: ['donchian', 'turtle_soup'], symbols: series.map((s) => s.symbol), sizing: { kind: 'risk', pct: 0.01 }, monteCarloRuns: 1_000 });
    const data = { ...backtestData(series, { source: 'bars-store', demo: false, benchmarkSymbol: request.benchmark }), load: { kind: 'resolve' as const, demoEndDate: null } };

    const t0 = performance.now();
    const code = computeCodeVersion(new URL('../src/trading/manifest/code-version.ts', import.meta.url).href);
    const codeMs = performance.now() - t0;

    const runMs: number[] = [];
    const hashMs: number[] = [];
    const manifestMs: number[] = [];
    // Warm-up: one run and one manifest, so neither timing includes JIT compilation.
    let outcome = await runBacktest(request, data);
    backtestManifest(request, data, outcome, code);
    for (let i = 0; i < repeats; i++) {
      ctx.progress(`backtest ${i + 1}/${repeats}…`);
      let t = performance.now();
      outcome = await runBacktest(request, data);
      runMs.push(performance.now() - t);
      t = performance.now();
      hashDataset(data.series, data.benchmark);
      hashMs.push(performance.now() - t);
      t = performance.now();
      backtestManifest(request, data, outcome, code);
      manifestMs.push(performance.now() - t);
    }
    const manifest = backtestManifest(request, data, outcome, codeVersion());
    const size = JSON.stringify(manifest).length;

    const replayMs: number[] = [];
    let verdict = '';
    for (let i = 0; i < repeats; i++) {
      ctx.progress(`replay ${i + 1}/${repeats}…`);
      const t = performance.now();
      const r = await replayBacktest(manifest, { data: { sources: backtestDataSources(), barsStore: memoryStore(series) }, readCsvFile: () => Promise.reject(new Error('no CSV in this bench')), codeVersion: codeVersion() });
      replayMs.push(performance.now() - t);
      verdict = r.result.identical ? `identical (${r.result.figures} figures)` : `differs: ${r.result.figure?.name ?? r.result.error ?? '?'}`;
    }

    const run = best(runMs);
    const overhead = (best(manifestMs) / run) * 100;
    const rows: Cell[][] = [
      ['the backtest itself: runBacktest, donchian + turtle_soup, risk 1 %, 1,000 Monte Carlo runs', ms(run), ms(median(runMs)), '', '', `${num(outcome.trades.length)} trades`],
      ['dataset content hash: SHA-256 over dates + OHLCV Float64 bytes, per-series digests and 16-bar block checks', ms(best(hashMs)), ms(median(hashMs)), '', '', `${num(bars / (best(hashMs) / 1000) / 1e6, 1)} M bars/s`],
      ['whole manifest: hash + key figures (incl. trade digest) + canonical id', ms(best(manifestMs)), ms(median(manifestMs)), TARGET_OVERHEAD.label, mark(overhead, TARGET_OVERHEAD), `${overhead.toFixed(2)} % of the run, ${num(size / 1024)} KiB as JSON`],
      ['code version: SHA-256 of src/engine + src/trading/backtest (once per process)', ms(codeMs), '', '', '', code],
      ['replay in memory: reload, cut to stored ranges, re-hash, re-run, compare figures', ms(best(replayMs)), ms(median(replayMs)), '', '', verdict],
    ];
    return {
      title: `Run manifests and replay — ${num(series.length)} symbols × ${num(sessions)} bars = ${num(bars)} bars, one core`,
      columns: ['step', 'best', 'median', 'target', 'ok', 'result'],
      rows,
      notes: [
        `Best and median of ${repeats} repetition${repeats > 1 ? 's' : ''} after one warm-up run and manifest, performance.now(), main thread. The overhead target compares the best manifest build with the best run.`,
        `The replay reads bars from an in-memory stand-in for the bars store, so it times the hashing and the re-run, not Postgres. Load average (1/5/15 min) at start ${loadStart}, at the end ${loadAverage()}.`,
      ],
    };
  },
};
