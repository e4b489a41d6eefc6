/**
 * Issue 15's rows for the Korean market: "/scan kr → first card ≤ 3 s cold, ≤ 0.5 s warm;
 * /positions with both markets p50 ≤ 15 ms, p99 ≤ 60 ms at 50/s". The US rows these mirror are
 * the `scan` section (first card) and `command-roundtrip` (the same latency targets for /status).
 */
import { CachingChartRenderer } from '../src/adapters/charts/caching-renderer.js';
import { performance } from 'node:perf_hooks';
import { BarsStore } from '../src/adapters/bars/index.js';
import { krDemoEndDate, seedDemoDatasets, seedKrDemoData } from '../src/adapters/bars/seed.js';
import { createDataSource } from '../src/adapters/db/data-source.js';
import { migrateWithLock } from '../src/adapters/db/migrate.js';
import { loadDefaultUniverse, weekdaySessions } from '../src/adapters/market-data/index.js';
import { lastCompletedSession } from '../src/trading/market-clock.js';
import { startLocalApp } from './lib/app.js';
import { CommandRig, type Sample } from './lib/command-rig.js';
import { dropPosition, holdPosition, KR_CODE, KR_POSITION, US_POSITION, US_SYMBOL, writeKrBreakout } from './lib/kr-world.js';
import { instrumentLoads, runScans, tapScans, type ScanRun as KrScanRun } from './scan.js';
import { PhotoTap, positionsOpenLoop, positionsSerial, type PositionsPhase } from './lib/positions-load.js';
import { summarize } from './lib/stats.js';
import { loadAverage } from './lib/system.js';
import { mark, ms, num, type Cell, type Table, type Target } from './lib/table.js';
import type { Benchmark } from './lib/types.js';
import type { ChartSpec } from '../src/adapters/charts/port.js';
import { positionsChartOps, positionsTextOp } from '../src/bot/render/portfolio.js';
import type { RenderContext } from '../src/bot/render/types.js';
import type { LocalApp } from './lib/app.js';

/** The issue says "≤"; lib/table.ts has only "<" and "≥". */
const atMost = (limit: number, unit: string): Target => ({ label: `≤ ${limit} ${unit}`, met: (v) => v <= limit });
const TARGET_COLD = atMost(3000, 'ms');
const TARGET_WARM = atMost(500, 'ms');
const TARGET_P50 = atMost(15, 'ms');
const TARGET_P99 = atMost(60, 'ms');
const FIRST_VIEWER = 1001;

const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));
const isBothBooks = (t: string) => /🇺🇸 US \(NYSE, \$\): 1 open/.test(t) && /🇰🇷 KR \(KRX, ₩\): 1 open/.test(t) && t.includes(KR_CODE) && t.includes(US_SYMBOL);
const isUsBook = (t: string) => /Open positions: 1/.test(t) && t.includes(US_SYMBOL) && !t.includes('₩');

function scanRow(r: KrScanRun): Cell[] {
  const since = (t: number | undefined) => (t === undefined ? undefined : t - r.sent);
  const first = since(r.firstCard);
  const target = r.run === 1 ? TARGET_COLD : TARGET_WARM;
  const signals = r.doneText ? /Signals: (\d+)/.exec(r.doneText)?.[1] : undefined;
  const loads = r.loads.length === 0 ? 'n/a' : r.loads.map((l) => `${l.from} ${ms(l.ms)}`).join(' + ');
  return [
    `#${r.run} (chat ${r.userId}), ${r.run === 1 ? 'cold' : 'warm'}${r.timedOut ? ' — TIMED OUT after 60 s' : ''}`,
    loads,
    ms(since(r.ack)),
    ms(since(r.started)),
    ms(first),
    target.label,
    mark(first ?? Number.NaN, target),
    ms(since(r.lastCard)),
    `${signals ?? '?'} · ${r.cards}${r.expectedCards !== undefined && r.cards < r.expectedCards ? ` of ${r.expectedCards}` : ''}`,
    r.firstCardText === undefined ? 'n/a' : /₩/.test(r.firstCardText) && !r.firstCardText.includes('$') ? `₩ (${/^[^\n]*/.exec(r.firstCardText)![0].slice(0, 40)})` : 'NOT a ₩ card',
  ];
}

/** The renderer's draw time of each chart during a run (bench-side wrapper on the app's instance). */
interface Booked {
  phase: PositionsPhase;
  targets: boolean;
  renders: number[];
  /** Charts the app's chart cache had drawn (the rest of `renders` came from the cache); null without the cache. */
  drawn: number | null;
}

/**
 * Wraps the app's chart renderer to time every render. With `skipBars` (the what-if), a bar chart
 * (the /positions P&L chart; /scan cards are candles) fails at once, and the renderer sends the text
 * alone, as it does when a chart cannot be drawn.
 */
function timeCharts(charts: { render: (spec: ChartSpec) => Promise<Buffer> }, sink: number[], skipBars: () => boolean): void {
  const render = charts.render.bind(charts);
  charts.render = async (spec) => {
    if (skipBars() && spec.kind === 'bars') throw new Error('bench what-if no-positions-chart');
    const start = performance.now();
    try {
      return await render(spec);
    } finally {
      sink.push(performance.now() - start);
    }
  };
}

/**
 * WHAT-IF `positions-text-first` (the proposed src change, see bench/README.md): while `on()`, the
 * app's publisher delivers /positions' text as its own notify job (key `<key>`) before drawing, and
 * the chart as a second job (`<key>-chart`) once drawn. Both parts are src/bot/render/portfolio.ts'
 * own (positionsTextOp, positionsChartOps), so the messages are the ones the app sends; only when
 * each is enqueued changes. Patched on the instance the worker's handlers call.
 */
function textFirst(app: LocalApp, mode: () => 'off' | 'awaited' | 'detached'): void {
  const a = app.running.app;
  const publisher = a.publisher;
  const publish = publisher.publish.bind(publisher);
  const ctx: RenderContext = {
    charts: a.charts,
    photoOp: (png, caption, keyboard, ref) => a.notifier.photoOp(png, caption, keyboard, ref),
    callbackKey: a.config.telegram.callbackKey,
    now: () => Date.now(),
    log: a.log,
  };
  let drawing = 0;
  const sendChart = async (chatId: number, notice: Parameters<typeof positionsChartOps>[0], opts: { key?: string; delayMs?: number; silent?: boolean }) => {
    const chart = await positionsChartOps(notice, ctx);
    if (chart.length > 0) await a.notifier.deliver(chatId, chart, 'positions', opts.key ? `${opts.key}-chart` : undefined, opts.delayMs, opts.silent);
  };
  publisher.publish = async (chatId, notice, opts = {}) => {
    const m = mode();
    if (m === 'off' || notice.kind !== 'portfolio.positions') return publish(chatId, notice, opts);
    await a.notifier.deliver(chatId, [positionsTextOp(notice, ctx)], 'positions', opts.key, opts.delayMs, opts.silent);
    if (m === 'awaited') return sendChart(chatId, notice, opts);
    // Detached: the command job ends with the text; at most DETACHED_DRAWS charts are in the works,
    // one more is shed (the text has the numbers), so draws can never queue up behind the texts.
    if (drawing >= DETACHED_DRAWS) return;
    drawing++;
    void sendChart(chatId, notice, opts)
      .catch(() => undefined)
      .finally(() => drawing--);
  };
}
/** The what-if `positions-chart-detached`: charts drawn (or delivered) at once at most; more are shed. */
const DETACHED_DRAWS = 2;

function positionsRow({ phase: p, targets: withTargets, renders, drawn }: Booked): Cell[] {
  const s = summarize(p.samples.filter((x) => x.replied !== undefined).map((x) => x.replied! - x.sent));
  const photo = summarize(p.photoMs);
  const r = summarize(renders);
  return [
    p.name,
    `${s.n}${p.lost ? ` (+${p.lost} lost)` : ''}${p.wrongBook ? ` (${p.wrongBook} wrong reply)` : ''}`,
    ms(s.p50),
    withTargets ? TARGET_P50.label : '',
    withTargets ? mark(s.p50, TARGET_P50) : '',
    ms(s.p90),
    ms(s.p99),
    withTargets ? TARGET_P99.label : '',
    withTargets ? mark(s.p99, TARGET_P99) : '',
    ms(s.max),
    p.photoMs.length ? `${ms(photo.p50)} / ${ms(photo.p99)}${photo.n < s.n ? ` (${photo.n} of ${s.n})` : ''}` : 'none',
    r.n ? `${r.n} × ${ms(r.mean)} (p99 ${ms(r.p99)})${drawn === null ? '' : `, ${drawn} drawn`}` : 'none',
  ];
}

export const marketsBenchmark: Benchmark = {
  name: 'markets',
  summary:
    "Issue 15's Korean-market rows through the real local app: /scan kr → first KR card, cold and warm, on the KR DEMO ETFs beside the US default data; /positions holding a US and a KR position at 50/s, beside the same book with the US position only.",
  options: {
    '--kr-scans=3': '/scan kr runs (the first is cold: fresh app, empty bars caches; later ones warm), one chat each',
    '--kr-data-only': 'seed the KR DEMO ETFs only (default: the US default data too, as local mode stores both; /scan kr loads the whole bars universe)',
    '--positions-rate=50': '/positions open-loop rate, commands/s',
    '--positions-duration=10': 'measured seconds per book',
    '--positions-warmup=1': 'open-loop warm-up seconds per book, sent but discarded',
    '--positions-serial=50': '/positions one at a time per book (0 = skip)',
    '--no-positions-peer': 'skip the US-only book',
    '--no-status-baseline': 'skip the reference row: /status at the same rate on the same app (what the machine allows a command now)',
    '--what-if=no-positions-chart': 'adds a US + KR book whose P&L chart is not drawn (text only): what the text would cost with the chart off its path (experiment)',
    '--what-if=positions-text-first': 'adds a US + KR book whose text is enqueued before the chart is drawn, the chart following as its own notify job (the proposed src change; experiment). Several: --what-if=no-positions-chart,positions-text-first',
    '--what-if=positions-chart-detached': 'as positions-text-first, but the command job ends once the text is enqueued; the chart is drawn outside it, at most 2 at once, and shed beyond that (experiment)',
  },
  async run(ctx) {
    const o = ctx.options;
    const q = o.quick;
    const scansN = Math.max(1, o.number('kr-scans', q ? 2 : 3));
    const withUs = !o.flag('kr-data-only', false);
    const rate = o.number('positions-rate', 50);
    const duration = o.number('positions-duration', q ? 2 : 10);
    const warmupS = o.number('positions-warmup', 1);
    const serialN = o.number('positions-serial', q ? 10 : 50);
    const withPeer = o.flag('positions-peer', true);
    const whatIf = (o.get('what-if') ?? '').split(',').map((w) => w.trim()).filter(Boolean);
    const known = ['no-positions-chart', 'positions-text-first', 'positions-chart-detached'];
    for (const w of whatIf) if (!known.includes(w)) throw new Error(`--what-if: unknown experiment "${w}"; known: ${known.join(', ')}`);
    const noChartRow = whatIf.includes('no-positions-chart');
    const textFirstRow = whatIf.includes('positions-text-first');
    const detachedRow = whatIf.includes('positions-chart-detached');
    const withStatus = o.flag('status-baseline', true);
    const viewers = 4000;
    const now = Date.now();
    const krEnd = krDemoEndDate(now);
    const usEnd = lastCompletedSession(now);
    const loadStart = loadAverage();

    // ── 1. a throwaway database with the KR DEMO ETFs (and the US default data), and one position per market ──
    const dbUrl = await ctx.resources.database();
    const ds = createDataSource(dbUrl, { applicationName: 'courtside-bench' });
    await ds.initialize();
    let seedNote: string;
    try {
      ctx.progress('migrating the throwaway database…');
      await migrateWithLock(ds);
      const store = new BarsStore(ds);
      const t0 = performance.now();
      if (withUs) {
        ctx.progress(`seeding the US default data (end ${usEnd}${q ? ', --quick: 60 symbols × 400 sessions' : ''}) and the KR DEMO ETFs (end ${krEnd})…`);
        const r = await seedDemoDatasets(store, { endDate: usEnd, krEndDate: krEnd, ...(q ? { universe: loadDefaultUniverse().entries.slice(0, 60), sessions: weekdaySessions(usEnd, 400) } : {}) });
        seedNote = `US default data (${num(r.us.sampleSymbols.length + r.us.demoSymbols)} symbols) + KR DEMO (${num(r.kr.demoSymbols)} ETFs) via seedDemoDatasets`;
      } else {
        ctx.progress(`seeding the KR DEMO ETFs (end ${krEnd})…`);
        const r = await seedKrDemoData(store, { endDate: krEnd });
        seedNote = `KR DEMO only (${num(r.demoSymbols)} ETFs) via seedKrDemoData`;
      }
      seedNote += ` in ${ms(performance.now() - t0)}`;
      await writeKrBreakout(store, now);
      await store.idle();
      await holdPosition(ds, US_POSITION);
      await holdPosition(ds, KR_POSITION);
    } finally {
      await ds.destroy().catch(() => undefined);
    }
    const loadAfterSeed = loadAverage();

    // ── 2. the real app on that database ──
    const admins = Array.from({ length: scansN }, (_, i) => i + 1);
    const allow = [...admins.slice(1).map((u) => `${u}:admin`), ...Array.from({ length: viewers }, (_, i) => `${FIRST_VIEWER + i}:viewer`)].join(',');
    ctx.progress('starting the app (local mode, roles bot+worker+scheduler)…');
    const app = await startLocalApp(ctx.resources, {
      DATABASE_URL: dbUrl,
      SEED_DEFAULT_DATA: 'false',
      TELEGRAM_ALLOWED_USER_IDS: allow,
      // As command-roundtrip: Telegram's real bot-wide 30/s would cap /positions (text + chart) at 15/s.
      NOTIFY_GLOBAL_PER_SEC: '10000',
    });
    const runs: KrScanRun[] = [];
    const phases: Booked[] = [];
    const renders: number[] = [];
    let skipBars = false;
    let textFirstMode: 'off' | 'awaited' | 'detached' = 'off';
    let current: KrScanRun | undefined;
    try {
      timeCharts(app.running.app.charts, renders, () => skipBars);
      textFirst(app, () => textFirstMode);
      tapScans(app, () => current);
      instrumentLoads(app.running.app.bars, () => current);
      await sleep(500);
      runs.push(...(await runScans(ctx, app, admins, '/scan kr', (r) => (current = r))));

      const rig = new CommandRig(app, { first: FIRST_VIEWER, count: viewers }, false);
      const photos = new PhotoTap(app);
      // Renders of this run only (warm-up commands included: the draw time per chart is what they show).
      const charts = app.running.app.charts;
      const drawnSoFar = () => (charts instanceof CachingChartRenderer ? charts.counts().drawn : null);
      const timed = async (run: () => Promise<PositionsPhase>, targets: boolean) => {
        const from = renders.length;
        const drawnBefore = drawnSoFar();
        const phase = await run();
        const drawnAfter = drawnSoFar();
        phases.push({ phase, targets, renders: renders.slice(from), drawn: drawnBefore === null || drawnAfter === null ? null : drawnAfter - drawnBefore });
      };
      const book = async (name: string, isBook: (t: string) => boolean, targets: boolean) => {
        ctx.progress(`/positions, ${name}: open loop ${rate}/s × ${warmupS} + ${duration} s…`);
        await timed(() => positionsOpenLoop(rig, photos, { name: `${name}, open loop ${rate}/s × ${duration} s`, rate, warmupS, durationS: duration, isBook }), targets);
        if (serialN > 0) {
          ctx.progress(`/positions, ${name}: ${serialN} one at a time…`);
          await timed(() => positionsSerial(rig, photos, { name: `${name}, one at a time × ${serialN}`, count: serialN, isBook }), false);
        }
      };
      await book('US + KR', isBothBooks, true);
      if (withPeer) {
        await dropPosition(app.running.app.ds, KR_POSITION);
        await book('peer: US only', isUsBook, false);
        await holdPosition(app.running.app.ds, KR_POSITION);
      }
      if (withStatus) {
        ctx.progress(`/status (reference): open loop ${rate}/s × ${warmupS} + ${duration} s…`);
        const isStatus = (t: string) => /Kill switch/.test(t);
        await timed(() => positionsOpenLoop(rig, photos, { name: `reference: /status, open loop ${rate}/s × ${duration} s`, rate, warmupS, durationS: duration, isBook: isStatus, command: '/status' }), false);
      }
      if (noChartRow) {
        skipBars = true;
        await book('WHAT-IF US + KR, no P&L chart', isBothBooks, false);
        skipBars = false;
      }
      if (textFirstRow) {
        textFirstMode = 'awaited';
        await book('WHAT-IF US + KR, text first', isBothBooks, false);
        textFirstMode = 'off';
      }
      if (detachedRow) {
        textFirstMode = 'detached';
        await book('WHAT-IF US + KR, chart detached', isBothBooks, false);
        textFirstMode = 'off';
      }
    } finally {
      current = undefined;
      ctx.progress('stopping the app…');
      await app.stop();
    }
    const loadEnd = loadAverage();

    const scanTable: Table = {
      title: '/scan kr end to end — command → first KR pick card, real app in local mode',
      columns: ['run', 'universe load(s) in the worker', 'ack "KR scan queued"', '"Scanning N KR symbols" edit', 'first KR card', 'target', 'ok', 'last card', 'signals · cards', 'first card'],
      rows: runs.map(scanRow),
      notes: [
        `Data: ${seedNote}; then ${KR_CODE}'s DEMO series replaced by 260 flat KRX sessions and a breakout close (tests/e2e/markets/kr-approve-kill.test.ts's bars), so every run has at least one KR card whatever the day's DEMO walks do. The KR scan evaluates the KR members only, but the bars store loads (and caches) the whole universe, US included: that is what a cold /scan kr pays on a database holding both${withUs ? '' : ' (here KR only: --kr-data-only)'}.`,
        `As bench/scan.ts: times from emulator.sendUserMessage('/scan kr') to the emulator handling the bot's call for that chat (in-process tap). Run #1 is the first /scan after the app started (fresh COURTSIDE_HOME, no disk snapshot, empty memory cache; JIT and the chart renderer unused); later runs hit the in-process cache. Each run has its own admin chat (${admins.join(', ')}): a re-scan posts only cards its chat has not seen, and per-chat pacing never delays a later run. "First card": its caption is in won and has no "$".`,
        `Done text of the last run: "${(runs.at(-1)?.doneText ?? 'n/a').replace(/\n/g, ' / ')}".`,
      ],
    };
    const usPosNote = `${US_POSITION.qty} ${US_SYMBOL} at $${US_POSITION.avgCost} (broker mark)`;
    const krPosNote = `${KR_POSITION.qty} ${KR_CODE} at ₩${num(KR_POSITION.avgCost)} (priced from its latest stored close)`;
    const positionsTable: Table = {
      title: `/positions with both markets at ${rate}/s — command → reply text, beside the US-only book`,
      columns: ['run', 'replies', 'p50', 'target', 'ok', 'p90', 'p99', 'target', 'ok', 'max', 'chart photo after p50 / p99', 'chart asks × mean (p99), drawn'],
      rows: phases.map(positionsRow),
      notes: [
        `Book: ${usPosNote} and ${krPosNote}; the peer rows drop the KR position (the book as it was before issue 15). The reference row is /status (command-roundtrip's command and targets) at the same rate on the same app just after: what a command costs on this machine at this moment. Replies are checked: "US + KR" must show both sections (🇺🇸 US (NYSE, $), 🇰🇷 KR (KRX, ₩)), the peer one US book without ₩; "wrong reply" counts misses.`,
        `As command-roundtrip: /positions from ${viewers} allow-listed viewers (ids ${FIRST_VIEWER}…) in rotation, one command in flight per chat; latency = emulator.sendUserMessage → the emulator handling the bot's sendMessage (the positions text) for that chat. Path: getUpdates → telegraf → BullMQ commands → worker (loadOpenPositions, one query) → notify queue → render (text, Close buttons, and the P&L bar chart, drawn or taken from the chart cache before the text goes out) → sendMessage, then sendPhoto. Open loop: ${warmupS} s warm-up sent and discarded, then ${duration} s measured; NOTIFY_GLOBAL_PER_SEC=10000 (the default 30/s would cap the two messages per command at 15 commands/s). The peer runs after the first book on the same app, so it is the warmer of the two.`,
        `Chart asks: every ChartRenderer.render during the run (warm-up included), timed on the app's instance, which is the chart cache (src/adapters/charts/caching-renderer.ts): an equal spec asked within 60 s gets the PNG drawn the first time, so "N drawn" of them were drawn (LocalChartRenderer, synchronously on this process' event loop, Chart.js on @napi-rs/canvas, where the bot, the workers and the emulator also run) and the rest came from the cache. Every viewer here asks for the same book, as every allow-listed user of one install does; a book whose marks move draws again each minute.${noChartRow ? ' WHAT-IF "no P&L chart" rows: the bar chart fails at once, so the renderer sends the text alone (as when a chart cannot be drawn) — an experiment, not the app as it ships.' : ''}${textFirstRow ? ' WHAT-IF "text first" rows: the publisher enqueues the text (notify job <key>) before drawing, then the chart as its own job (<key>-chart), both from render/portfolio.ts — the proposed change, not the app as it ships; the chart is still drawn on this event loop, after the text is enqueued, and the command job waits for it.' : ''}${detachedRow ? ` WHAT-IF "chart detached" rows: as "text first", but the command job ends with the text; the chart is drawn outside the job, at most ${DETACHED_DRAWS} at once, and shed beyond that (the photo column counts the charts that came).` : ''}`,
        `Open-loop send lag max: ${phases.map((p) => (p.phase.maxLagMs === undefined ? null : `${p.phase.name.split(',')[0]} ${ms(p.phase.maxLagMs)}`)).filter(Boolean).join(', ') || 'n/a'}. Warm-up replies: ${phases.map((p) => p.phase.warmup.filter((s: Sample) => s.replied !== undefined).length).filter((n) => n > 0).join(', ') || 'none'}.`,
        `Load average (1/5/15 min) at start ${loadStart}, after seeding ${loadAfterSeed}, at the end ${loadEnd}.`,
      ],
    };
    return [scanTable, positionsTable];
  },
};
