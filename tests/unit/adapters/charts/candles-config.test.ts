/**
 * The candle chart's right edge and its signal marker (issue 13, item 13: "the signal candle is
 * clipped at the chart's right edge with no marker"), in both candle styles: one blank category
 * after the last bar keeps the last candle whole, and `signalIndex` marks its candle with a
 * shaded box and a "Signal" label.
 */
import { describe, expect, it } from 'vitest';
import { toChartJsConfig, type ChartJsConfig, type CandleStyle } from '../../../../src/adapters/charts/chartjs-config.js';
import { candleSpec } from './helpers/fixtures.js';

/** Loose view for poking at nested JSON in assertions. */
type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const loose = (c: ChartJsConfig): Loose => c as unknown as Loose;
const STYLES: CandleStyle[] = ['financial', 'floating'];

describe.each(STYLES)('candle chart (%s)', (candleStyle) => {
  it('leaves one blank slot after the last bar, so the last candle is drawn whole', () => {
    const spec = candleSpec();
    const cfg = loose(toChartJsConfig(spec, { candleStyle }));
    expect(cfg.data.labels).toEqual([...spec.bars.map((b) => b.date), '']);
    // The data still sits on the bars' slots: nothing is drawn in the blank one.
    for (const d of cfg.data.datasets) expect(d.data).toHaveLength(spec.bars.length);
  });

  it('marks the signal candle with a box over its slot and a "Signal" label', () => {
    const spec = candleSpec({ signalIndex: 119 });
    const ann = loose(toChartJsConfig(spec, { candleStyle })).options.plugins.annotation.annotations;
    expect(ann.signal).toMatchObject({ type: 'box', xScaleID: 'x', xMin: 118.5, xMax: 119.5, label: { display: true, content: 'Signal' } });
    // A box with no y bounds spans the whole price range; drawn under the candles so it does not hide them.
    expect(ann.signal.yMin).toBeUndefined();
    expect(ann.signal.drawTime).toBe('beforeDatasetsDraw');
    // The levels and the watermark are still there.
    expect(Object.keys(ann).sort()).toEqual(['level0_entry', 'level1_stop', 'level2_target', 'signal', 'watermark']);
    expect(JSON.parse(JSON.stringify(ann))).toEqual(ann);
  });

  it('marks a signal candle that is not the last one where it is', () => {
    const ann = loose(toChartJsConfig(candleSpec({ signalIndex: 40 }), { candleStyle })).options.plugins.annotation.annotations;
    expect(ann.signal).toMatchObject({ xMin: 39.5, xMax: 40.5 });
  });

  it('draws no marker without a signal, or for an index outside the bars', () => {
    for (const signalIndex of [undefined, -1, 120, 2.5]) {
      const spec = candleSpec(signalIndex === undefined ? {} : { signalIndex });
      const ann = loose(toChartJsConfig(spec, { candleStyle })).options.plugins.annotation.annotations;
      expect(ann.signal, String(signalIndex)).toBeUndefined();
    }
  });
});
