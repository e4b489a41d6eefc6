import { describe, expect, it } from 'vitest';
import { toSeries } from '../../../../src/engine/bars.js';
import { candlesFromSeries, drawdownPercent, equityChartSpec } from '../../../../src/bot/charts/specs.js';

describe('chart spec builders', () => {
  it('drawdownPercent measures from the running peak and keeps gaps', () => {
    const dd = drawdownPercent([100, 110, 99, null, 121, NaN, 108.9]);
    expect(dd[0]).toBe(0);
    expect(dd[1]).toBe(0);
    expect(dd[2]).toBeCloseTo(-10, 10);
    expect(dd[3]).toBeNull();
    expect(dd[4]).toBe(0);
    expect(dd[5]).toBeNull();
    expect(dd[6]).toBeCloseTo(-10, 10);
  });

  it('equityChartSpec puts drawdown in the lower panel', () => {
    const spec = equityChartSpec({
      title: 'Backtest',
      dates: ['d1', 'd2', 'd3'],
      equity: [100, 120, 90],
      benchmark: { name: 'SPY', values: [100, 105, 101] },
      watermark: 'DEMO',
    });
    expect(spec.series.map((s) => s.name)).toEqual(['Equity', 'SPY']);
    expect(spec.lowerPanel?.series[0]?.values).toEqual([0, 0, -25]);
    expect(spec.watermark).toBe('DEMO');
  });

  it('candlesFromSeries takes the last N bars oldest first', () => {
    const rows = Array.from({ length: 5 }, (_, i) => ({ date: `2024-01-0${i + 1}`, open: i, high: i + 2, low: i - 1, close: i + 1, volume: 0 }));
    const c = candlesFromSeries(toSeries('X', rows), 3);
    expect(c.map((b) => b.date)).toEqual(['2024-01-03', '2024-01-04', '2024-01-05']);
    expect(c[0]).toEqual({ date: '2024-01-03', o: 2, h: 4, l: 1, c: 3 });
    expect(candlesFromSeries(toSeries('X', rows), 50)).toHaveLength(5);
  });
});
