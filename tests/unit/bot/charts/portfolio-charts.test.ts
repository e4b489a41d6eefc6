import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../../../src/adapters/charts/validate.js';
import { fillChart, pnlEquityChart, positionsPnlChart } from '../../../../src/bot/charts/portfolio-charts.js';
import { pnl, position, snapshot, summary } from '../views/fixtures.js';

describe('portfolio charts', () => {
  it('positions: one bar per priced position in snapshot order, values in dollars, strategy named only for duplicate symbols', () => {
    const spec = positionsPnlChart(
      snapshot([
        position({ symbol: 'AAA', price: 90 }), // -100
        position({ symbol: 'BBB', price: 101.234 }), // +12.34
        position({ symbol: 'BBB', strategy: 'turtle_soup', price: 100.5 }), // +5
        position({ symbol: 'NOPX', price: null }),
      ]),
    );
    expect(spec).not.toBeNull();
    expect(spec!.labels).toEqual(['AAA', 'BBB (donchian)', 'BBB (turtle_soup)']);
    expect(spec!.values).toEqual([-100, 12.34, 5]);
    expect(spec!.horizontal).toBe(true);
    expect(spec!.title).toBe('Unrealized P&L by position (3)');
    expect(() => validateSpec(spec!)).not.toThrow();
  });

  it('positions: no chart when nothing is priced or nothing is held; height grows with the book but stays valid', () => {
    expect(positionsPnlChart(snapshot([]))).toBeNull();
    expect(positionsPnlChart(snapshot([position({ symbol: 'X', price: null })]))).toBeNull();
    const big = positionsPnlChart(snapshot(Array.from({ length: 80 }, (_, i) => position({ symbol: `S${i}`, price: 100 + i }))));
    expect(big!.height).toBe(2000);
    expect(positionsPnlChart(snapshot([position({ symbol: 'A' })]))!.height).toBe(300);
    expect(() => validateSpec(big!)).not.toThrow();
  });

  it('pnl: equity line over the period dates, flagged when the last point is live; null with fewer than two points', () => {
    const spec = pnlEquityChart(pnl());
    expect(spec!.labels).toEqual(['2025-01-02', '2025-01-03', '2025-01-10']);
    expect(Array.from(spec!.series[0]!.values)).toEqual([100_000, 100_050, 100_100]);
    expect(spec!.title).toBe('Equity · last 5 sessions (last point live)');
    expect(spec!.lowerPanel?.label).toBe('Drawdown %');
    expect(() => validateSpec(spec!)).not.toThrow();
    expect(pnlEquityChart(pnl({ equity: { points: [{ date: '2025-01-10', equity: 1, live: true }], change: null, since: '2025-01-10' } }))).toBeNull();
  });

  it('fill: null without candles or without a fill', () => {
    const candles = [{ date: '2025-01-10', o: 1, h: 2, l: 0.5, c: 1.5 }];
    const ctx = { stop: null, plannedEntry: null, demo: false, candles, positionQty: null };
    expect(fillChart(summary(), { ...ctx, candles: [] })).toBeNull();
    expect(fillChart(summary({ filledQty: 0, avgFillPrice: null }), ctx)).toBeNull();
    // Without a stop only the fill is drawn.
    expect(fillChart(summary(), ctx)!.levels!.map((l) => l.role)).toEqual(['entry']);
  });
});
