/**
 * KR bars in the bars store: the writer files a KRX code's bars as KR/KRW (bar_symbols too), the CSV
 * import holds an optional `market` column against the symbol, refuses five-digit names with the
 * padded code, refuses KR bars off KRX sessions (Chuseok 2025) and fractional won, and counts KR
 * gaps in KRX sessions; a US file next to it is stored US/USD as before.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvImportInputError, importCsvPath } from '../../../../src/adapters/bars/import-csv.js';
import type { BarsStore } from '../../../../src/adapters/bars/store.js';
import { BarsWriteError } from '../../../../src/adapters/bars/write.js';
import { openBarsTestEnv, type BarsTestEnv } from './helpers.js';

let env: BarsTestEnv;
let store: BarsStore;
let dir: string;
const asOf = '2025-10-15';

/** KRX sessions around Chuseok 2025: 2025-10-03 and 10-06 … 10-09 are closed (NYSE is open on all five). */
const KR_OK = `date,open,high,low,close,volume,market
2025-09-29,42000,42500,41800,42300,1000000,KR
2025-09-30,42300,42600,42100,42400,900000,kr
2025-10-01,42400,42900,42300,42800,950000,
2025-10-02,42800,43100,42700,43000,990000,KR
2025-10-10,43000,43500,42900,43400,1200000,KR
2025-10-13,43400,43600,43200,43500,800000,KR
`;

async function marketsOf(symbol: string): Promise<{ bars: string[]; symbols: string[] }> {
  const bars = (await env.ds.query(`SELECT DISTINCT market || '/' || currency AS m FROM bars_daily WHERE symbol = $1 ORDER BY 1`, [symbol])) as { m: string }[];
  const syms = (await env.ds.query(`SELECT market FROM bar_symbols WHERE symbol = $1`, [symbol])) as { market: string }[];
  return { bars: bars.map((r) => r.m), symbols: syms.map((r) => r.market) };
}

beforeAll(async () => {
  env = await openBarsTestEnv();
  store = env.store();
  dir = await mkdtemp(join(tmpdir(), 'cs-bars-kr-'));
});
afterAll(async () => {
  await env.close();
  await rm(dir, { recursive: true, force: true });
});

describe('KR bars in the store', () => {
  it('a KRX-code file round-trips as KR/KRW (bars and bar_symbols); Chuseok is no gap; a US file stays US/USD', async () => {
    await writeFile(join(dir, '069500.csv'), KR_OK);
    await writeFile(join(dir, 'SPY.csv'), 'date,open,high,low,close,volume,market\n2025-10-06,600.5,602,599,601.25,1000,us\n');
    const r = await importCsvPath(store, join(dir, '069500.csv'), { quality: { asOf } });
    expect(r.files[0]).toMatchObject({ symbol: '069500', market: 'KR', lines: 6, stored: 6, inserted: 6, csvErrors: [], issues: [] });
    expect(r.clean).toBe(true);
    expect(await marketsOf('069500')).toEqual({ bars: ['KR/KRW'], symbols: ['KR'] });
    expect(await store.listSymbols({ market: 'KR' })).toEqual([expect.objectContaining({ symbol: '069500', market: 'KR', barCount: 6, lastDate: '2025-10-13' })]);
    const series = await store.loadSeries('069500');
    expect(series!.dates).toEqual(['2025-09-29', '2025-09-30', '2025-10-01', '2025-10-02', '2025-10-10', '2025-10-13']);
    expect(series!.close[4]).toBe(43400);

    const us = await importCsvPath(store, join(dir, 'SPY.csv'), { quality: { asOf } });
    expect(us.files[0]).toMatchObject({ symbol: 'SPY', market: 'US', stored: 1, csvErrors: [] });
    expect(await marketsOf('SPY')).toEqual({ bars: ['US/USD'], symbols: ['US'] });
    expect((await store.listSymbols({ market: 'US' })).map((s) => s.symbol)).toEqual(['SPY']);
  });

  it('bars added and changed later (the upsert path) are KR/KRW too', async () => {
    const more = KR_OK.replace('2025-10-13,43400,43600,43200,43500,800000,KR', '2025-10-13,43400,43700,43200,43600,800000,KR') + '2025-10-14,43600,43800,43500,43700,700000,KR\n';
    await writeFile(join(dir, '069500.csv'), more);
    const r = await importCsvPath(store, join(dir, '069500.csv'), { quality: { asOf } });
    expect(r.files[0]).toMatchObject({ inserted: 1, updated: 1, unchanged: 5 });
    expect(await marketsOf('069500')).toEqual({ bars: ['KR/KRW'], symbols: ['KR'] });
  });

  it('a market cell that disagrees with the symbol, or is neither US nor KR, is reported on its line with the fix', async () => {
    await writeFile(join(dir, '005930.csv'), KR_OK.replace('2025-09-30,42300,42600,42100,42400,900000,kr', '2025-09-30,42300,42600,42100,42400,900000,US').replace('2025-10-13,43400,43600,43200,43500,800000,KR', '2025-10-13,43400,43600,43200,43500,800000,KOSPI'));
    await writeFile(join(dir, 'QQQ.csv'), 'date,open,high,low,close,volume,market\n2025-10-01,500,505,499,504,1000,US\n2025-10-02,504,506,501,505,1000,KR\n');
    const kr = (await importCsvPath(store, join(dir, '005930.csv'), { quality: { asOf } })).files[0]!;
    expect(kr.csvErrors).toEqual([
      { line: 3, message: expect.stringMatching(/^market US does not match the symbol: 005930 is a six-digit KRX code, so its bars are KR; fix the market column/) },
      { line: 7, message: expect.stringMatching(/^market "KOSPI" is not US or KR; write US or KR/) },
    ]);
    expect(kr.stored).toBe(4);
    const us = await importCsvPath(store, join(dir, 'QQQ.csv'), { quality: { asOf } });
    expect(us.files[0]!.csvErrors).toEqual([{ line: 3, message: expect.stringMatching(/^market KR does not match the symbol: QQQ is a US ticker/) }]);
    expect(us.clean).toBe(false);
    expect((await store.loadSeries('QQQ'))!.dates).toEqual(['2025-10-01']);
  });

  it('a five-digit file name or --symbol is refused with the zero-padded code', async () => {
    const folder = join(dir, 'five');
    await mkdir(folder);
    await writeFile(join(folder, '69500.csv'), KR_OK);
    const r = await importCsvPath(store, folder, { quality: { asOf } });
    expect(r.files[0]).toMatchObject({ symbol: null, market: null, stored: 0 });
    expect(r.files[0]!.error).toMatch(/69500 is not a KRX code.*did you mean 069500\?.*Rename the file 069500\.csv or pass --symbol 069500/);
    expect(r.clean).toBe(false);
    await expect(importCsvPath(store, join(folder, '69500.csv'), { symbol: '69500' })).rejects.toThrow(CsvImportInputError);
    await expect(importCsvPath(store, join(folder, '69500.csv'), { symbol: '69500' })).rejects.toThrow(/did you mean 069500/);
    expect(await store.listSymbols({ symbols: ['69500'] })).toEqual([]);
  });

  it('a KR bar on a KRX holiday (Chuseok 2025-10-06) or a weekend is refused; so are fractional won', async () => {
    const text = `date,open,high,low,close,volume
2025-10-02,10000,10100,9900,10050,5000
2025-10-04,10050,10100,10000,10080,5000
2025-10-06,10050,10200,10000,10150,5000
2025-10-10,10100,10200,10000,10150.5,5000
2025-10-13,10150,10300,10100,10250,5000
`;
    await writeFile(join(dir, '102110.csv'), text);
    const f = (await importCsvPath(store, join(dir, '102110.csv'), { quality: { asOf } })).files[0]!;
    expect(f.csvErrors).toEqual([
      { line: 3, message: expect.stringMatching(/^2025-10-04 is not a KRX session \(a Saturday\)/) },
      { line: 4, message: expect.stringMatching(/^2025-10-06 is not a KRX session \(Chuseok\); KR bars fall on KRX trading days/) },
      { line: 5, message: expect.stringMatching(/^close 10150.5 is not whole won/) },
    ]);
    expect(f.stored).toBe(2);
    expect((await store.loadSeries('102110'))!.dates).toEqual(['2025-10-02', '2025-10-13']);
    // The refused line left a KRX session without a bar: counted in KRX sessions, not weekdays.
    expect(f.issues).toEqual([{ date: '2025-10-13', kind: 'gap', detail: '1 KRX session missing after 2025-10-02', dropped: false }]);
  });

  it('a US file keeps the US rules: a bar on a Korean holiday and fractional cents are fine', async () => {
    await writeFile(join(dir, 'IWM.csv'), 'date,open,high,low,close,volume\n2025-10-06,240.125,241,239,240.555,1000\n');
    const r = await importCsvPath(store, join(dir, 'IWM.csv'), { quality: { asOf } });
    expect(r).toMatchObject({ clean: true, stored: 1 });
  });

  it('the writer refuses a symbol neither market accepts, naming the padded code', async () => {
    await expect(store.writeBars([{ symbol: '12345', bars: [{ date: '2025-10-02', open: 1, high: 1, low: 1, close: 1, volume: 1 }] }], { source: 'test', demo: false })).rejects.toThrow(BarsWriteError);
    await expect(store.writeBars([{ symbol: '12345', bars: [{ date: '2025-10-02', open: 1, high: 1, low: 1, close: 1, volume: 1 }] }], { source: 'test', demo: false })).rejects.toThrow(/did you mean 012345/);
  });
});
