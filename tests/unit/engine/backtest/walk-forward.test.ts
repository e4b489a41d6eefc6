import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../../../src/engine/bars.js';
import type { PortfolioResult } from '../../../../src/engine/backtest/portfolio-types.js';
import { scoreRun, walkForward, type WalkForwardBacktestOptions } from '../../../../src/engine/backtest/walk-forward.js';
import type { Signal } from '../../../../src/engine/signal.js';
import { day, series, type Ohlc } from './helpers.js';

/** Steady uptrend: close_i = 100 + i, open = close − 0.5, high = close + 0.5, low = close − 1. */
function rising(n: number): BarSeries {
  return series(
    'AAA',
    Array.from({ length: n }, (_, i): Ohlc => [99.5 + i, 100.5 + i, 99 + i, 100 + i]),
  );
}

/**
 * Signal every `every` bars once 20 bars of history exist. Target close+1 is
 * reached on the entry bar (its high is close+1.5, its open close+0.5), so
 * every trade is a one-bar winner of 0.5 per share.
 */
function everyN(s: BarSeries, p: { every: number }): Signal[] {
  const out: Signal[] = [];
  for (let t = 20; t < s.dates.length; t++) {
    if (t % p.every !== 0 || !(s.close[t]! > s.close[t - 20]!)) continue;
    const c = s.close[t]!;
    out.push({ symbol: s.symbol, strategy: 'donchian', index: t, date: s.dates[t]!, close: c, stop: c - 5, target: c + 1, atr: 1, timeStopBars: 5, score: 1, reasons: [] });
  }
  return out;
}

const BT: WalkForwardBacktestOptions = { slippageBps: 0, sizing: { kind: 'shares', n: 10 }, initialCash: 10_000 };
const grid = [{ every: 7 }, { every: 3 }, { every: 5 }];

describe('walkForward windows', () => {
  it('rolls train/test windows in bars and keeps a short last test window', () => {
    const r = walkForward({ series: [rising(85)], signalFn: everyN, grid, objective: () => 0, trainBars: 30, testBars: 10, stepBars: 10, backtest: BT });
    // s = 0, 10, ..., 50 (s + 30 < 85); the last test window is bars 80..84
    expect(r.windows.map((w) => [w.trainStart, w.trainEnd, w.testStart, w.testEnd])).toEqual(
      [0, 10, 20, 30, 40, 50].map((s) => [day(s), day(s + 29), day(s + 30), day(Math.min(s + 39, 84))]),
    );
    expect(r.dates).toEqual(Array.from({ length: 55 }, (_, i) => day(30 + i)));
  });

  it('breaks objective ties by grid order', () => {
    const r = walkForward({ series: [rising(60)], signalFn: everyN, grid, objective: () => 1, trainBars: 30, testBars: 10, stepBars: 10, backtest: BT });
    expect(r.windows.map((w) => w.chosenIndex)).toEqual([0, 0, 0]);
  });

  it('picks the best parameter set by a built-in or custom objective', () => {
    // more one-bar winners → more profit → higher CAGR and more trades
    for (const objective of ['cagr', (x: PortfolioResult) => x.metrics.tradeCount] as const) {
      const r = walkForward({ series: [rising(80)], signalFn: everyN, grid, objective, trainBars: 30, testBars: 10, stepBars: 10, backtest: BT });
      expect(r.windows.map((w) => w.chosenIndex)).toEqual([1, 1, 1, 1, 1]);
      expect(r.windows[0]!.params).toEqual({ every: 3 });
      expect(r.windows[0]!.trainScores).toHaveLength(3);
    }
  });

  it('trades only inside each test window, warming up on earlier history', () => {
    const r = walkForward({ series: [rising(80)], signalFn: everyN, grid, objective: 'cagr', trainBars: 30, testBars: 10, stepBars: 10, backtest: BT });
    // window 0 tests bars 30..39 and still gets signals that need bars 10..19 of history
    expect(r.windows[0]!.testTrades.length).toBeGreaterThan(0);
    for (const w of r.windows) {
      for (const t of w.testTrades) {
        expect(t.signalDate >= w.testStart).toBe(true);
        expect(t.entryDate > w.testStart).toBe(true);
        expect(t.exitDate <= w.testEnd).toBe(true);
      }
    }
    expect(r.trades).toEqual(r.windows.flatMap((w) => w.testTrades));
    expect(r.metrics.tradeCount).toBe(r.trades.length);
  });

  it('stitches test windows, each starting from the previous final equity', () => {
    const r = walkForward({ series: [rising(80)], signalFn: everyN, grid, objective: 'cagr', trainBars: 30, testBars: 10, stepBars: 10, backtest: BT });
    expect(r.equity[0]).toBe(10_000);
    for (let k = 1; k < r.windows.length; k++) {
      // no entries on a window's first day, so its first point is the carried capital
      expect(r.equity[k * 10]).toBe(r.equity[k * 10 - 1]);
    }
    const pnl = r.trades.reduce((a, t) => a + t.pnl, 0);
    expect(r.equity[r.equity.length - 1]).toBeCloseTo(10_000 + pnl, 9);
    expect(r.trades.every((t) => t.pnl > 0)).toBe(true);
  });

  it('never shows a signal function bars beyond the window it is evaluating', () => {
    const seen: string[] = [];
    const spy = (s: BarSeries, p: { every: number }) => {
      seen.push(s.dates[s.dates.length - 1]!);
      return everyN(s, p);
    };
    const r = walkForward({ series: [rising(70)], signalFn: spy, grid, objective: 'cagr', trainBars: 30, testBars: 10, stepBars: 10, backtest: BT });
    const ends = new Set(r.windows.flatMap((w) => [w.trainEnd, w.testEnd]));
    expect(seen.length).toBe(r.windows.length * (grid.length + 1));
    for (const d of seen) expect(ends.has(d)).toBe(true);
    // the train runs of window 0 saw bars up to its train end only
    expect(seen.slice(0, 3)).toEqual([day(29), day(29), day(29)]);
  });

  it('rejects overlapping test windows, empty grids and too little data', () => {
    const base = { series: [rising(50)], signalFn: everyN, backtest: BT };
    expect(() => walkForward({ ...base, grid, trainBars: 30, testBars: 10, stepBars: 5 })).toThrow(RangeError);
    expect(() => walkForward({ ...base, grid: [], trainBars: 30 })).toThrow(RangeError);
    expect(() => walkForward({ ...base, grid })).toThrow(RangeError); // default train 252 > 50 bars
  });
});

describe('scoreRun', () => {
  const fake = (m: Partial<PortfolioResult['metrics']>) => ({ metrics: m }) as unknown as PortfolioResult;
  it('maps missing values to −∞ and a loss-free profit factor to +∞', () => {
    expect(scoreRun('sharpe', fake({ sharpe: null }))).toBe(-Infinity);
    expect(scoreRun('sharpe', fake({ sharpe: 1.5 }))).toBe(1.5);
    expect(scoreRun('cagr', fake({ cagr: 0.2 }))).toBe(0.2);
    expect(scoreRun('profit_factor', fake({ profitFactor: 2 }))).toBe(2);
    expect(scoreRun('profit_factor', fake({ profitFactor: null, grossProfit: 10 }))).toBe(Infinity);
    expect(scoreRun('profit_factor', fake({ profitFactor: null, grossProfit: 0 }))).toBe(-Infinity);
    expect(scoreRun(() => Number.NaN, fake({}))).toBe(-Infinity);
  });
});
