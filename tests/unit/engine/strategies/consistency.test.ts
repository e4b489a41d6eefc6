import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BarSeries, sliceSeries } from '../../../../src/engine/bars.js';
import { IndicatorCache } from '../../../../src/engine/indicators/index.js';
import type { Signal } from '../../../../src/engine/signal.js';
import { DONCHIAN, type StrategyDef, TURTLE_SOUP } from '../../../../src/engine/strategies/index.js';
import { loadFixture } from '../fixtures.js';
import { barSeriesArb, seriesWithAlteredFutureArb } from '../indicators/support/bars-arbitrary.js';
import { assertWithSignals } from '../indicators/support/signals-floor.js';

/** Small periods so random series of a few hundred bars actually produce signals. */
const donchianParamsArb = fc
  .record({
    lookback: fc.integer({ min: 2, max: 20 }),
    smaPeriod: fc.integer({ min: 2, max: 40 }),
    atrPeriod: fc.integer({ min: 1, max: 14 }),
    stopAtrMult: fc.double({ min: 0.5, max: 4, noNaN: true }),
    targetR: fc.option(fc.double({ min: 0.5, max: 3, noNaN: true }), { nil: null }),
  })
  .map((v) => DONCHIAN.resolveParams({ ...v, minPrice: 0 }));

/** Ranges where a sweep and reclaim plausibly fires on a few hundred wicky bars. */
const turtleParamsArb = fc
  .record({
    lookback: fc.integer({ min: 2, max: 12 }),
    minBarsSinceLow: fc.integer({ min: 1, max: 4 }),
    smaPeriod: fc.integer({ min: 2, max: 15 }),
    atrPeriod: fc.integer({ min: 1, max: 14 }),
    // Reclaim bars close high in their range, so a low cap would veto almost everything.
    maxIbs: fc.option(fc.double({ min: 0.75, max: 1, noNaN: true }), { nil: null, freq: 1 }),
  })
  .map((v) => TURTLE_SOUP.resolveParams({ ...v, minBarsSinceLow: Math.min(v.minBarsSinceLow, v.lookback), minPrice: 0 }));

type AnyDef = StrategyDef<object>;
type Altered = { original: BarSeries; altered: BarSeries; t: number };

/** Mostly `shape` bars (half on a 0.25 tick, which makes ties), some of the other shape. */
function mix(shape: 'walk' | 'wicky', other: 'walk' | 'wicky'): [fc.Arbitrary<BarSeries>, fc.Arbitrary<Altered>] {
  const opts = [
    { weight: 3, shape, tick: 0 },
    { weight: 3, shape, tick: 0.25 },
    { weight: 1, shape: other, tick: 0 },
  ];
  return [
    fc.oneof(...opts.map((o) => ({ weight: o.weight, arbitrary: barSeriesArb({ maxLength: 200, shape: o.shape, tick: o.tick }) }))),
    fc.oneof(
      ...opts.map((o) => ({
        weight: o.weight,
        arbitrary: seriesWithAlteredFutureArb({ maxLength: 250, shape: o.shape, tick: o.tick }),
      })),
    ),
  ];
}

// Random walks make breakouts; wicky bars make sweeps and reclaims.
const [walkSeries, walkAltered] = mix('walk', 'wicky');
const [wickySeries, wickyAltered] = mix('wicky', 'walk');

const CASES = [
  {
    name: 'Donchian Breakout',
    def: DONCHIAN as unknown as AnyDef,
    paramsArb: donchianParamsArb as fc.Arbitrary<object>,
    seriesArb: walkSeries,
    alteredArb: walkAltered,
    runs: 150,
  },
  {
    name: 'Turtle Soup',
    def: TURTLE_SOUP as unknown as AnyDef,
    paramsArb: turtleParamsArb as fc.Arbitrary<object>,
    seriesArb: wickySeries,
    alteredArb: wickyAltered,
    // Sweep-and-reclaim is rare (~1% of wicky bars): more runs for enough signals.
    runs: 300,
  },
];

/** Plain data copy, so deep equality compares values only. */
const plain = (xs: Signal[]) => xs.map((x) => ({ ...x, reasons: [...x.reasons] }));
const plainOrNull = (x: Signal | null) => (x === null ? null : plain([x])[0]);

describe.each(CASES)('$name: consistency properties', ({ def, paramsArb, seriesArb, alteredArb, runs }) => {
  it('no lookahead: signals at or before t are identical when every bar after t changes', () => {
    assertWithSignals(runs, (count) =>
      fc.property(alteredArb, paramsArb, ({ original, altered, t }, p) => {
        const a = def.signals(original, p).filter((x) => x.index <= t);
        const b = def.signals(altered, p).filter((x) => x.index <= t);
        count(a.length);
        expect(plain(b)).toEqual(plain(a));
      }),
    );
  });

  it('signalIndices, signalAt, latestSignal and a shared cache all agree with signals', () => {
    assertWithSignals(Math.round(runs / 2), (count) =>
      fc.property(seriesArb, paramsArb, (s, p) => {
        const all = def.signals(s, p);
        count(all.length);
        expect(Array.from(def.signalIndices(s, p))).toEqual(all.map((x) => x.index));
        const cache = new IndicatorCache(s);
        expect(plain(def.signals(s, p, cache))).toEqual(plain(all));
        const byIndex = new Map(all.map((x) => [x.index, x]));
        for (let t = 0; t < s.close.length; t++) {
          const want = plainOrNull(byIndex.get(t) ?? null);
          expect(plainOrNull(def.signalAt(s, t, p, cache))).toEqual(want);
          expect(plainOrNull(def.latestSignal(sliceSeries(s, t + 1), p))).toEqual(want);
        }
      }),
    );
  });
});

describe('latestSignal on every prefix of real SPY bars', () => {
  const spy = loadFixture('SPY');

  function checkPrefixes(def: AnyDef, p: object, s: BarSeries): number {
    const byIndex = new Map(def.signals(s, p).map((x) => [x.index, x]));
    let fired = 0;
    for (let t = 0; t < s.close.length; t++) {
      const latest = def.latestSignal(sliceSeries(s, t + 1), p);
      const want = byIndex.get(t) ?? null;
      if (latest !== null) fired++;
      if ((latest === null) !== (want === null)) expect.fail(`${def.id} at ${t}: latest ${latest?.index}, signals ${want?.index}`);
      if (latest !== null) expect(plainOrNull(latest)).toEqual(plainOrNull(want));
    }
    return fired;
  }

  it('Donchian Breakout (defaults) reproduces every historical signal bar by bar', () => {
    expect(checkPrefixes(DONCHIAN as unknown as AnyDef, DONCHIAN.defaults, spy)).toBeGreaterThan(100);
  });

  it('Turtle Soup (defaults and a looser variant) reproduces every historical signal bar by bar', () => {
    expect(checkPrefixes(TURTLE_SOUP as unknown as AnyDef, TURTLE_SOUP.defaults, spy)).toBeGreaterThan(5);
    const loose = TURTLE_SOUP.resolveParams({ lookback: 10, minBarsSinceLow: 2, smaPeriod: 50 });
    expect(checkPrefixes(TURTLE_SOUP as unknown as AnyDef, loose, spy)).toBeGreaterThan(5);
  });

  it('returns null on a series too short for the warm-up', () => {
    expect(DONCHIAN.latestSignal(sliceSeries(spy, 150))).toBeNull();
    expect(TURTLE_SOUP.latestSignal(sliceSeries(spy, 0))).toBeNull();
  });
});
