import { describe, expect, it } from 'vitest';
import { backtestData, BacktestCancelledError, fingerprintBars } from '../../../../src/trading/backtest/data.js';
import { walkForwardGrid } from '../../../../src/trading/backtest/grid.js';
import { outcomeJson } from '../../../../src/trading/backtest/report.js';
import { BacktestInputError, buildRequest } from '../../../../src/trading/backtest/request.js';
import { runBacktest, walkForwardPrecomputed } from '../../../../src/trading/backtest/run.js';
import { summaryMessage } from '../../../../src/bot/views/backtest-messages.js';
import { formatTextReport } from '../../../../src/bot/views/backtest-text-report.js';
import { runPortfolio, walkForward } from '../../../../src/engine/backtest/index.js';
import type { BarSeries } from '../../../../src/engine/bars.js';
import type { StrategyId } from '../../../../src/engine/signal.js';
import { STRATEGIES, type StrategyDef } from '../../../../src/engine/strategies/index.js';
import { loadFixture } from '../../engine/fixtures.js';

const series: BarSeries[] = ['GL', 'RVLV', 'SPY'].map(loadFixture);
const data = () => backtestData(series, { source: 'csv', demo: false, benchmarkSymbol: 'SPY' });
const def = (id: StrategyId) => STRATEGIES[id] as unknown as StrategyDef<object>;

describe('runBacktest', () => {
  it('trades are exactly runPortfolio’s for the same inputs (fixed shares, zero slippage)', async () => {
    const request = buildRequest({ strategies: ['donchian', 'turtle_soup'], symbols: ['GL', 'RVLV', 'SPY'], sizing: { kind: 'shares', n: 10 }, slippageBps: 0 });
    const out = await runBacktest(request, data());
    const ref = runPortfolio({
      series,
      signals: [(s) => def('donchian').signals(s, def('donchian').defaults), (s) => def('turtle_soup').signals(s, def('turtle_soup').defaults)],
      sizing: { kind: 'shares', n: 10 },
      slippageBps: 0,
      benchmark: loadFixture('SPY'),
    });
    expect(out.trades.length).toBeGreaterThan(50);
    expect(out.trades).toEqual(
      ref.trades.map((t) => ({
        symbol: t.symbol,
        strategy: t.strategy,
        signalDate: t.signalDate,
        entryDate: t.entryDate,
        entryPrice: t.entryPrice,
        exitDate: t.exitDate,
        exitPrice: t.exitPrice,
        qty: t.qty,
        pnl: t.pnl,
        pnlPct: t.pnlPct,
        barsHeld: t.barsHeld,
        exitReason: t.exitReason,
        commission: t.commission,
      })),
    );
    expect(out.report.metrics).toEqual(ref.metrics);
    expect(out.report.strategies.map((s) => s.metrics)).toEqual(ref.strategies.map((s) => s.metrics));
    // The benchmark covers only the run's dates inside SPY's bars (SPY ends before GL and RVLV do):
    // runPortfolio's buy-and-hold over exactly those dates, and the portfolio over the same dates.
    const spy = loadFixture('SPY');
    const lo = ref.dates.indexOf(spy.dates[0]!);
    const hi = ref.dates.lastIndexOf(spy.dates.at(-1)!);
    expect(hi).toBeLessThan(ref.dates.length - 1);
    const window = runPortfolio({ series: [spy], signals: [() => []], startDate: ref.dates[lo], endDate: ref.dates[hi], benchmark: spy });
    expect(out.report.benchmark).toEqual({
      symbol: 'SPY',
      start: ref.dates[lo],
      end: ref.dates[hi],
      days: hi - lo + 1,
      metrics: window.benchmark!.metrics,
      portfolioReturn: ref.equity[hi]! / ref.equity[lo]! - 1,
    });
    expect(out.curves.benchmark!.equity.slice(hi + 1).every((v) => v === null)).toBe(true);
    expect(out.curves.equity).toEqual(Array.from(ref.equity));
  });

  it('is deterministic: repeated runs print byte-identical JSON', async () => {
    const request = buildRequest({ strategies: ['donchian', 'turtle_soup'], symbols: ['GL', 'RVLV', 'SPY'], monteCarloRuns: 500, seed: 7, walkForward: true });
    const a = await runBacktest(request, data());
    const b = await runBacktest(request, backtestData(['SPY', 'RVLV', 'GL'].map(loadFixture), { source: 'csv', demo: false, benchmarkSymbol: 'SPY' }));
    expect(outcomeJson(b.report, b.trades)).toBe(outcomeJson(a.report, a.trades));
    expect(a.report.monteCarlo?.runs).toBe(500);
    expect(a.report.walkForward).toHaveLength(2);
  });

  it('respects --from/--to and says when the range has no bars', async () => {
    const r = buildRequest({ strategies: ['donchian'], symbols: ['SPY'], from: '2020-01-01', to: '2020-12-31' });
    const out = await runBacktest(r, backtestData([loadFixture('SPY')], { source: 'csv', demo: false }));
    expect(out.report.range.start >= '2020-01-01' && out.report.range.end <= '2020-12-31').toBe(true);
    expect(out.trades.every((t) => t.entryDate >= '2020-01-01' && t.exitDate <= '2020-12-31')).toBe(true);
    const none = buildRequest({ strategies: ['donchian'], symbols: ['SPY'], from: '1990-01-01', to: '1990-12-31' });
    await expect(runBacktest(none, backtestData([loadFixture('SPY')], { source: 'csv', demo: false }))).rejects.toThrow(BacktestInputError);
  });

  it('stops at the next chunk when cancelled, and yields to the event loop between chunks', async () => {
    const r = buildRequest({ strategies: ['donchian'], symbols: ['GL', 'RVLV', 'SPY'] });
    let polls = 0;
    await expect(runBacktest(r, data(), { chunkSize: 1, shouldCancel: () => ++polls >= 2 })).rejects.toThrow(BacktestCancelledError);
    expect(polls).toBe(2);
    // A competing macrotask gets to run between chunks: the run never holds the loop for the whole universe.
    let ticks = 0;
    let ticking = true;
    const tick = () => {
      ticks++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const phases: string[] = [];
    await runBacktest(r, data(), { chunkSize: 1, onProgress: (p) => phases.push(`${p.phase}:${p.done}/${p.total}`) });
    ticking = false;
    expect(phases.slice(0, 3)).toEqual(['signals:1/3', 'signals:2/3', 'signals:3/3']);
    expect(ticks).toBeGreaterThanOrEqual(3);
  });

  it('fingerprints data, not file order', () => {
    const a = fingerprintBars(series);
    expect(fingerprintBars([...series].reverse())).toBe(a);
    const spy = loadFixture('SPY');
    const close = Float64Array.from(spy.close);
    close[100] = close[100]! + 0.01;
    expect(fingerprintBars([loadFixture('GL'), loadFixture('RVLV'), { ...spy, close }])).not.toBe(a);
  });

  it('summaries show the key figures, SPY comparison and the DEMO label', async () => {
    const r = buildRequest({ strategies: ['donchian', 'turtle_soup'], symbols: ['GL', 'RVLV', 'SPY'], monteCarloRuns: 100 });
    const out = await runBacktest(r, backtestData(series, { source: 'synthetic', demo: true, benchmarkSymbol: 'SPY' }));
    const msg = summaryMessage(out.report, { id: '12345678-aaaa', reused: true }).text;
    for (const s of ['Total return', 'CAGR', 'Sharpe', 'Max DD', 'Win rate', 'Profit factor', 'Trades', 'vs SPY buy & hold', 'DEMO', 'Run 12345678', 'reused']) expect(msg).toContain(s);
    const text = formatTextReport(out.report, out.trades, { maxTrades: 5 });
    expect(text).toMatch(/portfolio\s+[+-]\d/);
    expect(text).toMatch(/SPY buy & hold/);
    expect(text).toMatch(/Trades \(last 5 of \d+/);
    expect(text).toMatch(/Monte Carlo \(100 runs/);
    expect(text).toMatch(/DEMO/);
  });
});

describe('walkForwardPrecomputed', () => {
  it.each(['donchian', 'turtle_soup'] as const)('matches the engine walkForward exactly (%s)', async (id) => {
    const grid = walkForwardGrid(id, { ...def(id).defaults });
    const backtest = { sizing: { kind: 'risk', pct: 0.01 } as const, slippageBps: 5 };
    const eng = walkForward<object>({ series, signalFn: (s, p) => def(id).signals(s, p), grid: grid.points, backtest });
    const mine = await walkForwardPrecomputed({
      series,
      signals: grid.points.map((p) => series.map((s) => def(id).signals(s, p))),
      trainBars: 252,
      testBars: 63,
      stepBars: 63,
      objective: 'sharpe',
      backtest,
    });
    expect(eng.windows.length).toBeGreaterThan(30);
    expect(mine.windows).toEqual(eng.windows.map(({ params: _params, ...rest }) => rest));
    expect(mine.trades).toEqual(eng.trades);
    expect(mine.metrics).toEqual(eng.metrics);
    expect(Array.from(mine.equity)).toEqual(Array.from(eng.equity));
  });

  it('rejects too little data like the engine', async () => {
    await expect(
      walkForwardPrecomputed({ series: [loadFixture('GL')], signals: [[[]]], trainBars: 600, testBars: 63, stepBars: 63, objective: 'sharpe' }),
    ).rejects.toThrow(/need more than 600 bars/);
  });
});
