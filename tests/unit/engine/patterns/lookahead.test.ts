import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IndicatorCache } from '../../../../src/engine/indicators/index.js';
import {
  type AnyPatternFamily,
  BOLLINGER_SQUEEZE,
  DONCHIAN_FAMILY,
  DOWN_CLOSES,
  FAMILY_IDS,
  GAP_DOWN_REVERSAL,
  HIGH_BREAKOUT,
  IBS_LOW,
  MA_CROSS,
  MOMENTUM,
  NR_BREAKOUT,
  PATTERN_FAMILIES,
  RSI_OVERSOLD,
  TURN_OF_MONTH,
  TURTLE_SOUP_FAMILY,
  VOLUME_SPIKE,
} from '../../../../src/engine/patterns/index.js';
import type { FamilyId } from '../../../../src/engine/patterns/index.js';
import { barSeriesArb, seriesWithAlteredFutureArb } from '../indicators/support/bars-arbitrary.js';
import { assertWithSignals } from '../indicators/support/signals-floor.js';

/** Short periods so random series of a few hundred bars produce signals. */
const PARAMS: Record<FamilyId, fc.Arbitrary<object>> = {
  momentum: fc
    .record({ lookback: fc.integer({ min: 1, max: 15 }), minChangePct: fc.double({ min: 0.5, max: 15, noNaN: true }) })
    .map((v) => MOMENTUM.resolveParams(v)),
  // A close below the one before yet above its SMA needs a long SMA and a short streak.
  down_closes: fc
    .record({ downCloses: fc.integer({ min: 1, max: 3 }), smaPeriod: fc.integer({ min: 8, max: 40 }) })
    .map((v) => DOWN_CLOSES.resolveParams(v)),
  rsi_oversold: fc
    .record({
      rsiPeriod: fc.integer({ min: 1, max: 5 }),
      maxRsi: fc.double({ min: 5, max: 50, noNaN: true }),
      smaPeriod: fc.integer({ min: 1, max: 30 }),
    })
    .map((v) => RSI_OVERSOLD.resolveParams(v)),
  ibs_low: fc
    .record({
      maxIbs: fc.double({ min: 0.05, max: 0.5, noNaN: true }),
      smaPeriod: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }),
    })
    .map((v) => IBS_LOW.resolveParams(v)),
  high_breakout: fc.integer({ min: 1, max: 40 }).map((lookback) => HIGH_BREAKOUT.resolveParams({ lookback })),
  volume_spike: fc
    .record({ volumePeriod: fc.integer({ min: 1, max: 20 }), minVolumeRatio: fc.double({ min: 1.05, max: 3, noNaN: true }) })
    .map((v) => VOLUME_SPIKE.resolveParams(v)),
  ma_cross: fc
    .tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 20 }))
    .map(([fast, extra]) => MA_CROSS.resolveParams({ fastPeriod: fast, slowPeriod: fast + extra })),
  nr_breakout: fc.integer({ min: 2, max: 9 }).map((nrBars) => NR_BREAKOUT.resolveParams({ nrBars })),
  // The arbitrary's bars are consecutive calendar days, so months turn every ~30 bars.
  turn_of_month: fc.integer({ min: 1, max: 10 }).map((tradingDay) => TURN_OF_MONTH.resolveParams({ tradingDay })),
  bollinger_squeeze: fc
    .record({
      period: fc.integer({ min: 2, max: 20 }),
      stdDevs: fc.double({ min: 0.5, max: 3, noNaN: true }),
      squeezeLookback: fc.integer({ min: 2, max: 30 }),
    })
    .map((v) => BOLLINGER_SQUEEZE.resolveParams(v)),
  gap_down_reversal: fc
    .double({ min: 0.05, max: 2, noNaN: true })
    .map((minGapPct) => GAP_DOWN_REVERSAL.resolveParams({ minGapPct })),
  donchian: fc
    .record({
      lookback: fc.integer({ min: 1, max: 20 }),
      smaPeriod: fc.integer({ min: 1, max: 40 }),
      atrPeriod: fc.integer({ min: 1, max: 14 }),
      stopAtrMult: fc.double({ min: 0.5, max: 4, noNaN: true }),
      targetR: fc.option(fc.double({ min: 0.5, max: 3, noNaN: true }), { nil: null }),
    })
    .map((v) => DONCHIAN_FAMILY.resolveParams({ ...v, minPrice: 0 })),
  // Ranges where a sweep and reclaim fires on a few hundred wicky bars.
  turtle_soup: fc
    .record({
      lookback: fc.integer({ min: 1, max: 12 }),
      minBarsSinceLow: fc.integer({ min: 1, max: 4 }),
      smaPeriod: fc.integer({ min: 1, max: 15 }),
      atrPeriod: fc.integer({ min: 1, max: 14 }),
      // Reclaim bars close high in their range, so a low cap would veto almost everything.
      maxIbs: fc.option(fc.double({ min: 0.75, max: 1, noNaN: true }), { nil: null, freq: 1 }),
      targetR: fc.option(fc.double({ min: 0.5, max: 3, noNaN: true }), { nil: null }),
    })
    .map((v) => TURTLE_SOUP_FAMILY.resolveParams({ ...v, minBarsSinceLow: Math.min(v.minBarsSinceLow, v.lookback), minPrice: 0 })),
};

/** Half the series on a 0.25 tick: equal closes and highs make the tie cases common. */
function arbs(shape: 'walk' | 'wicky') {
  return {
    alteredArb: fc.oneof(
      seriesWithAlteredFutureArb({ maxLength: 250, tick: 0, shape }),
      seriesWithAlteredFutureArb({ maxLength: 250, tick: 0.25, shape }),
    ),
    seriesArb: fc.oneof(barSeriesArb({ maxLength: 200, shape }), barSeriesArb({ maxLength: 200, tick: 0.25, shape })),
  };
}
const WALK = arbs('walk');
/** A plain walk almost never sweeps a prior low and closes back above it; wicky bars do. */
const SERIES: Partial<Record<FamilyId, ReturnType<typeof arbs>>> = { turtle_soup: arbs('wicky') };

/**
 * The shared arbitrary's walks hold flat for long stretches (fast-check biases
 * doubles towards 0), so lower-close streaks above an SMA, opens well under the
 * prior close and (on wicky bars) sweeps and reclaims are rare: more runs.
 */
const RUN_SCALE: Partial<Record<FamilyId, number>> = { down_closes: 4, turtle_soup: 2, gap_down_reversal: 4 };

const CASES = FAMILY_IDS.map((id) => ({
  id,
  family: PATTERN_FAMILIES[id] as AnyPatternFamily,
  paramsArb: PARAMS[id],
  ...(SERIES[id] ?? WALK),
  scale: RUN_SCALE[id] ?? 1,
}));

describe.each(CASES)('$id: properties', ({ family, paramsArb, alteredArb, seriesArb, scale }) => {
  it('no lookahead: changing every bar after t never changes the signals at or before t, nor why(t)', () => {
    assertWithSignals(150 * scale, (count) =>
      fc.property(alteredArb, paramsArb, ({ original, altered, t }, p) => {
        const a = Array.from(family.signalIndices(original, p)).filter((i) => i <= t);
        const b = Array.from(family.signalIndices(altered, p)).filter((i) => i <= t);
        count(a.length);
        expect(b).toEqual(a);
        expect(family.why(altered, t, p)).toEqual(family.why(original, t, p));
      }),
    );
  });

  it('why(t) is non-null exactly on the signal bars, with or without a shared cache', () => {
    assertWithSignals(60 * scale, (count) =>
      fc.property(seriesArb, paramsArb, (s, p) => {
        const hits = new Set(family.signalIndices(s, p));
        count(hits.size);
        const cache = new IndicatorCache(s);
        expect(Array.from(family.signalIndices(s, p, cache))).toEqual([...hits]);
        for (let t = 0; t < s.close.length; t++) {
          const w = family.why(s, t, p, cache);
          expect(w !== null).toBe(hits.has(t));
          if (w !== null) expect(w.family).toBe(family.id);
        }
        for (const t of hits) expect(t).toBeGreaterThanOrEqual(family.firstValidIndex(p));
      }),
    );
  });
});
