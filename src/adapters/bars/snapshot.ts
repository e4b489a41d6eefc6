/**
 * On-disk universe snapshots: one file per data fingerprint, holding the
 * columnar buffers exactly as they sit in memory, so a fresh process maps a
 * whole universe with one read and no parsing.
 *
 * Layout (little-endian, the only byte order this is written on):
 *
 *   0   magic "CSBARS" 0x00 0x01
 *   8   u32 header length H
 *   12  u32 CRC-32 of the data section
 *   16  header JSON (H bytes), zero padding to a multiple of 8
 *   D   data section: each date table as Int32 epoch days (each padded to
 *       8 bytes), then each symbol's Float64 block (5n values)
 *
 * Files are written to a temporary name and renamed, so a reader never sees
 * a half-written file; the size and CRC are checked on load anyway, and a bad
 * file is ignored (and removed).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { DateTables, seriesOf } from './columnar.js';
import type { LoadedUniverse, UniverseEntry } from './universe.js';
import type { DebugLog } from '../db/sql.js';

/**
 * Removes a cache file; true when it is gone. A file that cannot be removed
 * (permissions, a busy file on Windows) is only told at debug: every
 * snapshot is checked against the fingerprint before it is used, so one left
 * behind costs disk space, never a wrong answer.
 */
async function removeCacheFile(path: string, log: DebugLog | undefined): Promise<boolean> {
  try {
    await rm(path, { force: true });
    return true;
  } catch (err) {
    log?.debug({ err, path }, 'bars snapshot file not removed; it is never used without a fingerprint check');
    return false;
  }
}

const MAGIC = Buffer.from([0x43, 0x53, 0x42, 0x41, 0x52, 0x53, 0x00, 0x01]); // "CSBARS" v1
const PREFIX = 'bars-';
const SUFFIX = '.snap';

/** Disk snapshots need a little-endian host (the buffers are stored raw). */
export const SNAPSHOTS_SUPPORTED = endianness() === 'LE';

interface SnapshotHeader {
  fingerprint: string;
  createdAt: string;
  dataBytes: number;
  /** [length, offset] of each date table. */
  dateTables: [number, number][];
  /** [symbol, length, date table, offset] of each series. */
  series: [string, number, number, number][];
}

export function snapshotPath(dir: string, fingerprint: string): string {
  if (!/^[0-9a-z-]+$/.test(fingerprint)) throw new RangeError(`bad fingerprint "${fingerprint.slice(0, 40)}"`);
  return join(dir, `${PREFIX}${fingerprint}${SUFFIX}`);
}

const align8 = (n: number) => (n + 7) & ~7;

/** Writes the snapshot of `u` atomically; returns its path. */
export async function writeSnapshot(dir: string, u: LoadedUniverse, log?: DebugLog): Promise<string> {
  await mkdir(dir, { recursive: true });
  const parts: Uint8Array[] = [];
  let offset = 0;
  const dateTables: [number, number][] = [];
  const pad = (bytes: number) => {
    const p = align8(bytes) - bytes;
    if (p > 0) parts.push(new Uint8Array(p));
    offset += align8(bytes);
  };
  for (const t of u.dateTables) {
    dateTables.push([t.days.length, offset]);
    parts.push(new Uint8Array(t.days.buffer, t.days.byteOffset, t.days.byteLength));
    pad(t.days.byteLength);
  }
  const series: [string, number, number, number][] = [];
  for (const e of u.entries) {
    series.push([e.symbol, e.block.length / 5, e.dateTable, offset]);
    parts.push(new Uint8Array(e.block.buffer, e.block.byteOffset, e.block.byteLength));
    offset += e.block.byteLength;
  }
  let crc = 0;
  for (const p of parts) crc = crc32(p, crc);
  const header: SnapshotHeader = { fingerprint: u.fingerprint, createdAt: new Date().toISOString(), dataBytes: offset, dateTables, series };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = Buffer.alloc(align8(16 + json.length));
  MAGIC.copy(head, 0);
  head.writeUInt32LE(json.length, 8);
  head.writeUInt32LE(crc >>> 0, 12);
  json.copy(head, 16);

  const path = snapshotPath(dir, u.fingerprint);
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    const all = [head, ...parts];
    for (let i = 0; i < all.length; i += 512) await fh.writev(all.slice(i, i + 512));
  } catch (err) {
    // The write error is what is reported; the half-written file goes either way.
    await fh.close().catch((closeErr: unknown) => log?.debug({ err: closeErr, path: tmp }, 'closing a failed snapshot write failed too'));
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  await rename(tmp, path);
  return path;
}

/**
 * Loads the snapshot for `fingerprint`; undefined when there is none or it
 * is unusable (wrong size, CRC or fingerprint), in which case it is removed.
 */
export async function readSnapshot(dir: string, fingerprint: string, log?: DebugLog): Promise<LoadedUniverse | undefined> {
  const path = snapshotPath(dir, fingerprint);
  let file: Buffer;
  try {
    file = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const u = decode(file, fingerprint);
  if (!u) await removeCacheFile(path, log);
  return u;
}

function decode(raw: Buffer, fingerprint: string): LoadedUniverse | undefined {
  if (raw.length < 16 || !raw.subarray(0, 8).equals(MAGIC)) return undefined;
  // Typed-array views need 8-byte alignment; large reads get their own buffer, but check.
  const file = raw.byteOffset % 8 === 0 ? raw : Buffer.from(raw);
  const headerLen = file.readUInt32LE(8);
  const crc = file.readUInt32LE(12);
  if (16 + headerLen > file.length) return undefined;
  let header: SnapshotHeader;
  try {
    header = JSON.parse(file.toString('utf8', 16, 16 + headerLen)) as SnapshotHeader;
  } catch {
    return undefined;
  }
  const dataStart = align8(16 + headerLen);
  if (header.fingerprint !== fingerprint || file.length !== dataStart + header.dataBytes) return undefined;
  const data = file.subarray(dataStart);
  if (crc32(data) >>> 0 !== crc) return undefined;
  const base = file.byteOffset + dataStart;
  const tables = new DateTables();
  const tableIdx: number[] = [];
  for (const [n, off] of header.dateTables) {
    if (off + n * 4 > header.dataBytes) return undefined;
    tableIdx.push(tables.intern(new Int32Array(file.buffer, base + off, n)));
  }
  const entries: UniverseEntry[] = [];
  let bars = 0;
  let bytes = 0;
  for (const [symbol, n, t, off] of header.series) {
    const idx = tableIdx[t];
    if (idx === undefined || off + n * 40 > header.dataBytes || off % 8 !== 0) return undefined;
    const table = tables.tables[idx]!;
    if (table.days.length !== n) return undefined;
    const block = new Float64Array(file.buffer, base + off, 5 * n);
    entries.push({ symbol, block, dateTable: idx, series: seriesOf(symbol, block, table.dates) });
    bars += n;
    bytes += block.byteLength;
  }
  for (const t of tables.tables) bytes += t.days.byteLength + t.dates.length * 8;
  return { fingerprint, entries, dateTables: tables.tables, bars, bytes };
}

/** Snapshot files in `dir`, newest first. */
async function listSnapshots(dir: string, log: DebugLog | undefined): Promise<{ path: string; mtimeMs: number }[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: { path: string; mtimeMs: number }[] = [];
  for (const n of names) {
    if (!n.startsWith(PREFIX) || !(n.endsWith(SUFFIX) || n.endsWith('.tmp'))) continue;
    const path = join(dir, n);
    try {
      const s = await stat(path);
      out.push({ path, mtimeMs: s.mtimeMs });
    } catch (err) {
      // Usually removed by another process between readdir and stat: nothing to list.
      log?.debug({ err, path }, 'bars snapshot file vanished while listing');
    }
  }
  return out.sort((a, b) => b.mtimeMs - a.mtimeMs);
}

/**
 * Keeps `keep` snapshots — `protect` (the one just written) and the newest
 * others — and removes the rest, including temporary files older than a
 * minute (left by a crashed writer).
 */
export async function pruneSnapshots(dir: string, keep: number, protect?: string, log?: DebugLog): Promise<number> {
  const files = await listSnapshots(dir, log);
  let kept = protect !== undefined && files.some((f) => f.path === protect) ? 1 : 0;
  let removed = 0;
  const now = Date.now();
  for (const f of files) {
    if (f.path.endsWith('.tmp')) {
      if (now - f.mtimeMs > 60_000 && (await removeCacheFile(f.path, log))) removed++;
      continue;
    }
    if (f.path === protect) continue;
    if (kept < keep) {
      kept++;
      continue;
    }
    if (await removeCacheFile(f.path, log)) removed++;
  }
  return removed;
}

/** Removes every snapshot file in `dir`; returns how many. */
export async function clearSnapshots(dir: string, log?: DebugLog): Promise<number> {
  const files = await listSnapshots(dir, log);
  for (const f of files) await removeCacheFile(f.path, log);
  return files.length;
}
