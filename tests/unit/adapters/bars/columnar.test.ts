import { describe, expect, it } from 'vitest';
import { columnarFromBars, columnarFromSeries, DateTables, epochDayOf, isoOfEpochDay, structuralProblems } from '../../../../src/adapters/bars/columnar.js';
import { Lru } from '../../../../src/adapters/bars/lru.js';
import { normalizeSymbol, normalizeSymbols, symbolArrayLiteral } from '../../../../src/adapters/bars/symbols.js';
import { diffBars } from '../../../../src/adapters/bars/write.js';
import { toSeries, type Bar } from '../../../../src/engine/bars.js';

const bars: Bar[] = [
  { date: '2024-02-28', open: 10, high: 11, low: 9, close: 10.5, volume: 100 },
  { date: '2024-02-29', open: 10.5, high: 12, low: 10, close: 11, volume: 200 },
  { date: '2024-03-01', open: 11, high: 11.5, low: 10.5, close: 11.2, volume: 0 },
];

describe('columnar bars', () => {
  it('converts dates to epoch days and back', () => {
    expect(epochDayOf('1970-01-01')).toBe(0);
    expect(epochDayOf('2000-01-01')).toBe(10_957);
    for (const d of ['1999-12-31', '2024-02-29', '2050-12-31']) expect(isoOfEpochDay(epochDayOf(d))).toBe(d);
  });

  it('packs rows and series into one block of five columns', () => {
    const a = columnarFromBars('X', bars);
    expect([...a.days].map(isoOfEpochDay)).toEqual(bars.map((b) => b.date));
    expect([...a.block]).toEqual([10, 10.5, 11, 11, 12, 11.5, 9, 10, 10.5, 10.5, 11, 11.2, 100, 200, 0]);
    const cache = new Map<readonly string[], Int32Array>();
    const s = toSeries('X', bars);
    const b = columnarFromSeries('X', s, cache);
    expect(b).toEqual(a);
    expect(columnarFromSeries('Y', { ...s, symbol: 'Y' }, cache).days).toBe(b.days);
    expect(() => columnarFromBars('X', [{ ...bars[0]!, date: '2024-02-30' }])).toThrow(/YYYY-MM-DD/);
  });

  it('finds structural problems', () => {
    expect(structuralProblems(columnarFromBars('X', bars))).toEqual([]);
    const unsorted = columnarFromBars('X', [bars[1]!, bars[0]!]);
    expect(structuralProblems(unsorted)).toEqual([expect.stringMatching(/not strictly increasing/)]);
    expect(structuralProblems(columnarFromBars('X', [{ ...bars[0]!, low: 0 }]))).toEqual([expect.stringMatching(/positive/)]);
    expect(structuralProblems(columnarFromBars('X', [{ ...bars[0]!, close: NaN }]))).toEqual([expect.stringMatching(/positive and finite/)]);
    expect(structuralProblems(columnarFromBars('X', [{ ...bars[0]!, volume: -1 }]))).toEqual([expect.stringMatching(/volume/)]);
    expect(structuralProblems(columnarFromBars('X', [{ ...bars[0]!, high: 10.4 }]))).toEqual([expect.stringMatching(/OHLC/)]);
    // A hair of vendor rounding is tolerated, as in checkBars.
    expect(structuralProblems(columnarFromBars('X', [{ ...bars[0]!, high: 10.5 - 1e-12 }]))).toEqual([]);
  });

  it('interns identical date columns', () => {
    const t = new DateTables();
    const a = t.intern(new Int32Array([1, 2, 3]));
    expect(t.intern(new Int32Array([1, 2, 3]))).toBe(a);
    expect(t.intern(new Int32Array([1, 5, 3]))).not.toBe(a);
    expect(t.intern(new Int32Array([]))).toBe(t.intern(new Int32Array([])));
    expect(t.tables[a]!.dates).toEqual(['1970-01-02', '1970-01-03', '1970-01-04']);
  });

  it('diffs stored and incoming bars', () => {
    const stored = columnarFromBars('X', bars);
    const incoming = columnarFromBars('X', [bars[1]!, { ...bars[2]!, close: 11.3 }, { date: '2024-03-04', open: 1, high: 1, low: 1, close: 1, volume: 1 }]);
    expect(diffBars(stored, incoming)).toEqual({ added: [2], changed: [1], missing: [epochDayOf('2024-02-28')] });
    expect(diffBars(stored, stored)).toEqual({ added: [], changed: [], missing: [] });
  });
});

describe('symbols', () => {
  it('normalises, validates and quotes', () => {
    expect(normalizeSymbol(' brk.b ')).toBe('BRK.B');
    expect(() => normalizeSymbol('A/B')).toThrow(/not a valid symbol/);
    expect(() => normalizeSymbol("X'; DROP")).toThrow();
    expect(normalizeSymbols(['b', 'A', 'B'])).toEqual(['A', 'B']);
    expect(symbolArrayLiteral(['NULL', 'BF-B'])).toBe(`'{"NULL","BF-B"}'::text[]`);
  });
});

describe('Lru', () => {
  it('evicts the least recently used entry', () => {
    const l = new Lru<string, number>(2);
    l.set('a', 1);
    l.set('b', 2);
    expect(l.get('a')).toBe(1);
    l.set('c', 3);
    expect(l.has('b')).toBe(false);
    expect([l.get('a'), l.get('c'), l.size]).toEqual([1, 3, 2]);
    const off = new Lru<string, number>(0);
    off.set('a', 1);
    expect(off.size).toBe(0);
  });
});
