import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPrice, iocLimitPriceFromAsk, isOnTick, roundToTick, tickSize } from '../../../src/engine/tick.js';
import { iocLimitPriceFromAsk as fromAlpacaModule } from '../../../src/adapters/brokers/alpaca/index.js';

describe('tick size', () => {
  it('is $0.01 at or above $1 and $0.0001 below', () => {
    expect(tickSize(1)).toBe(0.01);
    expect(tickSize(250.5)).toBe(0.01);
    expect(tickSize(0.9999)).toBe(0.0001);
    expect(tickSize(0.05)).toBe(0.0001);
  });
});

describe('roundToTick', () => {
  it.each([
    // price, mode, expected
    [100.123, 'nearest', 100.12],
    [100.125, 'up', 100.13],
    [100.129, 'down', 100.12],
    [100.1, 'up', 100.1], // 100.1 / 0.01 is 10009.999999999998 in floating point: must not move
    [100.1, 'down', 100.1],
    [0.12345, 'down', 0.1234],
    [0.12341, 'up', 0.1235],
    [0.99995, 'up', 1],
    [0.99999, 'nearest', 1],
    [1.0049, 'down', 1],
    [1.0000001, 'down', 1],
    [1.001, 'up', 1.01],
    [0.00011, 'down', 0.0001],
  ] as const)('%s rounded %s is %s', (price, mode, expected) => {
    expect(roundToTick(price, mode)).toBe(expected);
  });

  it('refuses non-positive or non-finite prices', () => {
    expect(() => roundToTick(0)).toThrow(RangeError);
    expect(() => roundToTick(-1)).toThrow(RangeError);
    expect(() => roundToTick(Number.NaN)).toThrow(RangeError);
    expect(() => roundToTick(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('always lands on the tick, up never below and down never above the price (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.0001, max: 50_000, noNaN: true }), (p) => {
        const up = roundToTick(p, 'up');
        const down = roundToTick(p, 'down');
        expect(isOnTick(up)).toBe(true);
        expect(isOnTick(down)).toBe(true);
        expect(up).toBeGreaterThanOrEqual(p - 1e-9);
        expect(down).toBeLessThanOrEqual(p + 1e-9);
        expect(up - down).toBeLessThanOrEqual(tickSize(up) + 1e-9);
      }),
    );
  });
});

describe('formatPrice', () => {
  it('prints 2 decimals at or above $1 and 4 below, as the wire expects', () => {
    expect(formatPrice(401.2)).toBe('401.20');
    expect(formatPrice(401.237, 'down')).toBe('401.23');
    expect(formatPrice(0.5)).toBe('0.5000');
    expect(formatPrice(0.123456, 'up')).toBe('0.1235');
    expect(formatPrice(0.99996, 'up')).toBe('1.00');
  });
});

describe('iocLimitPriceFromAsk', () => {
  it.each([
    [100, 100.1],
    [10.01, 10.03], // 10.02001 rounds UP
    [401.2, 401.61], // 401.6012
    [25, 25.03], // 25.025
    [0.5, 0.5005],
    [0.1234, 0.1236], // 0.1235234
    [0.9995, 1.01], // 1.0004995 crosses $1: the cent tick applies
    [1, 1.01], // 1.001
  ])('ask %s → limit %s', (ask, limit) => {
    expect(iocLimitPriceFromAsk(ask)).toBe(limit);
    expect(fromAlpacaModule(ask)).toBe(limit);
  });

  it('is never below ask × 1.001 and always on the tick (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 20_000, noNaN: true }), (ask) => {
        const limit = iocLimitPriceFromAsk(ask);
        expect(limit).toBeGreaterThanOrEqual(ask * 1.001 - 1e-9);
        expect(isOnTick(limit)).toBe(true);
        expect(limit - ask * 1.001).toBeLessThan(tickSize(limit) + 1e-9);
      }),
    );
  });

  it('refuses a missing ask', () => {
    expect(() => iocLimitPriceFromAsk(0)).toThrow(RangeError);
    expect(() => iocLimitPriceFromAsk(Number.NaN)).toThrow(RangeError);
  });
});
