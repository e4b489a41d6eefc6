import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { startLocalApp } from './lib/app.js';
import { CallCounter } from './lib/call-counter.js';
import { CommandRig, WHAT_IF, type Sample, type WhatIf } from './lib/command-rig.js';
import { measureFloor } from './lib/floor.js';
import { openLoop } from './lib/open-loop.js';
import { REDIS_URL } from './lib/resources.js';
import { ServerCpu } from './lib/server-cpu.js';
import { summarize, type Summary } from './lib/stats.js';
import { startResourceMeter, type ResourceUse } from './lib/system.js';
import { atLeast, below, mark, ms, num, pct, type Table } from './lib/table.js';
import type { Benchmark, BenchContext } from './lib/types.js';

const COMMAND = '/status';
const TARGET_P50 = below(15, 'ms');
const TARGET_P99 = below(60, 'ms');
const TARGET_THROUGHPUT = atLeast(300, '/s');
const FIRST_USER = 1001;

interface Phase {
  name: string;
  samples: Sample[];
  /** Samples sent in the warm-up window, excluded from `samples`. */
  warmup?: Sample[];
  use: ResourceUse;
  /** CPU seconds of our Postgres backends and of the (shared) Redis server during the phase. */
  servers: { pg: number | null; redis: number | null };
  calls: CallCounter;
  lost: number;
  /** performance.now() of the phase start/end (for slicing audit batches). */
  t0: number;
  t1: number;
  extra?: Record<string, string>;
}

const latencies = (samples: Sample[]) => samples.filter((s) => s.replied !== undefined).map((s) => s.replied! - s.sent);

/** Completed commands per second from the first send to the last reply. */
function throughput(samples: Sample[]): { overall: number; steady: number } {
  const done = samples.filter((s) => s.replied !== undefined);
  if (done.length < 2) return { overall: Number.NaN, steady: Number.NaN };
  const first = Math.min(...samples.map((s) => s.sent));
  const ends = done.map((s) => s.replied!).sort((a, b) => a - b);
  const overall = (done.length / (ends[ends.length - 1]! - first)) * 1000;
  // Between the 10th and 90th percentile completion: the plateau, without ramp-up and tail.
  const a = ends[Math.floor(ends.length * 0.1)]!;
  const b = ends[Math.floor(ends.length * 0.9) - 1]!;
  const steady = b > a ? ((Math.floor(ends.length * 0.9) - Math.floor(ends.length * 0.1) - 1) / (b - a)) * 1000 : Number.NaN;
  return { overall, steady };
}

async function measure(ctx: BenchContext, rig: CommandRig, cpu: ServerCpu, name: string, body: () => Promise<{ samples: Sample[]; warmup?: Sample[]; extra?: Record<string, string> }>, idleMs = 20_000): Promise<Phase> {
  ctx.progress(`${name}…`);
  const cpu0 = await cpu.sample();
  const meter = startResourceMeter();
  const calls = CallCounter.start();
  const t0 = performance.now();
  const out = await body();
  const { lost } = await rig.drain(idleMs);
  const t1 = performance.now();
  calls.stop();
  const use = meter.stop();
  const servers = ServerCpu.delta(cpu0, await cpu.sample());
  if (rig.stages) await rig.loadJobTimes([...out.samples, ...(out.warmup ?? [])]);
  return { name, ...out, use, servers, calls, lost, t0, t1 };
}

/** "182/256 · 60/120 · …": p50/p99 (ms) of the commands sent in each successive second. */
function perSecond(samples: Sample[]): string {
  if (samples.length === 0) return 'n/a';
  const t0 = samples[0]!.intended;
  const buckets: number[][] = [];
  for (const s of samples) {
    if (s.replied === undefined) continue;
    (buckets[Math.floor((s.intended - t0) / 1000)] ??= []).push(s.replied - s.sent);
  }
  return [...buckets].map((b) => (b ? `${Math.round(summarize(b).p50)}/${Math.round(summarize(b).p99)}` : '–')).join(' · ');
}

function distributionRow(label: string, samples: Sample[], lost: number, tp?: string): (string | number)[] {
  const s = summarize(latencies(samples));
  return [label, s.n + (lost ? ` (+${lost} lost)` : ''), ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max), ms(s.mean), tp ?? ''];
}

/** Contiguous stages: they add up to the round trip of each command. */
const STAGES: { name: string; from: (s: Sample, r: CommandRig) => number | undefined; to: (s: Sample, r: CommandRig) => number | undefined }[] = [
  { name: '1a update queued → telegraf handleUpdate (poll loop: previous batch + getUpdates)', from: (s) => s.sent, to: (s) => s.botStart },
  { name: '1b handleUpdate → audit append (dedupe SET NX, auth, parse)', from: (s) => s.botStart, to: (s) => s.auditStart },
  { name: '2 audit append (group-committed INSERT)', from: (s) => s.auditStart, to: (s) => s.auditEnd },
  { name: '3 enqueue command (zod + BullMQ add)', from: (s) => s.auditEnd, to: (s) => s.enqEnd },
  { name: '4 commands queue wait (→ processedOn)', from: (s) => s.enqEnd, to: (s, r) => r.perf(s.cmd?.processedOn) },
  { name: '5 worker: collectStatus + view', from: (s, r) => r.perf(s.cmd?.processedOn), to: (s) => s.notifyEnqStart },
  { name: '6 enqueue notify (BullMQ add)', from: (s) => s.notifyEnqStart, to: (s) => s.notifyEnqEnd },
  { name: '7 notify queue wait (→ processedOn)', from: (s) => s.notifyEnqEnd, to: (s, r) => r.perf(s.notify?.processedOn) },
  { name: '8 delivery: done-marker, pacer, sendMessage → emulator', from: (s, r) => r.perf(s.notify?.processedOn), to: (s) => s.replied },
];

function stageTable(title: string, phase: Phase, rig: CommandRig, whatIf: readonly string[] = []): Table {
  const complete = phase.samples.filter((s) => STAGES.every((st) => st.from(s, rig) !== undefined && st.to(s, rig) !== undefined));
  const totals = summarize(complete.map((s) => s.replied! - s.sent));
  const rows: (string | number)[][] = STAGES.map((st) => {
    const v = summarize(complete.map((s) => st.to(s, rig)! - st.from(s, rig)!));
    return [st.name, ms(v.mean), ms(v.p50), ms(v.p90), ms(v.p99), pct(v.mean / totals.mean)];
  });
  rows.push(['= round trip', ms(totals.mean), ms(totals.p50), ms(totals.p90), ms(totals.p99), '100 %']);
  const off = (f: (s: Sample) => number | undefined) => summarize(complete.map(f).filter((v): v is number => v !== undefined));
  const cmdTail = off((s) => (s.cmd?.finishedOn !== undefined && s.notifyEnqEnd !== undefined ? rig.perf(s.cmd.finishedOn)! - s.notifyEnqEnd : undefined));
  const notifyTail = off((s) => (s.notify?.finishedOn !== undefined && s.replied !== undefined ? rig.perf(s.notify.finishedOn)! - s.replied : undefined));
  rows.push(['(off path) command job completion after notify enqueued', ms(cmdTail.mean), ms(cmdTail.p50), ms(cmdTail.p90), ms(cmdTail.p99), '']);
  rows.push(['(off path) notify job completion after reply (done-marker SET, moveToFinished)', ms(notifyTail.mean), ms(notifyTail.p50), ms(notifyTail.p90), ms(notifyTail.p99), '']);
  const batches = rig.auditBatches.filter((b) => b.start >= phase.t0 && b.end <= phase.t1);
  const notes = [
    `${complete.length} of ${phase.samples.length} commands had every stage mark. Marks 1–3 and 6 are bench-side wrappers on the app's Telegraf.handleUpdate / AuditLog.append / JobProducer.add instances (performance.now); 4, 5, 7, 8 use BullMQ's processedOn (epoch ms, 1 ms resolution) — per-stage figures are ±1 ms, the stages still add up to the round trip. A queue wait can be slightly negative: the worker may take the job before the producer's add() has returned.`,
  ];
  const polls = rig.updateBatches.filter((b) => b.start >= phase.t0 && b.end !== undefined && b.end <= phase.t1);
  if (polls.length > 0) {
    const busy = polls.reduce((t, b) => t + (b.end! - b.start), 0);
    const held = summarize(polls.map((b) => b.end! - b.start));
    notes.push(
      `getUpdates batches: ${polls.length}, ${(polls.reduce((n, b) => n + b.size, 0) / polls.length).toFixed(1)} updates each on average (max ${Math.max(...polls.map((b) => b.size))}); telegraf awaits the whole batch before polling again, so the poll loop was blocked ${pct(busy / (phase.t1 - phase.t0))} of the run (per batch p50 ${ms(held.p50)}, p99 ${ms(held.p99)}).`,
    );
  }
  if (whatIf.length > 0) notes.push(`WHAT-IF ${whatIf.join(' + ')} is active: the app is patched, so stages overlap (e.g. the audit write runs beside the enqueue) and no longer add up.`);
  if (batches.length > 0) {
    const b = summarize(batches.map((x) => x.end - x.start));
    const rowsPer = batches.reduce((n, x) => n + x.rows, 0) / batches.length;
    notes.push(`Audit group commit: ${batches.length} transactions, ${rowsPer.toFixed(1)} rows each on average (max ${Math.max(...batches.map((x) => x.rows))}); transaction time p50 ${ms(b.p50)}, p99 ${ms(b.p99)}, max ${ms(b.max)}.`);
  }
  return { title, columns: ['stage', 'mean', 'p50', 'p90', 'p99', 'share of mean'], rows, notes };
}

function resourceRow(p: Phase): (string | number)[] {
  const n = p.samples.length + (p.warmup?.length ?? 0);
  const u = p.use;
  // With no commands (the idle row), CPU is shown per second instead.
  const per = (sec: number | null) => (sec === null ? 'n/a' : n > 0 ? `${((sec * 1000) / n).toFixed(2)} ms` : `${((sec * 1000) / (u.wallMs / 1000)).toFixed(1)} ms/s`);
  return [
    p.name,
    n,
    `${(u.wallMs / 1000).toFixed(1)} s`,
    `${per(u.processCpuMs / 1000)} (${pct(u.processSysMs / u.processCpuMs)} sys)`,
    per(p.servers.pg),
    per(p.servers.redis),
    u.processCores.toFixed(2),
    u.machineBusy === null ? 'n/a' : pct(u.machineBusy),
    `${ms(u.loopP99)} / ${ms(u.loopMax)}`,
    n > 0 ? `${(u.wakeups / n).toFixed(1)} / ${(u.preemptions / n).toFixed(1)}` : `${(u.wakeups / (u.wallMs / 1000)).toFixed(0)} / ${(u.preemptions / (u.wallMs / 1000)).toFixed(0)} /s`,
    n > 0 ? (p.calls.redisTotal / n).toFixed(1) : `${(p.calls.redisTotal / (u.wallMs / 1000)).toFixed(1)} /s`,
    n > 0 ? (p.calls.pgQueries / n).toFixed(1) : `${(p.calls.pgQueries / (u.wallMs / 1000)).toFixed(1)} /s`,
    u.load,
  ];
}

export const commandRoundTrip: Benchmark = {
  name: 'command-roundtrip',
  summary: '/status round trip through the real app in local mode: Telegram update in → bot → commands queue → worker → notify queue → reply out',
  options: {
    '--rate=50': 'open-loop rate, commands/s',
    '--duration=10': 'open-loop measured seconds (after the warm-up)',
    '--warmup=1': 'open-loop warm-up seconds, sent but discarded',
    '--serial=100': 'closed-loop baseline: commands sent one at a time (0 = skip)',
    '--burst=3000': 'commands pushed at once for max throughput (0 = skip)',
    '--sweep=100,200,300,400': 'open-loop rates of the sweep, stopped at saturation ("" = skip)',
    '--step=4': 'seconds per sweep step',
    '--users=4000': `allow-listed viewer ids from ${FIRST_USER}, used in rotation (one command in flight per chat)`,
    '--concurrency=8': 'WORKER_CONCURRENCY',
    '--global-per-sec=10000': 'NOTIFY_GLOBAL_PER_SEC (the app default is 30, Telegram’s real limit)',
    '--no-stages': 'skip the per-stage instrumentation',
    '--what-if=a,b': `emulate a proposed src change by patching the running app (changes semantics; experiments only): ${Object.keys(WHAT_IF).join(', ')}`,
  },
  async run(ctx) {
    const o = ctx.options;
    const q = o.quick;
    const rate = o.number('rate', 50);
    const duration = o.number('duration', q ? 2 : 10);
    const warmupS = o.number('warmup', 1);
    const serialN = o.number('serial', q ? 20 : 100);
    const burstN = o.number('burst', q ? 300 : 3000);
    const sweep = o.list('sweep', q ? [100] : [100, 200, 300, 400]);
    const step = o.number('step', q ? 2 : 4);
    const users = o.number('users', 4000);
    const concurrency = o.number('concurrency', 8);
    const globalPerSec = o.number('global-per-sec', 10_000);
    const stages = o.flag('stages', true);
    const whatIf = (o.get('what-if') ?? '').split(',').map((w) => w.trim()).filter(Boolean);
    for (const w of whatIf) if (!(w in WHAT_IF)) throw new Error(`--what-if: unknown experiment "${w}"; known: ${Object.keys(WHAT_IF).join(', ')}`);

    const allow = Array.from({ length: users }, (_, i) => `${FIRST_USER + i}:viewer`).join(',');
    ctx.progress(`starting the app (local mode, roles bot+worker+scheduler, ${users} allow-listed viewers)…`);
    const app = await startLocalApp(ctx.resources, {
      TELEGRAM_ALLOWED_USER_IDS: allow,
      NOTIFY_GLOBAL_PER_SEC: String(globalPerSec),
      WORKER_CONCURRENCY: String(concurrency),
    });
    let cpu: ServerCpu | undefined;
    try {
      ctx.progress('measuring the Postgres/Redis floor…');
      const floor = await measureFloor(app.env.DATABASE_URL!, REDIS_URL, q ? 20 : 100);
      const rig = new CommandRig(app, { first: FIRST_USER, count: users }, stages, whatIf as WhatIf[]);
      cpu = await ServerCpu.open(app.env.DATABASE_URL!, REDIS_URL);
      const phases: Phase[] = [];

      // the app's own background cost with nothing to do (BullMQ workers waiting, heartbeats, long poll)
      const idle = await measure(ctx, rig, cpu, 'idle, no commands (per second)', async () => {
        await new Promise((r) => setTimeout(r, q ? 1000 : 3000));
        return { samples: [] };
      });

      // (a) open loop
      const a = await measure(ctx, rig, cpu, `open loop ${rate}/s`, async () => {
        const all: Sample[] = [];
        const r = await openLoop(rate, (warmupS + duration) * 1000, (_i, intended) => all.push(rig.send(COMMAND, intended)));
        const cut = all[0]!.intended + warmupS * 1000;
        return {
          samples: all.filter((s) => s.intended >= cut),
          warmup: all.filter((s) => s.intended < cut),
          extra: { lag: `send schedule lag mean ${ms(r.meanLagMs)}, max ${ms(r.maxLagMs)}` },
        };
      });
      phases.push(a);

      // closed-loop baseline
      let serial: Phase | undefined;
      if (serialN > 0) {
        serial = await measure(ctx, rig, cpu, `serial ×${serialN}`, async () => {
          const samples: Sample[] = [];
          for (let i = 0; i < serialN; i++) samples.push(await rig.roundTrip(COMMAND));
          return { samples };
        });
        phases.push(serial);
      }

      // sweep of open-loop rates, up to saturation
      const sweepPhases: { rate: number; phase: Phase; achieved: number; keptUp: boolean; backlog: number }[] = [];
      for (const r of sweep) {
        let backlog = 0;
        let windowDone = 0;
        const phase = await measure(ctx, rig, cpu, `sweep ${r}/s`, async () => {
          const samples: Sample[] = [];
          const before = rig.completedCount;
          const res = await openLoop(r, step * 1000, (_i, intended) => samples.push(rig.send(COMMAND, intended)));
          backlog = rig.inFlight;
          windowDone = rig.completedCount - before;
          return { samples, extra: { lag: `send lag max ${ms(res.maxLagMs)}` } };
        });
        const achieved = windowDone / step;
        const keptUp = achieved >= 0.95 * r && phase.lost === 0;
        sweepPhases.push({ rate: r, phase, achieved, keptUp, backlog });
        phases.push(phase);
        if (!keptUp) break;
      }

      // (b) burst: everything queued at once
      let burst: Phase | undefined;
      let pushMs = 0;
      if (burstN > 0) {
        burst = await measure(
          ctx,
          rig,
          cpu,
          `burst ×${burstN}`,
          async () => {
            const samples: Sample[] = [];
            const t = performance.now();
            for (let i = 0; i < burstN; i++) samples.push(rig.send(COMMAND));
            pushMs = performance.now() - t;
            return { samples };
          },
          30_000,
        );
        phases.push(burst);
      }

      // ── tables ──
      const la = summarize(latencies(a.samples));
      const lw = summarize(latencies(a.warmup ?? []));
      const tb = burst ? throughput(burst.samples) : null;
      const bestSweep = sweepPhases.filter((s) => s.keptUp).at(-1);
      const headline: Table = {
        title: `Command round trip (${COMMAND}) — targets${whatIf.length ? ` — WHAT-IF ${whatIf.join(' + ')} (app patched; not the real figures)` : ''}`,
        columns: ['measure', 'measured', 'target', 'ok'],
        rows: [
          [`(a) p50 latency, open loop ${rate}/s × ${duration} s`, ms(la.p50), TARGET_P50.label, mark(la.p50, TARGET_P50)],
          [`(a) p90 latency`, ms(la.p90), '', ''],
          [`(a) p99 latency`, ms(la.p99), TARGET_P99.label, mark(la.p99, TARGET_P99)],
          [`(a) max latency`, ms(la.max), '', ''],
          ...(tb
            ? [
                [`(b) max throughput, ${burstN} commands queued at once (first send → last reply)`, `${num(tb.overall)} /s`, TARGET_THROUGHPUT.label, mark(tb.overall, TARGET_THROUGHPUT)],
                [`(b) same, steady part (10th→90th percentile completion)`, `${num(tb.steady)} /s`, '', ''],
              ]
            : []),
          ...(bestSweep ? [[`highest swept open-loop rate sustained (≥ 95 % completed in window)`, `${bestSweep.rate} /s`, '', ''] as (string | number)[]] : []),
          [`(c) warm-up, first ${warmupS} s of (a), discarded: p50 / max`, `${ms(lw.p50)} / ${ms(lw.max)}`, '', ''],
        ],
        notes: [
          `Latency = emulator.sendUserMessage → the emulator handling the bot's sendMessage for that chat (performance.now, in-process). Path: Bot API emulator → getUpdates long poll → telegraf (dedupe, auth, audit, enqueue) → BullMQ "commands" → worker (collectStatus) → BullMQ "notify" → sendMessage.`,
          `Real app in local mode: startApp with roles bot+worker+scheduler in this one Node process, with its embedded Bot API emulator and the bench driver; Postgres ${'&'} Redis on the same 2-core machine. Throwaway database and Redis prefix.`,
          `Config: NOTIFY_GLOBAL_PER_SEC=${globalPerSec} for all runs (the default 30/s — Telegram's real bot-wide limit — would cap every run at 30 replies/s); NOTIFY_CHAT_PER_SEC / NOTIFY_CHAT_BURST at defaults (1/s, 20); WORKER_CONCURRENCY=${concurrency}; SEED_DEFAULT_DATA=false (no background market-data load at start); ${users} allow-listed viewers used in rotation, so each chat has one command in flight and stays within its pacing burst.`,
          `${a.extra?.lag ?? ''}.${a.lost ? ` ${a.lost} commands got no reply.` : ''}${rig.unexpected.length ? ` ${rig.unexpected.length} unexpected replies, e.g. "${rig.unexpected[0]!.text}".` : ' Every reply was a /status answer.'}`,
        ],
      };

      const runs: Table = {
        title: 'Latency distributions by run',
        columns: ['run', 'n', 'p50', 'p90', 'p99', 'max', 'mean', 'completed/s'],
        rows: [
          distributionRow(`open loop ${rate}/s, warm-up ${warmupS} s (discarded)`, a.warmup ?? [], 0),
          distributionRow(`open loop ${rate}/s, measured ${duration} s`, a.samples, a.lost),
          ...(serial ? [distributionRow(`closed loop, 1 in flight (×${serialN})`, serial.samples, serial.lost, num(1000 / summarize(latencies(serial.samples)).mean))] : []),
          ...sweepPhases.map((s) =>
            distributionRow(`sweep open loop ${s.rate}/s × ${step} s${s.keptUp ? '' : ` — saturated, ${s.backlog} in flight at end of sending`}`, s.phase.samples, s.phase.lost, num(s.achieved)),
          ),
          ...(burst && tb ? [distributionRow(`burst ×${burstN} (pushed in ${ms(pushMs)})`, burst.samples, burst.lost, num(tb.overall))] : []),
        ],
        notes: [
          'Percentiles: nearest rank. completed/s: for sweeps, replies received during the sending window ÷ window; for the burst, completions ÷ (last reply − first send); for the closed loop, 1 ÷ mean latency.',
          `Open loop ${rate}/s second by second (p50 / p99 of the commands sent in each second, warm-up first): ${perSecond([...(a.warmup ?? []), ...a.samples])}.`,
        ],
      };

      const resources: Table = {
        title: 'Cost per command and machine load by run',
        columns: ['run', 'cmds', 'wall', 'Node CPU / cmd', 'PG CPU / cmd', 'Redis CPU / cmd', 'Node cores', 'machine busy', 'loop delay p99 / max', 'sleeps / preemptions per cmd', 'Redis cmds / cmd', 'PG queries / cmd', 'load avg 1/5/15'],
        rows: [idle, ...phases].map(resourceRow),
        notes: [
          'Node CPU: this process (bot, worker, scheduler, emulator and driver together, incl. the bench instrumentation); "Node cores" = CPU time ÷ wall time. sleeps / preemptions: voluntary / involuntary context switches of this process (getrusage) — each sleep is one trip of the event loop to the kernel and back. PG CPU: the Postgres backends connected to the bench database (/proc, 10 ms ticks). Redis CPU: the whole Redis server, which other people\'s tests share — an upper bound. machine busy: all cores from /proc/stat — includes everyone else on this shared machine.',
          `Redis commands / PG queries counted by patching ioredis' sendCommand and pg's Client.query in this process (pipelined commands count one each; evalsha = BullMQ's Lua scripts).`,
          ...phases.filter((p) => p === serial || p === burst).map((p) => `Redis commands per /status, ${p.name}: ${p.calls.topRedis(p.samples.length, 10)}.`),
        ],
      };

      const heavy = burst ?? phases.at(-1)!;
      const nHeavy = heavy.samples.length;
      const totalCpu = heavy.use.processCpuMs / nHeavy + ((heavy.servers.pg ?? 0) * 1000) / nHeavy + ((heavy.servers.redis ?? 0) * 1000) / nHeavy;
      const cores = os.cpus().length;
      resources.notes!.push(
        `CPU budget of one /status in "${heavy.name}": ${totalCpu.toFixed(2)} ms (Node + PG backends + Redis) → at most ≈ ${num((cores * 1000) / totalCpu)} commands/s if all ${cores} cores of this machine were ours; Node alone (one event loop, one core) caps at ≈ ${num(1000 / (heavy.use.processCpuMs / nHeavy))}/s.`,
      );
      const tables: Table[] = [headline, runs];
      if (stages) {
        if (serial) tables.push(stageTable(`Where the time goes — closed loop, 1 in flight (no queueing: the path itself)`, serial, rig, whatIf));
        tables.push(stageTable(`Where the time goes — (a) open loop ${rate}/s`, a, rig, whatIf));
        if (burst) tables.push(stageTable(`Where the time goes — (b) burst ×${burstN}`, burst, rig, whatIf));
      }
      tables.push(resources, floor);
      return tables;
    } finally {
      ctx.progress('stopping the app…');
      await cpu?.close();
      await app.stop();
    }
  },
};
