import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvFolderProvider } from '../../../../src/adapters/market-data/csv/csv-folder-provider.js';
import { SampleCsvProvider } from '../../../../src/adapters/market-data/csv/sample-csv-provider.js';
import { DataProviderError } from '../../../../src/adapters/market-data/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'courtside-csv-'));
writeFileSync(
  join(dir, 'GOOD.csv'),
  'date,open,high,low,close,volume\n2024-01-02,10,11,9,10.5,100\n2024-01-03,10.5,12,10,11,200\n2024-01-04,11,11.5,10.5,11.2,300\n',
);
writeFileSync(join(dir, 'BAD.csv'), 'date,open,high,low,close,volume\n2024-01-02,10,11,9,10.5,100\n2024-01-03,x,12,10,11,200\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const range = { from: '2000-01-01', to: '2100-01-01' };

async function rejection(p: Promise<unknown>): Promise<DataProviderError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DataProviderError);
  return e as DataProviderError;
}

describe('CsvFolderProvider', () => {
  const p = new CsvFolderProvider({ dir });

  it('reads <dir>/<SYMBOL>.csv, any case, filtered to the inclusive range', async () => {
    const bars = await p.dailyBars('good', { from: '2024-01-03', to: '2024-01-04' });
    expect(bars.map((b) => b.date)).toEqual(['2024-01-03', '2024-01-04']);
    expect(p.demo).toBe(false);
    expect(await p.symbols()).toEqual(['BAD', 'GOOD']);
  });

  it('says which file is missing', async () => {
    const e = await rejection(p.dailyBars('NOPE', range));
    expect(e.kind).toBe('not_found');
    expect(e.message).toContain(join(dir, 'NOPE.csv'));
  });

  it('fails on unreadable lines by default, naming the line; skips them when not strict', async () => {
    const e = await rejection(p.dailyBars('BAD', range));
    expect(e.kind).toBe('bad_response');
    expect(e.message).toMatch(/line 3: open is not a number/);
    const lenient = new CsvFolderProvider({ dir, strict: false });
    expect((await lenient.dailyBars('BAD', range)).map((b) => b.date)).toEqual(['2024-01-02']);
  });

  it('refuses symbols that could escape the folder', async () => {
    const e = await rejection(p.dailyBars('../etc/passwd', range));
    expect(e.kind).toBe('bad_request');
  });

  it('rejects an inverted range', async () => {
    const e = await rejection(p.dailyBars('GOOD', { from: '2024-02-01', to: '2024-01-01' }));
    expect(e.kind).toBe('bad_request');
  });
});

describe('SampleCsvProvider', () => {
  it('finds data/ohlcv from the package root and serves real bars', async () => {
    const p = new SampleCsvProvider();
    expect(p.demo).toBe(false);
    expect(await p.symbols()).toEqual(expect.arrayContaining(['SPY', 'GL', 'RVLV']));
    const bars = await p.dailyBars('SPY', { from: '2025-12-29', to: '2025-12-30' });
    expect(bars).toEqual([
      { date: '2025-12-29', open: 687.54, high: 689.2, low: 686.07, close: 687.85, volume: 62559500 },
      { date: '2025-12-30', open: 687.45, high: 688.56, low: 686.58, close: 687.01, volume: 47160700 },
    ]);
  });
});
