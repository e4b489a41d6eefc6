import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { barsStoreSource } from '../../../../src/trading/backtest/bars-source.js';
import { backtestDataSources } from '../../../../src/app/backtest-sources.js';
import { backtestData, resolveBacktestData } from '../../../../src/trading/backtest/data.js';
import { buildRequest } from '../../../../src/trading/backtest/request.js';
import { runBacktest } from '../../../../src/trading/backtest/run.js';
import { BarsStore } from '../../../../src/adapters/bars/store.js';
import { UsageError } from '../../../../src/cli/command.js';
import { createBacktestCommand } from '../../../../src/cli/commands/backtest.js';
import { outcomeJson } from '../../../../src/trading/backtest/report.js';
import { generateSyntheticSeries } from '../../../../src/adapters/market-data/synthetic/generate-bars.js';
import { syntheticInputFor } from '../../../../src/adapters/market-data/synthetic/generate-universe.js';
import { weekdaySessions } from '../../../../src/adapters/market-data/synthetic/sessions.js';
import { createTestDatabase } from '../../../helpers/pg.js';
import { loadFixture } from '../../../unit/engine/fixtures.js';
import { openWithBacktestSchema } from './schema.js';

/** Backtests on bars from the bars store (Postgres), with real and DEMO symbols. */
describe('backtest data from the bars store', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let store: BarsStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openWithBacktestSchema(db.url);
    store = new BarsStore(ds);
    await store.writeBars(['SPY', 'GL'].map((s) => ({ symbol: s, series: loadFixture(s) })), { source: 'sample', demo: false });
    const sessions = weekdaySessions('2025-12-31', 600);
    await store.writeBars([{ symbol: 'ZZDEMO', series: generateSyntheticSeries(syntheticInputFor({ symbol: 'ZZDEMO' }, sessions)) }], { source: 'synthetic', demo: true });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('prefers the store; real symbols are not DEMO, and the result equals the same bars from CSV', async () => {
    const request = buildRequest({ strategies: ['donchian', 'turtle_soup'], symbols: ['SPY', 'GL'] });
    const data = await resolveBacktestData(request, { sources: backtestDataSources(), barsStore: barsStoreSource(store) });
    expect(data).toMatchObject({ source: 'bars-store', demo: false, notes: [] });
    expect(data.benchmark?.symbol).toBe('SPY');
    const csv = backtestData(['GL', 'SPY'].map(loadFixture), { source: 'csv', demo: false, benchmarkSymbol: 'SPY' });
    // The same bars from another source are other data: a CSV run never reuses (and reports) a store run.
    expect(data.fingerprint).not.toBe(csv.fingerprint);
    const a = await runBacktest(request, data);
    const b = await runBacktest(request, csv);
    const same = (r: typeof a.report) => ({ ...r, data: { ...r.data, source: 'x', fingerprint: 'x' } });
    expect(outcomeJson(same(a.report), a.trades)).toBe(outcomeJson(same(b.report), b.trades));
  });

  it('flags DEMO when any traded symbol is synthetic, and says how many', async () => {
    const data = await resolveBacktestData(buildRequest({ strategies: ['donchian'], symbols: ['GL', 'ZZDEMO'] }), { sources: backtestDataSources(), barsStore: barsStoreSource(store) });
    expect(data.demo).toBe(true);
    expect(data.notes).toEqual([{ code: 'demo_symbols', demo: 1, of: 2 }]);
    const all = await resolveBacktestData(buildRequest({ strategies: ['donchian'] }), { sources: backtestDataSources(), barsStore: barsStoreSource(store) });
    expect(all.series.map((s) => s.symbol)).toEqual(['GL', 'SPY', 'ZZDEMO']);
    expect(all.demo).toBe(true);
  });

  it('a symbol the store lacks comes from the sample CSVs, else from DEMO data for universe symbols; SPY stays the real benchmark', async () => {
    const rvlv = await resolveBacktestData(buildRequest({ strategies: ['donchian'], symbols: ['RVLV'] }), { sources: backtestDataSources(), barsStore: barsStoreSource(store) });
    expect(rvlv).toMatchObject({ source: 'sample-csv', demo: false, notes: [] });
    const qqq = await resolveBacktestData(buildRequest({ strategies: ['donchian'], symbols: ['QQQ', 'GL'] }), { sources: backtestDataSources(), barsStore: barsStoreSource(store), demoEndDate: () => '2025-06-30' });
    expect(qqq).toMatchObject({ source: 'bars-store+synthetic', demo: true });
    expect(qqq.notes).toEqual([{ code: 'demo_symbols', demo: 1, of: 2 }]);
    expect(qqq.benchmark).toMatchObject({ symbol: 'SPY', dates: loadFixture('SPY').dates });
  });

  it('`courtside backtest --universe FILE` reads the store of DATABASE_URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-bt-uni-'));
    const uni = join(dir, 'u.csv');
    writeFileSync(uni, 'symbol\nGL\nSPY\n');
    let out = '';
    let err = '';
    const cmd = createBacktestCommand({ databaseUrl: () => db.url, progress: false });
    const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (err += t) };
    try {
      expect(await cmd.run(['--strategy', 'donchian', '--universe', uni, '--json', '--no-store'], io)).toBe(0);
    } catch (e) {
      if (e instanceof UsageError) throw new Error(`usage error: ${e.message}\n${err}`);
      throw e;
    }
    const j = JSON.parse(out) as { data: { source: string; demo: boolean; symbols: number } };
    expect(j.data).toMatchObject({ source: 'bars-store', demo: false, symbols: 2 });
    expect(err).toBe('');
  });

  it('`courtside backtest --universe FILE` with a DEMO symbol in the store notes how many, in words on stderr and as figures in the JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-bt-uni-'));
    const uni = join(dir, 'u.csv');
    writeFileSync(uni, 'symbol\nGL\nZZDEMO\n');
    let out = '';
    let err = '';
    const cmd = createBacktestCommand({ databaseUrl: () => db.url, progress: false });
    const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (err += t) };
    expect(await cmd.run(['--strategy', 'donchian', '--universe', uni, '--json', '--no-store'], io)).toBe(0);
    const j = JSON.parse(out) as { data: { source: string; demo: boolean }; notes: unknown };
    expect(j.data).toMatchObject({ source: 'bars-store', demo: true });
    expect(j.notes).toEqual([{ code: 'demo_symbols', demo: 1, of: 2 }]);
    expect(err).toContain('note: 1 of 2 symbols hold synthetic DEMO bars\n');
  });
});
