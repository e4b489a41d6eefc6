import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { startLocalApp, type LocalApp } from './lib/app.js';
import { ApproveRig, insertPicks, seedMarket, WHAT_IF, type Card, type Tap, type WhatIf } from './lib/approve-rig.js';
import { CallCounter } from './lib/call-counter.js';
import { measureFloor } from './lib/floor.js';
import { REDIS_URL } from './lib/resources.js';
import { ServerCpu } from './lib/server-cpu.js';
import { summarize } from './lib/stats.js';
import { startResourceMeter, type ResourceUse } from './lib/system.js';
import { below, mark, ms, num, pct, type Cell, type Table } from './lib/table.js';
import type { Benchmark } from './lib/types.js';

const TARGET_P50 = below(50, 'ms');
const FIRST_TRADER = 2001;
const CLOSE = 50;
const VOLUME = 1_000_000;

const ok = (t: Tap) => t.confirmed !== undefined && t.failed === undefined;
const latency = (t: Tap) => t.confirmed! - t.sent;

interface Phase {
  name: string;
  taps: Tap[];
  use: ResourceUse;
  servers: { pg: number | null; redis: number | null };
  calls: CallCounter;
}

function distributionRow(label: string, taps: Tap[], target = false): Cell[] {
  const good = taps.filter(ok);
  const s = summarize(good.map(latency));
  const lost = taps.length - good.length;
  return [label, `${s.n}${lost ? ` (+${lost} failed)` : ''}`, ms(s.p50), target ? TARGET_P50.label : '', target ? mark(s.p50, TARGET_P50) : '', ms(s.p90), ms(s.p99), ms(s.max), ms(s.mean), ms(s.min)];
}

/** Contiguous stages of one tap (serial runs): they add up to the round trip. */
const STAGES: { name: string; from: (t: Tap) => number | undefined; to: (t: Tap) => number | undefined }[] = [
  { name: '1 callback queued → telegraf handleUpdate (getUpdates long poll)', from: (t) => t.sent, to: (t) => t.botStart },
  { name: '2 bot: dedupe, auth, HMAC, kill switch, approve statement', from: (t) => t.botStart, to: (t) => t.enqStart },
  { name: '3 bot: enqueue execution.run (BullMQ add)', from: (t) => t.enqStart, to: (t) => t.enqEnd },
  { name: '4 executions queue wait (→ processor called)', from: (t) => t.enqEnd, to: (t) => t.execStart },
  { name: '5 execute: lock, loads, kill switch, quote, gates (incl. account()), budget reservation + order row (one statement)', from: (t) => t.execStart, to: (t) => t.created },
  { name: '6 execute: order.created + order.submitting audit, kill switch, attempt mark, PaperBroker.submitOrder, booking (one statement)', from: (t) => t.created, to: (t) => t.submitted },
  { name: '7 execute: order.submitted + order.<final> audit (one group commit)', from: (t) => t.submitted, to: (t) => t.booked },
  { name: '8 outcome: fill context, card location, pick lookup, enqueue notify (BullMQ add)', from: (t) => t.booked, to: (t) => t.notifyEnqEnd },
  { name: '9 notify queue wait (→ processor called)', from: (t) => t.notifyEnqEnd, to: (t) => t.notifyStart },
  { name: '10 delivery: the confirmation message (the card edit and the chart photo follow)', from: (t) => t.notifyStart, to: (t) => t.confirmed },
];

/** Where one run's taps spent their time, stage by stage (also used by the incubation section). */
export function stageTable(phase: Pick<Phase, 'name' | 'taps'>, rig: ApproveRig, whatIf: readonly string[]): Table {
  const complete = phase.taps.filter((t) => ok(t) && STAGES.every((s) => s.from(t) !== undefined && s.to(t) !== undefined));
  const total = summarize(complete.map(latency));
  const counts = (from: (t: Tap) => number | undefined, to: (t: Tap) => number | undefined): Cell[] => {
    const c = complete.map((t) => rig.callsBetween(from(t)!, to(t)!));
    const avg = (f: (x: { pg: number; commits: number; redis: number }) => number) => (c.length ? (c.reduce((n, x) => n + f(x), 0) / c.length).toFixed(1) : 'n/a');
    return [avg((x) => x.pg), avg((x) => x.commits), avg((x) => x.redis)];
  };
  const row = (name: string, values: number[], share: boolean, calls: Cell[] = ['', '', '']): Cell[] => {
    const v = summarize(values);
    return [name, ms(v.mean), ms(v.p50), ms(v.p90), ms(v.p99), share ? pct(v.mean / total.mean) : '', ...calls];
  };
  const rows: Cell[][] = STAGES.map((s) => row(s.name, complete.map((t) => s.to(t)! - s.from(t)!), true, counts(s.from, s.to)));
  rows.push(['= tap → confirmation', ms(total.mean), ms(total.p50), ms(total.p90), ms(total.p99), '100 %', ...counts((t) => t.sent, (t) => t.confirmed)]);
  const off = (name: string, f: (t: Tap) => number | undefined) => {
    const v = complete.map(f).filter((x): x is number => x !== undefined && Number.isFinite(x));
    if (v.length > 0) rows.push(row(name, v, false));
  };
  off('(in 5) PaperBroker.account() — equity for the position caps', (t) => t.accountMs);
  off('(in 6) PaperBroker.submitOrder()', (t) => t.submitMs);
  off('(in 4–8) whole execution job (processor start → end)', (t) => (t.execEnd !== undefined && t.execStart !== undefined ? t.execEnd - t.execStart : undefined));
  off('(off path) bot: pick.approved audit append (after the enqueue)', (t) => (t.approvedAuditEnd !== undefined && t.approvedAuditStart !== undefined ? t.approvedAuditEnd - t.approvedAuditStart : undefined));
  off('(off path) fill chart render (Chart.js + PNG; its own job, 300 ms after the confirmation)', (t) => (t.renderEnd !== undefined && t.renderStart !== undefined ? t.renderEnd - t.renderStart : undefined));
  off('(off path) bot answers the tap: queued → answerCallbackQuery', (t) => (t.answered !== undefined ? t.answered - t.sent : undefined));
  off('(off path) bot edits the card "placing order…": queued → edit', (t) => (t.cardEdited !== undefined ? t.cardEdited - t.sent : undefined));
  off('(off path) bot handleUpdate still running after the job started', (t) => (t.botEnd !== undefined && t.execStart !== undefined ? t.botEnd - t.execStart : undefined));
  off('(off path) notify job completion after the confirmation', (t) => (t.notifyEnd !== undefined && t.confirmed !== undefined ? t.notifyEnd - t.confirmed : undefined));
  return {
    title: `Where the time goes — ${phase.name} (no queueing: the path itself)${whatIf.length ? ` — WHAT-IF ${whatIf.join(' + ')}` : ''}`,
    columns: ['stage', 'mean', 'p50', 'p90', 'p99', 'share of mean', 'PG stmts', 'PG commits', 'Redis cmds'],
    rows,
    notes: [
      'PG stmts / PG commits / Redis cmds: mean number issued by this process during the stage (pg Client.query and ioredis sendCommand, time-stamped). A PG stmt is one round trip: a multi-statement simple query ("BEGIN; …", "…; COMMIT") counts once. A commit is a COMMIT (alone or ending such a query) or a write outside a transaction (autocommit): each waits for a WAL flush (synchronous_commit=on). BEGIN/COMMIT sent alone count as statements; the Redis count includes the workers\' blocking BZPOPMIN calls. Everything this process issued in the window is counted (the bot\'s tail overlaps stages 4–6).',
      `${complete.length} of ${phase.taps.length} taps had every stage mark. Marks are performance.now() in bench-side wrappers on the running app's instances (telegraf handleUpdate, JobProducer.add, AuditLog.append, ChartRenderer.render) and prototypes (BullMQ Worker.callProcessJob, PaperBroker.submitOrder/account); confirmation and card edits are seen synchronously inside the emulator. src/ is not changed.`,
      'The bot (stages 1–4, then its card edit and answerCbQuery), the workers and the emulator share one event loop: the bot\'s tail overlaps the execution job (see the off-path rows).',
    ],
  };
}

function costTable(phases: Phase[]): Table {
  return {
    title: 'Cost per tap and machine load',
    columns: ['run', 'taps', 'wall', 'Node CPU / tap', 'PG CPU / tap', 'Redis CPU / tap', 'PG queries / tap', 'Redis cmds / tap', 'loop delay p99 / max', 'machine busy', 'load avg 1/5/15'],
    rows: phases.map((p) => {
      const n = p.taps.length;
      const per = (sec: number | null) => (sec === null ? 'n/a' : `${((sec * 1000) / n).toFixed(1)} ms`);
      return [
        p.name,
        n,
        `${(p.use.wallMs / 1000).toFixed(1)} s`,
        `${(p.use.processCpuMs / n).toFixed(1)} ms (${pct(p.use.processSysMs / p.use.processCpuMs)} sys)`,
        per(p.servers.pg),
        per(p.servers.redis),
        (p.calls.pgQueries / n).toFixed(1),
        (p.calls.redisTotal / n).toFixed(1),
        `${ms(p.use.loopP99)} / ${ms(p.use.loopMax)}`,
        p.use.machineBusy === null ? 'n/a' : pct(p.use.machineBusy),
        p.use.load,
      ];
    }),
    notes: [
      "Node CPU: this whole process (bot, workers, emulator, driver). PG CPU: the backends of the bench database (/proc, 10 ms ticks). Redis CPU: the whole shared Redis server — an upper bound. Queries/commands counted by patching pg's Client.query and ioredis' sendCommand in this process (BEGIN/COMMIT count as queries; evalsha = BullMQ's Lua scripts).",
      ...phases.map((p) => `Redis commands per tap, ${p.name}: ${p.calls.topRedis(p.taps.length, 8)}.`),
    ],
  };
}

/** `courtside start --role worker` against the same database, Redis prefix and emulator; resolves once it beats. */
async function startWorkerProcess(app: LocalApp): Promise<{ stop(): Promise<void> }> {
  const port = new URL(app.running.app.config.telegram.apiRoot).port;
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start', '--role', 'worker'], {
    cwd: process.cwd(),
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...app.env, LOCAL_BOT_API_PORT: port, HTTP_PORT: '0' },
  });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const rows = (await app.running.app.ds.query(`SELECT count(*)::int AS n FROM heartbeats WHERE role = 'worker' AND pid = $1`, [proc.pid])) as { n: number }[];
    if (rows[0]!.n > 0) break;
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`the worker process did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    async stop() {
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

export const approveBenchmark: Benchmark = {
  name: 'approve',
  summary: 'Approve tap → broker order → confirmation message, p50 and p99 on the paper broker (target p50 < 50 ms on this machine)',
  options: {
    '--taps=100': 'measured taps, one at a time (closed loop)',
    '--warmup=5': 'taps before those, reported apart',
    '--concurrent=4': 'taps pressed at once per round in the concurrent run (0 = skip)',
    '--rounds=10': 'rounds of the concurrent run',
    '--symbols=5': 'symbols the picks rotate over (each gets an open position)',
    '--qty=5': 'shares per pick (at $50)',
    '--concurrency': 'WORKER_CONCURRENCY (default: the app default)',
    '--global-per-sec': 'NOTIFY_GLOBAL_PER_SEC (default: the app default, 30/s — Telegram’s limit)',
    '--split': 'run the worker role in its own process, as docker-compose deploys it (bot + emulator stay in this process); no stage breakdown then',
    '--what-if=a,b': `emulate a proposed src change by patching the running app (changes semantics; experiments only): ${Object.keys(WHAT_IF).join(', ')}`,
  },
  async run(ctx) {
    const o = ctx.options;
    const q = o.quick;
    const tapsN = o.number('taps', q ? 10 : 100);
    const warmupN = o.number('warmup', q ? 2 : 5);
    const concurrent = o.number('concurrent', 4);
    const rounds = concurrent > 0 ? o.number('rounds', q ? 2 : 10) : 0;
    const symbolsN = Math.max(1, o.number('symbols', 5));
    const qty = Math.max(1, o.number('qty', 5));
    const total = warmupN + tapsN + concurrent * rounds;
    if (tapsN < 1) throw new Error('--taps must be at least 1');
    const whatIf = (o.get('what-if') ?? '').split(',').map((w) => w.trim()).filter(Boolean);
    for (const w of whatIf) if (!(w in WHAT_IF)) throw new Error(`--what-if: unknown experiment "${w}"; known: ${Object.keys(WHAT_IF).join(', ')}`);

    const traders = Array.from({ length: total }, (_, i) => FIRST_TRADER + i);
    const env: Record<string, string> = {
      TELEGRAM_ALLOWED_USER_IDS: traders.map((id) => `${id}:trader`).join(','),
      BROKER: 'paper',
      // Every tap buys: budgets and open positions must not be what refuses them.
      EXEC_PER_ORDER_BUDGET: '1000000',
      EXEC_DAILY_BUDGET: '1000000000',
      EXEC_MAX_OPEN_POSITIONS: String(Math.max(5, symbolsN)),
    };
    const concurrency = o.get('concurrency');
    if (concurrency !== undefined) env.WORKER_CONCURRENCY = String(o.number('concurrency', 8));
    const globalPerSec = o.get('global-per-sec');
    if (globalPerSec !== undefined) env.NOTIFY_GLOBAL_PER_SEC = String(o.number('global-per-sec', 30));

    const split = o.flag('split', false);
    ctx.progress(`starting the app (local mode, paper broker, ${total} allow-listed traders${split ? ', worker in its own process' : ''})…`);
    const app = await startLocalApp(ctx.resources, env, split ? ['bot', 'scheduler'] : undefined);
    const worker = split ? await startWorkerProcess(app) : null;
    let cpu: ServerCpu | undefined;
    let rig: ApproveRig | undefined;
    try {
      const symbols = Array.from({ length: symbolsN }, (_, i) => `BNCH${String.fromCharCode(65 + (i % 26))}${i >= 26 ? Math.floor(i / 26) : ''}`);
      ctx.progress(`storing 60 daily bars for ${symbolsN} symbols and ${total} PENDING picks…`);
      const market = await seedMarket(app, symbols, { sessions: 60, close: CLOSE, volume: VOLUME });
      const pickIds = await insertPicks(app, market, total, qty);
      rig = new ApproveRig(app, whatIf as WhatIf[], split);
      ctx.progress(`posting ${total} pick cards through the notify queue…`);
      const cards = await rig.postCards(pickIds, traders, market);
      // Let the notify limiter's window and the chats' pacing buckets recover.
      await new Promise((r) => setTimeout(r, 1_500));
      ctx.progress('measuring the Postgres/Redis floor…');
      const floor = await measureFloor(app.env.DATABASE_URL!, REDIS_URL, q ? 20 : 100);
      cpu = await ServerCpu.open(app.env.DATABASE_URL!, REDIS_URL);

      let next = 0;
      const take = (n: number): Card[] => cards.slice(next, (next += n));
      const measure = async (name: string, body: () => Promise<Tap[]>): Promise<Phase> => {
        ctx.progress(`${name}…`);
        const cpu0 = await cpu!.sample();
        const meter = startResourceMeter();
        const calls = CallCounter.start();
        const taps = await body();
        calls.stop();
        const use = meter.stop();
        const servers = ServerCpu.delta(cpu0, await cpu!.sample());
        return { name, taps, use, servers, calls };
      };
      const serialRun = async (list: Card[]) => {
        const out: Tap[] = [];
        for (const c of list) out.push(await rig!.roundTrip(c));
        return out;
      };

      const warm = await measure(`warm-up ×${warmupN}`, () => serialRun(take(warmupN)));
      const serial = await measure(`one at a time ×${tapsN}`, () => serialRun(take(tapsN)));
      let conc: Phase | undefined;
      if (concurrent > 0 && rounds > 0) {
        conc = await measure(`${concurrent} at once ×${rounds} rounds`, async () => {
          const out: Tap[] = [];
          for (let r = 0; r < rounds; r++) {
            const taps = take(concurrent).map((c) => rig!.press(c));
            await Promise.all(taps.map((t) => rig!.complete(t)));
            out.push(...taps);
          }
          return out;
        });
      }

      const all = [warm, serial, ...(conc ? [conc] : [])];
      const failures = all.flatMap((p) => p.taps.filter((t) => !ok(t)));
      const s = summarize(serial.taps.filter(ok).map(latency));
      const answer = summarize(serial.taps.filter((t) => t.answered !== undefined).map((t) => t.answered! - t.sent));
      const headline: Table = {
        title: `Approve tap → broker order → confirmation message (paper broker) — target${whatIf.length ? ` — WHAT-IF ${whatIf.join(' + ')} (app patched; not the real figures)` : ''}`,
        columns: ['measure', 'measured', 'target', 'ok'],
        rows: [
          [`p50, one tap at a time (×${s.n})`, ms(s.p50), TARGET_P50.label, mark(s.p50, TARGET_P50)],
          ['p90', ms(s.p90), '', ''],
          ['p99', ms(s.p99), '', ''],
          ['max', ms(s.max), '', ''],
          ['bot answers the tap (answerCallbackQuery) p50 / p99', `${ms(answer.p50)} / ${ms(answer.p99)}`, '', ''],
        ],
        notes: [
          'Latency = emulator.pressButton (the callback_query update is queued at the Bot API emulator) → the emulator handling the worker\'s confirmation message starting "✅ Bought" in that chat (performance.now, in-process). The fill chart follows as its own photo and is not in the figure.',
          'Path: getUpdates long poll → telegraf (dedupe, auth, HMAC check) → decideApprove (kill switch, one atomic approve statement, pick.approved audit, BullMQ "executions" add, card edit, answerCbQuery) ∥ executions worker → executeApproval (advisory lock, stored-bar quote, drift/policy/liquidity/position gates, reservation, PaperBroker.submitOrder in Postgres, booking) → loadFillContext → local Chart.js render → BullMQ "notify" → editMessageCaption + sendPhoto.',
          `Real app in local mode: startApp with roles bot+worker+scheduler in this one Node process with its embedded Bot API emulator and the bench driver; Postgres ${'&'} Redis on the same machine; throwaway database and Redis prefix; SEED_DEFAULT_DATA=false.`,
          `World: ${symbolsN} symbols with 60 daily bars each (close ${CLOSE}, volume ${num(VOLUME)}: dollar ADV ${num(CLOSE * VOLUME)}), ${total} PENDING picks of ${qty} shares at entry = last close, each card posted to its own trader's chat (one tap per chat: per-chat pacing at its defaults never delays). EXEC_PER_ORDER_BUDGET=1e6, EXEC_DAILY_BUDGET=1e9, EXEC_MAX_OPEN_POSITIONS=${env.EXEC_MAX_OPEN_POSITIONS}; other execution limits, PAPER_* and NOTIFY_* at their defaults${globalPerSec !== undefined ? ` except NOTIFY_GLOBAL_PER_SEC=${env.NOTIFY_GLOBAL_PER_SEC}` : ''}${concurrency !== undefined ? `, WORKER_CONCURRENCY=${env.WORKER_CONCURRENCY}` : ''}.`,
          ...(whatIf.length
            ? [`WHAT-IF ${whatIf.join(' + ')}: the running app is patched to emulate a proposed src change (chart-off-path: the confirmation reuses one pre-rendered chart instead of waiting for a render; photo-first: the outcome job sends the photo before editing the card; audit-async: pick.approved and order.* audit rows are not awaited). Semantics change: experiments only.`]
            : []),
          failures.length === 0
            ? `Every tap ended in a "✅ Bought" confirmation.${rig.unexpected.length ? ` ${rig.unexpected.length} unexpected bot actions, e.g. "${rig.unexpected[0]}".` : ''}`
            : `${failures.length} taps did not end in a confirmation, e.g. "${failures[0]!.failed}".`,
        ],
      };
      const runs: Table = {
        title: 'Tap → confirmation latency by run',
        columns: ['run', 'n', 'p50', 'target', 'ok', 'p90', 'p99', 'max', 'mean', 'min'],
        rows: [
          distributionRow(`${warm.name} (first taps of a fresh app)`, warm.taps),
          distributionRow(serial.name, serial.taps, true),
          ...(conc ? [distributionRow(`${conc.name} (distinct chats; latency of each)`, conc.taps)] : []),
        ],
        notes: [
          'Percentiles: nearest rank. One at a time: the next tap is pressed once the confirmation arrived and the bot answer and both jobs finished. min: the best tap, i.e. the path when the shared machine happened to leave this process alone.',
        ],
      };
      if (split) {
        headline.notes!.push('SPLIT: the worker role (executions, notify) ran in its own Node process (`courtside start --role worker` under tsx), as in docker-compose.yml; this process ran the bot, the scheduler, the Bot API emulator and the driver. Node CPU below is this process only.');
        return [headline, runs, costTable(all), floor];
      }
      return [headline, runs, stageTable(serial, rig, whatIf), costTable(all), floor];
    } finally {
      ctx.progress('stopping the app…');
      rig?.close();
      await cpu?.close();
      await worker?.stop();
      await app.stop();
    }
  },
};
