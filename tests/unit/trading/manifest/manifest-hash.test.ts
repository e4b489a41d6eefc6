import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../../../src/engine/bars.js';
import { BLOCK_BARS, firstDatasetDifference, hashDataset } from '../../../../src/trading/manifest/dataset-hash.js';
import { computeCodeVersion } from '../../../../src/trading/manifest/code-version.js';
import { firstFigureDifference, manifestId, shortHash } from '../../../../src/trading/manifest/manifest.js';

/** A deterministic series of `n` weekdays from 2024-01-01 with prices derived from `seed`. */
function series(symbol: string, n: number, seed: number): BarSeries {
  const dates: string[] = [];
  const d = new Date(Date.UTC(2024, 0, 1));
  while (dates.length < n) {
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) dates.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  const col = (k: number) => Float64Array.from(dates, (_, i) => 100 + seed + Math.sin(i * 0.1 + k) * 5);
  return { symbol, dates, open: col(0), high: col(1), low: col(2), close: col(3), volume: Float64Array.from(dates, (_, i) => 1_000_000 + i) };
}

function withClose(s: BarSeries, i: number, close: number): BarSeries {
  const c = Float64Array.from(s.close);
  c[i] = close;
  return { ...s, close: c };
}

describe('dataset content hash', () => {
  const a = series('AAA', 200, 1);
  const b = series('BBB', 200, 2);
  const spy = series('SPY', 200, 3);

  it('is canonical: the same bars in any order hash the same; the benchmark counts', () => {
    const one = hashDataset([a, b], spy);
    expect(hashDataset([b, a], spy).hash).toBe(one.hash);
    expect(one.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(one.symbols.map((d) => `${d.role}:${d.symbol}:${d.bars}:${d.first}:${d.last}`)).toEqual([
      `s:AAA:200:${a.dates[0]}:${a.dates[199]}`,
      `s:BBB:200:${b.dates[0]}:${b.dates[199]}`,
      `s:SPY:200:${spy.dates[0]}:${spy.dates[199]}`.replace(/^s/, 'b'),
    ]);
    expect(hashDataset([a, b], null).hash).not.toBe(one.hash);
  });

  it('one changed close changes the hash, and the difference names the symbol and the block holding that date', () => {
    const changedAt = 137;
    const b2 = withClose(b, changedAt, b.close[changedAt]! + 0.01);
    const before = hashDataset([a, b], spy);
    const after = hashDataset([a, b2], spy);
    expect(after.hash).not.toBe(before.hash);
    const diff = firstDatasetDifference(before.symbols, new Map([a, b2, spy].map((s) => [s.symbol, s])));
    const blockStart = Math.floor(changedAt / BLOCK_BARS) * BLOCK_BARS;
    expect(diff).toEqual({ kind: 'values', symbol: 'BBB', from: b.dates[blockStart], to: b.dates[blockStart + BLOCK_BARS - 1] });
    expect(diff && diff.kind === 'values' && diff.from <= b.dates[changedAt]! && b.dates[changedAt]! <= diff.to).toBe(true);
    expect(firstDatasetDifference(before.symbols, new Map([a, b, spy].map((s) => [s.symbol, s])))).toBeNull();
  });

  it('a dropped bar is a range change; a missing series is named', () => {
    const before = hashDataset([a, b], spy);
    const short: BarSeries = { ...a, dates: a.dates.slice(0, 199), open: a.open.subarray(0, 199), high: a.high.subarray(0, 199), low: a.low.subarray(0, 199), close: a.close.subarray(0, 199), volume: a.volume.subarray(0, 199) };
    expect(firstDatasetDifference(before.symbols, new Map([short, b, spy].map((s) => [s.symbol, s])))).toMatchObject({ kind: 'range', symbol: 'AAA', stored: { bars: 200 }, now: { bars: 199 } });
    expect(firstDatasetDifference(before.symbols, new Map([a, spy].map((s) => [s.symbol, s])))).toEqual({ kind: 'missing', symbol: 'BBB' });
  });
});

describe('manifest id, figures and code version', () => {
  const base = { kind: 'backtest' as const, datasetHash: 'a'.repeat(64), codeVersion: '0.1.0+src.0123456789ab', params: { x: 1, y: { b: 2, a: 1 } }, seed: 42 };

  it('the id is stable under key order and changes with any input', () => {
    const id = manifestId(base);
    expect(manifestId({ ...base, params: { y: { a: 1, b: 2 }, x: 1 } })).toBe(id);
    for (const change of [{ seed: 43 }, { codeVersion: '0.1.0+src.ffffffffffff' }, { datasetHash: 'b'.repeat(64) }, { params: { x: 2, y: { a: 1, b: 2 } } }]) {
      expect(manifestId({ ...base, ...change })).not.toBe(id);
    }
    expect(shortHash(id)).toBe(id.slice(0, 12));
    expect(shortHash(id)).toMatch(/^[0-9a-f]{12}$/);
  });

  it('the first differing figure is named with both values', () => {
    expect(firstFigureDifference([['a', 1], ['b', 2]], [['a', 1], ['b', 2]])).toBeNull();
    expect(firstFigureDifference([['a', 1], ['b', 2], ['c', 3]], [['a', 1], ['b', 2.5], ['c', 4]])).toEqual({ name: 'b', stored: 2, now: 2.5 });
    expect(firstFigureDifference([['a', 1]], [['a', 1], ['z', 0]])).toEqual({ name: 'z', stored: undefined, now: 0 });
  });

  it('the code version names the package version, the form (src) and a hash of the engine files', () => {
    const v = computeCodeVersion(new URL('../../../../src/trading/manifest/code-version.ts', import.meta.url).href);
    expect(v).toMatch(/^0\.1\.0\+src\.[0-9a-f]{12}$/);
    expect(computeCodeVersion(new URL('../../../../src/trading/manifest/code-version.ts', import.meta.url).href)).toBe(v);
  });
});
