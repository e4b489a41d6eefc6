import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidSymbol } from '../../../../src/adapters/bars/symbols.js';
import { SymbolError, marketOfSymbol, parseSymbol } from '../../../../src/engine/market/index.js';

describe('parseSymbol', () => {
  it('puts six-digit codes on KRX and tickers in the US, normalised', () => {
    expect(parseSymbol('069500')).toEqual({ symbol: '069500', market: 'KR' });
    expect(parseSymbol(' 122630 ')).toEqual({ symbol: '122630', market: 'KR' });
    expect(parseSymbol('spy')).toEqual({ symbol: 'SPY', market: 'US' });
    expect(parseSymbol('BRK.B')).toEqual({ symbol: 'BRK.B', market: 'US' });
    expect(parseSymbol('BF-B')).toEqual({ symbol: 'BF-B', market: 'US' });
    expect(marketOfSymbol('XLK')).toBe('US');
    expect(marketOfSymbol('102110')).toBe('KR');
  });

  it('refuses a five-digit code and suggests the zero-padded KRX code', () => {
    let err: unknown;
    try {
      parseSymbol('69500');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SymbolError);
    expect((err as SymbolError).message).toBe('69500 is not a KRX code: KRX codes have six digits — did you mean 069500?');
    expect((err as SymbolError).code).toBe('krx_five_digits');
    expect((err as SymbolError).suggestion).toBe('069500');
  });

  it.each(['1234567', '1234', '0', '$SPY', '', 'TOOLONGTICKER1234', 'A B', '.SPY'])('refuses %j saying what is accepted', (raw) => {
    expect(() => parseSymbol(raw)).toThrow(SymbolError);
    expect(() => parseSymbol(raw)).toThrow(/six-digit|six digits/);
  });

  it('accepts as US exactly what the project ticker rule accepts, for symbols that are not all digits or a KRX code in another notation (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9.\- $]{1,18}$/), (raw) => {
        fc.pre(!/^\d+$/.test(raw.trim()));
        // 069500.KS / A069500 are KRX codes written another way: refused with the bare code (krx-code-forms.test.ts).
        fc.pre(!/^(\d{6}\.(KS|KQ)|A\d{6})$/i.test(raw.trim()));
        let market: string | undefined;
        try {
          market = marketOfSymbol(raw);
        } catch (e) {
          expect(e).toBeInstanceOf(SymbolError);
        }
        expect(market === 'US').toBe(isValidSymbol(raw));
      }),
    );
  });
});
