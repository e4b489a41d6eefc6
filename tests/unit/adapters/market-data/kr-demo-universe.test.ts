import { describe, expect, it } from 'vitest';
import { UniverseFileError } from '../../../../src/adapters/market-data/universe/load-universe.js';
import { leverageFromName, loadKrEtfUniverse, loadKrUniverse } from '../../../../src/adapters/market-data/universe/kr-universe.js';

describe('KR ETF universe (data/universe/kr_etf_seed.csv)', () => {
  it('reads the 61 bundled ETFs as six-digit KRX codes, leading zeros kept, no line refused', () => {
    const entries = loadKrEtfUniverse();
    expect(entries).toHaveLength(61);
    expect(entries.every((e) => /^\d{6}$/.test(e.symbol))).toBe(true);
    expect(entries[0]).toEqual({ symbol: '069500', name: 'KODEX 200', group: 'KOSPI Index', leveragedOrInverse: false, leverage: 1 });
    expect(new Set(entries.map((e) => e.symbol)).size).toBe(61);
  });

  it('gives the leveraged and inverse ETFs of the file their factor from the name, and every other ETF 1', () => {
    const lev = Object.fromEntries(loadKrEtfUniverse().filter((e) => e.leverage !== 1).map((e) => [e.symbol, e.leverage]));
    // 122630 KODEX 레버리지, 233740 KODEX KOSDAQ 150 레버리지, 114800 KODEX 인버스,
    // 251340 KODEX KOSDAQ 150 선물인버스, 145670 KINDEX 인버스: the five rows marked "yes".
    expect(lev).toEqual({ '122630': 2, '233740': 2, '114800': -1, '251340': -1, '145670': -1 });
  });

  it('reads the factor a name states: 2X, 레버리지, 인버스, 인버스2X; digits next to "2X" are not a factor', () => {
    expect(leverageFromName('KODEX 200')).toBe(1);
    expect(leverageFromName('KODEX 레버리지')).toBe(2);
    expect(leverageFromName('TIGER 미국나스닥100 2X')).toBe(2);
    expect(leverageFromName('KODEX 인버스')).toBe(-1);
    expect(leverageFromName('KODEX 200선물인버스2X')).toBe(-2);
    expect(leverageFromName('KODEX 인버스 2x')).toBe(-2);
    expect(leverageFromName('TIGER 2차전지TOP10')).toBe(1);
    expect(leverageFromName('ACME 12X')).toBe(1);
    expect(leverageFromName('ACME 2XL')).toBe(1);
  });

  it('refuses, line by line, five-digit codes (suggesting the padded one), US tickers, duplicates, a bad flag and a flag the name contradicts', () => {
    const csv = [
      'symbol,name,group,leveraged_or_inverse',
      '69500,KODEX 200,KOSPI Index,no',
      'SPY,SPDR S&P 500,US,no',
      '102110,TIGER 200,KOSPI Index,no',
      '102110,TIGER 200 again,KOSPI Index,no',
      '122630,KODEX 레버리지,Leverage,maybe',
      '114800,KODEX 인버스,Inverse,no',
      '200250,KOSEF 200 저변동성,Low Volatility,yes',
      '"252670","KODEX 200선물인버스2X","Inverse, 2x",YES',
    ].join('\n');
    const r = loadKrUniverse(csv, 'test.csv');
    expect(r.entries.map((e) => [e.symbol, e.leverage, e.group])).toEqual([
      ['102110', 1, 'KOSPI Index'],
      ['252670', -2, 'Inverse, 2x'],
    ]);
    expect(r.errors.map((e) => e.line)).toEqual([2, 3, 5, 6, 7, 8]);
    expect(r.errors[0]!.message).toMatch(/did you mean 069500/);
    expect(r.errors[1]!.message).toMatch(/SPY is not a KRX code/);
    expect(r.errors[2]!.message).toMatch(/duplicate symbol 102110 \(first on line 4\)/);
    expect(r.errors[3]!.message).toMatch(/write yes or no/);
    expect(r.errors[4]!.message).toMatch(/leverage -1 .* mark it yes/);
    expect(r.errors[5]!.message).toMatch(/states no factor/);
  });

  it('refuses a file without the required columns, and an empty one', () => {
    expect(() => loadKrUniverse('symbol,name\n069500,KODEX 200\n', 'x.csv')).toThrow(UniverseFileError);
    expect(() => loadKrUniverse('symbol,name\n', 'x.csv')).toThrow(/lacks column\(s\) group, leveraged_or_inverse/);
    expect(() => loadKrUniverse('', 'x.csv')).toThrow(/is empty/);
  });
});
