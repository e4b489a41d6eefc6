import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../../../src/adapters/market-data/package-root.js';
import { loadDefaultUniverse } from '../../../../src/adapters/market-data/universe/default-universe.js';
import { loadUniverse, UniverseFileError } from '../../../../src/adapters/market-data/universe/load-universe.js';

const CSV = `symbol,ok,earliest,latest,years,adv_shares,adv_dollar,has_options
AAA,True,2021-01-11,2026-01-08,5,1000000,50000000,True
BBB,True,2021-01-11,2026-01-08,2.5,2000000,8000000,False
CCC,False,2021-01-11,2026-01-08,5,1000000,90000000,True
ddd,True,2021-01-11,2026-01-08,5,100000,300000000,True
EEE,True,2021-01-11,2026-01-08,oops,1,1,True
AAA,True,2021-01-11,2026-01-08,5,1,1,True
`;

describe('loadUniverse', () => {
  it('parses entries, derives average price, excludes ok=False, reports bad lines', () => {
    const r = loadUniverse(CSV);
    expect(r.entries.map((e) => e.symbol)).toEqual(['AAA', 'BBB', 'DDD']);
    expect(r.entries[0]).toEqual({
      symbol: 'AAA',
      advShares: 1_000_000,
      advDollar: 50_000_000,
      years: 5,
      avgPrice: 50,
      earliest: '2021-01-11',
      latest: '2026-01-08',
      hasOptions: true,
      extra: {},
    });
    expect(r.excluded).toEqual([{ symbol: 'CCC', reason: 'marked ok=false upstream' }]);
    expect(r.errors).toEqual([
      { line: 6, message: 'years is not a non-negative number: "oops"' },
      { line: 7, message: 'duplicate symbol AAA (first on line 2)' },
    ]);
  });

  it('applies price, dollar-ADV and history filters with reasons', () => {
    const r = loadUniverse(CSV, { minPrice: 5, minDollarAdv: 10_000_000, minYears: 3 });
    expect(r.entries.map((e) => e.symbol)).toEqual(['AAA', 'DDD']);
    expect(r.excluded).toContainEqual({ symbol: 'BBB', reason: 'average price 4.00 < 5' });
    expect(loadUniverse(CSV, { minYears: 3 }).excluded).toContainEqual({ symbol: 'BBB', reason: 'history 2.5 years < 3' });
    expect(loadUniverse(CSV, { minDollarAdv: 60_000_000 }).entries.map((e) => e.symbol)).toEqual(['DDD']);
  });

  it('needs only a symbol column; other columns land in extra', () => {
    const kr = readFileSync(join(packageRoot(), 'data', 'universe', 'kr_etf_seed.csv'), 'utf8');
    const r = loadUniverse(kr, { source: 'kr_etf_seed.csv' });
    expect(r.errors).toEqual([]);
    expect(r.entries.length).toBe(61);
    expect(r.entries[0]).toEqual({
      symbol: '069500',
      extra: { name: 'KODEX 200', group: 'KOSPI Index', leveraged_or_inverse: 'no' },
    });
  });

  it('throws a clear error for an unusable file or a filter on a missing column', () => {
    expect(() => loadUniverse('ticker,adv\nAAA,1\n', { source: 'u.csv' })).toThrow(UniverseFileError);
    expect(() => loadUniverse('ticker,adv\nAAA,1\n', { source: 'u.csv' })).toThrow(/u\.csv has no "symbol" column/);
    expect(() => loadUniverse('symbol\nAAA\n', { minDollarAdv: 1 })).toThrow(/minDollarAdv needs column\(s\) adv_dollar/);
    expect(() => loadUniverse('')).toThrow(/empty/);
  });

  it('loads the bundled 900-symbol universe', () => {
    const r = loadDefaultUniverse();
    expect(r.errors).toEqual([]);
    expect(r.entries.length).toBe(900);
    expect(r.entries[0]!.symbol).toBe('SPY');
    expect(r.entries.every((e) => e.advDollar! > 0 && e.avgPrice! > 0)).toBe(true);
    expect(loadDefaultUniverse({ minDollarAdv: 1e9 }).entries.length).toBeLessThan(900);
  });
});
