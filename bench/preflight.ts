/**
 * Section `preflight` — issue 20's row: the wall time of the real `courtside preflight --json`
 * against everything a real preflight talks to (target ≤ 10 s), healthy and with one service
 * planted silent (it must still finish, with that check a ✗ saying how long it waited).
 *
 * Real pieces: the CLI from source in a child process (bench/lib/preflight-cli.ts) with its settings
 * in the environment only (COURTSIDE_ENV_FILE=/dev/null), the app's Postgres (a throwaway database,
 * migrated, bars seeded to the last completed session) and Redis (a private prefix), the Telegram
 * Bot API emulator, and the Alpaca trading and data emulators with BROKER=alpaca-paper.
 */
import { createDataSource } from '../src/adapters/db/data-source.js';
import { migrateWithLock } from '../src/adapters/db/migrate.js';
import { BarsStore, seedDefaultData } from '../src/adapters/bars/index.js';
import { loadDefaultUniverse, weekdaySessions } from '../src/adapters/market-data/index.js';
import { startAlpacaDataEmulator } from '../src/dev/alpaca-data/server.js';
import { startAlpacaTradingEmulator } from '../src/dev/alpaca-trading/server.js';
import { startTelegramEmulator } from '../src/dev/telegram/index.js';
import { EXCHANGE_HOURS } from '../src/engine/market-hours.js';
import { lastCompletedSession } from '../src/trading/market-clock.js';
import type { PreflightResult } from '../src/trading/preflight/types.js';
import { runCli, runPreflightCli, startSilentServer, type PreflightRun } from './lib/preflight-cli.js';
import { REDIS_URL } from './lib/resources.js';
import { percentile } from './lib/stats.js';
import { loadAverage } from './lib/system.js';
import { mark, ms, type Cell, type Table, type Target } from './lib/table.js';
import type { Benchmark } from './lib/types.js';

const TARGET_WALL: Target = { label: '≤ 10 s', met: (v) => v <= 10_000 };
const BOT_TOKEN = '7100000001:AAbenchPREFLIGHTtoken_local-only_0001';
const KEY_ID = 'PKBENCHPREFLIGHT0001';
const SECRET = 'bench_preflight_secret_local_only_01';
/** Symbols × sessions seeded: the data check reads the per-source summary (bar_symbols), so a slice stands for the universe. */
const SEED_SYMBOLS = 60;
const SEED_SESSIONS = 400;

const seconds = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v < 1000 ? ms(v) : `${(v / 1000).toFixed(2)} s`);
const MARKS = { pass: '✓', warn: '⚠', fail: '✗' } as const;

/** The run whose wall time is the median (nearest rank) of the list, and its stats. */
function medianRun(runs: readonly PreflightRun[]): { median: PreflightRun; medianMs: number; maxMs: number } {
  const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  const medianMs = percentile(
    sorted.map((r) => r.wallMs),
    50,
  );
  return { median: sorted.find((r) => r.wallMs === medianMs)!, medianMs, maxMs: sorted.at(-1)!.wallMs };
}

function slowest(r: PreflightRun): PreflightResult | undefined {
  return [...(r.report?.results ?? [])].sort((a, b) => b.ms - a.ms)[0];
}

const describeCheck = (c: PreflightResult | undefined) => (c ? `${c.id} (${c.title}): ${MARKS[c.level]} ${ms(c.ms)} — ${c.saw.slice(0, 90)}` : 'n/a (no report)');

function verdict(r: PreflightRun): string {
  if (!r.report) return `no JSON report (exit ${r.code ?? r.signal}; stderr: ${r.stderr.trim().slice(0, 160) || 'empty'})`;
  const n = (l: PreflightResult['level']) => r.report!.results.filter((x) => x.level === l).length;
  const named = (l: PreflightResult['level']) => r.report!.results.filter((x) => x.level === l).map((x) => x.id);
  const list = (l: PreflightResult['level']) => (n(l) ? ` (${named(l).join(', ')})` : '');
  return `${r.report.level}: ${n('pass')} ✓, ${n('warn')} ⚠${list('warn')}, ${n('fail')} ✗${list('fail')} of ${r.report.results.length} checks; exit ${r.code ?? r.signal}`;
}

const exits = (runs: readonly PreflightRun[]) => runs.map((r) => r.code ?? r.signal).join(', ');

export const preflightBenchmark: Benchmark = {
  name: 'preflight',
  summary:
    'Wall time of the real `courtside preflight --json` (a child process) against a migrated database with bars, Redis, the Telegram emulator and the Alpaca trading and data emulators (BROKER=alpaca-paper): healthy, and with the Telegram API planted silent (target ≤ 10 s both; the silent run exits 1 with that ✗).',
  options: {
    '--preflight-runs=5': 'runs of each kind (healthy, silent Telegram), alternating; --quick 2',
  },
  async run(ctx) {
    const o = ctx.options;
    const runsN = Math.max(1, o.number('preflight-runs', o.quick ? 2 : 5));
    const loadStart = loadAverage();
    const endDate = lastCompletedSession(Date.now());

    // ── the app's Postgres: a throwaway database, migrated, bars up to the last completed session ──
    const dbUrl = await ctx.resources.database();
    const ds = createDataSource(dbUrl, { applicationName: 'courtside-bench' });
    await ds.initialize();
    try {
      ctx.progress('migrating the throwaway database and seeding bars…');
      await migrateWithLock(ds);
      await seedDefaultData(new BarsStore(ds, { cacheDir: `${ctx.resources.tempDir()}/cache` }), {
        endDate,
        universe: loadDefaultUniverse().entries.slice(0, SEED_SYMBOLS),
        sessions: weekdaySessions(endDate, SEED_SESSIONS),
      });
    } finally {
      await ds.destroy().catch(() => undefined);
    }

    // ── the services a preflight talks to ──
    ctx.progress('starting the Telegram, Alpaca trading and Alpaca data emulators and a silent server…');
    const telegram = await startTelegramEmulator({ token: BOT_TOKEN, bot: { username: 'cs_bench_bot' } });
    ctx.resources.onCleanup(() => telegram.close());
    // Open or closed as our calendar says now, as Alpaca's clock would be (the emulator's default is always open).
    const trading = await startAlpacaTradingEmulator({ keyId: KEY_ID, secretKey: SECRET, cash: 100_000, marketOpen: EXCHANGE_HOURS.isOpen(Date.now()) });
    ctx.resources.onCleanup(() => trading.close());
    const data = await startAlpacaDataEmulator({ keyId: KEY_ID, secretKey: SECRET });
    ctx.resources.onCleanup(() => data.close());
    const silent = await startSilentServer();
    ctx.resources.onCleanup(() => silent.close());

    const env: NodeJS.ProcessEnv = {
      // Only what the CLI needs from this machine; every setting below, none from a developer's .env.
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      COURTSIDE_ENV_FILE: '/dev/null',
      COURTSIDE_HOME: ctx.resources.tempDir(),
      LOG_LEVEL: 'silent',
      DATABASE_URL: dbUrl,
      REDIS_URL,
      REDIS_PREFIX: ctx.resources.redisPrefix(),
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_API_ROOT: telegram.url,
      TELEGRAM_ALLOWED_USER_IDS: '42:admin',
      BROKER: 'alpaca-paper',
      APCA_API_KEY_ID: KEY_ID,
      APCA_API_SECRET_KEY: SECRET,
      ALPACA_TRADING_URL: trading.url,
      ALPACA_DATA_URL: data.url,
    };
    const silentEnv = { ...env, TELEGRAM_API_ROOT: silent.url };

    // The first run pays what later ones do not (tsx's transform cache, Postgres' first plans): timed, kept apart.
    ctx.progress('first run (not counted)…');
    const first = await runPreflightCli(env);
    const healthy: PreflightRun[] = [];
    const hung: PreflightRun[] = [];
    const tradingReqs: number[] = [];
    const dataReqs: number[] = [];
    const accepted: number[] = [];
    for (let i = 0; i < runsN; i++) {
      // Alternating the two kinds spreads any drift of the machine over both.
      ctx.progress(`healthy run ${i + 1}/${runsN}…`);
      const t0 = trading.requests.length;
      const d0 = data.requests.length;
      healthy.push(await runPreflightCli(env));
      tradingReqs.push(trading.requests.length - t0);
      dataReqs.push(data.requests.length - d0);
      ctx.progress(`silent-Telegram run ${i + 1}/${runsN}…`);
      const a0 = silent.accepted();
      hung.push(await runPreflightCli(silentEnv));
      accepted.push(silent.accepted() - a0);
    }
    // Start-up alone: the same process and module graph (the command is loaded before --help is answered), no checks.
    ctx.progress('CLI start-up alone (`preflight --help`)…');
    const startup: number[] = [];
    for (let i = 0; i < runsN; i++) startup.push((await runCli(['preflight', '--help'], env)).wallMs);
    const loadEnd = loadAverage();

    const h = medianRun(healthy);
    const s = medianRun(hung);
    const checksMs = (runs: readonly PreflightRun[]) => runs.map((r) => r.report?.ms ?? Number.NaN).filter(Number.isFinite).sort((a, b) => a - b);
    const hChecks = checksMs(healthy);
    const sChecks = checksMs(hung);
    const startupSorted = [...startup].sort((a, b) => a - b);
    const telegramOf = (r: PreflightRun) => r.report?.results.find((x) => x.id === 'telegram.token');
    const sTelegram = telegramOf(s.median);
    const hungOk = hung.every((r) => r.code === 1 && telegramOf(r)?.level === 'fail');
    const healthyOk = healthy.every((r) => r.code === 0);
    const brokerIds = (h.median.report?.results ?? []).filter((x) => x.id.startsWith('broker.')).map((x) => `${MARKS[x.level]} ${x.id.replace(/^broker\./, '')}`);

    const headline: Table = {
      title: `Preflight wall time — \`courtside preflight --json\` against the emulators (BROKER=alpaca-paper), ${runsN} run${runsN > 1 ? 's' : ''} of each kind`,
      columns: ['measure', 'median', 'max', 'target', 'ok'],
      rows: [
        [`healthy: process wall time (spawn → exit); exits ${exits(healthy)}`, seconds(h.medianMs), seconds(h.maxMs), TARGET_WALL.label, healthyOk ? mark(h.maxMs, TARGET_WALL) : '✗ (exit ≠ 0)'],
        ['healthy: the checks alone (the report\'s own time)', seconds(percentile(hChecks, 50)), seconds(hChecks.at(-1)), '', ''],
        ['healthy: slowest check of the median run', describeCheck(slowest(h.median)), '', '', ''],
        ['healthy: verdict of the median run', verdict(h.median), '', '', ''],
        [`Telegram API silent (accepts, never answers): process wall time; exits ${exits(hung)}`, seconds(s.medianMs), seconds(s.maxMs), TARGET_WALL.label, hungOk ? mark(s.maxMs, TARGET_WALL) : '✗ (not exit 1 with a Telegram ✗)'],
        ['silent: the checks alone', seconds(percentile(sChecks, 50)), seconds(sChecks.at(-1)), '', ''],
        ['silent: the Telegram token check of the median run', sTelegram ? `${MARKS[sTelegram.level]} ${sTelegram.saw} (${ms(sTelegram.ms)})` : 'n/a', '', '', ''],
        ['silent: verdict of the median run', verdict(s.median), '', '', ''],
        ['CLI start-up alone: `preflight --help` (Node + tsx + the command\'s modules, no checks)', seconds(percentile(startupSorted, 50)), seconds(startupSorted.at(-1)), '', ''],
        ['first run after the set-up (not counted above)', seconds(first.wallMs), '', '', ''],
      ],
      notes: [
        `Each run: \`node --import tsx src/cli/main.ts preflight --json\` from the repository root (the CLI from source, as \`npm run bench\` runs; one Node process, no npx), its settings in the environment only (COURTSIDE_ENV_FILE=/dev/null; PATH and HOME from this process). Wall time: spawn → exit (performance.now in the bench process); "the checks alone" is the report's own \`ms\` (runPreflight: every check at once, each under its own timeout). Target ≤ 10 s on the process wall time (issue 20: "the whole run ≤ 10 s against the emulators"), checked on the max. Median: nearest rank; the slowest check and the verdict are of the run with the median wall time.`,
        `Services: a throwaway database (migrated; the default data seeded to ${endDate}, the last completed session — ${SEED_SYMBOLS} symbols × ${SEED_SESSIONS} sessions, since the data check reads the per-source summary), Redis ${REDIS_URL} under a private prefix, the Telegram Bot API emulator (src/dev/telegram), the Alpaca trading emulator (src/dev/alpaca-trading) and the Alpaca data emulator (src/dev/alpaca-data); BROKER=alpaca-paper, ALPACA_TRADING_URL / ALPACA_DATA_URL at the emulators. Broker checks of the median healthy run: ${brokerIds.join(', ') || 'none'}.`,
        `Requests per healthy run: Alpaca trading emulator ${tradingReqs.join(', ')}; Alpaca data emulator ${dataReqs.join(', ')} (preflight's data check reads the bars store in Postgres, not the data API). Connections the silent server accepted per silent run: ${accepted.join(', ')}.`,
        `Silent: TELEGRAM_API_ROOT points at a TCP server on 127.0.0.1 that accepts and never sends a byte (bench/lib/preflight-cli.ts); every other service as in the healthy runs. It must still finish, with the Telegram token check a ✗ saying how long it waited, and exit 1.`,
        `Load average (1/5/15 min) at start ${loadStart}, at the end ${loadEnd}.`,
      ],
    };

    const checks: Table = {
      title: 'Checks of the median healthy run, slowest first',
      columns: ['check', 'level', 'time', 'what it saw'],
      rows: [...(h.median.report?.results ?? [])].sort((a, b) => b.ms - a.ms).map((c): Cell[] => [`${c.id} (${c.title})`, MARKS[c.level], ms(c.ms), c.saw.slice(0, 110)]),
      notes: ['Every check runs at once (runPreflight), so the run takes about as long as its slowest check plus the start-up and the closing of the connections.'],
    };
    return [headline, checks];
  },
};
