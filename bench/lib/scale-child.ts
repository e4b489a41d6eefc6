/**
 * One row of the "how cost grows" table of bench/hypotheses.ts, in its own process so its peak
 * memory is its own: a synthetic universe of N symbols (the bundled universe's entries, repeated
 * with a numeric suffix past 900: each symbol its own seeded series), then the daily scan compute
 * and one full-universe portfolio backtest of both strategies, each timed. Prints one JSON line.
 *
 * Run by bench/hypotheses.ts as `node --import tsx bench/lib/scale-child.ts N SESSIONS END_DATE`.
 */
import { performance } from 'node:perf_hooks';
import { generateSyntheticUniverse, loadDefaultUniverse, weekdaySessions } from '../../src/adapters/market-data/index.js';
import type { BarSeries } from '../../src/engine/bars.js';
import { runPortfolio } from '../../src/engine/backtest/index.js';
import { IndicatorCache } from '../../src/engine/indicators/index.js';
import { scanLatest } from '../../src/engine/scan/scan.js';
import type { Signal } from '../../src/engine/signal.js';
import { STRATEGIES } from '../../src/engine/strategies/index.js';

/** What the parent reads. Memory in MiB (peak resident set of this process). */
export interface ScaleRow {
  symbols: number;
  bars: number;
  generateMs: number;
  scanMs: number;
  scanSignals: number;
  signalsMs: number;
  portfolioMs: number;
  trades: number;
  rssAfterDataMiB: number;
  peakRssMiB: number;
}

const NO_REASONS: string[] = [];
const mib = (bytes: number): number => bytes / 2 ** 20;

/** Every signal of both strategies (default params), one IndicatorCache per symbol, reasons dropped (as the backtest section). */
function allSignals(series: readonly BarSeries[]): Signal[][] {
  const d = STRATEGIES.donchian;
  const ts = STRATEGIES.turtle_soup;
  const dp = d.resolveParams();
  const tp = ts.resolveParams();
  const out: Signal[][] = [];
  for (const s of series) {
    const cache = new IndicatorCache(s);
    for (const list of [d.signals(s, dp, cache), ts.signals(s, tp, cache)]) {
      for (const sig of list) sig.reasons = NO_REASONS;
      out.push(list);
    }
  }
  return out;
}

function main(): void {
  const [nArg, sessionsArg, endDate] = process.argv.slice(2);
  const n = Number(nArg);
  const sessions = Number(sessionsArg);
  const base = loadDefaultUniverse().entries;
  const entries = Array.from({ length: n }, (_, i) => {
    const e = base[i % base.length]!;
    const round = Math.floor(i / base.length);
    return round === 0 ? e : { ...e, symbol: `${e.symbol}${round}` };
  });
  const days = weekdaySessions(endDate!, sessions);
  let t = performance.now();
  const series = [...generateSyntheticUniverse(entries, days).values()];
  const generateMs = performance.now() - t;
  let bars = 0;
  for (const s of series) bars += s.dates.length;
  const rssAfterData = mib(process.memoryUsage().rss);

  // Warm-up on a few symbols so the JIT does not count against the first row.
  scanLatest(series.slice(0, 30), days[days.length - 1]!, ['donchian', 'turtle_soup']);

  t = performance.now();
  const scan = scanLatest(series, days[days.length - 1]!, ['donchian', 'turtle_soup']);
  const scanMs = performance.now() - t;

  const few = series.slice(0, 30);
  runPortfolio({ series: few, signals: allSignals(few), sizing: { kind: 'risk', pct: 0.01 } });
  t = performance.now();
  const sigs = allSignals(series);
  const signalsMs = performance.now() - t;
  t = performance.now();
  const result = runPortfolio({ series, signals: sigs, sizing: { kind: 'risk', pct: 0.01 } });
  const portfolioMs = performance.now() - t;

  const row: ScaleRow = {
    symbols: series.length,
    bars,
    generateMs,
    scanMs,
    scanSignals: scan.signals.length,
    signalsMs,
    portfolioMs,
    trades: result.trades.length,
    rssAfterDataMiB: rssAfterData,
    // maxRSS is in KiB on Linux.
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

main();
