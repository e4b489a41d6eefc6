import { describe, expect, it } from 'vitest';
import { toChartJsConfig, type ChartJsConfig } from '../../../../src/adapters/charts/chartjs-config.js';
import { DOWN_COLOR, FLAT_COLOR, LEVEL_COLORS, UP_COLOR } from '../../../../src/adapters/charts/theme.js';
import { candleSpec, equitySpec, pnlSpec } from './helpers/fixtures.js';

/** Loose view for poking at nested JSON in assertions. */
type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const loose = (c: ChartJsConfig): Loose => c as unknown as Loose;

describe('toChartJsConfig: candles (financial)', () => {
  const spec = candleSpec();
  const cfg = loose(toChartJsConfig(spec));

  it('is plain JSON: survives a stringify round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(cfg))).toEqual(cfg);
    expect(JSON.stringify(cfg)).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('uses the candlestick type on a category axis of the bar dates', () => {
    expect(cfg.type).toBe('candlestick');
    // One blank slot after the last bar keeps the last candle whole (candles-config.test.ts).
    expect(cfg.data.labels).toEqual([...spec.bars.map((b) => b.date), '']);
    expect(cfg.options.scales.x.type).toBe('category');
    const candles = cfg.data.datasets[0];
    expect(candles.type).toBe('candlestick');
    expect(candles.data).toHaveLength(120);
    const b = spec.bars[3]!;
    expect(candles.data[3]).toEqual({ x: 3, o: b.o, h: b.h, l: b.l, c: b.c });
    expect(candles.backgroundColors).toEqual({ up: UP_COLOR, down: DOWN_COLOR, unchanged: FLAT_COLOR });
  });

  it('draws every overlay as a named line aligned to the bars, warm-up as null gaps', () => {
    const lines = cfg.data.datasets.filter((d: Loose) => d.type === 'line');
    expect(lines.map((d: Loose) => d.label)).toEqual(['SMA50', 'Donchian upper', 'Donchian lower']);
    for (const l of lines) expect(l.data).toHaveLength(120);
    const sma = lines[0].data;
    expect(sma[48]).toEqual({ x: 48, y: null });
    expect(sma[49].x).toBe(49);
    expect(sma[49].y).toBeCloseTo(spec.bars.slice(0, 50).reduce((a, b) => a + b.c, 0) / 50, 10);
    // Donchian comes in as a Float64Array with NaN warm-up.
    expect(lines[1].data[19]).toEqual({ x: 19, y: null });
    expect(lines[1].data[20].y).toBe(Math.max(...spec.bars.slice(0, 20).map((b) => b.h)));
    expect(lines[1].borderDash).toEqual([5, 4]);
    expect(cfg.options.plugins.legend.display).toBe(true);
  });

  it('adds one horizontal annotation per level with the default label and colour', () => {
    const ann = cfg.options.plugins.annotation.annotations;
    const levels = Object.values(ann).filter((a: any) => a.type === 'line') as Loose[];
    expect(levels).toHaveLength(3);
    const stop = levels.find((l) => l.borderColor === LEVEL_COLORS.stop)!;
    const stopPrice = spec.levels![1]!.price;
    expect(stop).toMatchObject({ scaleID: 'y', value: stopPrice });
    expect(stop.label).toMatchObject({ display: true, content: `Stop ${stopPrice.toFixed(2)}`, backgroundColor: LEVEL_COLORS.stop });
    expect(levels.map((l) => l.label.content.split(' ')[0])).toEqual(['Entry', 'Stop', 'Target']);
  });

  it('honours custom level labels/colours and the watermark', () => {
    const c = loose(
      toChartJsConfig(candleSpec({ levels: [{ role: 'other', price: 101, label: 'Breakout', color: '#123456' }], watermark: 'DEMO' })),
    );
    const ann = c.options.plugins.annotation.annotations;
    expect(ann.level0_other).toMatchObject({ value: 101, borderColor: '#123456', label: { content: 'Breakout' } });
    expect(ann.watermark).toMatchObject({ type: 'label', content: 'DEMO' });
    const none = loose(toChartJsConfig(candleSpec({ watermark: undefined, levels: [] })));
    expect(none.options.plugins.annotation.annotations).toEqual({});
  });

  it('is static: no animation, not responsive', () => {
    expect(cfg.options).toMatchObject({ animation: false, responsive: false });
  });
});

describe('toChartJsConfig: candles (floating, for stock QuickChart)', () => {
  const spec = candleSpec();
  const cfg = loose(toChartJsConfig(spec, { candleStyle: 'floating' }));

  it('uses only built-in bar datasets: wicks low–high and bodies open–close', () => {
    expect(cfg.type).toBe('bar');
    const [wicks, bodies] = cfg.data.datasets;
    expect(wicks.type).toBe('bar');
    expect(bodies.type).toBe('bar');
    spec.bars.forEach((b, i) => {
      expect(wicks.data[i]).toEqual([b.l, b.h]);
      expect(bodies.data[i]).toEqual([Math.min(b.o, b.c), Math.max(b.o, b.c)]);
      const want = b.c > b.o ? UP_COLOR : b.c < b.o ? DOWN_COLOR : FLAT_COLOR;
      expect(bodies.backgroundColor[i]).toBe(want);
    });
    expect(bodies.backgroundColor).toContain(FLAT_COLOR);
    expect(cfg.options.scales.y.beginAtZero).toBe(false);
    expect(JSON.parse(JSON.stringify(cfg))).toEqual(cfg);
  });
});

describe('toChartJsConfig: line with lower panel', () => {
  const spec = equitySpec();
  const cfg = loose(toChartJsConfig(spec));

  it('stacks a drawdown axis under the equity axis', () => {
    expect(cfg.type).toBe('line');
    const { y, yLower } = cfg.options.scales;
    expect(y).toMatchObject({ stack: 'panels', stackWeight: 3 });
    expect(yLower).toMatchObject({ stack: 'panels', stackWeight: 1, title: { text: 'Drawdown %' } });
    const [eq, dd] = cfg.data.datasets;
    expect(eq).toMatchObject({ label: 'Equity', yAxisID: 'y', fill: false });
    expect(dd).toMatchObject({ label: 'Drawdown', yAxisID: 'yLower', fill: 'origin', borderColor: DOWN_COLOR });
    expect(dd.data).toHaveLength(spec.labels.length);
    expect(Math.max(...dd.data)).toBe(0);
  });

  it('without a lower panel has a single y axis', () => {
    const c = loose(toChartJsConfig({ kind: 'line', title: 't', labels: ['a', 'b'], series: [{ name: 's', values: [1, 2] }] }));
    expect(Object.keys(c.options.scales).sort()).toEqual(['x', 'y']);
    expect(c.options.plugins.legend.display).toBe(false);
  });
});

describe('toChartJsConfig: bars', () => {
  it('colours positive green, negative red, zero grey', () => {
    const cfg = loose(toChartJsConfig(pnlSpec()));
    expect(cfg.type).toBe('bar');
    expect(cfg.data.datasets[0].backgroundColor).toEqual([UP_COLOR, DOWN_COLOR, UP_COLOR, FLAT_COLOR, DOWN_COLOR]);
    expect(cfg.options.indexAxis).toBe('x');
  });

  it('horizontal puts categories on y', () => {
    const cfg = loose(toChartJsConfig(pnlSpec({ horizontal: true })));
    expect(cfg.options.indexAxis).toBe('y');
    expect(cfg.options.scales.y.type).toBe('category');
    expect(cfg.options.scales.x.type).toBe('linear');
  });
});
