/**
 * Bulk writes into `bars_daily`.
 *
 * Input is cut into batches of whole symbols (about `batchRows` rows each);
 * each batch is one transaction, so a symbol's bars and its derived rows
 * (`bar_symbols`, `bar_packed`, kept by triggers) always change together.
 * Batches run on `concurrency` connections at once. Within a batch:
 *
 * - symbols with no stored bars are sent with binary `COPY` (fastest path);
 * - for symbols with stored bars, the stored bars are read back and compared
 *   in memory: identical bars are not sent at all, so re-importing the same
 *   data changes nothing (not even the fingerprint); new and changed bars are
 *   upserted from binary array parameters (`INSERT … SELECT FROM unnest(…)
 *   ON CONFLICT DO UPDATE`), or, when most of a symbol changes, the symbol is
 *   deleted and copied afresh;
 * - `replace` deletes the stored dates that are not in the input;
 * - demo bars never overwrite a symbol holding real bars (the symbol is
 *   skipped), and real bars replace a symbol's demo bars entirely, so a
 *   series is never a mix of made-up and real data.
 *
 * Every row names its market and currency, derived from the symbol
 * (./bar-market.ts): KRX codes are KR/KRW, tickers US/USD. A symbol neither
 * market accepts (a five-digit code) is refused before anything is written.
 */
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { rollback, type DebugLog } from '../db/sql.js';
import { pgBool, pgInt, pgText } from '../../lib/sql-columns.js';
import { parseRows } from '../../lib/sql-rows.js';
import { structuralProblems, type ColumnarBars } from './columnar.js';
import { CopyBinaryWriter, CopyIn, dateArrayParam, float8ArrayParam, runCopy, textArrayParam } from './pg-wire.js';
import { readPackedColumnar } from './read.js';
import { barMarketOf, type BarMarket } from './bar-market.js';
import { SymbolError } from '../../engine/market/index.js';
import type { SymbolWriteResult, WriteOptions, WriteReport } from './types.js';

export interface WriteTuning {
  /** Rows per batch (whole symbols are never split); default 20,000. */
  batchRows?: number;
  /** Connections writing at once; default 2. */
  concurrency?: number;
  /** Hears, at debug, a ROLLBACK that failed on a lost connection. */
  log?: DebugLog;
}

/** Input that cannot be stored (a caller bug: import paths clean bars first). */
export class BarsWriteError extends Error {
  override readonly name = 'BarsWriteError';
}

const MAX_SOURCE_LENGTH = 200;

/** Writes columnar bars (symbols already normalised and unique). */
export async function writeColumnar(ds: DataSource, items: readonly ColumnarBars[], opts: WriteOptions, tuning: WriteTuning = {}): Promise<WriteReport> {
  const started = performance.now();
  const source = String(opts.source ?? '');
  if (source.length === 0 || source.length > MAX_SOURCE_LENGTH) throw new BarsWriteError(`source must be 1–${MAX_SOURCE_LENGTH} characters, got "${source.slice(0, 40)}"`);
  if (typeof opts.demo !== 'boolean') throw new BarsWriteError('demo must be true or false');
  const mode = opts.mode ?? 'merge';
  const problems: string[] = [];
  const markets = new Map<string, BarMarket>();
  for (const it of items) {
    if (markets.has(it.symbol)) problems.push(`${it.symbol}: given more than once`);
    try {
      markets.set(it.symbol, barMarketOf(it.symbol));
    } catch (err) {
      if (!(err instanceof SymbolError)) throw err;
      problems.push(`${it.symbol}: ${err.message}`);
    }
    problems.push(...structuralProblems(it, 3));
    if (problems.length >= 10) break;
  }
  if (problems.length > 0) throw new BarsWriteError(`refusing to store invalid bars:\n  ${problems.slice(0, 10).join('\n  ')}`);

  const batchRows = Math.max(1, tuning.batchRows ?? 20_000);
  const sorted = [...items].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const batches: ColumnarBars[][] = [];
  let cur: ColumnarBars[] = [];
  let rows = 0;
  for (const it of sorted) {
    cur.push(it);
    rows += it.days.length;
    if (rows >= batchRows) {
      batches.push(cur);
      cur = [];
      rows = 0;
    }
  }
  if (cur.length > 0) batches.push(cur);

  const results: SymbolWriteResult[] = [];
  const concurrency = Math.max(1, Math.min(tuning.concurrency ?? 2, batches.length));
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    const runner = ds.createQueryRunner();
    try {
      const client = (await runner.connect()) as pg.PoolClient;
      while (failure === undefined) {
        const i = next++;
        if (i >= batches.length) return;
        try {
          results.push(...(await writeBatch(client, batches[i]!, markets, source, opts.demo, mode, tuning.log)));
        } catch (err) {
          failure ??= err;
        }
      }
    } finally {
      await runner.release();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failure !== undefined) throw failure;

  results.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const report: WriteReport = { symbols: results, inserted: 0, updated: 0, unchanged: 0, deleted: 0, changed: [], ms: 0 };
  for (const r of results) {
    report.inserted += r.inserted;
    report.updated += r.updated;
    report.unchanged += r.unchanged;
    report.deleted += r.deleted;
    if (r.inserted + r.updated + r.deleted > 0) report.changed.push(r.symbol);
  }
  report.ms = performance.now() - started;
  return report;
}

/** What is stored of each symbol a batch writes (nulls: no `bar_symbols` row). */
const StoredStateRow = z.object({ symbol: pgText, demo: pgBool.nullable(), source: pgText.nullable(), has_rows: pgBool });
const STORED_STATE_SQL = `SELECT u.s AS symbol, bs.demo, bs.source, EXISTS (SELECT 1 FROM bars_daily b WHERE b.symbol = u.s) AS has_rows
       FROM unnest($1::text[]) AS u(s) LEFT JOIN bar_symbols bs ON bs.symbol = u.s`;
const DeletedRow = z.object({ symbol: pgText, n: pgInt });

// A stored row's market and currency never change: the symbol (the key) fixes them.
const UPSERT_SQL = `
  INSERT INTO bars_daily AS b (symbol, date, open, high, low, close, volume, source, market, currency)
  SELECT t.symbol, t.date, t.open, t.high, t.low, t.close, t.volume, $8, t.market, t.currency
  FROM unnest($1::text[], $2::date[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $9::text[], $10::text[])
    AS t(symbol, date, open, high, low, close, volume, market, currency)
  ON CONFLICT (symbol, date) DO UPDATE SET
    open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
    volume = EXCLUDED.volume, source = EXCLUDED.source
  WHERE (b.open, b.high, b.low, b.close, b.volume, b.source)
    IS DISTINCT FROM (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close, EXCLUDED.volume, EXCLUDED.source)`;

const DELETE_KEYS_SQL = `
  DELETE FROM bars_daily b USING unnest($1::text[], $2::date[]) AS k(symbol, date)
  WHERE b.symbol = k.symbol AND b.date = k.date`;

const DELETE_ALL_SQL = `
  WITH d AS (DELETE FROM bars_daily WHERE symbol = ANY ($1::text[]) RETURNING symbol)
  SELECT symbol, count(*)::int AS n FROM d GROUP BY symbol`;

/** How incoming bars differ from the stored ones (indices into the incoming bars; stored-only days). */
export interface BarsDiff {
  added: number[];
  changed: number[];
  /** Stored days absent from the input. */
  missing: number[];
}

export function diffBars(stored: { days: Int32Array; block: Float64Array }, inc: ColumnarBars): BarsDiff {
  const d: BarsDiff = { added: [], changed: [], missing: [] };
  const sn = stored.days.length;
  const n = inc.days.length;
  const sb = stored.block;
  const ib = inc.block;
  let i = 0;
  let j = 0;
  while (i < sn || j < n) {
    if (j >= n || (i < sn && stored.days[i]! < inc.days[j]!)) {
      d.missing.push(stored.days[i]!);
      i++;
    } else if (i >= sn || inc.days[j]! < stored.days[i]!) {
      d.added.push(j);
      j++;
    } else {
      if (sb[i] !== ib[j] || sb[sn + i] !== ib[n + j] || sb[2 * sn + i] !== ib[2 * n + j] || sb[3 * sn + i] !== ib[3 * n + j] || sb[4 * sn + i] !== ib[4 * n + j]) {
        d.changed.push(j);
      }
      i++;
      j++;
    }
  }
  return d;
}

function subset(b: ColumnarBars, idx: readonly number[]): ColumnarBars {
  const n = b.days.length;
  const m = idx.length;
  const days = new Int32Array(m);
  const block = new Float64Array(5 * m);
  for (let k = 0; k < m; k++) {
    const j = idx[k]!;
    days[k] = b.days[j]!;
    for (let c = 0; c < 5; c++) block[c * m + k] = b.block[c * n + j]!;
  }
  return { symbol: b.symbol, days, block };
}

/**
 * One batch in one transaction. Stored bars of the batch's symbols are read
 * (from `bar_packed`, under the per-symbol locks) and compared in memory, so
 * only new or changed bars reach Postgres: re-writing identical data costs a
 * read, not a rewrite. A symbol whose bars mostly change (a regenerated demo
 * history) is deleted and copied afresh, which is several times faster than
 * updating every row.
 */
async function writeBatch(
  client: pg.PoolClient,
  batch: ColumnarBars[],
  markets: ReadonlyMap<string, BarMarket>,
  source: string,
  demo: boolean,
  mode: 'merge' | 'replace',
  log: DebugLog | undefined,
): Promise<SymbolWriteResult[]> {
  const symbols = batch.map((b) => b.symbol); // sorted: lock order
  const results = new Map<string, SymbolWriteResult>();
  for (const b of batch) results.set(b.symbol, { symbol: b.symbol, bars: b.days.length, inserted: 0, updated: 0, unchanged: 0, deleted: 0 });
  await client.query('BEGIN');
  try {
    await client.query('SET LOCAL jit = off');
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('courtside.bars:' || s, 0)) FROM unnest($1::text[]) AS u(s)`, [symbols]);
    const state = parseRows(StoredStateRow, (await client.query(STORED_STATE_SQL, [symbols])).rows, STORED_STATE_SQL);
    const stored = new Map(state.map((r) => [r.symbol, r]));

    const wipe: string[] = [];
    const fresh: ColumnarBars[] = [];
    const existing: ColumnarBars[] = [];
    for (const b of batch) {
      const s = stored.get(b.symbol);
      const r = results.get(b.symbol)!;
      if (!s?.has_rows) {
        if (b.days.length > 0) fresh.push(b);
        r.inserted = b.days.length;
        continue;
      }
      const storedDemo = s.demo ?? false;
      if (demo && !storedDemo) {
        r.skipped = `holds real bars (source ${s.source ?? 'unknown'}); demo bars are never written over real ones`;
        continue;
      }
      if (!demo && storedDemo) {
        // Real data replaces demo data entirely: no mixed series.
        wipe.push(b.symbol);
        r.replacedDemo = true;
        r.inserted = b.days.length;
        if (b.days.length > 0) fresh.push(b);
        continue;
      }
      if (b.days.length === 0) {
        if (mode === 'replace') wipe.push(b.symbol);
        continue;
      }
      existing.push(b);
    }

    const upsert: ColumnarBars[] = [];
    const deleteKeys: ColumnarBars[] = [];
    if (existing.length > 0) {
      const current = await readPackedColumnar(client, existing.map((b) => b.symbol));
      for (const b of existing) {
        const r = results.get(b.symbol)!;
        const cur = current.get(b.symbol);
        if (!cur) throw new Error(`bars store is inconsistent: ${b.symbol} has rows but no bar_packed value`);
        const d = diffBars(cur, b);
        const removed = mode === 'replace' ? d.missing.length : 0;
        r.inserted = d.added.length;
        r.updated = d.changed.length;
        r.deleted = removed;
        const touched = d.added.length + d.changed.length + removed;
        if (touched === 0) continue;
        const finalSize = b.days.length + (mode === 'replace' ? 0 : d.missing.length);
        if ((mode === 'replace' || d.missing.length === 0) && touched * 2 > finalSize) {
          wipe.push(b.symbol);
          fresh.push(b);
          continue;
        }
        if (d.added.length + d.changed.length > 0) upsert.push(subset(b, [...d.added, ...d.changed].sort((x, y) => x - y)));
        if (removed > 0) deleteKeys.push({ symbol: b.symbol, days: Int32Array.from(d.missing), block: new Float64Array(0) });
      }
    }

    if (wipe.length > 0) {
      const del = parseRows(DeletedRow, (await client.query(DELETE_ALL_SQL, [wipe])).rows, DELETE_ALL_SQL);
      for (const row of del) {
        const r = results.get(row.symbol)!;
        // Demo bars replaced by real ones are gone; a rewrite's count is already logical.
        if (r.replacedDemo || r.bars === 0) r.deleted += row.n;
      }
    }
    if (deleteKeys.length > 0) {
      await client.query(DELETE_KEYS_SQL, [textArrayParam(deleteKeys.map((k) => k.symbol), deleteKeys.map((k) => k.days.length)), dateArrayParam(concatDays(deleteKeys))]);
    }
    if (upsert.length > 0) await client.query(UPSERT_SQL, upsertParams(upsert, markets, source));
    if (fresh.length > 0) {
      await runCopy(
        client,
        new CopyIn('COPY bars_daily (symbol, date, open, high, low, close, volume, source, market, currency) FROM STDIN (FORMAT binary)', [copyPayload(fresh, markets, source)]),
      );
    }
    const changed: string[] = [];
    for (const r of results.values()) {
      if (!r.skipped) r.unchanged = r.bars - r.inserted - r.updated;
      if (r.inserted + r.updated + r.deleted > 0) changed.push(r.symbol);
    }
    if (changed.length > 0) {
      // The triggers derived bar_symbols from the rows; record who wrote them.
      await client.query(
        `UPDATE bar_symbols SET source = $2, demo = $3 WHERE symbol = ANY ($1::text[]) AND (source, demo) IS DISTINCT FROM ($2, $3)`,
        [changed, source, demo],
      );
    }
    await client.query('COMMIT');
  } catch (err) {
    await rollback(client, log);
    throw err;
  }
  return [...results.values()];
}

function concatDays(items: readonly ColumnarBars[]): Int32Array {
  let n = 0;
  for (const b of items) n += b.days.length;
  const out = new Int32Array(n);
  let at = 0;
  for (const b of items) {
    out.set(b.days, at);
    at += b.days.length;
  }
  return out;
}

/** The market and currency of a symbol of the batch (writeColumnar resolved every one). */
function marketOf(markets: ReadonlyMap<string, BarMarket>, symbol: string): BarMarket {
  const m = markets.get(symbol);
  if (!m) throw new Error(`bars writer bug: no market resolved for ${symbol}`);
  return m;
}

/** Parameters $1–$10 of UPSERT_SQL: symbols, dates, five columns (binary arrays), source, markets, currencies. */
function upsertParams(items: readonly ColumnarBars[], markets: ReadonlyMap<string, BarMarket>, source: string): [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, string, Buffer, Buffer] {
  let n = 0;
  for (const b of items) n += b.days.length;
  const days = new Int32Array(n);
  const cols = [0, 1, 2, 3, 4].map(() => new Float64Array(n));
  let at = 0;
  for (const b of items) {
    const m = b.days.length;
    days.set(b.days, at);
    for (let c = 0; c < 5; c++) cols[c]!.set(b.block.subarray(c * m, (c + 1) * m), at);
    at += m;
  }
  const counts = items.map((b) => b.days.length);
  const itemMarkets = items.map((b) => marketOf(markets, b.symbol));
  return [
    textArrayParam(items.map((b) => b.symbol), counts),
    dateArrayParam(days),
    float8ArrayParam(cols[0]!),
    float8ArrayParam(cols[1]!),
    float8ArrayParam(cols[2]!),
    float8ArrayParam(cols[3]!),
    float8ArrayParam(cols[4]!),
    source,
    textArrayParam(itemMarkets.map((x) => x.market), counts),
    textArrayParam(itemMarkets.map((x) => x.currency), counts),
  ];
}

// Market and currency ids are ASCII: two and three bytes, plus a length word each.
const MARKET_FIELD_BYTES = 4 + 2 + 4 + 3;

function copyPayload(items: readonly ColumnarBars[], markets: ReadonlyMap<string, BarMarket>, source: string): Buffer {
  const src = Buffer.from(source, 'utf8');
  let bytes = 0;
  for (const b of items) bytes += b.days.length * (2 + 4 + Buffer.byteLength(b.symbol) + 8 + 60 + 4 + src.length + MARKET_FIELD_BYTES);
  const w = new CopyBinaryWriter(bytes + 64);
  for (const b of items) {
    const sym = Buffer.from(b.symbol, 'utf8');
    const m = marketOf(markets, b.symbol);
    const market = Buffer.from(m.market, 'ascii');
    const currency = Buffer.from(m.currency, 'ascii');
    const n = b.days.length;
    const rowBytes = 4 + sym.length + 8 + 60 + 4 + src.length + 4 + market.length + 4 + currency.length;
    const blk = b.block;
    for (let i = 0; i < n; i++) {
      w.row(10, rowBytes)
        .bytesField(sym)
        .dateField(b.days[i]!)
        .float8Field(blk[i]!)
        .float8Field(blk[n + i]!)
        .float8Field(blk[2 * n + i]!)
        .float8Field(blk[3 * n + i]!)
        .float8Field(blk[4 * n + i]!)
        .bytesField(src)
        .bytesField(market)
        .bytesField(currency);
    }
  }
  return w.finish();
}
