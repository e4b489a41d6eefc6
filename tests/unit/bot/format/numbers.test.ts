import { describe, expect, it } from 'vitest';
import { MISSING, money, pct, signed } from '../../../../src/bot/format/numbers.js';

describe('number formatting', () => {
  it('money', () => {
    expect(money(1234.5)).toBe('$1,234.50');
    expect(money(-1234.5)).toBe('-$1,234.50');
    expect(money(-0.004)).toBe('$0.00');
    expect(money(12, { signed: true })).toBe('+$12.00');
    expect(money(-12, { signed: true })).toBe('-$12.00');
    expect(money(0, { signed: true })).toBe('$0.00');
    expect(money(-3, { currency: 'EUR' })).toBe('-€3.00');
    expect(money(0.12345, { decimals: 4 })).toBe('$0.1235');
    expect(money(NaN)).toBe(MISSING);
  });

  it('pct takes a fraction', () => {
    expect(pct(0.0231)).toBe('2.31%');
    expect(pct(-0.5)).toBe('-50.00%');
    expect(pct(0.0231, { signed: true })).toBe('+2.31%');
    expect(pct(-0.00001, { signed: true })).toBe('0.00%');
    expect(pct(1.5, { decimals: 0 })).toBe('150%');
    expect(pct(Infinity)).toBe(MISSING);
  });

  it('signed', () => {
    expect(signed(1.254)).toBe('+1.25');
    expect(signed(-0.4)).toBe('-0.40');
    expect(signed(-0.001)).toBe('0.00');
    expect(signed(1234.5, 1)).toBe('+1,234.5');
    expect(signed(-Infinity)).toBe(MISSING);
  });

  it('rejects silly decimals', () => {
    expect(() => money(1, { decimals: -1 })).toThrow(RangeError);
    expect(() => pct(1, { decimals: 1.5 })).toThrow(/integer/);
  });
});
