import { describe, expect, it } from 'vitest';
import {
  CurrencyMismatchError,
  MoneyAmountError,
  addMoney,
  compareMoney,
  formatMoney,
  money,
  roundKrw,
  subtractMoney,
  sumByCurrency,
} from '../../../src/lib/money.js';

const usd = (n: number) => money(n, 'USD');
const krw = (n: number) => money(n, 'KRW');

describe('formatMoney', () => {
  it('prints won with separators and no decimals', () => {
    expect(formatMoney(krw(1_234_567))).toBe('₩1,234,567');
    expect(formatMoney(krw(-1_234_567))).toBe('-₩1,234,567');
    expect(formatMoney(krw(0))).toBe('₩0');
    expect(formatMoney(krw(-0))).toBe('₩0');
  });

  it('prints dollars as the bot does today: "$1,234.57", "-$1,234.57"', () => {
    expect(formatMoney(usd(1_234.567))).toBe('$1,234.57');
    expect(formatMoney(usd(-1_234.567))).toBe('-$1,234.57');
    expect(formatMoney(usd(1.005))).toBe('$1.01');
    expect(formatMoney(usd(0.5))).toBe('$0.50');
    expect(formatMoney(usd(-0.001))).toBe('$0.00');
  });
});

describe('KRW amounts', () => {
  it('are whole won: a fraction is rejected with the fix, not rounded', () => {
    expect(() => krw(1_000.5)).toThrow(MoneyAmountError);
    expect(() => krw(1_000.5)).toThrow(/roundKrw\(1000.5, 'floor'\)/);
    expect(() => usd(Number.NaN)).toThrow(MoneyAmountError);
    expect(Object.is(krw(-0).amount, 0)).toBe(true);
  });

  it('round on purpose with roundKrw, ignoring float noise', () => {
    expect(roundKrw(10.50525, 'floor')).toBe(10);
    expect(roundKrw(10.2, 'ceil')).toBe(11);
    expect(roundKrw(10.5, 'round')).toBe(11);
    expect(roundKrw(999.9999999999, 'ceil')).toBe(1_000);
    expect(roundKrw(1_000.0000000001, 'ceil')).toBe(1_000);
  });
});

describe('arithmetic within one currency', () => {
  it('adds, subtracts and compares', () => {
    expect(addMoney(usd(0.1), usd(0.2))).toEqual({ amount: 0.3, currency: 'USD' });
    expect(subtractMoney(krw(10_000), krw(525))).toEqual({ amount: 9_475, currency: 'KRW' });
    expect(compareMoney(usd(1), usd(2))).toBe(-1);
    expect(compareMoney(usd(0.3), addMoney(usd(0.1), usd(0.2)))).toBe(0);
    expect(compareMoney(krw(2), krw(1))).toBe(1);
  });

  it('refuses to mix currencies (no FX source)', () => {
    expect(() => addMoney(usd(1), krw(1))).toThrow(CurrencyMismatchError);
    expect(() => subtractMoney(krw(1), usd(1))).toThrow(/cannot subtract KRW and USD/);
    expect(() => compareMoney(usd(1), krw(1))).toThrow(CurrencyMismatchError);
  });
});

describe('sumByCurrency', () => {
  it('returns one total per currency present', () => {
    expect(sumByCurrency([usd(10.25), krw(5_000), usd(-0.25), krw(1_500)])).toEqual({
      USD: { amount: 10, currency: 'USD' },
      KRW: { amount: 6_500, currency: 'KRW' },
    });
    expect(sumByCurrency([krw(1)])).toEqual({ KRW: { amount: 1, currency: 'KRW' } });
    expect(sumByCurrency([])).toEqual({});
  });
});
