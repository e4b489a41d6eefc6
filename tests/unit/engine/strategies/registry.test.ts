import { describe, expect, it } from 'vitest';
import { sliceSeries } from '../../../../src/engine/bars.js';
import { IndicatorCache } from '../../../../src/engine/indicators/index.js';
import { STRATEGY_IDS } from '../../../../src/engine/signal.js';
import {
  findLatestSignal,
  findSignals,
  STRATEGIES,
  StrategyParamError,
  strategyById,
} from '../../../../src/engine/strategies/index.js';
import { loadFixture } from '../fixtures.js';

const spy = loadFixture('SPY');

describe('STRATEGIES registry', () => {
  it('has exactly one definition per StrategyId, keyed by its own id', () => {
    expect(Object.keys(STRATEGIES).sort()).toEqual([...STRATEGY_IDS].sort());
    for (const id of STRATEGY_IDS) {
      const def = STRATEGIES[id];
      expect(def.id).toBe(id);
      expect(def.title.length).toBeGreaterThan(0);
      expect(def.paramHelp).toContain('lookback (');
    }
  });

  it('strategyById dispatches on a run-time id and rejects unknown ones', () => {
    const def = strategyById('turtle_soup');
    expect(def).toBe(STRATEGIES.turtle_soup);
    const params = def.parseParams(['lookback=10', 'minBarsSinceLow=2']);
    expect(def.signals(spy, params)).toEqual(STRATEGIES.turtle_soup.signals(spy, { ...STRATEGIES.turtle_soup.defaults, lookback: 10, minBarsSinceLow: 2 }));
    expect(() => strategyById('donchain')).toThrow("unknown strategy 'donchain'; valid: donchian, turtle_soup");
    expect(() => strategyById('toString')).toThrow(RangeError); // inherited keys are not strategies
  });

  it('reports where each strategy can first fire', () => {
    expect(STRATEGIES.donchian.firstValidIndex()).toBe(199); // SMA(200)
    expect(STRATEGIES.donchian.firstValidIndex({ ...STRATEGIES.donchian.defaults, smaPeriod: 20 })).toBe(55); // Donchian(55)
    expect(STRATEGIES.turtle_soup.firstValidIndex({ ...STRATEGIES.turtle_soup.defaults, smaPeriod: 5 })).toBe(20);
  });
});

describe('findSignals / findLatestSignal', () => {
  it('use the defaults when no params are given', () => {
    expect(findSignals(spy, 'donchian')).toEqual(STRATEGIES.donchian.signals(spy));
    expect(findSignals(spy, 'turtle_soup')).toEqual(STRATEGIES.turtle_soup.signals(spy));
  });

  it('apply partial overrides', () => {
    const loose = findSignals(spy, 'donchian', { lookback: 20 });
    expect(loose).toEqual(STRATEGIES.donchian.signals(spy, { ...STRATEGIES.donchian.defaults, lookback: 20 }));
    expect(loose.length).toBeGreaterThan(findSignals(spy, 'donchian').length);
  });

  it('validate overrides', () => {
    expect(() => findSignals(spy, 'turtle_soup', { maxIbs: 2 })).toThrow(StrategyParamError);
  });

  it('share indicator columns through a cache without changing results', () => {
    const cache = new IndicatorCache(spy);
    const a = findSignals(spy, 'donchian', undefined, cache);
    const b = findSignals(spy, 'turtle_soup', undefined, cache);
    expect(a).toEqual(findSignals(spy, 'donchian'));
    expect(b).toEqual(findSignals(spy, 'turtle_soup'));
    expect(cache.sma(200)).toBe(cache.sma(200)); // memoised, not recomputed
  });

  it('findLatestSignal reports the last bar only', () => {
    const all = findSignals(spy, 'donchian');
    const last = all.at(-1)!;
    expect(findLatestSignal(sliceSeries(spy, last.index + 1), 'donchian')).toEqual(last);
    // The full series ends on a bar that is not a signal.
    expect(all.some((s) => s.index === spy.close.length - 1)).toBe(false);
    expect(findLatestSignal(spy, 'donchian')).toBeNull();
  });
});

describe('signalIndices / signalAt', () => {
  it('list exactly the signal bars and rebuild each signal', () => {
    for (const id of STRATEGY_IDS) {
      const def = STRATEGIES[id];
      const sigs = def.signals(spy);
      const idx = def.signalIndices(spy);
      expect(idx).toBeInstanceOf(Int32Array);
      expect(Array.from(idx)).toEqual(sigs.map((s) => s.index));
      for (const s of sigs) expect(def.signalAt(spy, s.index)).toEqual(s);
      // A bar that is not a signal, and indices outside the series.
      const quiet = sigs.length > 0 ? sigs[0]!.index - 1 : 0;
      if (!idx.includes(quiet)) expect(def.signalAt(spy, quiet)).toBeNull();
      expect(def.signalAt(spy, -1)).toBeNull();
      expect(def.signalAt(spy, spy.close.length)).toBeNull();
      expect(def.signalAt(spy, 1.5)).toBeNull();
    }
  });

  it('return plain JSON-serialisable signals', () => {
    const [sig] = STRATEGIES.donchian.signals(spy);
    expect(JSON.parse(JSON.stringify(sig))).toEqual(sig);
    expect({ ...sig }).toEqual(sig);
    expect(structuredClone(sig)).toEqual(sig);
  });
});
