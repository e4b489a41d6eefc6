/**
 * RFC 4180 quoting in the bar and universe CSV readers: a quoted field may
 * hold commas, doubled quotes and line breaks (a fund name such as
 * "Invesco QQQ Trust, Series 1", or a broker export that quotes every
 * field), and line numbers in messages stay the physical line where the
 * record starts (header = line 1).
 */
import { describe, expect, it } from 'vitest';
import { parseBarsCsv } from '../../../../src/adapters/market-data/csv/parse-bars-csv.js';
import { loadUniverse } from '../../../../src/adapters/market-data/universe/load-universe.js';

describe('parseBarsCsv with quoted fields', () => {
  it('reads a quoted field holding a comma in a column before the bar columns', () => {
    const text = 'name,date,open,high,low,close,volume\n"Invesco QQQ Trust, Series 1",2024-01-02,1,2,0.5,1.5,10\n';
    const r = parseBarsCsv(text, { source: 't' });
    expect(r.errors).toEqual([]);
    expect(r.bars).toEqual([{ date: '2024-01-02', open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 }]);
  });

  it('reads doubled quotes inside a quoted field', () => {
    const text = 'note,date,open,high,low,close,volume\n"the ""cubes"", again",2024-01-03,1,2,0.5,1.5,10\n';
    const r = parseBarsCsv(text, { source: 't' });
    expect(r.errors).toEqual([]);
    expect(r.bars.map((b) => b.date)).toEqual(['2024-01-03']);
  });

  it('reads a broker export that quotes every field, with a BOM and CRLF line ends', () => {
    const text =
      '\uFEFF"Date","Open","High","Low","Close","Volume","Memo"\r\n' +
      '"2024-01-02","1.5","2","1","1.75","1000","a, b"\r\n' +
      '"2024-01-03","1.75","2.5","1.5","2","2000","c ""d"""\r\n';
    const r = parseBarsCsv(text, { source: 't' });
    expect(r.errors).toEqual([]);
    expect(r.bars).toEqual([
      { date: '2024-01-02', open: 1.5, high: 2, low: 1, close: 1.75, volume: 1000 },
      { date: '2024-01-03', open: 1.75, high: 2.5, low: 1.5, close: 2, volume: 2000 },
    ]);
  });

  it('counts physical lines across a quoted line break (LF and CRLF)', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = ['date,open,high,low,close,volume,note', '2024-01-02,1,2,0.5,1.5,10,"two', 'lines"', '2024-01-03,x,2,0.5,1.5,10,ok', ''].join(eol);
      const r = parseBarsCsv(text, { source: 't' });
      expect(r.bars.map((b) => b.date)).toEqual(['2024-01-02']);
      expect(r.errors).toEqual([{ line: 4, message: 'open is not a number: "x"' }]);
    }
  });

  it('reports a line whose quote never closes and still reads the lines after it', () => {
    const text = 'date,open,high,low,close,volume\n2024-01-02,"1,2,0.5,1.5,10\n2024-01-03,1,2,0.5,1.5,10\n';
    const r = parseBarsCsv(text, { source: 't' });
    expect(r.bars.map((b) => b.date)).toEqual(['2024-01-03']);
    expect(r.errors).toEqual([{ line: 2, message: expect.stringMatching(/quote/) }]);
  });

  it('reports text after a closing quote on its line and still reads the lines after it', () => {
    const text = 'date,open,high,low,close,volume\n2024-01-02,1,2,0.5,1.5,10\n2024-01-03,"1"x,2,0.5,1.5,10\n2024-01-04,1,2,0.5,1.5,10\n';
    const r = parseBarsCsv(text, { source: 't' });
    expect(r.bars.map((b) => b.date)).toEqual(['2024-01-02', '2024-01-04']);
    expect(r.errors).toEqual([{ line: 3, message: expect.stringMatching(/quote/) }]);
  });

  it('numbers lines the same across a quoted line break when a later line is unreadable (LF and CRLF)', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = ['date,open,high,low,close,volume,note', '2024-01-02,1,2,0.5,1.5,10,"a', 'b"', '2024-01-03,"1"x,2,0.5,1.5,10', '2024-01-04,x,2,0.5,1.5,10', ''].join(eol);
      const r = parseBarsCsv(text, { source: 't' });
      expect(r.bars.map((b) => b.date)).toEqual(['2024-01-02']);
      expect(r.errors).toEqual([
        { line: 4, message: expect.stringMatching(/quote/) },
        { line: 5, message: 'open is not a number: "x"' },
      ]);
    }
  });
});

describe('loadUniverse with quoted fields', () => {
  it('keeps a quoted name holding a comma whole, in extra', () => {
    const r = loadUniverse('symbol,name,adv_dollar\nQQQ,"Invesco QQQ Trust, Series 1",1000\n');
    expect(r.errors).toEqual([]);
    expect(r.entries).toEqual([{ symbol: 'QQQ', advDollar: 1000, extra: { name: 'Invesco QQQ Trust, Series 1' } }]);
  });

  it('reads doubled quotes, a BOM and CRLF line ends', () => {
    const r = loadUniverse('\uFEFF"symbol","name","years"\r\n"SPY","SPDR S&P 500 ""ETF"" Trust","10"\r\nDIA,"Dow, ""Diamonds""",5\r\n');
    expect(r.errors).toEqual([]);
    expect(r.entries).toEqual([
      { symbol: 'SPY', years: 10, extra: { name: 'SPDR S&P 500 "ETF" Trust' } },
      { symbol: 'DIA', years: 5, extra: { name: 'Dow, "Diamonds"' } },
    ]);
  });

  it('numbers lines physically across a quoted line break', () => {
    const r = loadUniverse('symbol,name\nAAA,"two\nlines"\nBBB,x\nAAA,again\n');
    expect(r.entries.map((e) => e.symbol)).toEqual(['AAA', 'BBB']);
    expect(r.entries[0]!.extra).toEqual({ name: 'two\nlines' });
    expect(r.errors).toEqual([{ line: 5, message: 'duplicate symbol AAA (first on line 2)' }]);
  });
});
