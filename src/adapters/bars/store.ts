/**
 * The one documented exception to "one way to talk to Postgres": the bars
 * bulk path (this file's reads and writes through ./read.ts, ./write.ts and
 * ./pg-wire.ts) talks to `pg` directly — binary COPY in and out, binary array
 * parameters — because that is where the time goes. Measured on the 2-core dev
 * box (bench/lib/bars-insert-compare.ts, 100 symbols × 2,500 bars = 250,000
 * rows into a fresh migrated database, same triggers, best of 2, load average
 * 4–5 from other work): writeBars over binary COPY took 1.67 s on one
 * connection (150,000 rows/s; 1.49 s on its default two), the same rows
 * through TypeORM's query builder (multi-row INSERT of 4,000 rows, a
 * transaction per 20,000) 13.5 s (18,500 rows/s) — 8× slower. The small
 * statements here (listSymbols, deleteSymbols, the seed version) use the
 * query builder with their rows parsed; the statements inside the bulk path
 * parse theirs too (src/lib/sql-rows.ts).
 */
import { existsSync } from 'node:fs';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { pgBool, pgInt, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { parseRows } from '../../lib/sql-rows.js';
import type { Bar, BarSeries } from '../../engine/bars.js';
import type { Market } from '../../engine/market/index.js';
import { checkBars, type CheckBarsOptions, type QualityIssue } from '../market-data/quality/check-bars.js';
import { columnarFromBars, columnarFromSeries, type ColumnarBars } from './columnar.js';
import { Lru } from './lru.js';
import { queryFingerprint, readPacked, readRows } from './read.js';
import { clearSnapshots, pruneSnapshots, readSnapshot, SNAPSHOTS_SUPPORTED, snapshotPath, writeSnapshot } from './snapshot.js';
import { normalizeSymbol, normalizeSymbols } from './symbols.js';
import type {
  BarsStatus,
  DatasetInfo,
  Fingerprint,
  LoadInfo,
  SymbolBarsInput,
  SymbolInfo,
  SymbolWriteResult,
  WriteOptions,
  WriteReport,
} from './types.js';
import { toSeriesMap, type LoadedUniverse } from './universe.js';
import { writeColumnar } from './write.js';

const SymbolInfoRow = z.object({
  symbol: pgText,
  market: z.enum(['US', 'KR']),
  source: pgText,
  demo: pgBool,
  first_date: pgText,
  last_date: pgText,
  bar_count: pgInt,
  version: pgText,
  updated_at: pgTimestamp,
});
const GeneratorRow = z.object({ v: pgInt });

export interface BarsStoreOptions {
  /**
   * Folder for on-disk universe snapshots, one file per data fingerprint
   * (typically `<COURTSIDE_HOME>/cache`). Omitted: no disk cache.
   */
  cacheDir?: string;
  /** Universes kept in process memory, keyed by fingerprint; default 2, 0 disables. */
  memoryEntries?: number;
  /** Snapshot files kept in `cacheDir` (newest first); default 3. */
  diskSnapshots?: number;
  /** Loads of fewer bars than this skip the disk cache (Postgres answers them in milliseconds); default 50,000. */
  diskMinBars?: number;
  /** Rows per write transaction (whole symbols); default 20,000. */
  batchRows?: number;
  /** Connections used by one bulk write; default 2. */
  writeConcurrency?: number;
  logger?: Logger;
}

export interface LoadOptions {
  /** Use (read and fill) the in-process cache; default true. */
  memory?: boolean;
  /** Use (read and fill) the disk snapshots; default true when the store has a `cacheDir`. */
  disk?: boolean;
}

/** Per-symbol result of {@link BarsStore.importBars}: the write plus the quality findings. */
export interface SymbolImportResult extends SymbolWriteResult {
  /** Every issue checkBars found (dropped rows and warnings). */
  issues: QualityIssue[];
  /** Bars left out because checkBars rejected them. */
  dropped: number;
}

export interface ImportBarsReport {
  symbols: SymbolImportResult[];
  write: WriteReport;
  /** Bars rejected by the quality checks, over all symbols. */
  dropped: number;
}

/**
 * The bars store: Postgres is the system of record (`bars_daily`), and
 * whole universes load into columnar memory through two caches keyed by the
 * data fingerprint — an in-process LRU and on-disk snapshots — each trusted
 * only after the fingerprint is checked against Postgres (one cheap query).
 *
 * Returned series are shared with the caches: treat them as read-only (the
 * engine does).
 */
export class BarsStore {
  readonly cacheDir: string | undefined;
  private readonly memory: Lru<string, LoadedUniverse>;
  private readonly diskSnapshots: number;
  private readonly diskMinBars: number;
  private readonly batchRows: number;
  private readonly writeConcurrency: number;
  private readonly logger: Logger | undefined;
  private readonly inflight = new Map<string, Promise<LoadedUniverse>>();
  private readonly pending = new Set<Promise<void>>();
  /** How the last `loadUniverse` was answered (for logs and benchmarks). */
  lastLoad: LoadInfo | undefined;

  constructor(
    readonly ds: DataSource,
    opts: BarsStoreOptions = {},
  ) {
    this.cacheDir = SNAPSHOTS_SUPPORTED ? opts.cacheDir : undefined;
    this.memory = new Lru(opts.memoryEntries ?? 2);
    this.diskSnapshots = Math.max(1, opts.diskSnapshots ?? 3);
    this.diskMinBars = opts.diskMinBars ?? 50_000;
    this.batchRows = opts.batchRows ?? 20_000;
    this.writeConcurrency = opts.writeConcurrency ?? 2;
    this.logger = opts.logger;
  }

  // ---------------------------------------------------------------- writes

  /**
   * Stores bars as given (structurally validated — dates strictly
   * increasing, prices positive, OHLC consistent — but no market-sense
   * checks; use {@link importBars} for data from outside). Idempotent:
   * identical bars are not rewritten and leave the fingerprint alone.
   */
  async writeBars(items: readonly SymbolBarsInput[], opts: WriteOptions): Promise<WriteReport> {
    const daysCache = new Map<readonly string[], Int32Array>();
    const columnar = items.map((it) => {
      const symbol = normalizeSymbol(it.symbol);
      return 'series' in it ? columnarFromSeries(symbol, it.series, daysCache) : columnarFromBars(symbol, it.bars);
    });
    return this.writeColumnar(columnar, opts);
  }

  /** {@link writeBars} for bars already in columnar form. */
  async writeColumnar(items: readonly ColumnarBars[], opts: WriteOptions): Promise<WriteReport> {
    const report = await writeColumnar(this.ds, items, opts, { batchRows: this.batchRows, concurrency: this.writeConcurrency, ...(this.logger ? { log: this.logger } : {}) });
    this.logger?.info(
      { source: opts.source, symbols: items.length, inserted: report.inserted, updated: report.updated, deleted: report.deleted, ms: Math.round(report.ms) },
      'bars written',
    );
    return report;
  }

  /**
   * Runs {@link checkBars} on each symbol's bars and stores only the clean
   * ones; every issue (dropped rows and warnings) is in the report. A symbol
   * whose bars were all rejected is not written at all (so `replace` can never
   * wipe a symbol because of a bad file).
   */
  async importBars(items: readonly { symbol: string; bars: readonly Bar[] }[], opts: WriteOptions & { quality?: CheckBarsOptions }): Promise<ImportBarsReport> {
    const checked = items.map((it) => {
      const symbol = normalizeSymbol(it.symbol);
      const q = checkBars(symbol, it.bars, opts.quality);
      return { symbol, total: it.bars.length, issues: q.issues, clean: q.clean };
    });
    const toWrite = checked.filter((c) => c.clean.length > 0);
    const write = await this.writeBars(
      toWrite.map((c) => ({ symbol: c.symbol, bars: c.clean })),
      { source: opts.source, demo: opts.demo, ...(opts.mode ? { mode: opts.mode } : {}) },
    );
    const bySymbol = new Map(write.symbols.map((r) => [r.symbol, r]));
    let dropped = 0;
    const symbols = checked.map((c): SymbolImportResult => {
      const d = c.total - c.clean.length;
      dropped += d;
      const w = bySymbol.get(c.symbol) ?? {
        symbol: c.symbol,
        bars: 0,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        deleted: 0,
        skipped: c.total === 0 ? 'no bars' : 'every bar was rejected by the quality checks',
      };
      return { ...w, issues: c.issues, dropped: d };
    });
    return { symbols, write, dropped };
  }

  /** Deletes every bar of `symbols`; returns the number of bars removed. */
  async deleteSymbols(symbols: readonly string[]): Promise<number> {
    const syms = normalizeSymbols(symbols);
    const res = await this.ds.createQueryBuilder().delete().from('bars_daily').where('symbol = ANY (:syms::text[])', { syms }).execute();
    return res.affected ?? 0;
  }

  // ----------------------------------------------------------------- reads

  /** The fingerprint of `symbols` (all stored symbols when omitted). */
  async fingerprint(symbols?: readonly string[]): Promise<Fingerprint> {
    const syms = symbols ? normalizeSymbols(symbols) : null;
    return this.withClient((c) => queryFingerprint(c, syms));
  }

  /**
   * Every stored series of `symbols` (all when omitted; unknown symbols are
   * simply absent), sorted by symbol. Checks the fingerprint (one query),
   * then answers from memory, else from a disk snapshot, else from Postgres
   * (and fills both caches; the snapshot is written in the background — see
   * {@link idle}).
   */
  async loadUniverse(symbols?: readonly string[], opts: LoadOptions = {}): Promise<Map<string, BarSeries>> {
    const started = performance.now();
    const syms = symbols ? normalizeSymbols(symbols) : null;
    const useMemory = opts.memory ?? true;
    const fp = await this.fingerprint(syms ?? undefined);
    const useDisk = (opts.disk ?? true) && this.cacheDir !== undefined && fp.bars >= this.diskMinBars;
    const done = (u: LoadedUniverse, from: LoadInfo['from']) => {
      this.lastLoad = { from, fingerprint: u.fingerprint, symbols: u.entries.length, bars: u.bars, ms: performance.now() - started };
      this.logger?.debug(this.lastLoad, 'bars universe loaded');
      return toSeriesMap(u);
    };

    if (useMemory) {
      const hit = this.memory.get(fp.fingerprint);
      if (hit) return done(hit, 'memory');
    }
    if (useDisk) {
      try {
        const snap = await readSnapshot(this.cacheDir!, fp.fingerprint, this.logger);
        if (snap && snap.entries.length === fp.symbols && snap.bars === fp.bars) {
          if (useMemory) this.memory.set(fp.fingerprint, snap);
          return done(snap, 'disk');
        }
      } catch (err) {
        this.logger?.warn({ err, cacheDir: this.cacheDir }, 'bars snapshot unreadable; reading Postgres');
      }
    }

    const key = `${fp.fingerprint}|${syms?.join(',') ?? '*'}`;
    let p = this.inflight.get(key);
    if (!p) {
      p = this.withClient((c) => readPacked(c, syms, this.logger)).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    const u = await p;
    // u.fingerprint may be newer than fp if a write landed in between; it describes u.
    if (useMemory) this.memory.set(u.fingerprint, u);
    if (useDisk) this.saveSnapshot(u);
    return done(u, 'postgres');
  }

  /** One symbol's stored series, or undefined. */
  async loadSeries(symbol: string, opts: LoadOptions = {}): Promise<BarSeries | undefined> {
    const sym = normalizeSymbol(symbol);
    return (await this.loadUniverse([sym], opts)).get(sym);
  }

  /**
   * Reads straight from the `bars_daily` rows, bypassing the packed copy and
   * the caches (slow; for verification).
   */
  async loadFromRows(symbols?: readonly string[]): Promise<Map<string, BarSeries>> {
    const syms = symbols ? normalizeSymbols(symbols) : null;
    return toSeriesMap(await this.withClient((c) => readRows(c, syms, this.logger)));
  }

  /** `bar_symbols` rows, sorted by symbol; `market` keeps one market's symbols. */
  async listSymbols(filter: { symbols?: readonly string[]; source?: string; demo?: boolean; market?: Market } = {}): Promise<SymbolInfo[]> {
    const q = this.ds
      .createQueryBuilder()
      .select(['s.symbol AS symbol', 's.market AS market', 's.source AS source', 's.demo AS demo', 's.bar_count AS bar_count', 's.updated_at AS updated_at'])
      .addSelect('s.first_date::text', 'first_date')
      .addSelect('s.last_date::text', 'last_date')
      .addSelect('s.version::text', 'version')
      .from('bar_symbols', 's')
      .orderBy('s.symbol');
    if (filter.source !== undefined) q.andWhere('s.source = :source', { source: filter.source });
    if (filter.demo !== undefined) q.andWhere('s.demo = :demo', { demo: filter.demo });
    if (filter.market !== undefined) q.andWhere('s.market = :market', { market: filter.market });
    if (filter.symbols) q.andWhere('s.symbol = ANY (:symbols::text[])', { symbols: normalizeSymbols(filter.symbols) });
    const rows = parseRows(SymbolInfoRow, await q.getRawMany(), q.getQuery());
    return rows.map((r) => ({
      symbol: r.symbol,
      market: r.market,
      source: r.source,
      demo: r.demo,
      firstDate: r.first_date,
      lastDate: r.last_date,
      barCount: r.bar_count,
      version: Number(r.version),
      updatedAt: r.updated_at,
    }));
  }

  /** Datasets (symbols grouped by source and DEMO flag), symbols and the overall fingerprint. */
  async status(): Promise<BarsStatus> {
    const [symbols, fp, seeds] = await Promise.all([
      this.listSymbols(),
      this.fingerprint(),
      this.demoGenerator(),
    ]);
    const groups = new Map<string, DatasetInfo>();
    for (const s of symbols) {
      const key = `${s.source}\u0000${s.demo}`;
      const g = groups.get(key);
      if (!g) {
        groups.set(key, { source: s.source, demo: s.demo, symbols: 1, bars: s.barCount, firstDate: s.firstDate, lastDate: s.lastDate, updatedAt: s.updatedAt });
        continue;
      }
      g.symbols++;
      g.bars += s.barCount;
      if (s.firstDate < g.firstDate) g.firstDate = s.firstDate;
      if (s.lastDate > g.lastDate) g.lastDate = s.lastDate;
      if (s.updatedAt > g.updatedAt) g.updatedAt = s.updatedAt;
    }
    const datasets = [...groups.values()].sort((a, b) => Number(a.demo) - Number(b.demo) || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
    return { datasets, symbols, totalSymbols: fp.symbols, totalBars: fp.bars, fingerprint: fp.fingerprint, demoGenerator: seeds };
  }

  /** The generator version of the stored DEMO dataset (1 when written before versions were kept), null when never seeded. */
  private async demoGenerator(): Promise<number | null> {
    const q = this.ds.createQueryBuilder().select('coalesce(b.generator_version, 1)', 'v').from('bar_seeds', 'b').where('b.name = :name', { name: 'default' });
    return parseRows(GeneratorRow, await q.getRawMany(), q.getQuery())[0]?.v ?? null;
  }

  // ---------------------------------------------------------------- caches

  clearMemoryCache(): void {
    this.memory.clear();
  }

  /** Removes every snapshot in `cacheDir`; returns how many files. */
  async clearDiskCache(): Promise<number> {
    await this.idle();
    return this.cacheDir ? clearSnapshots(this.cacheDir, this.logger) : 0;
  }

  /** Resolves when background snapshot writes have finished. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private saveSnapshot(u: LoadedUniverse): void {
    const dir = this.cacheDir!;
    if (existsSync(snapshotPath(dir, u.fingerprint))) return;
    const p = (async () => {
      const started = performance.now();
      const path = await writeSnapshot(dir, u, this.logger);
      await pruneSnapshots(dir, this.diskSnapshots, path, this.logger);
      this.logger?.debug({ path, bars: u.bars, ms: Math.round(performance.now() - started) }, 'bars snapshot written');
    })()
      .catch((err: unknown) => this.logger?.warn({ err, cacheDir: dir }, 'could not write bars snapshot'))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  private async withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const runner = this.ds.createQueryRunner();
    try {
      const client = (await runner.connect()) as pg.PoolClient;
      return await fn(client);
    } finally {
      await runner.release();
    }
  }
}
