import { performance } from 'node:perf_hooks';
import { Correlator, judgeCorrelation, type RiskMember } from '../src/engine/risk/correlation.js';
import type { CloseSeries } from '../src/engine/risk/returns.js';
import { summarize } from './lib/stats.js';
import { loadAverage } from './lib/system.js';
import { below, mark, ms, num, type Table } from './lib/table.js';
import type { Benchmark } from './lib/types.js';

/** 50 candidates judged against 20 open positions: what one /scan's cards (or 50 approvals) cost. */
const TARGET = below(50, 'ms');
const LOOKBACK = 60;

/** A deterministic return stream (an LCG): the same figures every run. */
function stream(seed: number, n: number): number[] {
  let x = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return (x / 4294967296 - 0.5) * 0.04;
  });
}

function dates(n: number): string[] {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  return Array.from({ length: n }, (_, i) => new Date(t0 + i * 86_400_000).toISOString().slice(0, 10));
}

/**
 * The book: 20 positions on 4 "sectors" (each a factor stream plus its own noise) and 50 candidates,
 * half near-clones of a position's sector (they join a cluster), half independent. `sessions` closes each.
 */
function world(sessions: number): { series: Map<string, CloseSeries>; positions: RiskMember[]; candidates: { symbol: string; risk: number }[] } {
  const d = dates(sessions);
  const factors = [1, 2, 3, 4].map((k) => stream(1000 + k, sessions - 1));
  const series = new Map<string, CloseSeries>();
  const add = (symbol: string, rets: number[], start: number) => {
    const closes = [start];
    for (const r of rets) closes.push(closes.at(-1)! * (1 + r));
    series.set(symbol, { dates: d, closes });
  };
  const positions: RiskMember[] = [];
  for (let i = 0; i < 20; i++) {
    const f = factors[i % 4]!;
    const own = stream(2000 + i, sessions - 1);
    add(`P${i}`, f.map((r, t) => r + 0.4 * own[t]!), 20 + i);
    positions.push({ symbol: `P${i}`, kind: 'position', risk: 150 + 10 * i });
  }
  const candidates: { symbol: string; risk: number }[] = [];
  for (let i = 0; i < 50; i++) {
    const own = stream(3000 + i, sessions - 1);
    add(`C${i}`, i % 2 === 0 ? factors[i % 4]!.map((r, t) => r + 0.3 * own[t]!) : own, 30 + i);
    candidates.push({ symbol: `C${i}`, risk: 200 + i });
  }
  return { series, positions, candidates };
}

/** Section `correlation` (issue 21 part 1): the correlation limit's kernel, 50 candidates × 20 positions. */
export const correlationBenchmark: Benchmark = {
  name: 'correlation',
  summary: 'correlation check of 50 candidates against 20 positions',
  options: { '--repeats=200': 'timed passes (each builds a fresh Correlator: no pair measured in a previous pass is reused)', '--sessions=80': 'closes per symbol' },
  async run(ctx) {
    const o = ctx.options;
    const repeats = Math.max(3, o.number('repeats', o.quick ? 20 : 200));
    const sessions = Math.max(LOOKBACK + 2, o.number('sessions', 80));
    const { series, positions, candidates } = world(sessions);
    const asOf = dates(sessions).at(-1)!;
    const limit = { corrLimit: 0.7, maxClusterRiskPct: 2, equity: 100_000 };
    let clustered = 0;
    let refused = 0;
    const pass = () => {
      const corr = new Correlator(series, { lookback: LOOKBACK, asOf });
      clustered = 0;
      refused = 0;
      for (const c of candidates) {
        const v = judgeCorrelation(corr, c, positions, limit);
        if (v.cluster.length > 0) clustered++;
        if (v.breaches) refused++;
      }
    };
    ctx.progress(`correlation: ${repeats} passes of 50 candidates × 20 positions…`);
    for (let i = 0; i < Math.min(10, repeats); i++) pass(); // warm-up (JIT)
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t = performance.now();
      pass();
      times.push(performance.now() - t);
    }
    const s = summarize(times);
    // Pairs one pass measures: 20·19/2 among the positions (chains) + 50 × 20 candidate–position.
    const pairs = (20 * 19) / 2 + 50 * 20;
    return {
      title: `Correlation limit: 50 candidates against 20 open positions (lookback ${LOOKBACK} sessions)${o.quick ? ' (--quick: smoke run)' : ''}`,
      columns: ['measure', 'min', 'median', 'p90', 'max', 'target', 'ok'],
      rows: [
        ['one pass: 50 verdicts (clusters, risk, unmeasured)', ms(s.min), ms(s.p50), ms(s.p90), ms(s.max), TARGET.label, mark(s.p50, TARGET)],
        ['per candidate', ms(s.min / 50), ms(s.p50 / 50), ms(s.p90 / 50), ms(s.max / 50), '', ''],
        ['per pair measured', `${num((s.min * 1000) / pairs, 1)} µs`, `${num((s.p50 * 1000) / pairs, 1)} µs`, `${num((s.p90 * 1000) / pairs, 1)} µs`, `${num((s.max * 1000) / pairs, 1)} µs`, '', ''],
      ],
      notes: [
        `${num(repeats)} timed passes after a warm-up, in this process (pure kernel: src/engine/risk/correlation.ts; no database; the closes a gate loads from bars_daily take one query on top).`,
        `Each pass builds a fresh Correlator, so every pair is aligned and measured again: ~${num(pairs)} pairs (${num((20 * 19) / 2)} position–position for the chains, ${num(50 * 20)} candidate–position).`,
        `Book: 20 positions on 4 correlated sectors; 25 candidates near-clones of a sector, 25 independent. Last pass: ${clustered} of 50 in a cluster, ${refused} over the 2 % cap.`,
        `Load average at the end: ${loadAverage()}.`,
      ],
    } satisfies Table;
  },
};
