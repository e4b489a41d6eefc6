import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../../../src/engine/bars.js';
import {
  atr,
  atrAt,
  donchianLowerAt,
  donchianLowerWithIndex,
  donchianUpper,
  donchianUpperAt,
  sma,
  smaAt,
} from '../../../../src/engine/indicators/index.js';
import { loadFixture } from '../fixtures.js';
import { barSeriesArb } from './support/bars-arbitrary.js';

/** The *At evaluators feed latestSignal, so they must equal the columns exactly, not approximately. */
function expectPointsMatchColumns(s: BarSeries, n: number): void {
  const smaCol = sma(s.close, n);
  const atrCol = atr(s.high, s.low, s.close, n);
  const up = donchianUpper(s.high, n);
  const dl = donchianLowerWithIndex(s.low, n);
  for (let t = 0; t < s.close.length; t++) {
    const lower = donchianLowerAt(s.low, n, t);
    const ok =
      Object.is(smaAt(s.close, n, t), smaCol[t]) &&
      Object.is(atrAt(s.high, s.low, s.close, n, t), atrCol[t]) &&
      Object.is(donchianUpperAt(s.high, n, t), up[t]) &&
      Object.is(lower.lower, dl.lower[t]) &&
      lower.lowerIndex === dl.lowerIndex[t];
    if (!ok) expect.fail(`point evaluator differs from column at t=${t}, n=${n}`);
  }
}

describe('point evaluators equal the batch columns bit for bit', () => {
  it('on real SPY bars (several rebase cycles of SMA(200))', () => {
    const spy = loadFixture('SPY');
    for (const n of [1, 14, 20, 55, 200]) expectPointsMatchColumns(spy, n);
  });

  it('on random bars', () => {
    fc.assert(
      fc.property(
        fc.oneof(barSeriesArb({ maxLength: 200 }), barSeriesArb({ maxLength: 200, tick: 1 })),
        fc.integer({ min: 1, max: 30 }),
        expectPointsMatchColumns,
      ),
      { numRuns: 60 },
    );
  });

  it('return NaN / -1 outside the valid range', () => {
    const s = loadFixture('GL');
    expect(smaAt(s.close, 20, 18)).toBeNaN();
    expect(smaAt(s.close, 20, s.close.length)).toBeNaN();
    expect(atrAt(s.high, s.low, s.close, 14, 12)).toBeNaN();
    expect(donchianUpperAt(s.high, 20, 19)).toBeNaN();
    expect(donchianLowerAt(s.low, 20, 19)).toEqual({ lower: Number.NaN, lowerIndex: -1 });
  });
});
