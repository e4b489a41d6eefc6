import { describe, expect, it } from 'vitest';
import { CopyBinaryWriter, CopyOutBinary, PG_EPOCH_DAY, dateArrayParam, float8ArrayParam, textArrayParam } from '../../../../src/adapters/bars/pg-wire.js';

describe('binary array parameters (array_recv layout)', () => {
  it('float8[]: header then (length 8, big-endian double) per element', () => {
    const b = float8ArrayParam(new Float64Array([1.5, -0.1]));
    expect([b.readInt32BE(0), b.readInt32BE(4), b.readInt32BE(8), b.readInt32BE(12), b.readInt32BE(16)]).toEqual([1, 0, 701, 2, 1]);
    expect([b.readInt32BE(20), b.readDoubleBE(24), b.readInt32BE(32), b.readDoubleBE(36)]).toEqual([8, 1.5, 8, -0.1]);
    expect(b.length).toBe(20 + 2 * 12);
  });

  it('date[]: days since 2000-01-01', () => {
    const b = dateArrayParam(new Int32Array([PG_EPOCH_DAY, PG_EPOCH_DAY + 366]));
    expect(b.readInt32BE(8)).toBe(1082);
    expect([b.readInt32BE(20), b.readInt32BE(24), b.readInt32BE(28), b.readInt32BE(32)]).toEqual([4, 0, 4, 366]);
  });

  it('text[] with run lengths repeats each value', () => {
    const b = textArrayParam(['AB', 'C'], [2, 1]);
    expect(b.readInt32BE(8)).toBe(25);
    expect(b.readInt32BE(12)).toBe(3);
    const out: string[] = [];
    for (let o = 20; o < b.length; ) {
      const len = b.readInt32BE(o);
      out.push(b.toString('utf8', o + 4, o + 4 + len));
      o += 4 + len;
    }
    expect(out).toEqual(['AB', 'AB', 'C']);
  });
});

function payload(): Buffer {
  const w = new CopyBinaryWriter(16); // tiny initial size: exercises growth
  for (let i = 0; i < 50; i++) {
    const sym = Buffer.from(`S${i}`);
    w.row(3, 4 + sym.length + 8 + 12).bytesField(sym).dateField(PG_EPOCH_DAY + i).float8Field(i / 3);
  }
  return w.finish();
}

function parse(chunks: Buffer[]): Promise<{ rows: [string, number, number][]; count: number }> {
  const rows: [string, number, number][] = [];
  return new Promise((resolve, reject) => {
    const q = new CopyOutBinary('COPY x TO STDOUT', (f) => rows.push([f[0]!.toString(), f[1]!.readInt32BE(0), f[2]!.readDoubleBE(0)]));
    q.callback = (err, count) => (err ? reject(err) : resolve({ rows, count: count! }));
    for (const c of chunks) q.handleCopyData({ chunk: c });
    q.handleReadyForQuery();
  });
}

describe('binary COPY payloads', () => {
  it('round-trips through the streaming parser whole or split at every byte', async () => {
    const p = payload();
    expect(p.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
    expect(p.readInt16BE(p.length - 2)).toBe(-1);
    const whole = await parse([p]);
    expect(whole.count).toBe(50);
    expect(whole.rows[7]).toEqual(['S7', 7, 7 / 3]);
    const bytes = await parse([...p].map((b) => Buffer.from([b])));
    expect(bytes.rows).toEqual(whole.rows);
  });

  it('fails when the stream stops before the trailer', async () => {
    const p = payload();
    await expect(parse([p.subarray(0, p.length - 10)])).rejects.toThrow(/ended early/);
  });

  it('fails on something that is not a binary COPY stream', async () => {
    await expect(parse([Buffer.from('date,open,high,low,close,volume\n')])).rejects.toThrow(/not a binary COPY/);
  });
});
