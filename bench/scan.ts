import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BarsStore, measureBarsLoad, seedDefaultData, type BarsLoadTimings, type SeedReport } from '../src/adapters/bars/index.js';
import { createDataSource } from '../src/adapters/db/data-source.js';
import { migrateWithLock } from '../src/adapters/db/migrate.js';
import type { ChartRenderer } from '../src/adapters/charts/port.js';
import type { OutboxEvent } from '../src/dev/telegram/outbox.js';
import { loadDefaultUniverse, weekdaySessions } from '../src/adapters/market-data/index.js';
import { lastCompletedSession } from '../src/trading/market-clock.js';
import { startLocalApp, type LocalApp } from './lib/app.js';
import { summarize } from './lib/stats.js';
import { loadAverage } from './lib/system.js';
import { below, mark, ms, num, type Cell, type Table } from './lib/table.js';
import type { Benchmark } from './lib/types.js';

const TARGET_COLD_LOAD = below(2000, 'ms');
const TARGET_FIRST_CARD = below(3000, 'ms');

/** What the chat saw of one /scan, on the performance.now() clock (also bench/journal.ts). */
export interface ScanRun {
  run: number;
  userId: number;
  sent: number;
  ack?: number;
  started?: number;
  firstCard?: number;
  lastCard?: number;
  done?: number;
  cards: number;
  expectedCards?: number;
  doneText?: string;
  /** The worker's bars-store loads during this run: where each was answered from and how long it took. */
  loads: { from: string; ms: number }[];
  /** Pick-card chart renders during this run (start and end, performance.now). */
  renders: { start: number; end: number }[];
  timedOut: boolean;
  /** The first card's caption (bench/markets.ts checks a /scan kr card is in won). */
  firstCardText?: string;
}

const textOf = (e: OutboxEvent): string => e.message?.text ?? e.message?.caption ?? e.text ?? '';

/**
 * Watches every bot action as the emulator records it (a waitFor predicate that never matches is
 * called synchronously inside the emulator, at the moment the Bot API call is handled — the same
 * tap bench/lib/command-rig.ts uses) and files the /scan milestones of the chat being measured.
 */
/**
 * Sends `text` (`/scan`, `/scan kr`) from each chat in turn, each run timed until its cards are in
 * (60 s at most, then marked timed out), 1 s apart, the bars store idle before each. `track` is told
 * the run in flight, which {@link tapScans} and {@link instrumentLoads} attribute to.
 */
export async function runScans(ctx: { progress(message: string): void }, app: LocalApp, users: readonly number[], text: string, track: (r: ScanRun | undefined) => void): Promise<ScanRun[]> {
  const runs: ScanRun[] = [];
  for (const [i, userId] of users.entries()) {
    ctx.progress(`${text} ${i + 1}/${users.length} (chat ${userId})…`);
    await app.running.app.bars.idle();
    const r: ScanRun = { run: i + 1, userId, sent: performance.now(), cards: 0, loads: [], renders: [], timedOut: false };
    track(r);
    app.emulator.sendUserMessage({ userId, text, firstName: `Bench${userId}` });
    const deadline = performance.now() + 60_000;
    while (!(r.done !== undefined && r.cards >= (r.expectedCards ?? Infinity))) {
      if (performance.now() > deadline) {
        r.timedOut = true;
        break;
      }
      await sleep(20);
    }
    runs.push(r);
    track(undefined);
    await sleep(1_000);
  }
  return runs;
}

export function tapScans(app: LocalApp, current: () => ScanRun | undefined): void {
  const onEvent = (e: OutboxEvent): false => {
    const t = performance.now();
    const r = current();
    if (!r || e.chat_id !== r.userId) return false;
    const text = textOf(e);
    // A KR scan names its market ("⏳ KR scan queued", "Scanning 61 KR symbols"): the same milestones.
    if (e.method === 'sendMessage' && r.ack === undefined && /scan queued/i.test(text)) r.ack = t;
    else if (e.method === 'editMessageText' && r.started === undefined && /Scanning \d+ (KR )?symbols/.test(text)) r.started = t;
    else if (e.method === 'editMessageText' && /Scan done/.test(text)) {
      r.done ??= t;
      r.doneText = text;
      const top = /Top (\d+) below/.exec(text);
      r.expectedCards = top ? Number(top[1]) : 0;
    } else if (e.method === 'sendPhoto') {
      if (r.firstCard === undefined) {
        r.firstCard = t;
        r.firstCardText = text;
      }
      r.lastCard = t;
      r.cards++;
    }
    return false;
  };
  app.emulator.waitFor(onEvent, 2 ** 31 - 1, { afterSeq: app.emulator.lastSeq }).catch(() => undefined);
}

/** Records every loadUniverse the app's bars store answers (bench-side wrapper on the instance; src unchanged). */
export function instrumentLoads(store: BarsStore, sink: () => ScanRun | undefined): void {
  const load = store.loadUniverse.bind(store);
  store.loadUniverse = async (...args: Parameters<BarsStore['loadUniverse']>) => {
    const out = await load(...args);
    const info = store.lastLoad;
    if (info) sink()?.loads.push({ from: info.from, ms: info.ms });
    return out;
  };
}

/** Times every chart render of the app's renderer (bench-side wrapper on the instance; src unchanged). */
function instrumentCharts(charts: ChartRenderer, sink: () => ScanRun | undefined): void {
  const render = charts.render.bind(charts);
  charts.render = async (spec) => {
    const start = performance.now();
    try {
      return await render(spec);
    } finally {
      sink()?.renders.push({ start, end: performance.now() });
    }
  };
}

const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

function describeLoads(loads: ScanRun['loads']): string {
  if (loads.length === 0) return 'n/a';
  const byFrom = new Map<string, number[]>();
  for (const l of loads) {
    let a = byFrom.get(l.from);
    if (!a) byFrom.set(l.from, (a = []));
    a.push(l.ms);
  }
  return [...byFrom.entries()].map(([from, v]) => (v.length === 1 ? `${from} ${ms(v[0])}` : `${v.length}× ${from} (max ${ms(Math.max(...v))})`)).join(' + ');
}

export const scanBenchmark: Benchmark = {
  name: 'scan',
  summary:
    'Bars store: seed the default universe into a throwaway database, then cold load from Postgres and from the disk / memory caches; then /scan end to end through the real local app (command → first pick card), repeated.',
  options: {
    '--loads=3': 'repetitions of measureBarsLoad (cold Postgres → disk snapshot → memory)',
    '--scans=3': '/scan runs through the app (the first loads the universe from Postgres, later ones hit the cache)',
    '--end-date=YYYY-MM-DD': 'last seeded session (default: the last completed NYSE session, as the app seeds it)',
    '--no-app': 'skip the /scan part',
  },
  async run(ctx) {
    const o = ctx.options;
    const q = o.quick;
    const loadsN = Math.max(1, o.number('loads', q ? 1 : 3));
    const scansN = o.number('scans', q ? 2 : 3);
    const withApp = o.flag('app', true) && scansN > 0;
    const endDate = o.get('end-date') ?? lastCompletedSession(Date.now());
    // --quick seeds a slice: the point is to check the harness, not the figures.
    const universe = q ? loadDefaultUniverse().entries.slice(0, 60) : undefined;
    const sessions = q ? weekdaySessions(endDate, 400) : undefined;
    const loadStart = loadAverage();

    // ── 1. seed a throwaway database and time the loads ──
    const dbUrl = await ctx.resources.database();
    const cacheDir = join(ctx.resources.tempDir(), 'cache');
    const ds = createDataSource(dbUrl, { applicationName: 'courtside-bench' });
    await ds.initialize();
    let seed: SeedReport;
    const loads: BarsLoadTimings[] = [];
    try {
      ctx.progress('migrating the throwaway database…');
      await migrateWithLock(ds);
      const store = new BarsStore(ds, { cacheDir });
      ctx.progress(`seeding the default data (end date ${endDate})…`);
      seed = await seedDefaultData(store, { endDate, ...(universe ? { universe } : {}), ...(sessions ? { sessions } : {}) });
      for (let i = 0; i < loadsN; i++) {
        ctx.progress(`measureBarsLoad ${i + 1}/${loadsN}…`);
        loads.push(await measureBarsLoad(store));
      }
      await store.idle();
    } finally {
      await ds.destroy().catch(() => undefined);
    }
    const loadAfterSeed = loadAverage();
    const s = (f: (l: BarsLoadTimings) => number) => summarize(loads.map(f));
    const cold = s((l) => l.coldMs);
    const disk = s((l) => l.diskCacheMs);
    const memory = s((l) => l.memoryCacheMs);
    const snap = s((l) => l.snapshotWriteMs);
    const first = loads[0]!;
    const writes = seed.synthetic;
    const loadTable: Table = {
      title: `Bars store — default universe (${num(first.symbols)} symbols, ${num(first.rows)} bars) from Postgres and the caches`,
      columns: ['measure', 'best', 'median', 'target', 'ok'],
      rows: [
        [`seed: seedDefaultData into an empty, migrated database (${num(seed.reseeded)} symbols written)`, ms(seed.ms), '', '', ''],
        ['cold load from Postgres (both caches cleared): fingerprint query + packed read → columns', ms(cold.min), ms(cold.p50), TARGET_COLD_LOAD.label, mark(cold.min, TARGET_COLD_LOAD)],
        ['from the disk snapshot (memory cleared): fingerprint query + snapshot read', ms(disk.min), ms(disk.p50), '', ''],
        ['from the in-process cache: fingerprint query + memory hit', ms(memory.min), ms(memory.p50), '', ''],
        ['(background) writing the disk snapshot after the cold load', ms(snap.min), ms(snap.p50), '', ''],
      ],
      notes: [
        `measureBarsLoad(store) × ${loadsN} (src/bars/measure.ts) on a BarsStore over a throwaway database (cache dir in a temp directory), right after seedDefaultData(store, { endDate: '${endDate}' })${q ? ' — --quick: 60 symbols × 400 sessions only' : ''}. Best and median of the ${loadsN} repetition${loadsN > 1 ? "s" : ""}${Number.isNaN(disk.min) ? " (disk snapshots are skipped below the store's diskMinBars, 50,000 bars)" : ""}; the cold-load target is checked on the best.`,
        `Seed: ${seed.sampleSymbols.length} real sample symbols (${seed.sampleSymbols.join(', ')}) + ${num(seed.demoSymbols)} synthetic DEMO symbols${writes ? `; ${num(writes.inserted)} bars inserted by the synthetic writes (${ms(writes.ms)} of write time summed over chunks)` : ''}.`,
        `"Cold" means the store's memory and disk caches are empty; Postgres' shared buffers and the OS page cache still hold the freshly written tables (Postgres runs on this machine; a true cold start after a reboot reads from disk too).`,
        `Load average (1/5/15 min) at start ${loadStart}, after seeding and loading ${loadAfterSeed}.`,
      ],
    };
    if (!withApp) return loadTable;

    // ── 2. /scan through the real app on the same database ──
    const users = Array.from({ length: scansN }, (_, i) => i + 1);
    ctx.progress('starting the app (local mode, roles bot+worker+scheduler) on the seeded database…');
    const app = await startLocalApp(ctx.resources, {
      DATABASE_URL: dbUrl,
      SEED_DEFAULT_DATA: 'false',
      // User 1 is the local admin; the others are extra admins so each run has its own chat (see notes).
      ...(scansN > 1 ? { TELEGRAM_ALLOWED_USER_IDS: users.slice(1).map((u) => `${u}:admin`).join(',') } : {}),
    });
    const runs: ScanRun[] = [];
    let current: ScanRun | undefined;
    try {
      tapScans(app, () => current);
      instrumentLoads(app.running.app.bars, () => current);
      instrumentCharts(app.running.app.charts, () => current);
      await sleep(500);
      runs.push(...(await runScans(ctx, app, users, '/scan', (r) => (current = r))));
    } finally {
      current = undefined;
      ctx.progress('stopping the app…');
      await app.stop();
    }
    const loadEnd = loadAverage();
    const since = (r: ScanRun, t: number | undefined) => (t === undefined ? undefined : t - r.sent);
    const scanTable: Table = {
      title: `/scan end to end — command → first pick card, real app in local mode`,
      columns: ['run', 'universe load(s) in the worker', 'ack "Scan queued"', '"Scanning N symbols" edit', 'chart renders (first start → last end)', 'first pick card', 'target', 'ok', 'last card', '"Scan done" edit', 'signals · cards'],
      rows: runs.map((r): Cell[] => {
        const firstCard = since(r, r.firstCard);
        const signals = r.doneText ? /Signals: (\d+)/.exec(r.doneText)?.[1] : undefined;
        return [
          `#${r.run} (chat ${r.userId})${r.run === 1 ? ', caches cold' : ', caches warm'}${r.timedOut ? ' — TIMED OUT after 60 s' : ''}`,
          describeLoads(r.loads),
          ms(since(r, r.ack)),
          ms(since(r, r.started)),
          r.renders.length ? `${r.renders.length} × ${ms(r.renders.reduce((a, x) => a + x.end - x.start, 0) / r.renders.length)} (${ms(since(r, r.renders[0]!.start))} → ${ms(since(r, Math.max(...r.renders.map((x) => x.end))))})` : 'none',
          ms(firstCard),
          TARGET_FIRST_CARD.label,
          mark(firstCard ?? Number.NaN, TARGET_FIRST_CARD),
          ms(since(r, r.lastCard)),
          ms(since(r, r.done)),
          `${signals ?? '?'} · ${r.cards}${r.expectedCards !== undefined && r.cards < r.expectedCards ? ` of ${r.expectedCards}` : ''}`,
        ];
      }),
      notes: [
        `Times from emulator.sendUserMessage('/scan') to the emulator handling the bot's call for that chat (performance.now, in-process tap). Path: Bot API emulator → getUpdates → telegraf → BullMQ commands → worker scan.start (members, picks run, a flow of chunk jobs) → scan.chunk jobs (bars store load + scanLatest) → scan.finish (rank, store picks, render the chart cards) → notify queue → sendPhoto / editMessageText.`,
        `The app: startLocalApp (bench/lib/app.ts) with roles bot+worker+scheduler in this process, DATABASE_URL = the database seeded above (${num(first.symbols)} symbols), SEED_DEFAULT_DATA=false, a fresh COURTSIDE_HOME (no disk snapshot), defaults otherwise (SCAN_CHUNK_SIZE 150, SCAN_TOP_N 5, NOTIFY_* pacing). Run #1 is the first /scan after start: its chunks load the universe from Postgres (concurrent chunks share one read) and it also pays first-use costs (JIT, chart renderer); later runs hit the in-process cache.`,
        `"Universe load(s)": every BarsStore.loadUniverse the worker made during the run (bench-side wrapper on the app's instance), by where it was answered from (loads that waited on the same in-flight Postgres read each count as postgres). Chart renders: the pick cards' PNGs asked of the app's renderer — mean per render, and when the first began and the last ended; scan.finish renders every card before delivering any. The renderer is the chart cache (src/adapters/charts/caching-renderer.ts): a later run posting the same cards within 60 s gets the PNGs drawn by the first (LocalChartRenderer), so its renders are cache hits. Each run uses its own chat (allow-listed admins ${users.join(', ')}) so per-chat reply pacing (1/s after a burst of 20) never delays a later run's cards; background snapshot writes are awaited between runs.`,
        `"Scan done" is edited in with a deliberate 1.5 s delay (so it lands after any progress edit), so it usually arrives after the first card; the target is on the first card. Done text of the last run: "${(runs.at(-1)?.doneText ?? 'n/a').replace(/\n/g, ' / ')}".`,
        `Load average (1/5/15 min) before the app ${loadAfterSeed}, at the end ${loadEnd}.`,
      ],
    };
    return [loadTable, scanTable];
  },
};
