import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvImportInputError, importCsvPath } from '../../../../src/adapters/bars/import-csv.js';
import type { BarsStore } from '../../../../src/adapters/bars/store.js';
import { openBarsTestEnv, type BarsTestEnv } from './helpers.js';

let env: BarsTestEnv;
let store: BarsStore;
let dir: string;

const GOOD = `date,open,high,low,close,volume
2024-01-02,10,11,9,10.5,1000
2024-01-03,10.5,11.5,10,11,1200
2024-01-04,11,11.5,10.5,11.2,900
`;
// Line numbers count the header as line 1.
const BAD = `date,open,high,low,close,volume
2024-01-02,10,11,9,10.5,1000
2024-13-01,10,11,9,10,100
2024-01-03,10.5,11.5,10,11,1200
2024-01-04,11,10,9,10.5,900
2024-01-05,11,12,10.5,11.5,abc
2024-01-08,11.5,12,11,11.8,1500
2024-01-08,11.5,12,11,11.9,1500
`;
const asOf = '2024-01-09';

beforeAll(async () => {
  env = await openBarsTestEnv();
  store = env.store();
  dir = await mkdtemp(join(tmpdir(), 'cs-bars-csv-'));
});
afterAll(async () => {
  await env.close();
  await rm(dir, { recursive: true, force: true });
});

describe('CSV import', () => {
  it('stores a clean file, and re-importing it changes nothing', async () => {
    const file = join(dir, 'GOOD.csv');
    await writeFile(file, GOOD);
    const r = await importCsvPath(store, file, { quality: { asOf } });
    expect(r).toMatchObject({ clean: true, rejected: 0, stored: 3, inserted: 3 });
    expect(r.files[0]).toMatchObject({ symbol: 'GOOD', source: 'csv:GOOD.csv', lines: 3, csvErrors: [], dropped: 0 });
    const fp = await store.fingerprint();
    const again = await importCsvPath(store, file, { quality: { asOf } });
    expect(again).toMatchObject({ clean: true, inserted: 0, updated: 0, unchanged: 3 });
    expect((await store.fingerprint()).fingerprint).toBe(fp.fingerprint);
    expect(await store.listSymbols({ symbols: ['GOOD'] })).toEqual([expect.objectContaining({ source: 'csv:GOOD.csv', demo: false, barCount: 3, lastDate: '2024-01-04' })]);

    // A changed row is updated.
    await writeFile(file, GOOD.replace('2024-01-04,11,11.5,10.5,11.2,900', '2024-01-04,11,11.5,10.5,11.3,950'));
    const changed = await importCsvPath(store, file, { quality: { asOf } });
    expect(changed).toMatchObject({ clean: true, inserted: 0, updated: 1, unchanged: 2 });
    expect((await store.loadSeries('GOOD'))!.close[2]).toBe(11.3);
  });

  it('reports unreadable lines with line numbers and rejected bars, and stores only the good rows', async () => {
    const file = join(dir, 'BAD.csv');
    await writeFile(file, BAD);
    const r = await importCsvPath(store, file, { quality: { asOf } });
    const f = r.files[0]!;
    expect(f.csvErrors).toEqual([
      { line: 3, message: expect.stringMatching(/bad date "2024-13-01"/) },
      { line: 6, message: expect.stringMatching(/volume is not a number: "abc"/) },
      { line: 8, message: expect.stringMatching(/duplicate date 2024-01-08 \(first seen on line 7\)/) },
    ]);
    expect(f.issues).toEqual([expect.objectContaining({ date: '2024-01-04', kind: 'ohlc_inconsistent', dropped: true })]);
    expect(f).toMatchObject({ lines: 7, dropped: 1, stored: 3, inserted: 3 });
    expect(r).toMatchObject({ clean: false, rejected: 4, stored: 3 });
    expect((await store.loadSeries('BAD'))!.dates).toEqual(['2024-01-02', '2024-01-03', '2024-01-08']);
  });

  it('rejects bars dated after asOf (look-ahead) and warns about stale data without dropping it', async () => {
    const file = join(dir, 'FUT.csv');
    await writeFile(file, GOOD.replace('2024-01-04', '2024-02-01'));
    const r = await importCsvPath(store, file, { quality: { asOf: '2024-01-05' } });
    expect(r.files[0]!.issues).toEqual([expect.objectContaining({ date: '2024-02-01', kind: 'bad_date', dropped: true })]);
    expect(r.files[0]!.stored).toBe(2);
    const stale = await importCsvPath(store, join(dir, 'GOOD.csv'), { quality: { asOf: '2024-03-01' } });
    expect(stale.files[0]!.issues).toEqual([expect.objectContaining({ kind: 'stale', dropped: false })]);
    expect(stale.clean).toBe(true);
  });

  it('imports a folder file by file, naming symbols after files, and reports bad file names and duplicates', async () => {
    const folder = join(dir, 'folder');
    await mkdir(folder);
    await writeFile(join(folder, 'aaa.csv'), GOOD);
    await writeFile(join(folder, 'AAA.csv'), GOOD);
    await writeFile(join(folder, 'not a symbol.csv'), GOOD);
    await writeFile(join(folder, 'EMPTY.csv'), '');
    await writeFile(join(folder, 'notes.txt'), 'ignored');
    const r = await importCsvPath(store, folder, { quality: { asOf } });
    expect(r.files.map((f) => [f.file.slice(folder.length + 1), f.symbol, f.error ?? f.csvErrors[0]?.message ?? 'ok'])).toEqual([
      ['AAA.csv', 'AAA', 'ok'],
      ['EMPTY.csv', 'EMPTY', expect.stringMatching(/empty file/)],
      ['aaa.csv', 'AAA', expect.stringMatching(/already imported from AAA.csv/)],
      ['not a symbol.csv', null, expect.stringMatching(/not a symbol/)],
    ]);
    expect(r.clean).toBe(false);
    expect(r.stored).toBe(3);
  });

  it('uses --symbol for a single file and refuses bad input paths', async () => {
    const file = join(dir, 'prices.csv');
    await writeFile(file, GOOD);
    const r = await importCsvPath(store, file, { symbol: 'brk.b', quality: { asOf } });
    expect(r.files[0]).toMatchObject({ symbol: 'BRK.B', source: 'csv:prices.csv', inserted: 3 });
    await expect(importCsvPath(store, join(dir, 'missing.csv'))).rejects.toThrow(CsvImportInputError);
    await expect(importCsvPath(store, join(dir, 'folder'), { symbol: 'X' })).rejects.toThrow(/single file/);
    const empty = join(dir, 'empty-folder');
    await mkdir(empty);
    await expect(importCsvPath(store, empty)).rejects.toThrow(/no \.csv files/);
  });

  it('replace mode makes the file the whole history', async () => {
    const file = join(dir, 'GOOD.csv');
    await writeFile(file, GOOD.split('\n').slice(0, 3).join('\n'));
    const r = await importCsvPath(store, file, { mode: 'replace', quality: { asOf } });
    expect(r.files[0]).toMatchObject({ deleted: 1, unchanged: 2 });
    expect((await store.loadSeries('GOOD'))!.dates).toEqual(['2024-01-02', '2024-01-03']);
  });
});
