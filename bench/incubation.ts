/**
 * Section `incubation` — issue 14's target: incubating 50 hypotheses over the 900-symbol universe
 * in ≤ 90 s on this 2-core machine, both cores used, with the approve p50 measured during it.
 *
 * One real app in local mode (all roles in this process, paper broker) on a database seeded with
 * the default universe. Approve taps are timed with no incubation running, then again while the
 * worker's `hypotheses` queue incubates N hypotheses on the evaluation pool's worker threads.
 */
import { performance } from 'node:perf_hooks';
import { availableParallelism } from 'node:os';
import { lastCompletedSession } from '../src/trading/market-clock.js';
import { stageTable } from './approve.js';
import { startLocalApp } from './lib/app.js';
import { ApproveRig, insertPicks, seedMarket, type Card, type Tap } from './lib/approve-rig.js';
import { ThreadCpuMeter, type ThreadCpuUse } from './lib/incubation-threads.js';
import { enqueueIncubations, IncubationTracker, proposeForBench, seededDatabase } from './lib/incubation-world.js';
import { REDIS_URL } from './lib/resources.js';
import { ServerCpu } from './lib/server-cpu.js';
import { summarize, type Summary } from './lib/stats.js';
import { loadAverage, startResourceMeter, type ResourceUse } from './lib/system.js';
import { below, mark, ms, num, pct, type Cell, type Table, type Target } from './lib/table.js';
import type { Benchmark } from './lib/types.js';

const TARGET_HYPOTHESES = 50;
const TARGET_WALL: Target = { label: '≤ 90 s', met: (v) => v <= 90_000 };
/** The approve section's own target, checked on both runs. */
const TARGET_APPROVE_P50 = below(50, 'ms');
/**
 * "Approve p50 must not move while incubation runs": the during/idle ratio, with 20 % allowed for
 * run-to-run noise on a shared machine (the bench's choice, not the issue's number).
 */
const TARGET_P50_RATIO: Target = { label: '≤ 1.20×', met: (v) => v <= 1.2 };
/**
 * "Both cores used": the app process busy at least 85 % of the cores it can use. Measured on the
 * whole process, not the pool threads alone: V8 collects the pool isolates' garbage on its own
 * helper threads (≈ 0.3 cores here, "other threads" in the CPU table), and the pool pauses on
 * purpose while each tap's jobs run (EvaluationPool.hold), so the walk-forward threads alone cannot
 * reach 2.0 however busy the machine is. The pool's share is shown beside it.
 */
const bothCores = (cores: number): Target => ({ label: `≥ ${(0.85 * cores).toFixed(1)} cores`, met: (v) => v >= 0.85 * cores });

/**
 * Half a second between taps: still far more than any trader taps, and it leaves the pool time to
 * show whether it uses both cores (it pauses while each tap's jobs run; back to back, it would
 * mostly wait).
 */
const DEFAULT_TAP_GAP_MS = 500;
const FIRST_TRADER = 2001;
const CLOSE = 50;
const VOLUME = 1_000_000;
const APPROVE_SYMBOLS = 5;
const APPROVE_BARS = 60;

const ok = (t: Tap) => t.confirmed !== undefined && t.failed === undefined;
const latency = (t: Tap) => t.confirmed! - t.sent;
const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));
const seconds = (msec: number) => `${(msec / 1000).toFixed(1)} s`;
const cores = (cpuSec: number, wallMs: number) => (wallMs > 0 ? (cpuSec * 1000) / wallMs : Number.NaN);

interface Phase {
  name: string;
  taps: Tap[];
  use: ResourceUse;
  threads: ThreadCpuUse | null;
  servers: { pg: number | null; redis: number | null };
}

function latencyRow(label: string, taps: Tap[], s: Summary): Cell[] {
  const lost = taps.length - s.n;
  return [label, `${s.n}${lost ? ` (+${lost} failed)` : ''}`, ms(s.p50), TARGET_APPROVE_P50.label, mark(s.p50, TARGET_APPROVE_P50), ms(s.p90), ms(s.p99), ms(s.max), ms(s.mean), ms(s.min)];
}

export const incubationBenchmark: Benchmark = {
  name: 'incubation',
  summary:
    'Incubating 50 hypotheses over the 900-symbol universe through the real app (hypotheses queue → evaluation pool threads): wall time, CPU of the pool threads vs wall (both cores), and approve p50 idle vs during incubation, in one run (target ≤ 90 s, both cores used, approve p50 unmoved).',
  options: {
    '--incubation-hypotheses=50': 'hypotheses proposed and incubated (at most the INCUBATING cap, 50)',
    '--symbols=N': 'symbols of the default universe seeded (default: all ~900; --quick 60)',
    '--sessions=N': 'weekday sessions seeded (default: the 2,520 NYSE sessions the app seeds; --quick 600)',
    '--taps=60': 'approve taps with no incubation running (one at a time)',
    '--warmup=5': 'approve taps before those, not reported',
    '--max-taps-during=400': 'approve taps at most while incubation runs (one at a time until it ends)',
    '--timeout=900': 'seconds to wait for the incubations before giving up',
    '--tap-gap=500': 'milliseconds between one tap\'s confirmation and the next tap, in both runs (0 = back to back: the pool then yields to taps nearly all the time)',
  },
  async run(ctx) {
    const o = ctx.options;
    const q = o.quick;
    const n = Math.floor(o.number('incubation-hypotheses', q ? 6 : TARGET_HYPOTHESES));
    if (n < 1 || n > 50) throw new Error('--incubation-hypotheses must be between 1 and 50 (the INCUBATING cap per market)');
    const symbolsOpt = o.get('symbols') !== undefined ? o.number('symbols', 0) : q ? 60 : undefined;
    const sessionsOpt = o.get('sessions') !== undefined ? o.number('sessions', 0) : q ? 600 : undefined;
    const idleN = Math.max(1, o.number('taps', q ? 5 : 60));
    const warmupN = o.number('warmup', q ? 2 : 5);
    const duringMax = Math.max(1, o.number('max-taps-during', q ? 40 : 400));
    const timeoutMs = o.number('timeout', 900) * 1000;
    const totalCards = warmupN + idleN + duringMax;
    const tapGapMs = Math.max(0, o.number('tap-gap', DEFAULT_TAP_GAP_MS));
    const loadStart = loadAverage();
    const endDate = lastCompletedSession(Date.now());

    ctx.progress(`seeding the default universe into a throwaway database (end ${endDate}${symbolsOpt !== undefined ? `, ${symbolsOpt} symbols` : ''}${sessionsOpt !== undefined ? `, ${sessionsOpt} sessions` : ''})…`);
    const seeded = await seededDatabase(ctx.resources, { endDate, ...(symbolsOpt !== undefined ? { symbols: symbolsOpt } : {}), ...(sessionsOpt !== undefined ? { sessions: sessionsOpt } : {}) });
    const universeSymbols = seeded.seed.sampleSymbols.length + seeded.seed.demoSymbols;

    const traders = Array.from({ length: totalCards }, (_, i) => FIRST_TRADER + i);
    const env: Record<string, string> = {
      DATABASE_URL: seeded.url,
      SEED_DEFAULT_DATA: 'false',
      TELEGRAM_ALLOWED_USER_IDS: traders.map((id) => `${id}:trader`).join(','),
      BROKER: 'paper',
      // Every tap buys: budgets and open positions must not be what refuses them (as in the approve section).
      EXEC_PER_ORDER_BUDGET: '1000000',
      EXEC_DAILY_BUDGET: '1000000000',
      EXEC_MAX_OPEN_POSITIONS: String(APPROVE_SYMBOLS),
    };
    ctx.progress('starting the app (local mode, all roles, paper broker)…');
    const app = await startLocalApp(ctx.resources, env);
    let rig: ApproveRig | undefined;
    let tracker: IncubationTracker | undefined;
    let cpu: ServerCpu | undefined;
    try {
      const symbols = Array.from({ length: APPROVE_SYMBOLS }, (_, i) => `BNCH${String.fromCharCode(65 + i)}`);
      ctx.progress(`storing ${APPROVE_BARS} bars for ${APPROVE_SYMBOLS} approve symbols and ${totalCards} PENDING picks…`);
      const market = await seedMarket(app, symbols, { sessions: APPROVE_BARS, close: CLOSE, volume: VOLUME });
      const pickIds = await insertPicks(app, market, totalCards, 5);
      rig = new ApproveRig(app);
      tracker = new IncubationTracker(app);
      ctx.progress(`posting ${totalCards} pick cards through the notify queue…`);
      const cards = await rig.postCards(pickIds, traders, market);

      // A running app has the universe in the bars store's memory cache from its scans; load it once here so the
      // incubation figure does not include the cold Postgres read (timed and reported apart).
      ctx.progress('loading the universe into the bars store cache…');
      const tLoad = performance.now();
      const loaded = await app.running.app.bars.loadUniverse();
      const warmLoadMs = performance.now() - tLoad;
      const session = endDate;
      ctx.progress(`proposing ${n} hypotheses…`);
      const hypotheses = await proposeForBench(app, n, session);
      const families = new Set(hypotheses.map((h) => h.family));
      await sleep(1_500); // let the notify limiter and chat pacing recover after the card burst

      cpu = await ServerCpu.open(app.env.DATABASE_URL!, REDIS_URL);
      let next = 0;
      const take = (k: number): Card[] => cards.slice(next, (next += k));
      const serial = async (list: Card[]) => {
        const out: Tap[] = [];
        for (const c of list) {
          out.push(await rig!.roundTrip(c));
          if (tapGapMs > 0) await sleep(tapGapMs);
        }
        return out;
      };

      ctx.progress(`approve warm-up ×${warmupN}…`);
      await serial(take(warmupN));

      ctx.progress(`approve, no incubation ×${idleN}…`);
      const idle0 = await cpu.sample();
      const idleMeter = startResourceMeter();
      const idleThreads = new ThreadCpuMeter();
      idleThreads.start();
      const idleTaps = await serial(take(idleN));
      const idle: Phase = { name: `no incubation (×${idleN} taps)`, taps: idleTaps, use: idleMeter.stop(), threads: idleThreads.stop(), servers: ServerCpu.delta(idle0, await cpu.sample()) };

      ctx.progress(`enqueueing ${n} hypothesis.incubate jobs and tapping Approve until they are done…`);
      const busy0 = await cpu.sample();
      const threads = new ThreadCpuMeter();
      threads.start();
      const meter = startResourceMeter();
      const t0 = performance.now();
      await enqueueIncubations(app, hypotheses, session);
      const enqueuedMs = performance.now() - t0;
      // Set by the drain watcher while taps run (an object so the loop below re-reads it).
      const clock: { end: number | null } = { end: null };
      const drained = tracker.drained(timeoutMs).then((done) => {
        clock.end = performance.now();
        return done;
      });
      const during: Tap[] = [];
      const spare = take(duringMax);
      for (const card of spare) {
        if (clock.end !== null) break;
        const tap = await rig.roundTrip(card);
        // Only taps whose whole round trip lies inside the incubation count.
        if (clock.end === null || (tap.confirmed !== undefined && tap.confirmed <= clock.end)) during.push(tap);
        if (tapGapMs > 0 && clock.end === null) await Promise.race([sleep(tapGapMs), drained]);
      }
      const tapsRanOut = clock.end === null;
      const finished = await drained;
      const use = meter.stop();
      const threadUse = threads.stop();
      const servers = ServerCpu.delta(busy0, await cpu.sample());
      const wallMs = clock.end! - t0;
      const busy: Phase = { name: `during incubation (×${during.length} taps)`, taps: during, use, threads: threadUse, servers };

      // ── figures ──
      const runs = tracker.finalRuns();
      const kinds = new Map<string, number>();
      for (const r of runs) kinds.set(r.error ? 'error' : (r.kind ?? 'unknown'), (kinds.get(r.error ? 'error' : (r.kind ?? 'unknown')) ?? 0) + 1);
      const states = (await app.running.app.ds.query(
        `SELECT state, count(*)::int AS n FROM hypotheses WHERE id = ANY($1) GROUP BY state ORDER BY state`,
        [hypotheses.map((h) => h.id)],
      )) as { state: string; n: number }[];
      const jobTimes = summarize(tracker.runs.filter((r) => r.end !== undefined).map((r) => r.end! - r.start));
      const firstStart = Math.min(...tracker.runs.map((r) => r.start));
      const poolThreads = [...threadUse.newThreads].sort((a, b) => b - a);
      const poolCpu = poolThreads.reduce((s, v) => s + v, 0);
      const poolCores = cores(poolCpu, wallMs);
      const usable = Math.min(2, availableParallelism());
      const processCores = use.processCpuMs / use.wallMs;
      const sIdle = summarize(idle.taps.filter(ok).map(latency));
      const sBusy = summarize(during.filter(ok).map(latency));
      const ratio = sBusy.p50 / sIdle.p50;
      const retries = tracker.runs.length - runs.length;
      const fullRun = n === TARGET_HYPOTHESES && symbolsOpt === undefined && sessionsOpt === undefined;

      const headline: Table = {
        title: `Incubating ${n} hypotheses over the ${num(universeSymbols)}-symbol universe (+${APPROVE_SYMBOLS} approve symbols) — targets${fullRun ? '' : ' — NOT the target configuration (fewer hypotheses, symbols or sessions)'}${tapGapMs !== DEFAULT_TAP_GAP_MS ? ` — taps ${tapGapMs} ms apart, not the default ${DEFAULT_TAP_GAP_MS}` : ''}`,
        columns: ['measure', 'measured', 'target', 'ok'],
        rows: [
          [`incubation wall time: enqueue ${n} jobs → last one finished${finished ? '' : ` (TIMED OUT after ${seconds(timeoutMs)})`}`, seconds(wallMs), TARGET_WALL.label, fullRun && finished ? mark(wallMs, TARGET_WALL) : ''],
          ['both cores used: whole app process CPU ÷ wall (all threads) during incubation', processCores.toFixed(2), bothCores(usable).label, mark(processCores, bothCores(usable))],
          [`of which threads born during the run (the evaluation pool; ${poolThreads.length} thread${poolThreads.length === 1 ? '' : 's'}: ${poolThreads.map((c) => cores(c, wallMs).toFixed(2)).join(' + ') || 'none seen'})`, poolCores.toFixed(2), '', ''],
          [`approve p50, no incubation (×${sIdle.n})`, ms(sIdle.p50), TARGET_APPROVE_P50.label, mark(sIdle.p50, TARGET_APPROVE_P50)],
          [`approve p50, during incubation (×${sBusy.n})`, ms(sBusy.p50), TARGET_APPROVE_P50.label, mark(sBusy.p50, TARGET_APPROVE_P50)],
          ['approve p50 during ÷ no incubation ("must not move")', `${ratio.toFixed(2)}×`, TARGET_P50_RATIO.label, mark(ratio, TARGET_P50_RATIO)],
          ['approve p99, no incubation / during', `${ms(sIdle.p99)} / ${ms(sBusy.p99)}`, '', ''],
        ],
        notes: [
          `The real app in local mode (startLocalApp: bot + worker + scheduler in this one Node process, Bot API emulator, paper broker) on a throwaway database seeded by seedDefaultData (end ${endDate}: ${seeded.seed.sampleSymbols.length} real sample symbols + ${num(seeded.seed.demoSymbols)} synthetic DEMO symbols${sessionsOpt !== undefined ? `, ${num(sessionsOpt)} weekday sessions` : ', the last 2,520 NYSE sessions'}), plus ${APPROVE_SYMBOLS} approve symbols with ${APPROVE_BARS} bars (they are stored symbols, so they are in the incubation universe too: ${num(loaded.size)} series).`,
          `Hypotheses: ${n} proposed through HypothesisStore.propose from the engine's proposeHypotheses in rounds of 10 (families with fewer hypotheses first, FAMILY_GRID_SPECS centres in order): ${families.size} families. Jobs: ${n} × 'hypothesis.incubate' { hypothesisId, version, session } added in one BullMQ addBulk on the app's hypotheses queue with the session job's jobId and priority and the queue's job options (${ms(enqueuedMs)} to enqueue; one JobProducer.add per job, as the session job does, timed out at 800 ms in a full run: the first evaluation blocks the event loop while the universe is copied to its thread). The worker's 'hypotheses' queue runs them with concurrency = pool threads; each calls incubateOne with the EvaluationPool (worker threads, min(2, cores) = ${usable} here).`,
          `Wall time: from the first enqueue to the moment the hypotheses queue held no waiting/prioritized/delayed/active job and every run the worker started had returned (polled every 100 ms). Incubation wall time includes reading the universe from the bars store's memory cache and sending it to each pool thread once; the cold Postgres read was done before (${ms(warmLoadMs)}), as a running app has it cached from its scans.`,
          `Pool-thread CPU: per-thread utime+stime from /proc/self/task (10 ms ticks) of the threads born after the baseline taken just before the enqueue (Node names every thread "node"; the pool spawns its threads on its first evaluation). Under tsx (as \`npm run bench\` runs) each pool thread registers tsx's loader, and Node 20 runs module.register() hooks on a thread of their own: those hooks threads are born too and are counted (small: they only load the code once); with node dist/ only the pool's threads would appear. ≈ ${usable}.0 would mean all ${usable} usable cores were busy with walk-forwards the whole time. Whole process CPU (the target row) includes them plus the event loop, V8's GC and compiler helper threads (they collect the pool isolates' garbage: the "other threads" column of the CPU table) and libuv's; the machine's busy share is in the same table.`,
          `Approve: the approve section's rig (bench/lib/approve-rig.ts): an Approve tap on a posted pick card → "✅ Bought" confirmation, one tap at a time (the next starts ${tapGapMs} ms after the previous one's jobs, answer and chart are done — a trader tapping ${tapGapMs > 0 ? `${(1000 / (tapGapMs + 50)).toFixed(1)}` : 'as fast as the bot answers,'} times a second at most, in both runs alike), ${warmupN} warm-up taps first. During incubation taps run from the enqueue until the queue drains; only taps confirmed before that moment count. While an approval (or any command) job runs, the worker holds the evaluation pool (EvaluationPool.hold): its threads pause at their next engine step, so the tap runs on a quiet machine and the pool takes both cores back when it ends${tapsRanOut ? ` — the ${duringMax} cards ran out before the incubation ended (raise --max-taps-during)` : ''}.`,
          `Load average (1/5/15 min): at start ${loadStart}, at the end ${loadAverage()}. Another process using the CPU takes cores from the pool threads and from the approve path alike: compare runs made at similar load.`,
        ],
      };

      const latencyTable: Table = {
        title: 'Approve tap → confirmation, no incubation vs during incubation',
        columns: ['run', 'n', 'p50', 'target', 'ok', 'p90', 'p99', 'max', 'mean', 'min'],
        rows: [latencyRow(idle.name, idle.taps, sIdle), latencyRow(busy.name, busy.taps, sBusy)],
        notes: ['Percentiles: nearest rank. Same rig, same app, same run; only the incubation differs.'],
      };

      const cpuTable: Table = {
        title: 'CPU and machine load by run',
        columns: ['run', 'wall', 'process CPU ÷ wall', 'main thread', 'pool threads', 'other threads', 'PG CPU', 'Redis CPU', 'loop delay p99 / max', 'machine busy', 'load avg 1/5/15'],
        rows: [idle, busy].map((p) => {
          const w = p.use.wallMs;
          const t = p.threads;
          const c = (sec: number | undefined) => (t?.available && sec !== undefined ? `${cores(sec, w).toFixed(2)} cores` : 'n/a');
          return [
            p.name,
            seconds(w),
            `${(p.use.processCpuMs / w).toFixed(2)} cores`,
            c(t?.mainThread),
            t && t.newThreads.length > 0 ? c(t.newThreads.reduce((s, v) => s + v, 0)) : '—',
            c(t?.otherThreads),
            p.servers.pg === null ? 'n/a' : `${cores(p.servers.pg, w).toFixed(2)} cores`,
            p.servers.redis === null ? 'n/a' : `${cores(p.servers.redis, w).toFixed(2)} cores`,
            `${ms(p.use.loopP99)} / ${ms(p.use.loopMax)}`,
            p.use.machineBusy === null ? 'n/a' : pct(p.use.machineBusy),
            p.use.load,
          ];
        }),
        notes: [
          'Cores = CPU seconds ÷ wall seconds. Main thread: the event loop (bot, job handlers, emulator, bench driver). Pool threads: threads born during the run (the evaluation pool). Other threads: libuv and V8 helper threads (GC, compiler). PG CPU: the Postgres backends of the bench database; Redis CPU: the whole shared Redis server (an upper bound). Machine busy: all cores, everyone\'s work (/proc/stat).',
        ],
      };

      const outcomeTable: Table = {
        title: 'The incubations',
        columns: ['measure', 'value'],
        rows: [
          ['hypotheses incubated (final run of each job)', `${runs.length} of ${n}${retries > 0 ? ` (+${retries} retried runs)` : ''}`],
          ['job results', [...kinds.entries()].map(([k, v]) => `${k} ${v}`).join(', ') || 'none'],
          ['states afterwards', states.map((s) => `${s.state} ${s.n}`).join(', ')],
          ['one incubation job (processor start → end) p50 / max', `${ms(jobTimes.p50)} / ${ms(jobTimes.max)}`],
          ['enqueue → first job started', Number.isFinite(firstStart) ? ms(firstStart - t0) : 'n/a'],
          ['universe: cold load from Postgres into the bars store (before the run)', `${ms(warmLoadMs)} (${num(loaded.size)} series)`],
        ],
        notes: [
          'DEMO (synthetic) data has no edge by construction, so most hypotheses are RETIRED; "paper_full" would mean it passed but the PAPER cap was full (it stays INCUBATING).',
          ...(runs.some((r) => r.error) ? [`First error: ${runs.find((r) => r.error)!.error}`] : []),
        ],
      };
      return [headline, latencyTable, stageTable(idle, rig, []), stageTable(busy, rig, []), cpuTable, outcomeTable];
    } finally {
      ctx.progress('stopping the app…');
      rig?.close();
      tracker?.close();
      await cpu?.close();
      await app.stop();
    }
  },
};
