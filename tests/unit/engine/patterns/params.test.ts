import { describe, expect, it } from 'vitest';
import {
  BOLLINGER_SQUEEZE,
  DONCHIAN_FAMILY,
  FAMILY_IDS,
  familyById,
  GAP_DOWN_REVERSAL,
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
import { DONCHIAN_DEFAULTS, TURTLE_SOUP_DEFAULTS } from '../../../../src/engine/strategies/index.js';
import { StrategyParamError } from '../../../../src/engine/strategies/params.js';

describe('pattern family params', () => {
  it.each(FAMILY_IDS)('%s: defaults are valid and parseParams([]) returns them', (id) => {
    const f = PATTERN_FAMILIES[id];
    expect(f.validateParams({ ...f.defaults })).toEqual(f.defaults);
    expect(f.parseParams([])).toEqual(f.defaults);
    expect(f.firstValidIndex()).toBeGreaterThanOrEqual(0);
  });

  it.each(FAMILY_IDS)('%s: refuses an unknown key, listing the valid ones', (id) => {
    const f = PATTERN_FAMILIES[id];
    expect(() => f.parseParams(['bogus=1'])).toThrow(StrategyParamError);
    expect(() => f.validateParams({ ...f.defaults, bogus: 1 })).toThrow(/unknown parameter.*bogus.*Valid parameters:/);
  });

  it.each([
    ['momentum lookback 0', () => MOMENTUM.resolveParams({ lookback: 0 }), /lookback=0 is invalid/],
    ['momentum fractional lookback', () => MOMENTUM.parseParams(['lookback=2.5']), /lookback=2.5 is invalid/],
    ['momentum non-positive threshold', () => MOMENTUM.resolveParams({ minChangePct: 0 }), /minChangePct=0/],
    ['RSI threshold 100', () => RSI_OVERSOLD.resolveParams({ maxRsi: 100 }), /maxRsi=100 is invalid/],
    ['IBS above 1', () => IBS_LOW.parseParams(['max_ibs=1.5']), /maxIbs=1.5 is invalid/],
    ['volume ratio 1', () => VOLUME_SPIKE.resolveParams({ minVolumeRatio: 1 }), /minVolumeRatio=1 is invalid/],
    ['text for a number', () => VOLUME_SPIKE.parseParams(['volumePeriod=abc']), /volumePeriod=abc is invalid/],
    ['NR1', () => NR_BREAKOUT.resolveParams({ nrBars: 1 }), /nrBars=1 is invalid/],
    ['trading day 11', () => TURN_OF_MONTH.parseParams(['tradingDay=11']), /tradingDay=11 is invalid/],
    ['Bollinger period 1', () => BOLLINGER_SQUEEZE.resolveParams({ period: 1 }), /period=1 is invalid/],
    ['Bollinger zero width', () => BOLLINGER_SQUEEZE.parseParams(['std_devs=0']), /stdDevs=0 is invalid/],
    ['squeeze over 1 bar', () => BOLLINGER_SQUEEZE.resolveParams({ squeezeLookback: 1 }), /squeezeLookback=1 is invalid/],
    ['fractional squeeze window', () => BOLLINGER_SQUEEZE.parseParams(['squeezeLookback=2.5']), /squeezeLookback=2.5 is invalid/],
    ['zero gap', () => GAP_DOWN_REVERSAL.resolveParams({ minGapPct: 0 }), /minGapPct=0 is invalid/],
    ['Donchian lookback 0', () => DONCHIAN_FAMILY.parseParams(['lookback=0']), /lookback=0 is invalid/],
    ['Turtle Soup low older than its window', () => TURTLE_SOUP_FAMILY.resolveParams({ lookback: 3, minBarsSinceLow: 4 }), /minBarsSinceLow: must be <= lookback/],
    ['fast not below slow', () => MA_CROSS.resolveParams({ fastPeriod: 50, slowPeriod: 50 }), /fastPeriod: must be below slowPeriod/],
  ])('refuses %s', (_name, call, message) => {
    expect(call).toThrow(StrategyParamError);
    expect(call).toThrow(message);
  });

  it('accepts chat-style keys and null for an optional filter', () => {
    expect(IBS_LOW.parseParams(['sma_period=none', 'max-ibs=0.1'])).toEqual({ maxIbs: 0.1, smaPeriod: null });
  });

  it('the new families default as specified; the Kobe families default as their strategies', () => {
    expect(BOLLINGER_SQUEEZE.defaults).toEqual({ period: 20, stdDevs: 2, squeezeLookback: 120 });
    expect(GAP_DOWN_REVERSAL.defaults).toEqual({ minGapPct: 2 });
    expect(DONCHIAN_FAMILY.defaults).toEqual(DONCHIAN_DEFAULTS);
    expect(TURTLE_SOUP_FAMILY.defaults).toEqual(TURTLE_SOUP_DEFAULTS);
    expect(TURTLE_SOUP_FAMILY.parseParams(['max_ibs=0.5'])).toEqual({ ...TURTLE_SOUP_DEFAULTS, maxIbs: 0.5 });
  });

  it('registry order: the first nine, then Bollinger squeeze, gap-down reversal and the two Kobe strategies', () => {
    expect(FAMILY_IDS.slice(9)).toEqual(['bollinger_squeeze', 'gap_down_reversal', 'donchian', 'turtle_soup']);
    expect(FAMILY_IDS).toHaveLength(13);
  });

  it('familyById refuses an unknown id, listing the valid ones', () => {
    expect(familyById('momentum')).toBe(PATTERN_FAMILIES.momentum);
    expect(familyById('donchian')).toBe(PATTERN_FAMILIES.donchian);
    expect(() => familyById('donchain')).toThrow(/unknown pattern family 'donchain'; valid: momentum.*turtle_soup$/);
    expect(() => familyById('toString')).toThrow(RangeError);
  });
});
