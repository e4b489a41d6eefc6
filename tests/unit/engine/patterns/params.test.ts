import { describe, expect, it } from 'vitest';
import {
  FAMILY_IDS,
  familyById,
  IBS_LOW,
  MA_CROSS,
  MOMENTUM,
  NR_BREAKOUT,
  PATTERN_FAMILIES,
  RSI_OVERSOLD,
  TURN_OF_MONTH,
  VOLUME_SPIKE,
} from '../../../../src/engine/patterns/index.js';
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
    ['fast not below slow', () => MA_CROSS.resolveParams({ fastPeriod: 50, slowPeriod: 50 }), /fastPeriod: must be below slowPeriod/],
  ])('refuses %s', (_name, call, message) => {
    expect(call).toThrow(StrategyParamError);
    expect(call).toThrow(message);
  });

  it('accepts chat-style keys and null for an optional filter', () => {
    expect(IBS_LOW.parseParams(['sma_period=none', 'max-ibs=0.1'])).toEqual({ maxIbs: 0.1, smaPeriod: null });
  });

  it('familyById refuses an unknown id, listing the valid ones', () => {
    expect(familyById('momentum')).toBe(PATTERN_FAMILIES.momentum);
    expect(() => familyById('donchian')).toThrow(/unknown pattern family 'donchian'; valid: momentum/);
    expect(() => familyById('toString')).toThrow(RangeError);
  });
});
