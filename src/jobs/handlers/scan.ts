import { FlowProducer } from 'bullmq';
import type { Redis } from 'ioredis';
import { fmt, bold } from 'telegraf/format';
import type { ChartRenderer } from '../../adapters/charts/port.js';
import type { Config } from '../../app/config/config.js';
import { rankSignals, scanLatest, suggestSize } from '../../engine/scan/index.js';
import { CALLBACK_ACTIONS, signCallback } from '../../bot/callback-data.js';
import { UserFacingError } from '../../lib/errors.js';
import type { ScanChunk, ScanChunkResult, ScanFinish, ScanStart } from '../payloads/scan.js';
import type { JobRun } from '../worker-runtime.js';
import { SCAN_JOB_OPTIONS } from '../job-options.js';
import type { NotifyOp } from '../payloads/common.js';
import type { Outbox } from '../../bot/outbox/outbox.js';
import { seedingKey } from '../../app/seed-on-start.js';
import type { ScanData } from '../../trading/scan/data-port.js';
import { pickCaption, pickChartSpec } from '../../bot/views/pick-card.js';
import { pickExpiry } from '../../trading/market-clock.js';
import { nyClock } from '../../bot/format/ny-time.js';
import type { PicksRepo } from '../../trading/scan/picks-repo.js';

export interface ScanDeps {
  config: Config;
  data: ScanData;
  picks: PicksRepo;
  notifier: Outbox;
  charts: ChartRenderer;
  /** Producer connection (progress counters, the flow producer). */
  redis: Redis;
  flows: FlowProducer;
  now: () => number;
}

const PROGRESS_EVERY_MS = 1_000;

/**
 * Splits the universe into chunk jobs under one parent (a BullMQ flow), so
 * several workers share a scan and the parent runs once when all are done.
 * Job ids derive from the start job, so a retried start never scans twice.
 */
export async function startScan(p: ScanStart, run: JobRun, deps: ScanDeps): Promise<void> {
  if (await deps.redis.exists(seedingKey(deps.config.redis.prefix))) {
    throw new UserFacingError('The market data is still loading (the first start stores ~2.3M demo bars, about a minute). Try /scan again shortly.');
  }
  const members = await deps.data.members();
  const dated = members.filter((m) => m.lastDate !== null);
  if (dated.length === 0) throw new UserFacingError('No market data is loaded yet. Run `npx courtside data seed` (or import CSVs with `courtside data import`) and try /scan again.');
  const asOf = dated.reduce((a, m) => (m.lastDate! > a ? m.lastDate! : a), dated[0]!.lastDate!);
  const current = dated.filter((m) => m.lastDate === asOf);
  const demo = current.some((m) => m.demo);
  const runId = `scan-${run.job.id}`;
  await deps.picks.createRun({ id: runId, requestedBy: p.userId, chatId: p.chatId, asOf, strategies: p.strategies, symbols: current.length, demo });
  const size = deps.config.scan.chunkSize;
  const chunks: string[][] = [];
  for (let i = 0; i < current.length; i += size) chunks.push(current.slice(i, i + size).map((m) => m.symbol));
  await deps.notifier.edit(p.chatId, p.ackMessageId, `⏳ Scanning ${current.length} symbols as of ${asOf}${demo ? ' (DEMO data)' : ''}… 0/${current.length}`, {
    origin: 'scan',
    jobId: `${runId}-ack`,
  });
  const finish: ScanFinish = { ...p, runId, asOf, total: current.length, demo };
  await deps.flows.add({
    name: 'scan.finish',
    queueName: 'scans',
    data: finish,
    opts: { ...SCAN_JOB_OPTIONS, jobId: `${runId}-finish` },
    children: chunks.map((symbols, i) => {
      const data: ScanChunk = { runId, symbols, strategies: p.strategies, asOf, total: current.length, chatId: p.chatId, ackMessageId: p.ackMessageId };
      return { name: 'scan.chunk', queueName: 'scans', data, opts: { ...SCAN_JOB_OPTIONS, jobId: `${runId}-chunk-${i}` } };
    }),
  });
}

/** Evaluates one slice; progress is shown by editing the ack message at most once a second. */
export async function runScanChunk(p: ScanChunk, run: JobRun, deps: ScanDeps): Promise<ScanChunkResult> {
  const series = await deps.data.load(p.symbols);
  const out = scanLatest([...series.values()], p.asOf, p.strategies);
  const key = `${deps.config.redis.prefix}:scan:${p.runId}`;
  const done = await deps.redis.hincrby(key, `chunk:${run.job.id}`, 0).then(async (seen) => {
    // Count each chunk once even if it is retried.
    if (seen === 0) {
      await deps.redis.hset(key, `chunk:${run.job.id}`, 1);
      await deps.redis.expire(key, 24 * 3600);
      return deps.redis.hincrby(key, 'done', p.symbols.length);
    }
    return Number(await deps.redis.hget(key, 'done'));
  });
  const last = done >= p.total;
  const throttle = await deps.redis.set(`${key}:progress`, '1', 'PX', PROGRESS_EVERY_MS, 'NX');
  if (!last && throttle === 'OK') {
    await deps.notifier.edit(p.chatId, p.ackMessageId, `⏳ Scanning ${p.total} symbols as of ${p.asOf}… ${done}/${p.total}`, { origin: 'scan-progress', jobId: `${p.runId}-progress-${done}` });
  }
  return { evaluated: out.evaluated, skipped: out.skipped.length, signals: out.signals };
}

/** Ranks every chunk's signals, stores the picks and posts the best as cards with Approve / Reject. */
export async function finishScan(p: ScanFinish, run: JobRun, deps: ScanDeps): Promise<void> {
  const values = Object.values(await run.job.getChildrenValues<ScanChunkResult>());
  const evaluated = values.reduce((a, v) => a + v.evaluated, 0);
  const skipped = values.reduce((a, v) => a + v.skipped, 0);
  const ranked = rankSignals(values.flatMap((v) => v.signals));
  const demoSymbols = new Set((await deps.data.members()).filter((m) => m.demo).map((m) => m.symbol));
  const sized = ranked.map((signal) => ({ signal, size: suggestSize(signal, deps.config.scan.sizing), demo: demoSymbols.has(signal.symbol) }));
  const expiresAt = pickExpiry(deps.now(), deps.config.scan.pickTtlMs);
  const stored = await deps.picks.upsertPicks(p.runId, sized, expiresAt);
  await deps.picks.finishRun(p.runId, { evaluated, signals: ranked.length, summary: { skipped, top: stored.slice(0, deps.config.scan.topN).map((s) => s.id) } });

  const top = stored.slice(0, deps.config.scan.topN);
  const byStrategy = p.strategies.map((s) => `${s}: ${ranked.filter((r) => r.strategy === s).length}`).join(', ');
  const summary = fmt`✅ ${bold`Scan done`} — ${String(evaluated)} symbols as of ${p.asOf}${p.demo ? ' · DEMO data' : ''}\nSignals: ${String(ranked.length)} (${byStrategy})${skipped ? `; ${skipped} symbols skipped (stale or short history)` : ''}\n${top.length ? `Top ${top.length} below. /picks lists all.` : 'No trade ideas today.'}`;
  // The ack is edited after a short delay so it lands after any progress edit still in flight.
  await deps.notifier.deliver(p.chatId, [{ kind: 'edit', messageId: p.ackMessageId, text: summary.text, ...(summary.entities ? { entities: summary.entities } : {}) }], 'scan', `${p.runId}-done`, 1_500);

  const series = top.length ? await deps.data.load(top.map((t) => t.symbol)) : new Map();
  const ops: NotifyOp[] = [];
  for (const pick of top) {
    const s = series.get(pick.symbol);
    if (!s) continue;
    const png = await deps.charts.render(pickChartSpec(pick, s));
    const key = deps.config.telegram.callbackKey;
    const expires = pick.expiresAt.getTime();
    const keyboard = [
      [
        { text: '✅ Approve', callback_data: signCallback(key, CALLBACK_ACTIONS.approvePick, pick.id, expires) },
        { text: '✖ Reject', callback_data: signCallback(key, CALLBACK_ACTIONS.rejectPick, pick.id, expires) },
      ],
    ];
    ops.push(await deps.notifier.photoOp(png, pickCaption(pick, nyClock(pick.expiresAt)), keyboard, `pick:${pick.id}`));
  }
  if (ops.length) await deps.notifier.deliver(p.chatId, ops, 'scan-cards', `${p.runId}-cards`);
}


export function createFlowProducer(connection: Redis, prefix: string): FlowProducer {
  return new FlowProducer({ connection, prefix });
}
