import { describe, expect, it } from 'vitest';
import { backtestData, resolveBacktestData, type BarsSource } from '../../../../src/trading/backtest/data.js';
import type { BacktestDataSources } from '../../../../src/trading/backtest/data-sources.js';
import { UnknownSymbolsError } from '../../../../src/trading/backtest/known-symbols.js';
import { storedNotes, symbolPreview, type BacktestNote } from '../../../../src/trading/backtest/notes.js';
import { buildRequest } from '../../../../src/trading/backtest/request.js';
import { runBacktest } from '../../../../src/trading/backtest/run.js';
import type { BarSeries } from '../../../../src/engine/bars.js';
import { loadFixture } from '../../engine/fixtures.js';

/** A fixture's bars under another symbol. */
const as = (symbol: string, from = 'GL'): BarSeries => ({ ...loadFixture(from), symbol });

/** Sample CSVs holding only `csv`; DEMO data is a fixture renamed (cheap and deterministic). */
function sources(csv: readonly string[] = []): BacktestDataSources {
  return {
    sampleDir: () => '/samples',
    csvSymbols: async () => [...csv],
    readCsv: async (_dir, symbol) => (csv.includes(symbol) ? as(symbol) : null),
    demoUniverse: () => [{ symbol: 'DEMO1' }, { symbol: 'DEMO2' }],
    demoSessions: () => [],
    demoSeries: (s) => as(s.symbol, 'RVLV'),
  };
}

/** A bars store holding `real` and `demo` symbols. */
function store(real: readonly string[], demo: readonly string[] = []): BarsSource {
  return {
    name: 'bars-store',
    load: async (symbols) => {
      const all = [...real, ...demo].filter((s) => symbols === null || symbols.includes(s));
      return { series: new Map(all.map((s) => [s, as(s)])), demo: new Set(demo) };
    },
    list: async () => [...real.map((symbol) => ({ symbol, demo: false })), ...demo.map((symbol) => ({ symbol, demo: true }))],
  };
}

describe('backtest notes are codes with figures', () => {
  it('symbolPreview lists up to five symbols and counts the rest', () => {
    expect(symbolPreview(['A', 'B'])).toEqual({ symbols: ['A', 'B'], more: 0 });
    expect(symbolPreview(['A', 'B', 'C', 'D', 'E'])).toEqual({ symbols: ['A', 'B', 'C', 'D', 'E'], more: 0 });
    expect(symbolPreview(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'])).toEqual({ symbols: ['A', 'B', 'C', 'D', 'E'], more: 3 });
  });

  it('a store run with some DEMO symbols counts them', async () => {
    const data = await resolveBacktestData(buildRequest({ strategies: ['donchian'], symbols: ['AAA', 'BBB', 'ZZZ'] }), {
      sources: sources(),
      barsStore: store(['AAA', 'BBB', 'SPY'], ['ZZZ']),
    });
    expect(data).toMatchObject({ source: 'bars-store', demo: true });
    expect(data.notes).toEqual([{ code: 'demo_symbols', demo: 1, of: 3 }]);
  });

  it('the benchmark is never synthetic: a DEMO-only SPY gives no benchmark, with a note', async () => {
    const data = await resolveBacktestData(buildRequest({ strategies: ['donchian'], symbols: ['AAA'] }), { sources: sources(), barsStore: store(['AAA'], ['SPY']) });
    expect(data).toMatchObject({ source: 'bars-store', demo: false, benchmark: null });
    expect(data.notes).toEqual([{ code: 'no_real_benchmark', symbol: 'SPY' }]);
  });

  it('each symbol takes its best source: stored real, sample CSV, then DEMO for universe symbols only', async () => {
    const data = await resolveBacktestData(buildRequest({ strategies: ['donchian'], symbols: ['AAA', 'BBB', 'DEMO1'] }), {
      sources: sources(['BBB', 'SPY']),
      barsStore: store(['AAA']),
      demoEndDate: () => '2025-06-30',
    });
    expect(data).toMatchObject({ source: 'bars-store+sample-csv+synthetic', demo: true });
    expect(data.series.map((s) => s.symbol)).toEqual(['AAA', 'BBB', 'DEMO1']);
    expect(data.benchmark?.symbol).toBe('SPY');
    expect(data.notes).toEqual([{ code: 'demo_symbols', demo: 1, of: 3 }]);
  });

  it('symbols no source knows are an error naming the closest known ones; nothing runs on invented bars', async () => {
    const symbols = ['AAA', 'DEMO3', 'QQQQQQ'];
    const run = resolveBacktestData(buildRequest({ strategies: ['donchian'], symbols }), { sources: sources(), barsStore: store(['AAA', 'SPY']) });
    await expect(run).rejects.toBeInstanceOf(UnknownSymbolsError);
    await expect(run).rejects.toThrow(/^unknown symbols DEMO3 \(closest: DEMO1, DEMO2\), QQQQQQ \(no close match\)$/);
  });

  it('a named universe with an empty store, or with no store, runs on the DEMO universe (sample CSVs where they exist)', async () => {
    const request = buildRequest({ strategies: ['donchian'] });
    const empty = await resolveBacktestData(request, { sources: sources(['DEMO2']), barsStore: store([]), demoEndDate: () => '2025-06-30' });
    expect(empty.series.map((s) => s.symbol)).toEqual(['DEMO1', 'DEMO2']);
    expect(empty).toMatchObject({ source: 'sample-csv+synthetic', demo: true });
    expect(empty.notes).toEqual([{ code: 'no_stored_universe' }, { code: 'demo_symbols', demo: 1, of: 2 }, { code: 'no_real_benchmark', symbol: 'SPY' }]);
    const none = await resolveBacktestData(request, { sources: sources(), demoEndDate: () => '2025-06-30' });
    expect(none.notes).toEqual([{ code: 'no_stored_universe' }, { code: 'no_real_benchmark', symbol: 'SPY' }]);
  });

  it('Monte Carlo with no trades is skipped with a note after the data notes', async () => {
    // 30 bars: too few for any Donchian breakout, so the run makes no trades.
    const short = (s: BarSeries): BarSeries => ({
      symbol: s.symbol,
      dates: s.dates.slice(0, 30),
      open: s.open.slice(0, 30),
      high: s.high.slice(0, 30),
      low: s.low.slice(0, 30),
      close: s.close.slice(0, 30),
      volume: s.volume.slice(0, 30),
    });
    const dataNote: BacktestNote = { code: 'store_empty' };
    const data = backtestData([short(loadFixture('GL'))], { source: 'csv', demo: false, notes: [dataNote] });
    const out = await runBacktest(buildRequest({ strategies: ['donchian'], symbols: ['GL'], monteCarloRuns: 100 }), data);
    expect(out.trades).toEqual([]);
    expect(out.report.monteCarlo).toBeNull();
    expect(out.report.notes).toEqual([dataNote, { code: 'monte_carlo_no_trades' }]);
    // The data's own list is not changed by the run.
    expect(data.notes).toEqual([dataNote]);
    const traded = await runBacktest(buildRequest({ strategies: ['donchian'], symbols: ['GL'], monteCarloRuns: 100 }), backtestData([loadFixture('GL')], { source: 'csv', demo: false }));
    expect(traded.trades.length).toBeGreaterThan(0);
    expect(traded.report.notes).toEqual([]);
  });

  it('stored reports: English notes of old reports become recorded notes; typed ones are kept as they are', () => {
    const typed: BacktestNote = { code: 'demo_symbols', demo: 2, of: 5 };
    const read = storedNotes(['1 of 3 symbols hold synthetic DEMO bars', typed]);
    expect(read).toEqual([{ code: 'recorded', recorded: '1 of 3 symbols hold synthetic DEMO bars' }, typed]);
    expect(read[1]).toBe(typed);
    expect(storedNotes(undefined)).toEqual([]);
  });
});
