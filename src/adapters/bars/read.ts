/**
 * Reads from Postgres: the cheap fingerprint query and the bulk columnar
 * read. The bulk read streams `bar_packed` (one binary value per symbol)
 * through `COPY … TO STDOUT (FORMAT binary)`: Postgres does no per-bar work
 * and Node only copies and byte-swaps buffers.
 */
import type pg from 'pg';
import { z } from 'zod';
import { rollback, type DebugLog } from '../db/sql.js';
import { pgInt, pgNumeric, pgText } from '../../lib/sql-columns.js';
import { parseRows } from '../../lib/sql-rows.js';
import { PG_EPOCH_DAY, CopyOutBinary, runCopy } from './pg-wire.js';
import { symbolArrayLiteral } from './symbols.js';
import type { Fingerprint } from './types.js';
import { UniverseBuilder, type LoadedUniverse } from './universe.js';

/** Bump when the fingerprint's meaning or the snapshot contents change. */
const FINGERPRINT_VERSION = 'v1';

const FINGERPRINT_SQL = `
  SELECT count(*)::int AS symbols,
         coalesce(sum(bar_count), 0)::bigint::text AS bars,
         md5(coalesce(string_agg(
           symbol || ':' || version || ':' || (extract(epoch FROM updated_at) * 1000000)::bigint || ':' || bar_count,
           ',' ORDER BY symbol), '')) AS hash
  FROM bar_symbols
  WHERE $1::text[] IS NULL OR symbol = ANY ($1::text[])`;

const FingerprintRow = z.object({ symbols: pgInt, bars: pgNumeric, hash: pgText });

type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * Fingerprint of the stored bars of `symbols` (all when null): changes
 * whenever any of their bars change, a symbol appears or disappears. One
 * index/heap scan of `bar_symbols` (~1 ms for 900 symbols).
 */
export async function queryFingerprint(q: Queryable, symbols: readonly string[] | null): Promise<Fingerprint> {
  const r = await q.query(FINGERPRINT_SQL, [symbols]);
  const [row] = parseRows(FingerprintRow, r.rows, FINGERPRINT_SQL);
  if (!row) throw new Error('the bars fingerprint query returned no row');
  return { fingerprint: `${FINGERPRINT_VERSION}-${row.hash}`, symbols: row.symbols, bars: Number(row.bars) };
}

/**
 * Decodes one `bar_packed` value: n int4 dates (days since 2000-01-01), then
 * the five float8 columns, all big-endian. Copies into fresh, aligned arrays.
 */
export function decodePacked(symbol: string, data: Buffer): { days: Int32Array; block: Float64Array } {
  if (data.length % 44 !== 0) throw new Error(`bar_packed value of ${symbol} has ${data.length} bytes, not a multiple of 44`);
  const n = data.length / 44;
  const days = new Int32Array(n);
  for (let i = 0; i < n; i++) days[i] = data.readInt32BE(4 * i) + PG_EPOCH_DAY;
  for (let i = 1; i < n; i++) if (days[i]! <= days[i - 1]!) throw new Error(`bar_packed value of ${symbol} is not in date order`);
  const block = new Float64Array(5 * n);
  const bytes = Buffer.from(block.buffer, block.byteOffset, block.byteLength);
  data.copy(bytes, 0, 4 * n);
  bytes.swap64(); // big-endian (network order) to host order
  return { days, block };
}

/** Stored bars of `symbols` from `bar_packed` (inside the caller's transaction). */
export async function readPackedColumnar(client: pg.ClientBase, symbols: readonly string[]): Promise<Map<string, { days: Int32Array; block: Float64Array }>> {
  const out = new Map<string, { days: Int32Array; block: Float64Array }>();
  if (symbols.length === 0) return out;
  await runCopy(
    client,
    new CopyOutBinary(`COPY (SELECT symbol, data FROM bar_packed WHERE symbol = ANY (${symbolArrayLiteral(symbols)})) TO STDOUT (FORMAT binary)`, (f) => {
      const symbol = f[0]!.toString('utf8');
      out.set(symbol, decodePacked(symbol, f[1]!));
    }),
  );
  return out;
}

/**
 * Reads `symbols` (all when null) from `bar_packed` together with their
 * fingerprint, in one repeatable-read snapshot so the two agree.
 */
export async function readPacked(client: pg.ClientBase, symbols: readonly string[] | null, log?: DebugLog): Promise<LoadedUniverse> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const fp = await queryFingerprint(client, symbols);
    const builder = new UniverseBuilder();
    const where = symbols ? `WHERE symbol = ANY (${symbolArrayLiteral(symbols)})` : '';
    await runCopy(
      client,
      new CopyOutBinary(`COPY (SELECT symbol, data FROM bar_packed ${where}) TO STDOUT (FORMAT binary)`, (f) => {
        const symbol = f[0]!.toString('utf8');
        const { days, block } = decodePacked(symbol, f[1]!);
        builder.add(symbol, days, block);
      }),
    );
    await client.query('COMMIT');
    const u = builder.finish(fp.fingerprint);
    if (u.entries.length !== fp.symbols || u.bars !== fp.bars) {
      throw new Error(`bars store is inconsistent: bar_symbols lists ${fp.symbols} symbols / ${fp.bars} bars, bar_packed has ${u.entries.length} / ${u.bars}`);
    }
    return u;
  } catch (err) {
    await rollback(client, log);
    throw err;
  }
}

/**
 * Reads straight from the `bars_daily` rows (slow path, no derived data):
 * used to check that `bar_packed` agrees with the system of record.
 */
export async function readRows(client: pg.ClientBase, symbols: readonly string[] | null, log?: DebugLog): Promise<LoadedUniverse> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const fp = await queryFingerprint(client, symbols);
    const builder = new UniverseBuilder();
    const where = symbols ? `WHERE symbol = ANY (${symbolArrayLiteral(symbols)})` : '';
    let curSymbol: string | undefined;
    let days: number[] = [];
    let cols: number[][] = [[], [], [], [], []];
    const flush = () => {
      if (curSymbol === undefined) return;
      const n = days.length;
      const block = new Float64Array(5 * n);
      for (let c = 0; c < 5; c++) block.set(cols[c]!, c * n);
      builder.add(curSymbol, Int32Array.from(days), block);
      days = [];
      cols = [[], [], [], [], []];
    };
    await runCopy(
      client,
      new CopyOutBinary(
        `COPY (SELECT symbol, date, open, high, low, close, volume FROM bars_daily ${where} ORDER BY symbol, date) TO STDOUT (FORMAT binary)`,
        (f) => {
          const symbol = f[0]!.toString('utf8');
          if (symbol !== curSymbol) {
            flush();
            curSymbol = symbol;
          }
          days.push(f[1]!.readInt32BE(0) + PG_EPOCH_DAY);
          for (let c = 0; c < 5; c++) cols[c]!.push(f[2 + c]!.readDoubleBE(0));
        },
      ),
    );
    flush();
    await client.query('COMMIT');
    return builder.finish(fp.fingerprint);
  } catch (err) {
    await rollback(client, log);
    throw err;
  }
}
