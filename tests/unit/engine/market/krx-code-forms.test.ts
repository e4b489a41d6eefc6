/**
 * KRX codes written the way other systems write them — Yahoo's `.KS` (KOSPI) / `.KQ` (KOSDAQ)
 * suffixes and the `A` prefix of KRX's own listings — are not US tickers: parseSymbol refuses
 * them and suggests the bare six-digit code the project stores.
 */
import { describe, expect, it } from 'vitest';
import { SymbolError, parseSymbol } from '../../../../src/engine/market/index.js';

function refusal(raw: string): SymbolError {
  try {
    parseSymbol(raw);
  } catch (e) {
    if (e instanceof SymbolError) return e;
    throw e;
  }
  throw new Error(`${raw} was accepted`);
}

describe('parseSymbol: KRX codes with an exchange suffix or prefix', () => {
  it.each([
    ['069500.KS', '069500'],
    ['069500.KQ', '069500'],
    ['a069500', '069500'],
    ['A069500', '069500'],
    [' 122630.ks ', '122630'],
  ])('refuses %j and suggests %s', (raw, bare) => {
    const err = refusal(raw);
    expect(err.suggestion).toBe(bare);
    expect(err.message).toContain(`did you mean ${bare}?`);
  });

  it('still files US tickers that merely start with A or hold a dot as US', () => {
    expect(parseSymbol('AAPL').market).toBe('US');
    expect(parseSymbol('A').market).toBe('US');
    expect(parseSymbol('BRK.B').market).toBe('US');
  });
});
