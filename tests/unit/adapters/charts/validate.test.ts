import { describe, expect, it } from 'vitest';
import { toChartJsConfig } from '../../../../src/adapters/charts/chartjs-config.js';
import { ChartSpecError } from '../../../../src/adapters/charts/errors.js';
import type { ChartSpec } from '../../../../src/adapters/charts/port.js';
import { resolveSize } from '../../../../src/adapters/charts/validate.js';
import { candleSpec, makeBars, pnlSpec } from './helpers/fixtures.js';

function specError(spec: ChartSpec): ChartSpecError {
  try {
    toChartJsConfig(spec);
  } catch (err) {
    expect(err).toBeInstanceOf(ChartSpecError);
    return err as ChartSpecError;
  }
  throw new Error('expected a ChartSpecError');
}

describe('spec validation', () => {
  it('defaults to 900×500 at scale 1', () => {
    expect(resolveSize({ title: '' })).toEqual({ width: 900, height: 500, deviceScaleFactor: 1 });
    expect(resolveSize({ title: '', width: 600, height: 400, deviceScaleFactor: 2 })).toEqual({ width: 600, height: 400, deviceScaleFactor: 2 });
  });

  it('rejects out-of-range sizes', () => {
    expect(specError(candleSpec({ deviceScaleFactor: 3 })).message).toMatch(/deviceScaleFactor must be between 1 and 2/);
    expect(specError(candleSpec({ width: 50 })).message).toMatch(/width must be an integer/);
    expect(specError(candleSpec({ height: 500.5 })).message).toMatch(/height/);
  });

  it('names the misaligned overlay and says how to fix it', () => {
    const e = specError(candleSpec({ overlays: [{ name: 'SMA200', values: [1, 2, 3] }] }));
    expect(e.message).toMatch(/overlay "SMA200" has 3 values but there are 120 bars; align it/);
  });

  it('names the bad bar', () => {
    const bars = makeBars(10);
    bars[4] = { ...bars[4]!, h: NaN };
    expect(specError(candleSpec({ bars, overlays: [] })).message).toMatch(`bar 4 (${bars[4]!.date}) has a non-finite price`);
  });

  it('rejects empty data and non-finite levels/values', () => {
    expect(specError(candleSpec({ bars: [], overlays: [] })).message).toMatch(/nothing to chart/);
    expect(specError(candleSpec({ levels: [{ role: 'stop', price: NaN }] })).message).toMatch(/stop level/);
    expect(specError(pnlSpec({ values: [1, 2, Infinity, 4, 5] })).message).toMatch(/finite/);
    expect(specError(pnlSpec({ values: [1] })).message).toMatch(/1 values but there are 5 labels/);
    expect(specError({ kind: 'line', title: '', labels: ['a'], series: [] }).message).toMatch(/at least one series/);
    expect(specError({ kind: 'pie', title: '' } as unknown as ChartSpec).message).toMatch(/unknown chart kind "pie"/);
  });
});
