import { createHash } from 'node:crypto';
import type { BarSeries } from '../../engine/bars.js';

/** Bars per block of {@link SymbolDigest.blocks}: small enough to point near a changed bar, large enough to keep a 900-symbol manifest small. */
export const BLOCK_BARS = 16;

/**
 * What a manifest remembers of one series: enough to say, on replay, whether
 * it is the same and, when not, where it first differs.
 */
export interface SymbolDigest {
  symbol: string;
  /** `s` a traded series, `b` the benchmark when it is not traded. */
  role: 's' | 'b';
  first: string;
  last: string;
  bars: number;
  /** SHA-256 (hex) over the symbol, its dates and the raw bytes of its OHLCV columns. */
  hash: string;
  /**
   * One 32-bit check per block of {@link BLOCK_BARS} bars (dates and OHLCV),
   * 8 hex digits each, concatenated: the first block whose check differs
   * holds the first changed bar.
   */
  blocks: string;
}

/** The content hash of a run's input bars and its per-series digests. */
export interface DatasetDigest {
  /** SHA-256 (hex) over every series' digest line, in symbol order (benchmark last). */
  hash: string;
  symbols: SymbolDigest[];
}

/**
 * Hashes a run's input: the traded series (sorted by symbol) and the
 * benchmark when it is not among them. Canonical: the same bars give the same
 * hash whatever their source or load order; one changed price, volume or date
 * changes it. Costs one SHA-256 pass over the Float64 columns plus a 32-bit
 * mixing pass for the block checks (measured by `npm run bench -- replay`).
 */
export function hashDataset(series: readonly BarSeries[], benchmark: BarSeries | null): DatasetDigest {
  const sorted = [...series].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const digests = sorted.map((s) => digestSeries(s, 's'));
  if (benchmark && !sorted.some((s) => s.symbol === benchmark.symbol)) digests.push(digestSeries(benchmark, 'b'));
  return { hash: datasetHashOf(digests), symbols: digests };
}

/** The dataset hash of stored digests (what {@link hashDataset} returns as `hash`). */
export function datasetHashOf(digests: readonly SymbolDigest[]): string {
  const h = createHash('sha256');
  for (const d of digests) h.update(`${d.role}|${d.symbol}|${d.first}|${d.last}|${d.bars}|${d.hash}\n`);
  return h.digest('hex');
}

/** The digest of one series. */
export function digestSeries(s: BarSeries, role: 's' | 'b'): SymbolDigest {
  const n = s.dates.length;
  const days = dateCodes(s.dates);
  const h = createHash('sha256');
  h.update(`${s.symbol}|${n}\n`);
  h.update(new Uint8Array(days.buffer, 0, n * 4));
  const cols = [s.open, s.high, s.low, s.close, s.volume];
  for (const col of cols) h.update(new Uint8Array(col.buffer, col.byteOffset, n * 8));
  return { symbol: s.symbol, role, first: s.dates[0] ?? '', last: s.dates[n - 1] ?? '', bars: n, hash: h.digest('hex'), blocks: blockChecks(s, days) };
}

/**
 * Each `YYYY-MM-DD` as the integer YYYYMMDD (read from its character codes:
 * a string join or per-character hashing costs several times more); any
 * other shape gets a 31-bit string hash with the top bit set, so it can
 * never equal a real date's code.
 */
function dateCodes(dates: readonly string[]): Int32Array {
  const out = new Int32Array(dates.length);
  for (let i = 0; i < dates.length; i++) {
    const d = dates[i]!;
    if (d.length === 10 && d.charCodeAt(4) === 45 && d.charCodeAt(7) === 45) {
      out[i] =
        (d.charCodeAt(0) - 48) * 10_000_000 +
        (d.charCodeAt(1) - 48) * 1_000_000 +
        (d.charCodeAt(2) - 48) * 100_000 +
        (d.charCodeAt(3) - 48) * 10_000 +
        (d.charCodeAt(5) - 48) * 1_000 +
        (d.charCodeAt(6) - 48) * 100 +
        (d.charCodeAt(8) - 48) * 10 +
        (d.charCodeAt(9) - 48);
    } else {
      let x = 0x811c9dc5;
      for (let k = 0; k < d.length; k++) x = Math.imul(x ^ d.charCodeAt(k), 0x01000193);
      out[i] = x | 0x80000000;
    }
  }
  return out;
}

/** One FNV-1a style 32-bit check per block of {@link BLOCK_BARS} bars over the date codes and the OHLCV words, as hex. */
function blockChecks(s: BarSeries, days: Int32Array): string {
  const n = s.dates.length;
  const o = new Uint32Array(s.open.buffer, s.open.byteOffset, n * 2);
  const hi = new Uint32Array(s.high.buffer, s.high.byteOffset, n * 2);
  const lo = new Uint32Array(s.low.buffer, s.low.byteOffset, n * 2);
  const c = new Uint32Array(s.close.buffer, s.close.byteOffset, n * 2);
  const v = new Uint32Array(s.volume.buffer, s.volume.byteOffset, n * 2);
  const P = 0x01000193;
  const parts: string[] = [];
  for (let start = 0; start < n; start += BLOCK_BARS) {
    let h = 0x811c9dc5;
    const end = Math.min(n, start + BLOCK_BARS);
    for (let i = start; i < end; i++) {
      const a = 2 * i;
      const b = a + 1;
      h = Math.imul(h ^ days[i]!, P);
      h = Math.imul(h ^ o[a]!, P);
      h = Math.imul(h ^ o[b]!, P);
      h = Math.imul(h ^ hi[a]!, P);
      h = Math.imul(h ^ hi[b]!, P);
      h = Math.imul(h ^ lo[a]!, P);
      h = Math.imul(h ^ lo[b]!, P);
      h = Math.imul(h ^ c[a]!, P);
      h = Math.imul(h ^ c[b]!, P);
      h = Math.imul(h ^ v[a]!, P);
      h = Math.imul(h ^ v[b]!, P);
    }
    parts.push((h >>> 0).toString(16).padStart(8, '0'));
  }
  return parts.join('');
}

/**
 * Where a dataset first differs from a stored one, in stored symbol order:
 * - `missing`: a stored series is gone;
 * - `range`: its first/last date or bar count changed (`detail` says which);
 * - `values`: same dates and count, a bar changed within `from`–`to`
 *   (the first differing block; `from` is the earliest date it can be);
 * - `added`: a series the stored run did not have.
 */
export type DatasetDifference =
  | { kind: 'missing'; symbol: string }
  | { kind: 'added'; symbol: string }
  | { kind: 'range'; symbol: string; stored: { first: string; last: string; bars: number }; now: { first: string; last: string; bars: number } }
  | { kind: 'values'; symbol: string; from: string; to: string };

/**
 * The first difference between stored digests and the current series, or
 * null when every series hashes the same. `now` holds the current series by
 * symbol (benchmark included).
 */
export function firstDatasetDifference(stored: readonly SymbolDigest[], now: ReadonlyMap<string, BarSeries>): DatasetDifference | null {
  for (const d of stored) {
    const s = now.get(d.symbol);
    if (!s || s.dates.length === 0) return { kind: 'missing', symbol: d.symbol };
    const cur = digestSeries(s, d.role);
    if (cur.hash === d.hash) continue;
    if (cur.first !== d.first || cur.last !== d.last || cur.bars !== d.bars) {
      return { kind: 'range', symbol: d.symbol, stored: { first: d.first, last: d.last, bars: d.bars }, now: { first: cur.first, last: cur.last, bars: cur.bars } };
    }
    const blocks = d.blocks.length / 8;
    for (let b = 0; b < blocks; b++) {
      if (d.blocks.slice(8 * b, 8 * b + 8) !== cur.blocks.slice(8 * b, 8 * b + 8)) {
        const from = b * BLOCK_BARS;
        const to = Math.min(s.dates.length, from + BLOCK_BARS) - 1;
        return { kind: 'values', symbol: d.symbol, from: s.dates[from]!, to: s.dates[to]! };
      }
    }
    // The block checks collided (about 1 in 4 billion per block): the whole series is all we can name.
    return { kind: 'values', symbol: d.symbol, from: cur.first, to: cur.last };
  }
  const known = new Set(stored.map((d) => d.symbol));
  for (const sym of [...now.keys()].sort()) if (!known.has(sym)) return { kind: 'added', symbol: sym };
  return null;
}
