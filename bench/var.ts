import { performance } from 'node:perf_hooks';
import { mulberry32 } from '../src/engine/backtest/prng.js';
import type { CloseSeries } from '../src/engine/risk/returns.js';
import { bookVar, type VarExposure } from '../src/engine/risk/var.js';
import { summarize } from './lib/stats.js';
import { mark, ms, type Table, type Target } from './lib/table.js';
import type { Benchmark } from './lib/types.js';

const POSITIONS = 20;
const PATHS = 10_000;
const LOOKBACK = 250;
const TARGET: Target = { label: '≤ 50 ms', met: (v) => v <= 50 };

/** 20 symbols × (lookback + 31) sessions of random-walk closes: what var-book.ts reads for a full book. */
function fixture(): { series: Map<string, CloseSeries>; exposures: VarExposure[] } {
  const rng = mulberry32(2026);
  const n = LOOKBACK + 31;
  const dates = Array.from({ length: n }, (_, i) => new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
  const series = new Map<string, CloseSeries>();
  const exposures: VarExposure[] = [];
  for (let s = 0; s < POSITIONS; s++) {
    let c = 20 + 200 * rng();
    const closes = dates.map(() => (c *= 1 + (rng() - 0.5) * 0.05));
    series.set(`S${s}`, { dates, closes });
    exposures.push({ symbol: `S${s}`, value: 1_000 + 9_000 * rng() });
  }
  return { series, exposures };
}

/**
 * Section `var` (issue 21): the value-at-risk kernel on a book of 20 positions × 10,000 paths — the
 * aligned returns of 250 sessions, the draws and both levels (bookVar, as /risk and the gate call it).
 */
export const varBenchmark: Benchmark = {
  name: 'var',
  summary: 'VaR of 20 positions x 10,000 paths (target <= 50 ms)',
  options: { '--runs=N': 'measured runs (default 200; --quick 20)' },
  async run({ options, progress }) {
    const runs = options.number('runs', options.quick ? 20 : 200);
    const { series, exposures } = fixture();
    const opts = { lookback: LOOKBACK, paths: PATHS, seed: 20_261_207, asOf: '2025-12-31' };
    for (let i = 0; i < 5; i++) bookVar(series, exposures, opts); // warm-up: JIT, not counted
    progress(`${runs} runs`);
    const times: number[] = [];
    let last = bookVar(series, exposures, opts);
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      last = bookVar(series, exposures, opts);
      times.push(performance.now() - t0);
    }
    const s = summarize(times);
    const gate: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      bookVar(series, exposures.slice(1), opts);
      bookVar(series, exposures, opts);
      gate.push(performance.now() - t0);
    }
    const g = summarize(gate);
    return {
      title: `VaR of ${POSITIONS} positions × ${PATHS.toLocaleString('en-US')} paths, ${LOOKBACK}-session window, ${runs} warm runs${options.quick ? ' (--quick: smoke run)' : ''}`,
      columns: ['measure', 'median', 'p90', 'p99', 'max', 'target', 'ok'],
      rows: [
        ['bookVar (align returns, draw paths, 95 % and 99 % VaR/ES)', ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max), `p99 ${TARGET.label}`, mark(s.p99, TARGET)],
        ['the gate’s pair (book without and with the candidate)', ms(g.p50), ms(g.p90), ms(g.p99), ms(g.max), '', ''],
      ],
      notes: [
        `Pure kernel in this process (src/engine/risk/var.ts), synthetic random-walk closes (mulberry32(2026)), exposures $1,000–$10,000; the Postgres read of the closes (closesFromBars, one query) is not included.`,
        `Figures of the last run: 99 % VaR ${last.p99.var.toFixed(2)}, ES ${last.p99.es.toFixed(2)} (k = ${last.p99.tail}); window ${last.window?.first} to ${last.window?.last} (${last.days} days).`,
      ],
    } satisfies Table;
  },
};
