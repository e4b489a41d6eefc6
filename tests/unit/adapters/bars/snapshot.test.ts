import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { epochDayOf } from '../../../../src/adapters/bars/columnar.js';
import { clearSnapshots, pruneSnapshots, readSnapshot, snapshotPath, writeSnapshot } from '../../../../src/adapters/bars/snapshot.js';
import { UniverseBuilder, type LoadedUniverse } from '../../../../src/adapters/bars/universe.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cs-bars-snap-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function universe(fingerprint: string): LoadedUniverse {
  const b = new UniverseBuilder();
  const days = Int32Array.from(['2024-01-02', '2024-01-03', '2024-01-04'], epochDayOf);
  b.add('BBB', days, new Float64Array([1, 2, 3, 1.5, 2.5, 3.5, 0.5, 1.5, 2.5, 1.1, 2.2, 3.3, 10, 20, 30]));
  b.add('AAA', Int32Array.from(days), new Float64Array([0.1 + 0.2, 0.4, 0.5, 1, 1, 1, 0.1, 0.2, 0.3, 0.2, 0.3, 0.4, 5, 6, 7]));
  b.add('CCC', Int32Array.from([epochDayOf('2020-05-05')]), new Float64Array([Math.PI, 4, 3, 3.5, 1e12 + 0.5]));
  return b.finish(fingerprint);
}

describe('disk snapshots', () => {
  it('round-trip exactly, sharing date columns', async () => {
    const u = universe('v1-abc');
    expect(u.dateTables).toHaveLength(2);
    await writeSnapshot(dir, u);
    const back = (await readSnapshot(dir, 'v1-abc'))!;
    expect(back.entries.map((e) => e.symbol)).toEqual(['AAA', 'BBB', 'CCC']);
    expect(back.bars).toBe(7);
    for (const [i, e] of back.entries.entries()) {
      expect(e.series).toEqual(u.entries[i]!.series);
      expect(Buffer.from(e.block.buffer, e.block.byteOffset, e.block.byteLength).equals(Buffer.from(u.entries[i]!.block.buffer, u.entries[i]!.block.byteOffset, u.entries[i]!.block.byteLength))).toBe(true);
    }
    expect(back.entries[0]!.series.dates).toBe(back.entries[1]!.series.dates);
    expect(back.entries[2]!.series.close[0]).toBe(3.5);
    expect(back.entries[2]!.series.volume[0]).toBe(1e12 + 0.5);
  });

  it('misses when absent or for another fingerprint, and drops a damaged file', async () => {
    expect(await readSnapshot(dir, 'v1-none')).toBeUndefined();
    await writeSnapshot(dir, universe('v1-abc'));
    const path = snapshotPath(dir, 'v1-abc');
    const good = await readFile(path);
    // Same file under another fingerprint's name: the header disagrees.
    await writeFile(snapshotPath(dir, 'v1-def'), good);
    expect(await readSnapshot(dir, 'v1-def')).toBeUndefined();
    for (const damage of [(b: Buffer) => b.subarray(0, b.length - 8), (b: Buffer) => Buffer.concat([b, Buffer.alloc(8)]), (b: Buffer) => { const c = Buffer.from(b); c.writeUInt8(c.readUInt8(c.length - 1) ^ 1, c.length - 1); return c; }]) {
      await writeFile(path, damage(good));
      expect(await readSnapshot(dir, 'v1-abc')).toBeUndefined();
      expect((await readdir(dir)).includes('bars-v1-abc.snap')).toBe(false);
    }
    expect(() => snapshotPath(dir, '../etc/passwd')).toThrow();
  });

  it('prunes to the newest files (keeping the one just written) and clears', async () => {
    for (const [i, fp] of ['v1-a', 'v1-b', 'v1-c', 'v1-d'].entries()) {
      const p = await writeSnapshot(dir, universe(fp));
      const t = new Date(Date.now() - (10 - i) * 60_000);
      await utimes(p, t, t);
    }
    await writeFile(join(dir, 'bars-v1-x.snap.1.tmp'), 'partial');
    const old = new Date(Date.now() - 3_600_000);
    await utimes(join(dir, 'bars-v1-x.snap.1.tmp'), old, old);
    await writeFile(join(dir, 'unrelated.txt'), 'keep me');
    await pruneSnapshots(dir, 2, snapshotPath(dir, 'v1-a'));
    expect((await readdir(dir)).sort()).toEqual(['bars-v1-a.snap', 'bars-v1-d.snap', 'unrelated.txt']);
    expect(await clearSnapshots(dir)).toBe(2);
    expect(await readdir(dir)).toEqual(['unrelated.txt']);
  });
});
