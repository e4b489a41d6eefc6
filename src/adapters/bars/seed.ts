/**
 * Embedded default data: the real sample files (`data/ohlcv`, source
 * `sample`, not demo) and the deterministic synthetic universe (source
 * `synthetic`, DEMO) for every other symbol of the default universe; and,
 * as a dataset of its own (`demo-kr`, {@link seedKrDemoData}), the KR DEMO
 * bars of the bundled Korean ETFs.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { BarSeries } from '../../engine/bars.js';
import type { SqlSession } from '../db/port.js';
import { TypeOrmUnitOfWork } from '../db/unit-of-work.js';
import { pgInt, pgText, pgTextArray } from '../../lib/sql-columns.js';
import { rowOf, rowsOf } from '../../lib/sql-rows.js';
import { SampleCsvProvider } from '../market-data/csv/sample-csv-provider.js';
import { isIsoDate } from '../../lib/dates.js';
import { generateSyntheticSeries } from '../market-data/synthetic/generate-bars.js';
import { syntheticInputFor } from '../market-data/synthetic/generate-universe.js';
import { exchangeSessions } from '../market-data/synthetic/exchange-sessions.js';
import { DEMO_GENERATOR_VERSION, KR_DEMO_GENERATOR_VERSION } from '../market-data/synthetic/generator-version.js';
import { generateKrSyntheticSeries } from '../market-data/synthetic/generate-kr-bars.js';
import { KR_DEMO_DATASET, krDemoInputFor, krDemoSessions, type KrDemoEntry } from '../market-data/synthetic/generate-kr-universe.js';
import { loadKrEtfUniverse } from '../market-data/universe/kr-universe.js';
import { XKRX_CALENDAR } from '../../engine/calendar/exchange.js';
import type { Market } from '../../engine/market/index.js';
import { DEFAULT_SYNTHETIC_SESSIONS } from '../market-data/synthetic/synthetic-provider.js';
import { loadDefaultUniverse } from '../market-data/universe/default-universe.js';
import type { UniverseEntry } from '../market-data/universe/load-universe.js';
import { columnarFromSeries, type ColumnarBars } from './columnar.js';
import type { BarsStore, ImportBarsReport } from './store.js';
import { normalizeSymbol } from './symbols.js';
import type { WriteReport } from './types.js';

/** Bump when what the seed writes changes for the same inputs (forces a re-seed). */
const SEED_FORMAT = 1;
const SEED_NAME = 'default';
/** Session-level advisory lock (namespace; the key is SEED_NAME) so two processes seeding at once do it once. */
const SEED_LOCK_KEY = 774_219_003;
/** How long a process waits for another one's seed before giving up (a full seed takes a minute or two). */
const SEED_LOCK_WAIT_MS = 30 * 60_000;

export interface SeedOptions {
  /** Last session of the synthetic history (the caller's last completed session), YYYY-MM-DD. */
  endDate: string;
  /**
   * Sessions to generate over (oldest first); ones after `endDate` are
   * dropped. Default: the last 2520 NYSE sessions up to `endDate` (`exchangeSessions`).
   */
  sessions?: readonly string[];
  /** Universe for the synthetic data; default the bundled 900-symbol universe. */
  universe?: readonly Pick<UniverseEntry, 'symbol' | 'advDollar' | 'avgPrice'>[];
  /** PRNG salt of the synthetic universe; default 0 (what SyntheticProvider uses). */
  salt?: number;
  /** Re-check every symbol even if the store says it is seeded. */
  force?: boolean;
  /**
   * Called with the symbols written so far of those this seed will write:
   * once with `done` 0 when the plan is known (after the seed lock, so time
   * spent waiting for another process is not counted), then after each
   * write. Only symbols this run writes count, so a re-seed of a few stale
   * symbols reports a few, not the universe. Never called when the store is
   * up to date. A throwing callback does not stop the seed.
   */
  onProgress?: (done: number, total: number) => void;
}

export interface SeedReport {
  /** True when the store was already seeded with these inputs (one query, nothing written). */
  upToDate: boolean;
  seedKey: string;
  /** Real sample symbols (not demo). */
  sampleSymbols: string[];
  /** Symbols seeded with synthetic DEMO bars (excludes symbols that hold real bars). */
  demoSymbols: number;
  /** Symbols (re)written this time. */
  reseeded: number;
  /**
   * The DEMO generator version of the stored dataset before this seed
   * (`stored`: null when nothing was seeded yet; 1 for datasets stored before
   * versions were recorded) and the code's (`current`).
   */
  demoGenerator: { stored: number | null; current: number };
  /** True when this seed replaced DEMO bars written by an older generator (say so once). */
  regenerated: boolean;
  /**
   * DEMO symbols removed because the regenerated dataset no longer covers
   * them (not in this seed's universe), sorted; their old generator's bars
   * must not linger. Empty unless `regenerated`. Real bars are never removed.
   */
  removedDemoSymbols: string[];
  sample: ImportBarsReport | undefined;
  synthetic: WriteReport | undefined;
  ms: number;
}

interface SeedPlan {
  key: string;
  sessions: readonly string[];
  universe: readonly Pick<UniverseEntry, 'symbol' | 'advDollar' | 'avgPrice'>[];
  samples: SampleCsvProvider;
  sampleSymbols: string[];
  salt: number;
}

/**
 * Stores the default data idempotently. When the store was seeded with the
 * same inputs and none of those symbols changed since, this is one query.
 * Otherwise only what is missing or changed is (re)written: sample symbols
 * are re-imported (replace), synthetic symbols regenerated (replace, demo).
 * A symbol that meanwhile got real bars (say an imported AAPL.csv) keeps
 * them: demo bars never overwrite real ones.
 */
export async function seedDefaultData(store: BarsStore, opts: SeedOptions): Promise<SeedReport> {
  const started = performance.now();
  const plan = await makePlan(opts);
  const result = (extra: Partial<SeedReport>): SeedReport => ({
    upToDate: false,
    seedKey: plan.key,
    sampleSymbols: plan.sampleSymbols,
    demoSymbols: 0,
    reseeded: 0,
    demoGenerator: { stored: null, current: DEMO_GENERATOR_VERSION },
    regenerated: false,
    removedDemoSymbols: [],
    sample: undefined,
    synthetic: undefined,
    ...extra,
    ms: performance.now() - started,
  });

  const db = new TypeOrmUnitOfWork(store.ds);
  if (!opts.force) {
    const state = await seedState(db, plan.key);
    if (state.upToDate) return result({ upToDate: true, demoSymbols: state.demoSymbols, demoGenerator: { stored: state.generator, current: DEMO_GENERATOR_VERSION } });
  }

  // One connection holds the seed lock; the reads and writes use others (pool size ≥ 2).
  const seeded = await db.withAdvisoryLock(SEED_LOCK_KEY, SEED_NAME, SEED_LOCK_WAIT_MS, async () => {
    // Another process may have seeded while we waited for the lock.
    const state = await seedState(db, plan.key);
    const demoGenerator = { stored: state.generator, current: DEMO_GENERATOR_VERSION };
    if (state.upToDate && !opts.force) return result({ upToDate: true, demoSymbols: state.demoSymbols, demoGenerator });
    // An older generator's dataset is rewritten whole (the seed key covers the version too).
    const older = state.generator !== null && state.generator < DEMO_GENERATOR_VERSION;
    const todo = opts.force || older || state.stale === null ? null : new Set(state.stale);
    const out = await runSeed(store, plan, todo, opts.onProgress);
    const removedDemoSymbols = older ? await removeDemoOutside(db, allSymbols(plan)) : [];
    const demo = await recordSeed(db, SEED_NAME, plan.key, allSymbols(plan), DEMO_GENERATOR_VERSION);
    const rewrote = out.synthetic?.symbols.some((x) => !x.skipped) ?? false;
    return result({ ...out, demoSymbols: demo, demoGenerator, regenerated: older && (rewrote || removedDemoSymbols.length > 0), removedDemoSymbols });
  });
  if (seeded === 'busy') {
    throw new Error(`another process has been seeding the default data for over ${SEED_LOCK_WAIT_MS / 60_000} minutes; try again when it is done (\`courtside data seed\`)`);
  }
  return seeded;
}

const CountRow = z.object({ n: pgInt });
const SymbolRow = z.object({ symbol: pgText });

/**
 * Records in `bar_seeds` that dataset `name` now holds the seed `key`, with
 * each symbol's current bar version (what {@link seedState} later compares)
 * and the generator that wrote it. Returns how many of `symbols` are DEMO.
 */
async function recordSeed(db: SqlSession, name: string, key: string, symbols: readonly string[], generatorVersion: number): Promise<number> {
  await db.exec(
    `INSERT INTO bar_seeds (name, seed_key, symbol_versions, seeded_at, generator_version)
     SELECT $1, $2, coalesce(jsonb_object_agg(symbol, version::text), '{}'::jsonb), now(), $4
     FROM bar_symbols WHERE symbol = ANY ($3::text[])
     ON CONFLICT (name) DO UPDATE SET seed_key = EXCLUDED.seed_key, symbol_versions = EXCLUDED.symbol_versions, seeded_at = EXCLUDED.seeded_at,
       generator_version = EXCLUDED.generator_version`,
    [name, key, symbols, generatorVersion],
  );
  return (await rowOf(db, CountRow, `SELECT count(*)::int AS n FROM bar_symbols WHERE symbol = ANY ($1::text[]) AND demo`, [symbols]))?.n ?? 0;
}

/**
 * A progress callback that adds up the symbols written and reports the total
 * so far to `onProgress` (once at 0 right away). Progress is advisory: a
 * reporter that throws is ignored rather than stopping the seed.
 */
function progressCounter(total: number, onProgress: ((done: number, total: number) => void) | undefined): (n: number) => void {
  let done = 0;
  const progress = (n: number): void => {
    done += n;
    try {
      onProgress?.(done, total);
    } catch {
      // A failing reporter must not stop the seed.
    }
  };
  progress(0);
  return progress;
}

/**
 * Deletes the synthetic bars of DEMO symbols outside `keep` (the regenerated
 * dataset's symbols): left alone they would keep an older generator's bars
 * (on holidays, say). Only rows with source `synthetic` of symbols flagged
 * DEMO are touched, so real bars never are, nor the bars of a symbol with an
 * open position, nor another market's DEMO symbols. Returns the symbols removed.
 */
async function removeDemoOutside(db: SqlSession, keep: readonly string[], market: Market = 'US'): Promise<string[]> {
  const rows = await rowsOf(
    db,
    SymbolRow,
    `WITH gone AS (
       DELETE FROM bars_daily b USING bar_symbols s
       WHERE b.symbol = s.symbol AND s.demo AND b.source = 'synthetic' AND NOT (s.symbol = ANY ($1::text[]))
         -- Each market's DEMO dataset is seeded on its own: regenerating one never removes the other's.
         AND s.market = $2
         -- A symbol still held keeps its bars: marks and stop checks of the open position need them.
         AND NOT EXISTS (SELECT 1 FROM positions p WHERE p.symbol = s.symbol AND p.qty > 0)
       RETURNING b.symbol)
     SELECT DISTINCT symbol FROM gone ORDER BY symbol`,
    [keep, market],
  );
  return rows.map((r) => r.symbol);
}

function allSymbols(plan: SeedPlan): string[] {
  return [...new Set([...plan.sampleSymbols, ...plan.universe.map((e) => e.symbol)])].sort();
}

/**
 * One query: is the recorded seed key current, and which recorded symbols
 * changed (version moved) or disappeared since? `stale` is null when the
 * whole seed must run (never seeded, or other inputs).
 */
const SeedStateRow = z.object({ seed_key: pgText, stale: pgTextArray, demo: pgInt, generator_version: pgInt.nullable() });

async function seedState(db: SqlSession, key: string, name = SEED_NAME): Promise<{ upToDate: boolean; stale: string[] | null; demoSymbols: number; generator: number | null }> {
  const row = await rowOf(
    db,
    SeedStateRow,
    `SELECT s.seed_key,
            coalesce((SELECT array_agg(v.key ORDER BY v.key) FROM jsonb_each_text(s.symbol_versions) v
                      LEFT JOIN bar_symbols b ON b.symbol = v.key
                      WHERE b.version IS DISTINCT FROM v.value::bigint), '{}') AS stale,
            (SELECT count(*)::int FROM jsonb_each_text(s.symbol_versions) v JOIN bar_symbols b ON b.symbol = v.key WHERE b.demo) AS demo,
            s.generator_version
     FROM bar_seeds s WHERE s.name = $1`,
    [name],
  );
  // A dataset stored before versions were recorded was written by generator 1.
  const generator = row ? (row.generator_version ?? 1) : null;
  if (!row || row.seed_key !== key) return { upToDate: false, stale: null, demoSymbols: 0, generator };
  return { upToDate: row.stale.length === 0, stale: row.stale, demoSymbols: row.demo, generator };
}

async function runSeed(store: BarsStore, plan: SeedPlan, todo: Set<string> | null, onProgress?: SeedOptions['onProgress']): Promise<Partial<SeedReport>> {
  let reseeded = 0;
  // What this run writes: sample symbols (replace: the file is the whole
  // record of the symbol) and the synthetic universe for every other symbol.
  // A sample symbol that meanwhile got other real bars (an imported SPY.csv,
  // a provider) keeps them: the bundled file only fills in.
  const current = new Map((await store.listSymbols({ symbols: plan.sampleSymbols })).map((s) => [s.symbol, s]));
  const sampleSyms = plan.sampleSymbols.filter((s) => {
    const cur = current.get(s);
    return (!todo || todo.has(s)) && (!cur || cur.demo || cur.source === 'sample');
  });
  const samples = new Set(plan.sampleSymbols);
  const entries = plan.universe.filter((e) => !samples.has(e.symbol) && (!todo || todo.has(e.symbol)));
  const progress = progressCounter(sampleSyms.length + entries.length, onProgress);

  // 1. Real samples.
  let sample: ImportBarsReport | undefined;
  if (sampleSyms.length > 0) {
    const items = [];
    for (const sym of sampleSyms) items.push({ symbol: sym, bars: await plan.samples.allBars(sym) });
    sample = await store.importBars(items, { source: 'sample', demo: false, mode: 'replace' });
    reseeded += sampleSyms.length;
    progress(sampleSyms.length);
  }

  // 2. Synthetic demo universe.
  const synthetic = await writeDemoChunks(store, entries, (e) => generateSyntheticSeries(syntheticInputFor(e, plan.sessions, plan.salt)), progress);
  reseeded += entries.length;
  return { sample, synthetic, reseeded };
}

/**
 * Generates and stores DEMO series (source `synthetic`, replace) in chunks:
 * the next chunk is generated while Postgres stores the previous one.
 */
async function writeDemoChunks<E extends { symbol: string }>(
  store: BarsStore,
  entries: readonly E[],
  generate: (e: E) => BarSeries,
  progress: (n: number) => void,
): Promise<WriteReport | undefined> {
  const CHUNK = 100;
  const reports: WriteReport[] = [];
  let writing: Promise<void> = Promise.resolve();
  const daysCache = new Map<readonly string[], Int32Array>();
  for (let i = 0; i < entries.length; i += CHUNK) {
    const chunk: ColumnarBars[] = entries.slice(i, i + CHUNK).map((e) => columnarFromSeries(e.symbol, generate(e), daysCache));
    await writing;
    writing = store.writeColumnar(chunk, { source: 'synthetic', demo: true, mode: 'replace' }).then((r) => {
      reports.push(r);
      progress(chunk.length);
    });
  }
  await writing;
  return reports.length > 0 ? mergeReports(reports) : undefined;
}

function mergeReports(reports: WriteReport[]): WriteReport {
  const out: WriteReport = { symbols: [], inserted: 0, updated: 0, unchanged: 0, deleted: 0, changed: [], ms: 0 };
  for (const r of reports) {
    out.symbols.push(...r.symbols);
    out.inserted += r.inserted;
    out.updated += r.updated;
    out.unchanged += r.unchanged;
    out.deleted += r.deleted;
    out.changed.push(...r.changed);
    out.ms += r.ms;
  }
  return out;
}

async function makePlan(opts: SeedOptions): Promise<SeedPlan> {
  if (!isIsoDate(opts.endDate)) throw new RangeError(`endDate "${String(opts.endDate).slice(0, 20)}" is not a YYYY-MM-DD date`);
  const sessions = opts.sessions ? opts.sessions.filter((d) => d <= opts.endDate) : exchangeSessions(opts.endDate, DEFAULT_SYNTHETIC_SESSIONS);
  for (let i = 0; i < sessions.length; i++) {
    if (!isIsoDate(sessions[i]!) || (i > 0 && sessions[i]! <= sessions[i - 1]!)) {
      throw new RangeError(`sessions must be increasing YYYY-MM-DD dates; problem at index ${i} ("${String(sessions[i]).slice(0, 20)}")`);
    }
  }
  if (sessions.length === 0) throw new RangeError(`no sessions on or before ${opts.endDate}`);
  const universe = (opts.universe ?? loadDefaultUniverse().entries).map((e) => ({ ...e, symbol: normalizeSymbol(e.symbol) }));
  const samples = new SampleCsvProvider();
  const sampleSymbols = (await samples.symbols()).map(normalizeSymbol);
  const salt = opts.salt ?? 0;

  const h = createHash('sha256');
  h.update(JSON.stringify({ format: SEED_FORMAT, generator: DEMO_GENERATOR_VERSION, salt, sessions: sessions.length }));
  h.update(sessions.join(','));
  h.update(JSON.stringify(universe.map((e) => [e.symbol, e.advDollar ?? null, e.avgPrice ?? null])));
  for (const sym of sampleSymbols) {
    h.update(sym);
    h.update(await readFile(join(samples.dir, `${sym}.csv`)).catch(() => Buffer.from(`missing ${sym}`)));
  }
  return { key: h.digest('hex').slice(0, 32), sessions, universe, samples, sampleSymbols, salt };
}

// ---------------------------------------------------------------- KR DEMO dataset

/** Bump when what the KR seed writes changes for the same inputs (forces a re-seed). */
const KR_SEED_FORMAT = 1;

export interface KrDemoSeedOptions {
  /** Last KRX session of the history (a Seoul date; a non-session ends on the session before), YYYY-MM-DD. */
  endDate: string;
  /** KRX sessions to generate over (oldest first); ones after `endDate` are dropped. Default the last 2520 up to `endDate`. */
  sessions?: readonly string[];
  /** ETFs to generate; default the bundled 61 (`data/universe/kr_etf_seed.csv`). */
  universe?: readonly KrDemoEntry[];
  /** PRNG salt; default 0 (what KrSyntheticProvider uses). */
  salt?: number;
  /** Rewrite every ETF even if the store says the dataset is current. */
  force?: boolean;
  /** As {@link SeedOptions.onProgress}: symbols written so far of those this seed writes. */
  onProgress?: (done: number, total: number) => void;
}

/** What {@link seedKrDemoData} did. */
export interface KrDemoSeedReport {
  /** True when the store already held this dataset (one query, nothing written). */
  upToDate: boolean;
  /** `demo-kr`: the dataset's name in `bar_seeds`. */
  dataset: string;
  seedKey: string;
  /** ETFs of the dataset stored as DEMO (excludes codes that hold real bars). */
  demoSymbols: number;
  /** ETFs (re)written this time. */
  reseeded: number;
  /** KR generator version stored before this seed (null: never seeded) and the code's. */
  demoGenerator: { stored: number | null; current: number };
  /** True when this seed replaced bars of an older KR generator. */
  regenerated: boolean;
  /** KR DEMO codes removed because the regenerated dataset no longer has them, sorted. */
  removedDemoSymbols: string[];
  synthetic: WriteReport | undefined;
  ms: number;
}

/**
 * Stores the KR DEMO dataset (synthetic bars of the Korean ETFs on KRX
 * sessions, in KRW; source `synthetic`, DEMO) idempotently, next to the US
 * default data and independent of it: its own `bar_seeds` row (`demo-kr`),
 * its own generator version and seed lock key. Like the US seed it is one
 * query when current, rewrites only ETFs whose stored version moved, and
 * never writes DEMO bars over a code holding real bars.
 *
 * The rows' market (KR) and currency (KRW) are set by the bars writer from
 * the six-digit codes; nothing here names them.
 */
export async function seedKrDemoData(store: BarsStore, opts: KrDemoSeedOptions): Promise<KrDemoSeedReport> {
  const started = performance.now();
  const plan = krPlan(opts);
  const result = (extra: Partial<KrDemoSeedReport>): KrDemoSeedReport => ({
    upToDate: false,
    dataset: KR_DEMO_DATASET,
    seedKey: plan.key,
    demoSymbols: 0,
    reseeded: 0,
    demoGenerator: { stored: null, current: KR_DEMO_GENERATOR_VERSION },
    regenerated: false,
    removedDemoSymbols: [],
    synthetic: undefined,
    ...extra,
    ms: performance.now() - started,
  });
  const db = new TypeOrmUnitOfWork(store.ds);
  if (!opts.force) {
    const state = await seedState(db, plan.key, KR_DEMO_DATASET);
    if (state.upToDate) return result({ upToDate: true, demoSymbols: state.demoSymbols, demoGenerator: { stored: state.generator, current: KR_DEMO_GENERATOR_VERSION } });
  }
  const seeded = await db.withAdvisoryLock(SEED_LOCK_KEY, KR_DEMO_DATASET, SEED_LOCK_WAIT_MS, async () => {
    const state = await seedState(db, plan.key, KR_DEMO_DATASET);
    const demoGenerator = { stored: state.generator, current: KR_DEMO_GENERATOR_VERSION };
    if (state.upToDate && !opts.force) return result({ upToDate: true, demoSymbols: state.demoSymbols, demoGenerator });
    const older = state.generator !== null && state.generator < KR_DEMO_GENERATOR_VERSION;
    const todo = opts.force || older || state.stale === null ? null : new Set(state.stale);
    const entries = plan.universe.filter((e) => !todo || todo.has(e.symbol));
    const progress = progressCounter(entries.length, opts.onProgress);
    const synthetic = await writeDemoChunks(store, entries, (e) => generateKrSyntheticSeries(krDemoInputFor(e, plan.sessions, plan.salt)), progress);
    const symbols = plan.universe.map((e) => e.symbol);
    const removedDemoSymbols = older ? await removeDemoOutside(db, symbols, 'KR') : [];
    const demo = await recordSeed(db, KR_DEMO_DATASET, plan.key, symbols, KR_DEMO_GENERATOR_VERSION);
    const rewrote = synthetic?.symbols.some((x) => !x.skipped) ?? false;
    return result({ demoSymbols: demo, reseeded: entries.length, demoGenerator, regenerated: older && (rewrote || removedDemoSymbols.length > 0), removedDemoSymbols, synthetic });
  });
  if (seeded === 'busy') {
    throw new Error(`another process has been seeding the KR DEMO data for over ${SEED_LOCK_WAIT_MS / 60_000} minutes; try again when it is done (\`courtside data seed\`)`);
  }
  return seeded;
}

/**
 * The last KRX session whose close has passed at `nowMs` (a Seoul date): where the KR DEMO history
 * ends when the caller names no date. Today's session counts once it closed, never while it trades.
 */
export function krDemoEndDate(nowMs: number): string {
  const today = XKRX_CALENDAR.dateOf(nowMs);
  const info = XKRX_CALENDAR.sessionInfo(today);
  return info && info.close <= nowMs ? today : XKRX_CALENDAR.previousSession(today);
}

/** What {@link seedDemoDatasets} did: the US default data, then the KR DEMO ETFs. */
export interface DemoDatasetsReport {
  us: SeedReport;
  kr: KrDemoSeedReport;
}

/**
 * Every bundled dataset, one after the other: the US default data (samples and the DEMO universe)
 * and the KR DEMO ETFs (issue 15), each idempotent on its own. What `courtside data seed` and the
 * worker's seed on start store. `onProgress` counts both (the US seed's symbols, then the KR ones
 * on top of them).
 */
export async function seedDemoDatasets(store: BarsStore, opts: SeedOptions & { krEndDate: string }): Promise<DemoDatasetsReport> {
  const { krEndDate, onProgress, ...usOpts } = opts;
  let usTotal = 0;
  const us = await seedDefaultData(store, {
    ...usOpts,
    ...(onProgress ? { onProgress: (done: number, total: number) => ((usTotal = total), onProgress(done, total)) } : {}),
  });
  const kr = await seedKrDemoData(store, {
    endDate: krEndDate,
    ...(opts.force ? { force: true } : {}),
    ...(onProgress ? { onProgress: (done: number, total: number) => onProgress(usTotal + done, usTotal + total) } : {}),
  });
  return { us, kr };
}

interface KrPlan {
  key: string;
  sessions: readonly string[];
  universe: readonly KrDemoEntry[];
  salt: number;
}

function krPlan(opts: KrDemoSeedOptions): KrPlan {
  if (!isIsoDate(opts.endDate)) throw new RangeError(`endDate "${String(opts.endDate).slice(0, 20)}" is not a YYYY-MM-DD date`);
  const sessions = opts.sessions ? opts.sessions.filter((d) => d <= opts.endDate) : krDemoSessions(opts.endDate);
  for (let i = 0; i < sessions.length; i++) {
    const d = sessions[i]!;
    if (!isIsoDate(d) || (i > 0 && d <= sessions[i - 1]!) || !XKRX_CALENDAR.isSession(d)) {
      throw new RangeError(`sessions must be increasing KRX session dates (YYYY-MM-DD); problem at index ${i} ("${String(d).slice(0, 20)}"); use krDemoSessions()`);
    }
  }
  if (sessions.length === 0) throw new RangeError(`no KRX sessions on or before ${opts.endDate}`);
  const universe = (opts.universe ?? loadKrEtfUniverse()).map((e) => ({ symbol: normalizeSymbol(e.symbol), leverage: e.leverage }));
  const salt = opts.salt ?? 0;
  const h = createHash('sha256');
  h.update(JSON.stringify({ format: KR_SEED_FORMAT, generator: KR_DEMO_GENERATOR_VERSION, salt, sessions: sessions.length }));
  h.update(sessions.join(','));
  h.update(JSON.stringify(universe.map((e) => [e.symbol, e.leverage])));
  return { key: h.digest('hex').slice(0, 32), sessions, universe, salt };
}
