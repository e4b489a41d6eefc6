import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../../../src/engine/bars.js';
import { IndicatorCache } from '../../../../src/engine/indicators/index.js';
import { type AnyPatternFamily, DONCHIAN_FAMILY, TURTLE_SOUP_FAMILY } from '../../../../src/engine/patterns/index.js';
import {
  DONCHIAN as DONCHIAN_STRATEGY,
  type StrategyDef,
  TURTLE_SOUP as TURTLE_SOUP_STRATEGY,
} from '../../../../src/engine/strategies/index.js';
import { barSeriesArb } from '../indicators/support/bars-arbitrary.js';
import { assertWithSignals } from '../indicators/support/signals-floor.js';

/**
 * The two Kobe strategies as pattern families: the family fires on exactly
 * the bars the strategy emits a signal on, and its figures are the
 * strategy's own (close, stop, target, ATR, score).
 */

const donchianParamsArb = fc
  .record({
    lookback: fc.integer({ min: 1, max: 20 }),
    smaPeriod: fc.integer({ min: 1, max: 40 }),
    atrPeriod: fc.integer({ min: 1, max: 14 }),
    minPrice: fc.constantFrom(0, 5, 50),
    stopAtrMult: fc.double({ min: 0.5, max: 4, noNaN: true }),
    targetR: fc.option(fc.double({ min: 0.5, max: 3, noNaN: true }), { nil: null }),
  })
  .map((v) => DONCHIAN_STRATEGY.resolveParams(v));

const turtleParamsArb = fc
  .record({
    lookback: fc.integer({ min: 1, max: 12 }),
    minBarsSinceLow: fc.integer({ min: 1, max: 4 }),
    smaPeriod: fc.integer({ min: 1, max: 15 }),
    minPrice: fc.constantFrom(0, 10),
    atrPeriod: fc.integer({ min: 1, max: 14 }),
    stopAtrMult: fc.double({ min: 0.5, max: 4, noNaN: true }),
    maxIbs: fc.option(fc.double({ min: 0.75, max: 1, noNaN: true }), { nil: null, freq: 1 }),
    targetR: fc.option(fc.double({ min: 0.5, max: 3, noNaN: true }), { nil: null }),
  })
  .map((v) => TURTLE_SOUP_STRATEGY.resolveParams({ ...v, minBarsSinceLow: Math.min(v.minBarsSinceLow, v.lookback) }));

/** Mostly `shape` bars, half on a 0.25 tick (ties), some of the other shape. */
function seriesArb(shape: 'walk' | 'wicky', other: 'walk' | 'wicky'): fc.Arbitrary<BarSeries> {
  return fc.oneof(
    { weight: 3, arbitrary: barSeriesArb({ maxLength: 250, shape }) },
    { weight: 3, arbitrary: barSeriesArb({ maxLength: 250, shape, tick: 0.25 }) },
    { weight: 1, arbitrary: barSeriesArb({ maxLength: 250, shape: other }) },
  );
}

const CASES = [
  {
    name: 'donchian',
    family: DONCHIAN_FAMILY as unknown as AnyPatternFamily,
    strategy: DONCHIAN_STRATEGY as unknown as StrategyDef<object>,
    paramsArb: donchianParamsArb as fc.Arbitrary<object>,
    seriesArb: seriesArb('walk', 'wicky'),
    runs: 150,
  },
  {
    name: 'turtle_soup',
    family: TURTLE_SOUP_FAMILY as unknown as AnyPatternFamily,
    strategy: TURTLE_SOUP_STRATEGY as unknown as StrategyDef<object>,
    paramsArb: turtleParamsArb as fc.Arbitrary<object>,
    seriesArb: seriesArb('wicky', 'walk'),
    // Sweep-and-reclaim is rare: more runs for enough signals.
    runs: 300,
  },
];

describe.each(CASES)('$name family = the Kobe strategy', ({ family, strategy, paramsArb, seriesArb, runs }) => {
  it('has the strategy\'s id, defaults and parameter help', () => {
    expect(family.id).toBe(strategy.id);
    expect(family.defaults).toEqual(strategy.defaults);
    expect(family.paramHelp).toBe(strategy.paramHelp);
    expect(family.firstValidIndex()).toBe(strategy.firstValidIndex());
  });

  it('signalIndices are the indices of the strategy\'s signals, and why carries that signal\'s figures', () => {
    assertWithSignals(runs, (count) =>
      fc.property(seriesArb, paramsArb, (s, p) => {
        const signals = strategy.signals(s, p);
        count(signals.length);
        expect(Array.from(family.signalIndices(s, p))).toEqual(signals.map((x) => x.index));
        // With a cache the strategy's own columns are shared, not rebuilt.
        const cache = new IndicatorCache(s);
        expect(Array.from(family.signalIndices(s, p, cache))).toEqual(signals.map((x) => x.index));
        for (const sig of signals) {
          const w = family.why(s, sig.index, p, cache) as unknown as Record<string, unknown>;
          expect(w).toMatchObject({ family: strategy.id, close: sig.close, stop: sig.stop, target: sig.target, atr: sig.atr, score: sig.score });
        }
        expect(family.firstValidIndex(p)).toBe(strategy.firstValidIndex(p));
      }),
    );
  });
});
