/**
 * Section `journal` — issue 20's row: /scan with the decision journal on (JOURNAL_ENABLED=true)
 * and off (JOURNAL_ENABLED=false), in one run, ≤ 5 % apart; and the decision rows each scan
 * wrote, as the cross-check that "on" journals and "off" does not.
 *
 * Two real apps in local mode (bench/lib/app.ts), one per setting, on ONE seeded database (each
 * with its own Redis prefix, Bot API emulator and bars cache), so both scan the same bars. After a
 * warm-up /scan each (the cold universe load and first-use costs), the measured runs alternate
 * on/off in ABBA order so a drift of the machine falls on both sides alike. The /scan measurement
 * is bench/scan.ts's: command → first pick card, through the whole app.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { BarsStore, seedDefaultData, type SeedReport } from '../src/adapters/bars/index.js';
import { createDataSource } from '../src/adapters/db/data-source.js';
import { migrateWithLock } from '../src/adapters/db/migrate.js';
import { loadDefaultUniverse, weekdaySessions } from '../src/adapters/market-data/index.js';
import { lastCompletedSession } from '../src/trading/market-clock.js';
import { startLocalApp, type LocalApp } from './lib/app.js';
import { loadAverage } from './lib/system.js';
import { mark, ms, num, type Cell, type Table, type Target } from './lib/table.js';
import type { Benchmark } from './lib/types.js';
import { tapScans, type ScanRun } from './scan.js';

type Side = 'on' | 'off';

const TARGET_APART: Target = { label: '≤ 5 % apart', met: (v) => Math.abs(v) <= 0.05 };
const RUN_TIMEOUT_MS = 60_000;
/** Chat ids: 1 is the local admin; the warm-ups use 2 (on) and 3 (off); measured runs 10, 11, … (one chat each, see scan.ts). */
const WARM_CHAT: Record<Side, number> = { on: 2, off: 3 };
const FIRST_MEASURED_CHAT = 10;

interface Measured {
  side: Side;
  /** 1-based order among the measured runs. */
  order: number;
  run: ScanRun;
  /** recordDecisions calls during this run and how long each took (ms). */
  journalCalls: number[];
}

interface RunRows {
  runId: string | null;
  signal: number;
  card: number;
  audit: number;
}

const sleep = (msec: number) => new Promise<void>((r) => setTimeout(r, msec));

/** The middle value (mean of the two middle ones for an even count). */
function median(values: readonly number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

const signedPct = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)} %` : 'n/a');

/** Times (and counts) every recordDecisions of the app's picks repo: a wrapper on the instance, src unchanged. */
function instrumentJournal(app: LocalApp, sink: () => Measured | undefined): void {
  const picks = app.running.app.picks;
  const record = picks.recordDecisions.bind(picks);
  picks.recordDecisions = async (...args: Parameters<typeof picks.recordDecisions>) => {
    const t0 = performance.now();
    try {
      return await record(...args);
    } finally {
      sink()?.journalCalls.push(performance.now() - t0);
    }
  };
}

/** Sends /scan from `userId` and waits for "Scan done" and every card it announced (or the timeout). */
async function scanOnce(app: LocalApp, userId: number, order: number, setCurrent: (r: ScanRun | undefined) => void): Promise<ScanRun> {
  await app.running.app.bars.idle();
  const r: ScanRun = { run: order, userId, sent: performance.now(), cards: 0, loads: [], renders: [], timedOut: false };
  setCurrent(r);
  try {
    app.emulator.sendUserMessage({ userId, text: '/scan', firstName: `Bench${userId}` });
    const deadline = performance.now() + RUN_TIMEOUT_MS;
    while (!(r.done !== undefined && r.cards >= (r.expectedCards ?? Infinity))) {
      if (performance.now() > deadline) {
        r.timedOut = true;
        break;
      }
      await sleep(20);
    }
  } finally {
    setCurrent(undefined);
  }
  return r;
}

async function rowsOf(dbUrl: string, chats: readonly number[]): Promise<Map<number, RunRows>> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    const res = await c.query<{ chat_id: string; id: string; signal: number; card: number; audit: number }>(
      `SELECT r.chat_id, r.id,
              count(d.id) FILTER (WHERE d.kind = 'signal')::int AS signal,
              count(d.id) FILTER (WHERE d.kind = 'card')::int AS card,
              (SELECT count(*)::int FROM audit_log a WHERE a.payload->>'action' = 'scan.decisions' AND a.payload->>'runId' = r.id) AS audit
         FROM scan_runs r LEFT JOIN decisions d ON d.run_id = r.id
        WHERE r.chat_id = ANY($1::bigint[])
        GROUP BY r.chat_id, r.id`,
      [chats],
    );
    return new Map(res.rows.map((x) => [Number(x.chat_id), { runId: x.id, signal: x.signal, card: x.card, audit: x.audit }]));
  } finally {
    await c.end().catch(() => undefined);
  }
}

export const journalBenchmark: Benchmark = {
  name: 'journal',
  summary:
    '/scan end to end (command → first pick card) with the decision journal on (JOURNAL_ENABLED=true) and off (false): two real apps on one seeded database, warm, runs alternating on/off; medians and their difference (target ≤ 5 % apart), and the decision rows each scan wrote (on > 0, off 0).',
  options: {
    '--journal-scans=8': 'measured /scan runs per side, after one warm-up each (--quick 2)',
    '--end-date=YYYY-MM-DD': 'last seeded session (default: the last completed NYSE session)',
  },
  async run(ctx) {
    const o = ctx.options;
    const q = o.quick;
    const perSide = Math.max(1, o.number('journal-scans', q ? 2 : 8));
    const endDate = o.get('end-date') ?? lastCompletedSession(Date.now());
    // --quick seeds a slice (as the scan section does): it checks the harness, not the figures.
    const universe = q ? loadDefaultUniverse().entries.slice(0, 60) : undefined;
    const sessions = q ? weekdaySessions(endDate, 400) : undefined;
    const loadStart = loadAverage();

    // ── one seeded database for both apps ──
    const dbUrl = await ctx.resources.database();
    const ds = createDataSource(dbUrl, { applicationName: 'courtside-bench' });
    await ds.initialize();
    let seed: SeedReport;
    try {
      ctx.progress('migrating the throwaway database…');
      await migrateWithLock(ds);
      ctx.progress(`seeding the default data (end date ${endDate})…`);
      seed = await seedDefaultData(new BarsStore(ds, { cacheDir: join(ctx.resources.tempDir(), 'cache') }), {
        endDate,
        ...(universe ? { universe } : {}),
        ...(sessions ? { sessions } : {}),
      });
    } finally {
      await ds.destroy().catch(() => undefined);
    }

    // ── two apps, one per setting ──
    const chats = Array.from({ length: 2 * perSide }, (_, i) => FIRST_MEASURED_CHAT + i);
    const allowed = [WARM_CHAT.on, WARM_CHAT.off, ...chats].map((u) => `${u}:admin`).join(',');
    const apps = {} as Record<Side, LocalApp>;
    let current: Measured | undefined;
    let warm: { side: Side; run: ScanRun } | undefined;
    for (const side of ['on', 'off'] as const) {
      ctx.progress(`starting the app with JOURNAL_ENABLED=${side === 'on'}…`);
      const app = await startLocalApp(ctx.resources, { DATABASE_URL: dbUrl, SEED_DEFAULT_DATA: 'false', JOURNAL_ENABLED: String(side === 'on'), TELEGRAM_ALLOWED_USER_IDS: allowed });
      apps[side] = app;
      tapScans(app, () => (current?.side === side ? current.run : warm?.side === side ? warm.run : undefined));
      instrumentJournal(app, () => (current?.side === side ? current : undefined));
    }
    if (apps.on.running.app.config.scan.journal !== true || apps.off.running.app.config.scan.journal !== false) throw new Error('JOURNAL_ENABLED did not reach config.scan.journal as set');

    const measured: Measured[] = [];
    const warmups: Record<Side, ScanRun | undefined> = { on: undefined, off: undefined };
    try {
      await sleep(500);
      for (const side of ['on', 'off'] as const) {
        ctx.progress(`warm-up /scan, journal ${side}…`);
        warmups[side] = await scanOnce(apps[side], WARM_CHAT[side], 0, (r) => (warm = r ? { side, run: r } : undefined));
        await sleep(1_000);
      }
      // ABBA: on off, off on, on off, …
      const order: Side[] = Array.from({ length: perSide }, (_, p): Side[] => (p % 2 === 0 ? ['on', 'off'] : ['off', 'on'])).flat();
      for (const [i, side] of order.entries()) {
        ctx.progress(`/scan ${i + 1}/${order.length}, journal ${side} (chat ${chats[i]})…`);
        const m = { side, order: i + 1, journalCalls: [] as number[] } as Measured;
        m.run = await scanOnce(apps[side], chats[i]!, i + 1, (r) => {
          if (r) m.run = r;
          current = r ? m : undefined;
        });
        measured.push(m);
        await sleep(1_000);
      }
    } finally {
      current = undefined;
      warm = undefined;
    }
    const rows = await rowsOf(dbUrl, [WARM_CHAT.on, WARM_CHAT.off, ...chats]);
    ctx.progress('stopping the apps…');
    await apps.on.stop();
    await apps.off.stop();
    const loadEnd = loadAverage();

    const since = (r: ScanRun, t: number | undefined) => (t === undefined ? Number.NaN : t - r.sent);
    const of = (side: Side) => measured.filter((m) => m.side === side);
    const stat = (side: Side, f: (r: ScanRun) => number) => median(of(side).map((m) => f(m.run)));
    const firstCard = (r: ScanRun) => since(r, r.firstCard);
    const lastCard = (r: ScanRun) => since(r, r.lastCard);
    const doneEdit = (r: ScanRun) => since(r, r.done);
    const diff = (on: number, off: number) => on / off - 1;
    const fcOn = stat('on', firstCard);
    const fcOff = stat('off', firstCard);
    const apart = diff(fcOn, fcOff);
    // Each pair ran back to back: its own difference is free of slow drift.
    const pairs: number[] = [];
    for (let p = 0; p < perSide; p++) {
      const two = measured.slice(2 * p, 2 * p + 2);
      const on = two.find((m) => m.side === 'on');
      const off = two.find((m) => m.side === 'off');
      if (on && off) pairs.push(diff(firstCard(on.run), firstCard(off.run)));
    }
    const rowsFor = (m: Measured) => rows.get(m.run.userId);
    const decisionCells = (side: Side) =>
      of(side)
        .map((m) => {
          const r = rowsFor(m);
          return r ? `${r.signal + r.card}` : 'no run row';
        })
        .join(', ');
    const onJournals = of('on').every((m) => {
      const r = rowsFor(m);
      return !!r && r.signal + r.card > 0 && r.audit === 1;
    });
    const offSilent = of('off').every((m) => {
      const r = rowsFor(m);
      return !!r && r.signal + r.card === 0 && r.audit === 0;
    });
    const journalMs = of('on').flatMap((m) => m.journalCalls);
    const callsPerScan = (side: Side) => of(side).map((m) => m.journalCalls.length).join(', ');
    const spread = (side: Side) => {
      const v = of(side).map((m) => firstCard(m.run)).filter(Number.isFinite);
      return v.length ? `${ms(Math.min(...v))} – ${ms(Math.max(...v))}` : 'n/a';
    };
    const signalsOf = (r: ScanRun) => (r.doneText ? /Signals: (\d+)/.exec(r.doneText)?.[1] ?? '?' : '?');
    const timedOut = measured.filter((m) => m.run.timedOut).length;

    const headline: Table = {
      title: `/scan with the decision journal on vs off — command → first pick card, ${perSide} warm run${perSide > 1 ? 's' : ''} per side, alternating${q ? ' (--quick: 60 symbols, smoke run)' : ''}`,
      columns: ['measure', 'journal on', 'journal off', '(on − off) / off', 'target', 'ok'],
      rows: [
        ['first pick card, median', ms(fcOn), ms(fcOff), signedPct(apart), TARGET_APART.label, mark(apart, TARGET_APART)],
        ['… median of the back-to-back pairs\' own differences', '', '', signedPct(median(pairs)), '', ''],
        ['… fastest – slowest', spread('on'), spread('off'), '', '', ''],
        ['last pick card, median', ms(stat('on', lastCard)), ms(stat('off', lastCard)), signedPct(diff(stat('on', lastCard), stat('off', lastCard))), '', ''],
        ['"Scan done" edit (1.5 s deliberate delay included), median', ms(stat('on', doneEdit)), ms(stat('off', doneEdit)), '', '', ''],
        ['decision rows written per scan (SELECT count(*) FROM decisions WHERE run_id = the run), each run', decisionCells('on'), decisionCells('off'), '', 'on > 0, off 0', onJournals && offSilent ? '✓' : '✗'],
        ['"scan.decisions" audit rows per scan', of('on').map((m) => rowsFor(m)?.audit ?? '?').join(', '), of('off').map((m) => rowsFor(m)?.audit ?? '?').join(', '), '', 'on 1, off 0', ''],
        ['journal write per scan (PicksRepo.recordDecisions calls, median time)', `${callsPerScan('on')} call(s); ${ms(median(journalMs))}`, `${callsPerScan('off')} call(s)`, '', '', ''],
        ['signals per scan ("Scan done" text) · cards', of('on').map((m) => `${signalsOf(m.run)} · ${m.run.cards}`).join(', '), of('off').map((m) => `${signalsOf(m.run)} · ${m.run.cards}`).join(', '), '', '', ''],
      ],
      notes: [
        `Two apps (startLocalApp, roles bot+worker+scheduler in this process), JOURNAL_ENABLED=true and =false (checked: config.scan.journal, which the worker hands finishScanRun), on one throwaway database seeded to ${endDate} (${num(seed.sampleSymbols.length + seed.demoSymbols)} symbols: ${seed.sampleSymbols.length} sample + ${num(seed.demoSymbols)} synthetic DEMO${q ? ', 400 sessions' : ''}), each with its own Redis prefix, Bot API emulator and COURTSIDE_HOME; defaults otherwise (SCAN_CHUNK_SIZE 150, SCAN_TOP_N 5). Both stay up for the whole run, so each side runs beside the other's idle app alike.`,
        `One warm-up /scan per app first (not counted: its chunks load the universe from Postgres, and first-use costs) — first card on ${ms(warmups.on ? firstCard(warmups.on) : Number.NaN)}, off ${ms(warmups.off ? firstCard(warmups.off) : Number.NaN)}. Then ${2 * perSide} measured runs in ABBA order (on off, off on, …), 1 s apart, each from its own allow-listed chat (${chats[0]}–${chats.at(-1)}) so no chat's reply pacing or "already shown" rule differs between runs. Times as in the scan section: emulator.sendUserMessage('/scan') → the emulator handling the bot's sendPhoto for that chat (performance.now, in-process tap). The journal is written in scan.finish before the cards are rendered and sent, so the first card includes it. Median: the middle value (mean of the middle two for an even count).${timedOut ? ` ${timedOut} run(s) TIMED OUT after ${RUN_TIMEOUT_MS / 1000} s.` : ''}`,
        `Cross-check from the database after the runs: decisions rows (kind signal + card) of each run (scan_runs by the run's chat), and the run's one "scan.decisions" audit row. "Journal write" times the recordDecisions call of finishScanRun (a wrapper on each app's PicksRepo instance): the audit append plus the rows' insert; the off app never calls it.`,
        `Load average (1/5/15 min) at start ${loadStart}, at the end ${loadEnd}.`,
      ],
    };

    const perRun: Table = {
      title: 'Each measured /scan, in the order run',
      columns: ['#', 'journal', 'chat', 'first pick card', 'last card', 'decision rows (signal + card)', 'signals · cards'],
      rows: measured.map((m): Cell[] => {
        const r = rowsFor(m);
        return [
          m.order,
          m.side,
          m.run.userId,
          `${ms(firstCard(m.run))}${m.run.timedOut ? ' (TIMED OUT)' : ''}`,
          ms(lastCard(m.run)),
          r ? `${r.signal + r.card} (${r.signal} + ${r.card})` : 'no run row',
          `${signalsOf(m.run)} · ${m.run.cards}`,
        ];
      }),
    };
    return [headline, perRun];
  },
};
