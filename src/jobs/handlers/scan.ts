import type { Redis } from 'ioredis';
import { STRATEGY_IDS } from '../../engine/signal.js';
import type { LiveHypothesisSource } from '../../trading/hypotheses/live-source.js';
import type { Notifier } from '../../trading/notifier.js';
import { cardCorrelation, type CardCorrelationDeps, type PickCorrelation } from '../../trading/risk/card-correlation.js';
import type { ScanAccount } from '../../trading/scan/account-port.js';
import type { ScanData, SeedingState } from '../../trading/scan/data-port.js';
import {
  finishScanRun,
  ScanNotReadyError,
  scanChunk,
  scanHypothesisOf,
  scansHypotheses,
  startScanRun,
  withBars,
  type ScanRuns,
  type ScanSettings,
} from '../../trading/scan/scan-run.js';
import { estimateSecondsLeft, type SeedingProgressSource } from '../../trading/seeding/progress.js';
import type { ScanChunk, ScanChunkResult, ScanFinish, ScanStart } from '../payloads/scan.js';
import type { JobProducer } from '../producer.js';
import type { HandlerMap, JobRun } from '../worker-runtime.js';
import { runScheduledScan, type ScheduledScanDeps } from './scheduled-scan.js';
import { ignoredBecause } from '../ignore.js';

/** What /scan's flow (start, chunks, finish) uses. */
export interface ScanFlowDeps {
  settings: ScanSettings;
  data: ScanData;
  runs: ScanRuns;
  /** The load's flag and its measured progress (a /scan meanwhile says how long is left). */
  seeding: SeedingState & Partial<SeedingProgressSource>;
  notifier: Notifier;
  jobs: Pick<JobProducer, 'addFlow'>;
  /** Progress counters (shared by the workers of one scan). */
  redis: Pick<Redis, 'hincrby' | 'hset' | 'hget' | 'expire' | 'set'>;
  /** Redis key prefix. */
  prefix: string;
  now(): number;
  /**
   * The market's LIVE hypotheses: a full scan makes picks of their signals
   * too, sized by half-Kelly. Without it a scan runs the Kobe strategies only.
   */
  hypotheses?: LiveHypothesisSource;
  /** Cash and session risk for half-Kelly's caps (see finishScanRun). */
  account?: ScanAccount;
  /**
   * The open book, closes, risk settings and equity the cards' correlation line reads (issue 21):
   * each card says which open positions and other picks it moves with. Absent: cards without it.
   */
  correlation?: CardCorrelationDeps;
}

/** Everything the `scans` queue's handlers use: the /scan flow's and the scheduled scan's deps. */
export interface ScanQueueDeps extends Omit<ScanFlowDeps, 'redis' | 'jobs'>, Omit<ScheduledScanDeps, 'redis' | 'jobs'> {
  redis: ScanFlowDeps['redis'] & ScheduledScanDeps['redis'];
  jobs: ScanFlowDeps['jobs'] & ScheduledScanDeps['jobs'];
}

/** The handler map of the `scans` queue. */
export function scanHandlers(deps: ScanQueueDeps): HandlerMap<'scans'> {
  return {
    'scan.start': (p, run) => startScan(p, run, deps),
    'scan.chunk': (p, run) => runScanChunk(p, run, deps),
    'scan.finish': (p, run) => finishScan(p, run, deps),
    'scan.scheduled': (p, run) => runScheduledScan(p, run, deps),
  };
}

const PROGRESS_EVERY_MS = 1_000;

/**
 * Splits the universe into chunk jobs under one parent (a BullMQ flow), so
 * several workers share a scan and the parent runs once when all are done.
 * Job ids derive from the start job, so a retried start never scans twice.
 */
export async function startScan(p: ScanStart, run: JobRun, deps: ScanFlowDeps): Promise<void> {
  const runId = `scan-${run.job.id}`;
  let plan: Awaited<ReturnType<typeof startScanRun>>;
  try {
    plan = await startScanRun(deps, { id: runId, requestedBy: p.userId, chatId: p.chatId, strategies: p.strategies, market: p.market ?? 'US' }, deps.settings.chunkSize, deps.settings.kr);
  } catch (err) {
    // Data still loading (or none loaded) is an expected state, not a failure: say how far it is, and the job is done.
    if (!(err instanceof ScanNotReadyError)) throw err;
    const progress = err.reason === 'seeding' ? ((await deps.seeding.progress?.().catch(ignoredBecause(run.log, 'seeding progress not read; the reply says loading without how far'))) ?? null) : null;
    const secondsLeft = progress ? estimateSecondsLeft(progress, deps.now()) : null;
    await deps.notifier.publish(p.chatId, { kind: 'scan.not-ready', reason: err.reason, messageId: p.ackMessageId, progress, secondsLeft }, { key: `${runId}-not-ready` });
    return;
  }
  if (plan.leveragedLeftOut) run.log.info({ symbols: plan.leveragedLeftOut }, 'KR scan: leveraged and inverse ETFs left out (KR_ALLOW_LEVERAGED is off)');
  await deps.notifier.publish(p.chatId, { kind: 'scan.started', messageId: p.ackMessageId, symbols: plan.symbols, asOf: plan.asOf, demo: plan.demo, ...marketOf(p) }, { key: `${runId}-ack` });
  const finish: ScanFinish = { ...p, runId, asOf: plan.asOf, total: plan.symbols, demo: plan.demo };
  await deps.jobs.addFlow(
    { name: 'scan.finish', payload: finish, opts: { jobId: `${runId}-finish` } },
    plan.chunks.map((symbols, i) => ({
      name: 'scan.chunk' as const,
      payload: { runId, symbols, strategies: p.strategies, asOf: plan.asOf, total: plan.symbols, chatId: p.chatId, ackMessageId: p.ackMessageId, ...marketOf(p) },
      opts: { jobId: `${runId}-chunk-${i}` },
    })),
  );
}

/** Evaluates one slice; progress is shown by editing the ack message at most once a second. */
export async function runScanChunk(p: ScanChunk, run: JobRun, deps: ScanFlowDeps): Promise<ScanChunkResult> {
  // Each chunk reads the LIVE set itself (no payload change); the finish sizes only hypotheses still LIVE then.
  const market = p.market ?? 'US';
  const live = deps.hypotheses && scansHypotheses(p.strategies, STRATEGY_IDS) ? await deps.hypotheses.live(market) : [];
  const out = await scanChunk(deps.data, p.symbols, p.asOf, p.strategies, live.map(scanHypothesisOf), { market, ...(deps.settings.kr ? { kr: deps.settings.kr } : {}) });
  if (out.problems?.length) run.log.warn({ problems: out.problems }, 'scan: LIVE hypotheses left out (their parameters fail their family schema)');
  const key = `${deps.prefix}:scan:${p.runId}`;
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
    await deps.notifier.publish(p.chatId, { kind: 'scan.progress', messageId: p.ackMessageId, done, total: p.total, asOf: p.asOf, ...marketOf(p) }, { key: `${p.runId}-progress-${done}` });
  }
  return out;
}

/** Ranks every chunk's signals, stores the picks and posts the best as cards with Approve / Reject. */
export async function finishScan(p: ScanFinish, run: JobRun, deps: ScanFlowDeps): Promise<void> {
  const chunks = Object.values(await run.job.getChildrenValues<ScanChunkResult>());
  // The decision journal is written after the cards are handed to the outbox: it never delays them.
  const market = p.market ?? 'US';
  const summary = await finishScanRun(deps, deps.settings, { id: p.runId, strategies: p.strategies, chunks, market }, deps.now(), { deferJournal: true });
  // The ack is edited after a short delay so it lands after any progress edit still in flight.
  await deps.notifier.publish(
    p.chatId,
    {
      kind: 'scan.finished',
      messageId: p.ackMessageId,
      asOf: p.asOf,
      demo: p.demo,
      evaluated: summary.evaluated,
      skipped: summary.skipped,
      signals: summary.signals,
      byStrategy: summary.byStrategy,
      shown: summary.top.filter((t) => !t.held).length,
      held: summary.top.filter((t) => t.held).length,
      ...marketOf(p),
    },
    { key: `${p.runId}-done`, delayMs: 1_500 },
  );
  const cards = await withBars(deps.data, summary.top, market);
  // The correlation line adds the pick's risk to the open book's, in dollars: a KR pick's won never join that sum.
  const correlation = cards.length && market === 'US' ? await cardsCorrelation(deps, summary.top, p.asOf, run) : undefined;
  if (cards.length) await deps.notifier.publish(p.chatId, { kind: 'scan.cards', cards, ...(correlation ? { correlation } : {}) }, { key: `${p.runId}-cards` });
  await summary.journal?.();
}

/** A KR scan's notices say so; a US one's stay as they were (no market field). */
function marketOf(p: { market?: 'US' | 'KR' | undefined }): { market?: 'KR' } {
  return p.market === 'KR' ? { market: 'KR' } : {};
}

/**
 * The cards' correlation figures, judged as of the scan's session. A failed read costs the cards
 * their correlation line, never the cards: the approval's correlation limit still judges every entry.
 */
async function cardsCorrelation(deps: ScanFlowDeps, top: readonly { id: string; symbol: string; dollarRisk: number }[], asOf: string, run: JobRun): Promise<Record<string, PickCorrelation> | undefined> {
  if (!deps.correlation) return undefined;
  try {
    return await cardCorrelation(deps.correlation, top, asOf);
  } catch (err) {
    run.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'scan: card correlation not computed; cards posted without it');
    return undefined;
  }
}
