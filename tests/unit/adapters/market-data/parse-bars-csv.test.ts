import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../../../src/engine/bars.js';
import { describeCsvErrors, parseBarsCsv } from '../../../../src/adapters/market-data/csv/parse-bars-csv.js';
import { packageRoot } from '../../../../src/adapters/market-data/package-root.js';

const fixture = readFileSync(new URL('./fixtures/bad-lines.csv', import.meta.url), 'utf8');

describe('parseBarsCsv', () => {
  it('keeps good lines, reports each bad line with its line number and reason', () => {
    const r = parseBarsCsv(fixture, { source: 'bad-lines.csv' });
    expect(r.bars.map((b) => b.date)).toEqual(['2024-01-02', '2024-01-03', '2024-01-11']);
    // First occurrence of the duplicated date wins.
    expect(r.bars[1]).toEqual({ date: '2024-01-03', open: 10, high: 11, low: 9, close: 10.5, volume: 1000 });
    const byLine = Object.fromEntries(r.errors.map((e) => [e.line, e.message]));
    expect(Object.keys(byLine).map(Number)).toEqual([4, 5, 6, 7, 8, 10, 11]);
    expect(byLine[4]).toMatch(/open is not a number: "abc"/);
    expect(byLine[5]).toMatch(/bad date "2024-13-01"/);
    expect(byLine[6]).toMatch(/missing column/);
    expect(byLine[7]).toMatch(/open must be positive/);
    expect(byLine[8]).toMatch(/duplicate date 2024-01-03 \(first seen on line 2\)/);
    expect(byLine[10]).toMatch(/volume is negative/);
    expect(byLine[11]).toMatch(/close is not a number/);
  });

  it('formats errors with the source name and caps the list', () => {
    const r = parseBarsCsv(fixture, { source: 'bad-lines.csv' });
    const text = describeCsvErrors(r, 2);
    expect(text.split('\n')).toEqual([
      expect.stringMatching(/^bad-lines\.csv line 4: /),
      expect.stringMatching(/^bad-lines\.csv line 5: /),
      '… and 5 more',
    ]);
  });

  it('accepts any column order and case, CRLF and a BOM, and ignores extra columns', () => {
    const text = '\uFEFFVolume,CLOSE,low,High,open,Date,extra\r\n500,2.5,2,3,2.2,2023-06-01,x\r\n';
    const r = parseBarsCsv(text, { source: 't' });
    expect(r.errors).toEqual([]);
    expect(r.bars).toEqual([{ date: '2023-06-01', open: 2.2, high: 3, low: 2, close: 2.5, volume: 500 }]);
  });

  it('rejects a file without a header, or a header missing columns', () => {
    expect(parseBarsCsv('2024-01-02,1,2,0.5,1.5,10\n', { source: 't' }).errors[0]!.message).toMatch(/no header row/);
    const r = parseBarsCsv('date,open,high,close\n2024-01-02,1,2,1.5\n', { source: 't' });
    expect(r.bars).toEqual([]);
    expect(r.errors).toEqual([{ line: 1, message: expect.stringMatching(/missing column\(s\) low, volume/) }]);
    expect(parseBarsCsv('  \n\n', { source: 't' }).errors[0]!.message).toMatch(/empty file/);
  });

  it('rejects impossible calendar dates', () => {
    const r = parseBarsCsv('date,open,high,low,close,volume\n2023-02-29,1,2,0.5,1.5,10\n', { source: 't' });
    expect(r.bars).toEqual([]);
    expect(r.errors[0]).toEqual({ line: 2, message: expect.stringMatching(/bad date/) });
  });

  it('reads the bundled SPY file cleanly', () => {
    const path = join(packageRoot(), 'data', 'ohlcv', 'SPY.csv');
    const r = parseBarsCsv(readFileSync(path, 'utf8'), { source: path });
    expect(r.errors).toEqual([]);
    expect(r.bars.length).toBe(2765);
    expect(r.bars[0]!.date).toBe('2015-01-02');
  });

  it('round-trips any valid bar list regardless of input order', () => {
    const bar = fc.record({
      day: fc.integer({ min: 0, max: 3000 }),
      open: fc.double({ min: 0.01, max: 1e5, noNaN: true }),
      high: fc.double({ min: 0.01, max: 1e5, noNaN: true }),
      low: fc.double({ min: 0.01, max: 1e5, noNaN: true }),
      close: fc.double({ min: 0.01, max: 1e5, noNaN: true }),
      volume: fc.integer({ min: 0, max: 1e9 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(bar, { selector: (b) => b.day, maxLength: 40 }), (rows) => {
        const bars: Bar[] = rows.map(({ day, ...rest }) => ({ date: new Date(Date.UTC(2010, 0, 1) + day * 86_400_000).toISOString().slice(0, 10), ...rest }));
        const text = ['date,open,high,low,close,volume', ...bars.map((b) => `${b.date},${b.open},${b.high},${b.low},${b.close},${b.volume}`)].join('\n');
        const r = parseBarsCsv(text, { source: 'prop' });
        expect(r.errors).toEqual([]);
        expect(r.bars).toEqual([...bars].sort((a, b) => (a.date < b.date ? -1 : 1)));
      }),
    );
  });
});
