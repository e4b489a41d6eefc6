import { describe, expect, it } from 'vitest';
import { buyAndHold } from '../../../../src/engine/backtest/benchmark.js';
import { computeMetrics, type MetricsTrade } from '../../../../src/engine/backtest/metrics.js';
import { percentileSorted, percentilesOf } from '../../../../src/engine/backtest/stats.js';
import { day, series } from './helpers.js';

const dates4 = [day(0), day(1), day(2), day(3)];

describe('computeMetrics on a tiny equity curve', () => {
  // 100 → 110 → 99 → 108.9: returns +10%, −10%, +10%
  const m = computeMetrics({ dates: dates4, equity: [100, 110, 99, 108.9] });

  it('total return and CAGR over 3 daily returns', () => {
    expect(m.totalReturn).toBeCloseTo(0.089, 12);
    expect(m.cagr).toBeCloseTo(Math.pow(1.089, 252 / 3) - 1, 9);
  });

  it('Sharpe with the sample sd', () => {
    // mean = 1/30; squared deviations 4/900 + 16/900 + 4/900 = 24/900, /(3−1) → var = 1/75
    // Sharpe = (1/30)/sqrt(1/75) · sqrt(252) = sqrt(75·252)/30 = sqrt(18900)/30
    expect(m.sharpe).toBeCloseTo(Math.sqrt(18900) / 30, 9);
    expect(m.volatility).toBeCloseTo(Math.sqrt(252 / 75), 9);
  });

  it('Sortino with downside deviation over all returns', () => {
    // dd = sqrt(0.01/3); (1/30)/dd = 1/sqrt(3); · sqrt(252) = sqrt(84)
    expect(m.sortino).toBeCloseTo(Math.sqrt(84), 9);
  });

  it('max drawdown with peak and trough dates, and Calmar', () => {
    expect(m.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(m.maxDrawdownPeakDate).toBe(day(1));
    expect(m.maxDrawdownTroughDate).toBe(day(2));
    expect(m.calmar).toBeCloseTo((Math.pow(1.089, 84) - 1) / 0.1, 6);
  });

  it('reports null Sharpe/Sortino and no drawdown for a flat curve', () => {
    const flat = computeMetrics({ dates: dates4.slice(0, 3), equity: [100, 100, 100] });
    expect(flat.sharpe).toBeNull();
    expect(flat.sortino).toBeNull();
    expect(flat.cagr).toBe(0);
    expect(flat.maxDrawdown).toBe(0);
    expect(flat.maxDrawdownPeakDate).toBeNull();
    expect(flat.calmar).toBeNull();
  });

  it('has no return-based stats for a single point', () => {
    const one = computeMetrics({ dates: [day(0)], equity: [100] });
    expect(one).toMatchObject({ days: 1, totalReturn: 0, cagr: null, sharpe: null, sortino: null, volatility: null });
    expect(() => computeMetrics({ dates: [], equity: [] })).toThrow(RangeError);
  });

  it('uses the first point as the drawdown peak when the curve only falls', () => {
    const down = computeMetrics({ dates: dates4.slice(0, 3), equity: [200, 150, 160] });
    expect(down.maxDrawdown).toBeCloseTo(0.25, 12);
    expect(down.maxDrawdownPeakDate).toBe(day(0));
    expect(down.maxDrawdownTroughDate).toBe(day(1));
    expect(down.sharpe).not.toBeNull();
  });
});

describe('computeMetrics trade statistics', () => {
  const trades: MetricsTrade[] = [
    { pnl: 50, pnlPct: 0.05, barsHeld: 2, exitReason: 'target' },
    { pnl: -20, pnlPct: -0.02, barsHeld: 3, exitReason: 'stop' },
    { pnl: 0, pnlPct: 0, barsHeld: 1, exitReason: 'time_stop' },
    { pnl: 30, pnlPct: 0.03, barsHeld: 4, exitReason: 'target' },
    { pnl: -10, pnlPct: -0.01, barsHeld: 5, exitReason: 'gap_stop' },
  ];
  const m = computeMetrics({ dates: dates4, equity: [100, 100, 100, 100], trades, exposure: [0, 0.5, 1, 0.5] });

  it('counts wins (pnl > 0), losses and breakevens', () => {
    expect(m).toMatchObject({ tradeCount: 5, wins: 2, losses: 2, grossProfit: 80, grossLoss: 30 });
    expect(m.winRate).toBeCloseTo(0.4, 12);
  });

  it('profit factor, expectancy, averages, payoff', () => {
    expect(m.profitFactor).toBeCloseTo(80 / 30, 12);
    expect(m.expectancy).toBeCloseTo(10, 12);
    expect(m.expectancyPct).toBeCloseTo(0.01, 12);
    expect(m.avgWin).toBeCloseTo(40, 12);
    expect(m.avgLoss).toBeCloseTo(-15, 12);
    expect(m.payoffRatio).toBeCloseTo(40 / 15, 12);
    expect(m.avgBarsHeld).toBeCloseTo(3, 12);
  });

  it('exit reason breakdown and exposure', () => {
    expect(m.exitReasons).toEqual({ gap_stop: 1, stop: 1, target: 2, time_stop: 1, end_of_data: 0 });
    expect(m.exposure).toBeCloseTo(0.5, 12);
    expect(m.timeInMarket).toBeCloseTo(0.75, 12);
  });

  it('reports a null profit factor without losses and null averages without trades', () => {
    const noLoss = computeMetrics({
      dates: [day(0)],
      equity: [1],
      trades: [{ pnl: 10, pnlPct: 0.1, barsHeld: 1, exitReason: 'target' }],
    });
    expect(noLoss.profitFactor).toBeNull();
    expect(noLoss.avgLoss).toBeNull();
    expect(noLoss.winRate).toBe(1);
    const none = computeMetrics({ dates: [day(0)], equity: [1] });
    expect(none).toMatchObject({ tradeCount: 0, winRate: null, profitFactor: null, expectancy: null, avgBarsHeld: null, exposure: null });
  });
});

describe('buyAndHold', () => {
  it('scales by the benchmark close and carries missing dates forward', () => {
    const b = series('SPY', [
      [50, 50, 50, 50],
      [55, 55, 55, 55],
      [60, 60, 60, 60],
    ], 0, [0, 1, 3]);
    expect([...buyAndHold(b, dates4, 1000)]).toEqual([1000, 1100, 1100, 1200]);
  });

  it('holds cash until the benchmark has its first bar', () => {
    const b = series('SPY', [
      [20, 20, 20, 20],
      [25, 25, 25, 25],
    ], 2);
    expect([...buyAndHold(b, dates4, 1000)]).toEqual([1000, 1000, 1000, 1250]);
  });
});

describe('percentiles (linear interpolation between closest ranks)', () => {
  it('matches hand values', () => {
    const xs = [1, 2, 3, 4, 5];
    expect(percentileSorted(xs, 25)).toBe(2); // h = 4·0.25 = 1
    expect(percentileSorted(xs, 5)).toBeCloseTo(1.2, 12); // h = 0.2
    expect(percentileSorted(xs, 95)).toBeCloseTo(4.8, 12); // h = 3.8
    expect(percentileSorted([10, 20], 50)).toBe(15);
    expect(percentileSorted([7], 95)).toBe(7);
    expect(percentileSorted([], 50)).toBeNaN();
    expect(percentilesOf([0, 100])).toEqual({ p5: 5, p25: 25, p50: 50, p75: 75, p95: 95 });
  });
});
