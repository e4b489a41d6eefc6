/**
 * KR backtests on the bars store (issue 15, item 7): `/backtest donchian kr` on the seeded KR DEMO
 * ETFs runs on KRX sessions only, in whole won (fills on the KRX ETF tick, KIS commission), with no
 * benchmark while 069500 holds only DEMO bars, and with the real 069500 benchmark once real bars
 * are imported; its manifest records the market and replays identically. US symbols next to KRX
 * codes are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedKrDemoData } from '../../../../src/adapters/bars/seed.js';
import type { BarsStore } from '../../../../src/adapters/bars/store.js';
import { backtestDataSources } from '../../../../src/app/backtest-sources.js';
import { parseBacktestTokens } from '../../../../src/bot/commands/backtest.js';
import { backtestNoteText } from '../../../../src/bot/views/backtest-notes.js';
import { summaryMessage } from '../../../../src/bot/views/backtest-messages.js';
import { formatTextReport } from '../../../../src/bot/views/backtest-text-report.js';
import { isSession as isKrxSession } from '../../../../src/engine/calendar/krx/index.js';
import { isOnMarketTick } from '../../../../src/engine/market/ticks.js';
import { barsStoreSource } from '../../../../src/trading/backtest/bars-source.js';
import { resolveBacktestData, type DataResolverOptions } from '../../../../src/trading/backtest/data.js';
import { outcomeJson } from '../../../../src/trading/backtest/report.js';
import { buildRequest } from '../../../../src/trading/backtest/request.js';
import { runBacktest } from '../../../../src/trading/backtest/run.js';
import { withManifest } from '../../../../src/trading/manifest/backtest-manifest.js';
import { replayBacktest } from '../../../../src/trading/manifest/replay-backtest.js';
import { openBarsTestEnv, type BarsTestEnv } from '../../adapters/bars/helpers.js';
import { createBacktestCommand } from '../../../../src/cli/commands/backtest.js';

let env: BarsTestEnv;
let store: BarsStore;
let data: () => DataResolverOptions;
const KR_END = '2025-10-02';

beforeAll(async () => {
  env = await openBarsTestEnv();
  store = env.store();
  await seedKrDemoData(store, { endDate: KR_END });
  data = () => ({ sources: backtestDataSources(), barsStore: barsStoreSource(store) });
}, 180_000);
afterAll(async () => {
  await env?.close();
});

describe('KR backtests on stored KR bars', () => {
  it('`/backtest donchian kr` on DEMO bars: KRX sessions only, whole won, no benchmark with only DEMO 069500', async () => {
    const request = parseBacktestTokens(['donchian', 'kr']);
    const loaded = await resolveBacktestData(request, data());
    expect(loaded.series.length).toBe(61);
    expect(loaded.series.every((s) => /^\d{6}$/.test(s.symbol))).toBe(true);
    expect(loaded.demo).toBe(true);
    expect(loaded.benchmark).toBeNull();
    expect(loaded.notes).toEqual([{ code: 'no_real_benchmark', symbol: '069500', demoOnly: true }]);
    expect(backtestNoteText(loaded.notes[0]!)).toMatch(/^no benchmark \(only DEMO bars for 069500/);

    const out = await runBacktest(request, loaded);
    expect(out.trades.length).toBeGreaterThan(0);
    expect(out.curves.dates.every((d) => isKrxSession(d))).toBe(true);
    // 2025-10-03 (개천절) lies in the seeded range... as does every Korean holiday: none is a run date.
    expect(out.curves.dates).not.toContain('2025-10-03');
    for (const e of out.curves.equity) expect(Number.isInteger(e)).toBe(true);
    for (const t of out.trades) {
      expect(Number.isInteger(t.pnl) && Number.isInteger(t.commission) && Number.isInteger(t.qty)).toBe(true);
      expect(isOnMarketTick({ market: 'KR', instrument: 'etf', date: t.entryDate, price: t.entryPrice })).toBe(true);
      expect(isOnMarketTick({ market: 'KR', instrument: 'etf', date: t.exitDate, price: t.exitPrice })).toBe(true);
      expect(t.commission).toBeGreaterThan(0);
    }
    expect(out.report.metrics.initialEquity).toBe(10_000_000);
    expect(out.report.benchmark).toBeNull();

    const text = formatTextReport(out.report, out.trades);
    expect(text).not.toContain('$');
    expect(text).toContain('start ₩10,000,000');
    expect(text).toMatch(/Final equity ₩[\d,]+ ·/);
    expect(text).toContain('KIS commission 0.015% per fill');
    expect(text).not.toMatch(/₩[\d,]+\.\d/);
    const summary = summaryMessage(out.report, { id: 'r1234567890', reused: false }).text;
    expect(summary).not.toContain('$');
    expect(summary).toContain('start ₩10,000,000');
    expect(summary).toContain('no benchmark (only DEMO bars for 069500');
    expect(summary).toContain('DEMO');
    const json = JSON.parse(outcomeJson(out.report, out.trades)) as { trades: { pnl: number }[]; metrics: { avgWin: number | null } };
    expect(json.trades.every((t) => Number.isInteger(t.pnl))).toBe(true);
    expect(json.metrics.avgWin === null || Number.isInteger(json.metrics.avgWin)).toBe(true);
  }, 120_000);

  it('records the market in its manifest, and the replay re-resolves KR bars and is identical', async () => {
    const request = buildRequest({ strategies: ['donchian'], symbols: ['069500', '229200', '114800'], market: 'KR' });
    const loaded = await resolveBacktestData(request, data());
    const outcome = withManifest(request, loaded, await runBacktest(request, loaded), 'test-code');
    const params = outcome.manifest!.params as { request: { market?: string } };
    expect(params.request.market).toBe('KR');
    const replay = await replayBacktest(outcome.manifest!, { data: data(), readCsvFile: async () => Promise.reject(new Error('no CSV')), codeVersion: 'test-code' });
    expect(replay.result, JSON.stringify(replay).slice(0, 800)).toMatchObject({ identical: true });
  }, 60_000);

  it('`courtside backtest --market kr` reads the stored KR universe and prints won, never "$"', async () => {
    let out = '';
    let err = '';
    const cmd = createBacktestCommand({ databaseUrl: () => env.db.url, progress: false, krCommissionRate: () => 0.0002 });
    const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (err += t) };
    expect(await cmd.run(['--strategy', 'donchian', '--market', 'kr', '--no-store'], io)).toBe(0);
    expect(out).toContain('start ₩10,000,000');
    expect(out).toContain('KIS commission 0.02% per fill');
    expect(out).not.toContain('$');
    expect(err).toContain('no benchmark (only DEMO bars for 069500');
    await expect(cmd.run(['--strategy', 'donchian', '--market', 'jp'], io)).rejects.toThrow(/--market must be us or kr/);
  }, 60_000);

  it('refuses US and KR symbols in one run, and a KRX code the store lacks (naming the closest stored)', async () => {
    expect(() => parseBacktestTokens(['donchian', 'SPY', '069500'])).toThrow(/mixes US tickers \(SPY\) and KRX codes \(069500\)/);
    await expect(resolveBacktestData(buildRequest({ strategies: ['donchian'], symbols: ['069501'] }), data())).rejects.toThrow(/unknown symbol 069501 \(closest: 069500/);
  });

  it('with real-labelled 069500 bars imported, the KR benchmark appears (and is 069500)', async () => {
    const demo = (await store.loadUniverse(['069500'])).get('069500')!;
    await store.writeBars([{ symbol: '069500', series: demo }], { source: 'csv:069500.csv', demo: false });
    const request = parseBacktestTokens(['donchian', 'kr', '229200', '069500']);
    const loaded = await resolveBacktestData(request, data());
    expect(loaded.benchmark?.symbol).toBe('069500');
    expect(loaded.notes).toEqual([{ code: 'demo_symbols', demo: 1, of: 2 }]);
    const out = await runBacktest(request, loaded);
    expect(out.report.benchmark).toMatchObject({ symbol: '069500' });
    const summary = summaryMessage(out.report, { id: 'r1234567890', reused: false }).text;
    expect(summary).toMatch(/vs 069500 buy & hold \d{4}-\d{2}-\d{2} → \d{4}-\d{2}-\d{2} \(real bars\)/);
    expect(summary).not.toContain('$');
  }, 60_000);
});
