import { describe, expect, it } from 'vitest';
import { backtestData, resolveBacktestData, type BarsSource } from '../../../../src/trading/backtest/data.js';
import type { BacktestDataSources } from '../../../../src/trading/backtest/data-sources.js';
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

  it('a DEMO benchmark beside real symbols is named', async () => {
    const data = await resolveBacktestData(buildRequest({ strategies: ['donchian'], symbols: ['AAA'] }), { sources: sources(), barsStore: store(['AAA'], ['SPY']) });
    expect(data).toMatchObject({ source: 'bars-store', demo: false });
    expect(data.benchmark?.symbol).toBe('SPY');
    expect(data.notes).toEqual([{ code: 'demo_benchmark', symbol: 'SPY' }]);
  });

  it('symbols missing from the store and the samples: both notes keep the first five and count the rest', async () => {
    const symbols = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'FFF', 'GGG'];
    const data = await resolveBacktestData(buildRequest({ strategies: ['donchian'], symbols }), {
      sources: sources(),
      barsStore: store(['SPY']),
      demoEndDate: () => '2025-06-30',
    });
    expect(data).toMatchObject({ source: 'synthetic', demo: true });
    const preview = { symbols: ['AAA', 'BBB', 'CCC', 'DDD', 'EEE'], more: 2 };
    expect(data.notes).toEqual([
      { code: 'not_stored', ...preview },
      { code: 'no_real_bars', ...preview },
    ]);
  });

  it('symbols missing from the store but in the samples: only the store note', async () => {
    const data = await resolveBacktestData(buildRequest({ strategies: ['donchian'], symbols: ['AAA', 'BBB'] }), {
      sources: sources(['AAA', 'BBB', 'SPY']),
      barsStore: store(['BBB']),
    });
    expect(data).toMatchObject({ source: 'sample-csv', demo: false });
    expect(data.notes).toEqual([{ code: 'not_stored', symbols: ['AAA'], more: 0 }]);
  });

  it('a named universe with an empty store, or with no store, runs on the DEMO universe', async () => {
    const request = buildRequest({ strategies: ['donchian'] });
    const empty = await resolveBacktestData(request, { sources: sources(), barsStore: store([]), demoEndDate: () => '2025-06-30' });
    expect(empty.series.map((s) => s.symbol)).toEqual(['DEMO1', 'DEMO2']);
    expect(empty.notes).toEqual([{ code: 'store_empty' }, { code: 'no_stored_universe' }]);
    const none = await resolveBacktestData(request, { sources: sources(), demoEndDate: () => '2025-06-30' });
    expect(none.notes).toEqual([{ code: 'no_stored_universe' }]);
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
