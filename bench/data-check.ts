/**
 * Section `data-check` (issue 21, part 5): the calendar check of the default universe (~900 DEMO
 * symbols on NYSE sessions plus the real SPY/GL/RVLV samples), seeded into a throwaway database.
 *
 * Rows: the check as `courtside data check` runs it with a cold bars store (the universe read from
 * Postgres), the same check warm (universe in memory: the calendar kernel alone), the /status read
 * of the last stored check, and what the scan's look-back check adds to one full-universe
 * `scanLatest` (with the calendar vs without: the /scan cost of the gap check).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BarsStore, seedDefaultData } from '../src/adapters/bars/index.js';
import { createDataSource } from '../src/adapters/db/data-source.js';
import { migrateWithLock } from '../src/adapters/db/migrate.js';
import { TypeOrmUnitOfWork } from '../src/adapters/db/unit-of-work.js';
import { loadDefaultUniverse } from '../src/adapters/market-data/index.js';
import { exchangeSessions } from '../src/adapters/market-data/synthetic/exchange-sessions.js';
import { sessionsEndingAt } from '../src/engine/data-quality/index.js';
import { scanLatest, strategyLookback } from '../src/engine/scan/scan.js';
import { runDataCheck } from '../src/trading/data-check/check.js';
import { DataCheckStore, saveDataCheck } from '../src/trading/data-check/store.js';
import { lastCompletedSession } from '../src/trading/market-clock.js';
import { summarize } from './lib/stats.js';
import { below, mark, ms, num, type Table } from './lib/table.js';
import type { Benchmark } from './lib/types.js';

export const dataCheckBenchmark: Benchmark = {
  name: 'data-check',
  summary: 'data check of the 900-symbol universe',
  options: {
    '--data-check-runs=10': 'warm checks, status reads and scan pairs measured (--quick 3)',
    '--end-date=YYYY-MM-DD': 'last seeded session (default: the last completed NYSE session)',
  },
  async run(ctx) {
    const o = ctx.options;
    const q = o.quick;
    const runs = Math.max(1, o.number('data-check-runs', q ? 3 : 10));
    const now = Date.now();
    const endDate = o.get('end-date') ?? lastCompletedSession(now);
    // --quick seeds a slice: it checks the harness, not the figures.
    const universe = q ? loadDefaultUniverse().entries.slice(0, 60) : undefined;
    const dbUrl = await ctx.resources.database();
    const ds = createDataSource(dbUrl, { applicationName: 'courtside-bench' });
    await ds.initialize();
    try {
      ctx.progress('migrating the throwaway database…');
      await migrateWithLock(ds);
      ctx.progress(`seeding the default data (end date ${endDate})…`);
      const cacheDir = join(ctx.resources.tempDir(), 'cache');
      await seedDefaultData(new BarsStore(ds, { cacheDir }), { endDate, ...(universe ? { universe, sessions: exchangeSessions(endDate, 400) } : {}) });

      ctx.progress('cold check (universe from Postgres)…');
      const cold = new BarsStore(ds, { cacheDir: join(ctx.resources.tempDir(), 'cold-cache') });
      const first = await runDataCheck(cold, 'US', now);
      const db = new TypeOrmUnitOfWork(ds);
      await saveDataCheck(db, first);

      ctx.progress('warm checks…');
      const warm: number[] = [];
      for (let i = 0; i < runs; i++) warm.push((await runDataCheck(cold, 'US', now)).ms);
      const reads: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await new DataCheckStore(db).latest('US');
        reads.push(performance.now() - t0);
      }

      ctx.progress('scan with and without the look-back check…');
      const series = [...(await cold.loadUniverse()).values()];
      const asOf = series.reduce((a, s) => (s.dates[s.dates.length - 1]! > a ? s.dates[s.dates.length - 1]! : a), '');
      const plain: number[] = [];
      const checked: number[] = [];
      for (let i = 0; i < runs; i++) {
        let t0 = performance.now();
        scanLatest(series, asOf, ['donchian', 'turtle_soup']);
        plain.push(performance.now() - t0);
        t0 = performance.now();
        // As scanChunk does once per chunk: the sessions of the longest look-back, then the scan.
        const calendar = { sessions: sessionsEndingAt(asOf, Math.max(strategyLookback('donchian'), strategyLookback('turtle_soup'))) };
        scanLatest(series, asOf, ['donchian', 'turtle_soup'], {}, calendar);
        checked.push(performance.now() - t0);
      }
      const w = summarize(warm);
      const r = summarize(reads);
      const p = summarize(plain);
      const c = summarize(checked);
      const bars = series.reduce((a, s) => a + s.dates.length, 0);
      const statusTarget = below(50, 'ms');
      return {
        title: `data check of the default universe — ${num(first.symbols)} symbols, ${num(bars)} bars${q ? ' (--quick: 60 DEMO symbols + samples, 400 sessions, smoke run)' : ''}`,
        columns: ['what', 'median', 'p90', 'target', 'met', 'note'],
        rows: [
          ['courtside data check, cold (bars from Postgres)', ms(first.ms), '', '', '', `${num(first.findings.length)} findings in ${num(first.symbolsFlagged)} symbols: missing_session ${first.counts.missing_session}, stale ${first.counts.stale}`],
          [`check, warm (universe in memory), ${runs} runs`, ms(w.p50), ms(w.p90), '', '', 'the calendar kernel over every symbol'],
          [`/status read of the last check, ${runs} runs`, ms(r.p50), ms(r.p90), statusTarget.label, mark(r.p50, statusTarget), 'one indexed row from data_checks'],
          [`scanLatest, whole universe, without the calendar`, ms(p.p50), ms(p.p90), '', '', `as of ${asOf}`],
          [`scanLatest, whole universe, with the look-back check`, ms(c.p50), ms(c.p90), '', '', `+${ms(c.p50 - p.p50)} (${p.p50 > 0 ? ((100 * (c.p50 - p.p50)) / p.p50).toFixed(1) : '—'} %)`],
        ],
        notes: [
          `One throwaway database seeded by seedDefaultData to ${endDate}; the check is runDataCheck (what \`courtside data check\` runs) at ${new Date(now).toISOString()}; the cold row includes reading every bar from Postgres (no disk cache).`,
          '/status never runs the check: it reads the last stored one (data_checks), so its cost is one indexed query whatever the universe size.',
          'The scan rows time scanLatest alone (no queues), medians of the runs; the look-back check computes the sessions once and walks each symbol\'s 200-session window.',
        ],
      } satisfies Table;
    } finally {
      await ds.destroy();
    }
  },
};
