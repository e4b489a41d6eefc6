import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { CopyBinaryWriter, CopyIn, CopyOutBinary, runCopy } from '../../../../src/adapters/bars/pg-wire.js';
import { BarsWriteError } from '../../../../src/adapters/bars/write.js';
import type { BarsStore } from '../../../../src/adapters/bars/store.js';
import type { Bar } from '../../../../src/engine/bars.js';
import { openBarsTestEnv, seriesDiff, syntheticSeries, universeDiff, type BarsTestEnv } from './helpers.js';

let env: BarsTestEnv;
let store: BarsStore;

beforeAll(async () => {
  env = await openBarsTestEnv();
  store = env.store();
});
afterAll(async () => {
  await env.close();
});

const versions = async () =>
  new Map(((await env.ds.query('SELECT symbol, version::text AS v FROM bar_symbols')) as { symbol: string; v: string }[]).map((r) => [r.symbol, r.v]));

describe('bars store writes', () => {
  const universe = syntheticSeries(50);
  const items = [...universe.values()].map((series) => ({ symbol: series.symbol, series }));

  it('bulk-writes 50 symbols and reads them back bit for bit (packed copy and rows agree)', async () => {
    const r = await store.writeBars(items, { source: 'synthetic', demo: true });
    expect(r.inserted).toBe(50 * 2520);
    expect(r.updated + r.unchanged + r.deleted).toBe(0);
    expect(r.changed).toHaveLength(50);

    const loaded = await store.loadUniverse();
    expect(store.lastLoad?.from).toBe('postgres');
    expect(universeDiff(loaded, universe)).toBeUndefined();
    expect(universeDiff(await store.loadFromRows(), universe)).toBeUndefined();
    // A universe on one calendar shares one dates array.
    const dates = new Set([...loaded.values()].map((s) => s.dates));
    expect(dates.size).toBe(1);

    const info = await store.listSymbols({ symbols: ['AAPL'] });
    expect(info).toEqual([
      expect.objectContaining({ symbol: 'AAPL', source: 'synthetic', demo: true, barCount: 2520, firstDate: universe.get('AAPL')!.dates[0], lastDate: '2025-11-21' }),
    ]);
  });

  it('re-writing identical data changes nothing: no row rewritten, versions and fingerprint unchanged', async () => {
    const fp = await store.fingerprint();
    const before = await versions();
    const r = await store.writeBars(items, { source: 'synthetic', demo: true });
    expect(r).toMatchObject({ inserted: 0, updated: 0, deleted: 0, unchanged: 50 * 2520, changed: [] });
    expect(await versions()).toEqual(before);
    expect((await store.fingerprint()).fingerprint).toBe(fp.fingerprint);
  });

  it('updates a changed bar, inserts a new one, and moves only that symbol’s version', async () => {
    const before = await versions();
    const fp = await store.fingerprint();
    const aapl = universe.get('AAPL')!;
    const n = aapl.dates.length;
    const bars: Bar[] = aapl.dates.map((date, i) => ({ date, open: aapl.open[i]!, high: aapl.high[i]!, low: aapl.low[i]!, close: aapl.close[i]!, volume: aapl.volume[i]! }));
    bars[n - 1] = { ...bars[n - 1]!, close: bars[n - 1]!.close + 0.01, high: Math.max(bars[n - 1]!.high, bars[n - 1]!.close + 0.01) };
    bars.push({ date: '2025-11-24', open: 10, high: 11, low: 9, close: 10.5, volume: 1234.5 });
    const r = await store.writeBars([{ symbol: 'aapl', bars }], { source: 'synthetic', demo: true });
    expect(r.symbols).toEqual([expect.objectContaining({ symbol: 'AAPL', inserted: 1, updated: 1, unchanged: n - 1, deleted: 0 })]);
    const after = await versions();
    expect(after.get('AAPL')).not.toBe(before.get('AAPL'));
    for (const [sym, v] of before) if (sym !== 'AAPL') expect(after.get(sym)).toBe(v);
    expect((await store.fingerprint()).fingerprint).not.toBe(fp.fingerprint);
    expect((await store.fingerprint(['MSFT', 'QQQ'])).fingerprint).toBe((await store.fingerprint(['QQQ', 'msft'])).fingerprint);

    const got = (await store.loadSeries('AAPL'))!;
    expect(got.dates.at(-1)).toBe('2025-11-24');
    expect(got.close[n - 1]).toBe(bars[n - 1]!.close);
    expect(got.volume[n]).toBe(1234.5);
    expect(seriesDiff(got, (await store.loadFromRows(['AAPL'])).get('AAPL'))).toBeUndefined();
  });

  it('merge keeps dates missing from the input; replace deletes them', async () => {
    const bars: Bar[] = [
      { date: '2024-01-02', open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 },
      { date: '2024-01-03', open: 1.5, high: 2, low: 1, close: 1.8, volume: 20 },
      { date: '2024-01-04', open: 1.8, high: 2.2, low: 1.7, close: 2, volume: 30 },
    ];
    await store.writeBars([{ symbol: 'MRG', bars }], { source: 'csv:MRG.csv', demo: false });
    const merged = await store.writeBars([{ symbol: 'MRG', bars: [bars[0]!, { ...bars[2]!, close: 2.1, high: 2.2 }] }], { source: 'csv:MRG.csv', demo: false });
    expect(merged.symbols[0]).toMatchObject({ inserted: 0, updated: 1, unchanged: 1, deleted: 0 });
    expect((await store.loadSeries('MRG'))!.dates).toEqual(['2024-01-02', '2024-01-03', '2024-01-04']);

    const replaced = await store.writeBars([{ symbol: 'MRG', bars: [bars[0]!] }], { source: 'csv:MRG.csv', demo: false, mode: 'replace' });
    expect(replaced.symbols[0]).toMatchObject({ inserted: 0, updated: 0, unchanged: 1, deleted: 2 });
    expect((await store.loadSeries('MRG'))!.dates).toEqual(['2024-01-02']);
    expect(await store.listSymbols({ symbols: ['MRG'] })).toEqual([expect.objectContaining({ barCount: 1, firstDate: '2024-01-02', lastDate: '2024-01-02' })]);

    const wiped = await store.writeBars([{ symbol: 'MRG', bars: [] }], { source: 'csv:MRG.csv', demo: false, mode: 'replace' });
    expect(wiped.symbols[0]).toMatchObject({ deleted: 1 });
    expect(await store.listSymbols({ symbols: ['MRG'] })).toEqual([]);
    expect(await store.loadSeries('MRG')).toBeUndefined();
  });

  it('stores awkward float values exactly (Float64 round trip)', async () => {
    const values = [0.1 + 0.2, 1 / 3, Math.PI * 1e6, 123456.78901234567, 5e-324 * 1e10, 9007199254740993, 1.7976931348623157e308 / 1e10, 2 ** -40];
    const bars: Bar[] = values.map((v, i) => ({
      date: `2023-02-${String(i + 1).padStart(2, '0')}`,
      open: v,
      high: v * 1.5,
      low: v / 1.5,
      close: v,
      volume: i === 0 ? 0.1 + 0.7 : i * 1e12 + 0.5,
    }));
    await store.writeBars([{ symbol: 'FLT', bars }], { source: 'csv:FLT.csv', demo: false });
    const got = (await store.loadUniverse(['FLT'], { memory: false })).get('FLT')!;
    const rows = (await store.loadFromRows(['FLT'])).get('FLT')!;
    bars.forEach((b, i) => {
      expect(got.dates[i]).toBe(b.date);
      for (const k of ['open', 'high', 'low', 'close', 'volume'] as const) {
        expect(Object.is(got[k][i], b[k]), `${k}[${i}] ${got[k][i]} vs ${b[k]}`).toBe(true);
        expect(Object.is(rows[k][i], b[k])).toBe(true);
      }
    });
    // Re-writing the same awkward values is a no-op.
    const again = await store.writeBars([{ symbol: 'FLT', bars }], { source: 'csv:FLT.csv', demo: false });
    expect(again.symbols[0]).toMatchObject({ inserted: 0, updated: 0, unchanged: bars.length });
  });

  it('refuses structurally invalid bars before touching the database', async () => {
    const ok = { date: '2024-01-02', open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 };
    await expect(store.writeBars([{ symbol: 'BAD', bars: [ok, { ...ok }] }], { source: 'x', demo: false })).rejects.toThrow(BarsWriteError);
    await expect(store.writeBars([{ symbol: 'BAD', bars: [{ ...ok, open: -1 }] }], { source: 'x', demo: false })).rejects.toThrow(/positive/);
    await expect(store.writeBars([{ symbol: 'BAD', bars: [{ ...ok, high: 1 }] }], { source: 'x', demo: false })).rejects.toThrow(/OHLC/);
    await expect(store.writeBars([{ symbol: 'BAD', bars: [{ ...ok, date: '2024-02-30' }] }], { source: 'x', demo: false })).rejects.toThrow(/YYYY-MM-DD/);
    await expect(store.writeBars([{ symbol: 'BAD/../x', bars: [ok] }], { source: 'x', demo: false })).rejects.toThrow(/not a valid symbol/);
    expect(await store.listSymbols({ symbols: ['BAD'] })).toEqual([]);
  });

  it('never writes demo bars over real ones, and real bars replace demo ones entirely', async () => {
    const real: Bar[] = [
      { date: '2025-11-20', open: 100, high: 101, low: 99, close: 100.5, volume: 1e6 },
      { date: '2025-11-21', open: 100.5, high: 102, low: 100, close: 101.5, volume: 1.1e6 },
    ];
    const r = await store.writeBars([{ symbol: 'MSFT', bars: real }], { source: 'csv:MSFT.csv', demo: false });
    expect(r.symbols[0]).toMatchObject({ replacedDemo: true, deleted: 2520, inserted: 2 });
    expect(await store.listSymbols({ symbols: ['MSFT'] })).toEqual([expect.objectContaining({ source: 'csv:MSFT.csv', demo: false, barCount: 2 })]);

    const msft = universe.get('MSFT')!;
    const demo = await store.writeBars([{ symbol: 'MSFT', series: msft }], { source: 'synthetic', demo: true, mode: 'replace' });
    expect(demo.symbols[0]!.skipped).toMatch(/real bars/);
    expect(demo.changed).toEqual([]);
    expect((await store.loadSeries('MSFT'))!.close).toEqual(new Float64Array([100.5, 101.5]));
  });

  it('keeps the fingerprint and packed copy right when rows are edited with plain SQL', async () => {
    const fp = await store.fingerprint(['QQQ']);
    await store.loadUniverse(['QQQ']);
    await env.ds.query(`UPDATE bars_daily SET close = close + 0.5, high = high + 0.5 WHERE symbol = 'QQQ' AND date = '2025-11-21'`);
    expect((await store.fingerprint(['QQQ'])).fingerprint).not.toBe(fp.fingerprint);
    const viaCache = await store.loadUniverse(['QQQ']);
    expect(store.lastLoad?.from).toBe('postgres');
    expect(seriesDiff(viaCache.get('QQQ'), (await store.loadFromRows(['QQQ'])).get('QQQ'))).toBeUndefined();
    expect(viaCache.get('QQQ')!.close.at(-1)).toBe(universe.get('QQQ')!.close.at(-1)! + 0.5);

    await env.ds.query(`DELETE FROM bars_daily WHERE symbol = 'QQQ'`);
    expect(await store.listSymbols({ symbols: ['QQQ'] })).toEqual([]);
    expect((await store.loadUniverse(['QQQ'])).size).toBe(0);
  });

  it('deletes symbols and reports status by dataset', async () => {
    expect(await store.deleteSymbols(['iwm'])).toBe(2520);
    const status = await store.status();
    expect(status.totalSymbols).toBe(status.symbols.length);
    expect(status.totalBars).toBe(status.symbols.reduce((s, x) => s + x.barCount, 0));
    const synthetic = status.datasets.find((d) => d.source === 'synthetic')!;
    expect(synthetic).toMatchObject({ demo: true, symbols: 47 });
    expect(status.datasets.find((d) => d.source === 'csv:MSFT.csv')).toMatchObject({ demo: false, symbols: 1, bars: 2 });
    // Real datasets are listed before demo ones.
    expect(status.datasets.at(-1)!.demo).toBe(true);
  });

  it('a COPY that Postgres rejects fails cleanly and leaves the connection usable', async () => {
    const runner = env.ds.createQueryRunner();
    try {
      const client = (await runner.connect()) as pg.PoolClient;
      const w = new CopyBinaryWriter();
      const sym = Buffer.from('NEG');
      const src = Buffer.from('test');
      w.row(8, 100).bytesField(sym).dateField(19_000).float8Field(-1).float8Field(1).float8Field(1).float8Field(1).float8Field(1).bytesField(src);
      await expect(runCopy(client, new CopyIn('COPY bars_daily (symbol, date, open, high, low, close, volume, source) FROM STDIN (FORMAT binary)', [w.finish()]))).rejects.toThrow(
        /bars_daily_values_ok/,
      );
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await expect(runCopy(client, new CopyOutBinary('COPY (SELECT 1/0) TO STDOUT (FORMAT binary)', () => undefined))).rejects.toThrow(/division by zero/);
      expect((await client.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    } finally {
      await runner.release();
    }
  });
});
