import type { Job } from 'bullmq';
import type { AppContext } from '../../app/context.js';
import { seedingKey } from '../../app/seed-on-start.js';
import { barsStoreSource } from '../../trading/backtest/bars-source.js';
import { backtestEquityChart, monthlyReturnsChart } from '../../bot/charts/backtest-charts.js';
import { BacktestCancelledError, resolveBacktestData, type DataResolverOptions } from '../../trading/backtest/data.js';
import {
  BACKTEST_CANCEL_CALLBACK,
  BACKTEST_TTL_SECONDS,
  backtestJobPayloadSchema,
  backtestKeys,
  cancelFlagKey,
  clearInflightIf,
  finishInflight,
  type BacktestJobPayload,
  type Subscriber,
} from './backtest-job.js';
import { finishedAckText, progressText, summaryMessage } from '../../bot/views/backtest-messages.js';
import type { BacktestOutcome } from '../../trading/backtest/report.js';
import { BacktestInputError, normaliseRequest, requestHash, requestKey, strategyLabel, type BacktestRequest } from '../../trading/backtest/request.js';
import { runBacktest, type BacktestProgress } from '../../trading/backtest/run.js';
import { BacktestStore } from '../../trading/backtest/store.js';
import { signCallback } from '../../bot/callback-data.js';
import type { ChartRenderer } from '../../adapters/charts/port.js';
import type { NotifyOp } from '../payloads/common.js';
import type { JobRun } from '../worker-runtime.js';
import type { Keyboard } from '../../bot/format/message.js';

/** Options of {@link backtestHandlers}. */
export interface BacktestHandlerOptions {
  /** Chart backend (default: the app's). */
  charts?: ChartRenderer;
  /** Where bars come from (default: the app's bars store, then the bundled samples, then DEMO data). */
  data?: DataResolverOptions;
  /** Minimum time between progress edits of the ack message (default 1000 ms). */
  progressIntervalMs?: number;
  /** Symbols per chunk between event-loop yields and cancel checks (default 25). */
  chunkSize?: number;
}

/**
 * The handler map of the `backtests` queue: structurally `HandlerMap<'backtests'>`
 * once `'backtest.run': { queue: 'backtests', schema: backtestJobPayloadSchema }`
 * is in the registry.
 */
export interface BacktestHandlerMap {
  'backtest.run': (payload: BacktestJobPayload, run: JobRun) => Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Handlers of the `backtests` queue. A run: load bars (store, sample CSVs or
 * DEMO data), reuse a stored identical run or compute one in chunks (progress
 * edits of the ack message at most once a second, the Redis cancel flag
 * polled between chunks), store it, then send every waiting chat the summary
 * and two charts.
 */
export function backtestHandlers(app: AppContext, opts: BacktestHandlerOptions = {}): BacktestHandlerMap {
  const charts = opts.charts ?? app.charts;
  const dataOpts: DataResolverOptions = opts.data ?? { barsStore: barsStoreSource(app.bars) };
  const interval = opts.progressIntervalMs ?? 1_000;
  const prefix = app.config.redis.prefix;
  const store = new BacktestStore(app.ds);

  return {
    'backtest.run': async (p, run) => {
      const jobId = run.job.id ?? 'bt-unknown';
      const tag = `${jobId}-${run.job.timestamp}`;
      const owner: Subscriber | null = p.ackMessageId ? { chatId: p.chatId, messageId: p.ackMessageId, userId: p.userId } : null;
      const log = run.log;
      let request: BacktestRequest;
      try {
        request = normaliseRequest(p.request);
      } catch (err) {
        await app.notifier.text(p.chatId, `❌ Backtest request is invalid: ${(err as Error).message}`, { origin: 'backtest', jobId: `${tag}-invalid` });
        return;
      }
      const hash = requestHash(request);
      const key = requestKey(hash);
      const keys = backtestKeys(prefix, key);
      const cancelKey = cancelFlagKey(prefix, jobId);
      const keyboard = cancelKeyboard(app, key);

      let cancelledBy: string | null = null;
      const shouldCancel = async (): Promise<boolean> => {
        try {
          const v = await app.redis.get(cancelKey);
          if (v !== null) cancelledBy = v;
          return v !== null;
        } catch {
          return false; // Redis blip: keep going rather than fail a long run
        }
      };
      const joiners = async (): Promise<Subscriber[]> => {
        try {
          return (await app.redis.lrange(keys.subs, 0, -1)).map((s) => JSON.parse(s) as Subscriber);
        } catch {
          return [];
        }
      };

      // Progress: at most one edit per interval; the last one is awaited before the final messages.
      let lastEdit = 0;
      let editSeq = 0;
      let lastEditJob: string | null = null;
      let pending: Promise<void> = Promise.resolve();
      let stopped = false;
      const onProgress = (pr: BacktestProgress) => {
        const now = Date.now();
        if (stopped || now - lastEdit < interval) return;
        lastEdit = now;
        const text = progressText(request, pr);
        const seq = ++editSeq;
        pending = pending.then(async () => {
          const targets = [...(owner ? [owner] : []), ...(await joiners())];
          for (const t of targets) {
            const id = `${tag}-p${seq}-${t.chatId}-${t.messageId}`;
            await app.notifier.edit(t.chatId, t.messageId, text, { origin: 'backtest-progress', keyboard, jobId: id }).catch((err: unknown) => log.warn({ err }, 'progress edit not queued'));
            lastEditJob = id;
          }
          await app.redis.expire(keys.inflight, BACKTEST_TTL_SECONDS).catch(() => undefined);
        });
      };
      const settleProgress = async () => {
        stopped = true;
        await pending;
        if (lastEditJob) await waitDelivered(app, lastEditJob, 10_000);
      };

      const closeOut = async (ack: string, extra: NotifyOp[]): Promise<void> => {
        await settleProgress();
        const subs = await finishInflight(app.redis, prefix, key, jobId).catch(() => [] as Subscriber[]);
        const targets = dedupe([...(owner ? [owner] : []), ...subs]);
        if (targets.length === 0) targets.push({ chatId: p.chatId, messageId: 0, userId: p.userId });
        await Promise.all(
          targets.map((t, i) => {
            const ops: NotifyOp[] = [...(t.messageId > 0 ? [{ kind: 'edit' as const, messageId: t.messageId, text: ack }] : [{ kind: 'text' as const, text: ack }]), ...extra];
            return app.notifier.deliver(t.chatId, ops, 'backtest', `${tag}-done-${i}`);
          }),
        );
        await app.redis.set(`${prefix}:backtest:told:${jobId}`, '1', 'EX', 3600).catch(() => undefined);
      };

      let runId: string | null = null;
      try {
        await store.failUnfinishedOfJob(jobId);
        runId = await store.create({ request, requestHash: hash, requestedBy: `telegram:${p.userId}`, jobId, createdAt: new Date(run.job.timestamp) });
        if (await shouldCancel()) throw new BacktestCancelledError();
        if (await app.redis.exists(seedingKey(prefix)).catch(() => 0)) {
          throw new BacktestInputError('the market data is still loading (the first start stores the demo universe, about a minute); try /backtest again shortly');
        }
        const data = await resolveBacktestData(request, dataOpts, {
          onProgress: (done, total) => onProgress({ phase: 'data', done, total }),
          shouldCancel,
          ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : {}),
        });
        let outcome: BacktestOutcome | null = null;
        let ref: { id: string; reused: boolean } | null = null;
        const existing = await store.findDone(hash, data.fingerprint);
        if (existing) {
          outcome = await store.loadOutcome(existing.id);
          ref = { id: existing.id, reused: true };
        }
        if (outcome) {
          // Nothing ran: the queued row would only say so twice.
          await store.discard(runId);
          runId = null;
        } else {
          await store.start(runId, data);
          outcome = await runBacktest(request, data, { onProgress, shouldCancel, ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : {}) });
          ref = await store.complete(runId, outcome);
          if (ref.reused) outcome = (await store.loadOutcome(ref.id)) ?? outcome;
        }
        log.info({ runId: ref!.id, reused: ref!.reused, trades: outcome.trades.length }, 'backtest finished');
        const photos = await renderCharts(app, charts, outcome, log);
        await closeOut(finishedAckText(request, ref!.reused ? 'reused' : 'done'), [{ kind: 'text', ...asText(summaryMessage(outcome.report, ref!)) }, ...photos]);
      } catch (err) {
        if (err instanceof BacktestCancelledError) {
          if (runId) await store.cancel(runId, `cancelled by ${cancelledBy ?? 'a user'}`).catch(() => undefined);
          await closeOut(finishedAckText(request, 'cancelled', cancelledBy ? `by ${cancelledBy}` : undefined), []);
          log.info({ runId }, 'backtest cancelled');
          return;
        }
        if (err instanceof BacktestInputError) {
          if (runId) await store.fail(runId, err.message).catch(() => undefined);
          await closeOut(finishedAckText(request, 'failed', err.message), []);
          return;
        }
        const why = app.scrub((err as Error).message ?? String(err)).slice(0, 300);
        if (runId) await store.fail(runId, why).catch(() => undefined);
        await closeOut(finishedAckText(request, 'failed', `${why}. Nothing was stored; try again in a minute or check /status.`), []).catch(() => undefined);
        throw err;
      } finally {
        await app.redis.del(cancelKey).catch(() => undefined);
      }
    },
  };
}

/**
 * Final-failure hook for the `backtests` worker (`onFinalFailure`): when a job
 * failed without the handler telling anyone (bad payload, worker died too
 * often), clear its in-flight marker and tell the requester.
 */
export async function tellUserBacktestFailed(app: AppContext, job: Job, err: Error): Promise<void> {
  const prefix = app.config.redis.prefix;
  const jobId = job.id ?? '';
  if (await app.redis.exists(`${prefix}:backtest:told:${jobId}`).catch(() => 0)) return;
  const parsed = backtestJobPayloadSchema.safeParse(job.data);
  if (!parsed.success) return;
  let label = 'backtest';
  let subs: Subscriber[] = [];
  try {
    const request = normaliseRequest(parsed.data.request);
    label = `backtest of ${strategyLabel(request)}`;
    subs = await clearInflightIf(app.redis, prefix, requestKey(requestHash(request)), jobId);
  } catch {
    // nothing to clear
  }
  const why = app.scrub(err.message).slice(0, 300);
  const text = `❌ The ${label} failed: ${why}\nNothing was stored. Send the command again, or check /status.`;
  const targets = dedupe([{ chatId: parsed.data.chatId, messageId: parsed.data.ackMessageId ?? 0, userId: parsed.data.userId }, ...subs]);
  await Promise.all(
    targets.map((t, i) =>
      app.notifier.deliver(t.chatId, [t.messageId > 0 ? { kind: 'edit', messageId: t.messageId, text } : { kind: 'text', text }], 'backtest-failed', `${jobId}-${job.timestamp}-failed-${i}`),
    ),
  );
}

/** The Cancel button for a request key (valid as long as the in-flight marker). */
export function cancelKeyboard(app: Pick<AppContext, 'config'>, key: string, now = Date.now()): Keyboard {
  return [[{ text: '✖ Cancel', callback_data: signCallback(app.config.telegram.callbackKey, BACKTEST_CANCEL_CALLBACK, key, now + BACKTEST_TTL_SECONDS * 1000) }]];
}

async function renderCharts(app: AppContext, charts: ChartRenderer, outcome: BacktestOutcome, log: JobRun['log']): Promise<NotifyOp[]> {
  const r = outcome.report;
  const label = strategyLabel(r.request);
  const demo = r.data.demo;
  const ops: NotifyOp[] = [];
  if (outcome.curves.dates.length < 2) return ops;
  try {
    const equity = await charts.render(backtestEquityChart(outcome.curves, { title: `${label} · equity${demo ? ' (DEMO)' : ''}`, demo }));
    ops.push(await app.notifier.photoOp(equity, `Equity and drawdown — ${label}${r.benchmark ? ` vs ${r.benchmark.symbol} buy & hold` : ''}${demo ? ' · DEMO data' : ''}`));
    const monthly = await charts.render(monthlyReturnsChart(outcome.curves, { title: `${label} · monthly returns${demo ? ' (DEMO)' : ''}`, demo }));
    ops.push(await app.notifier.photoOp(monthly, `Monthly returns — ${label}${demo ? ' · DEMO data' : ''}`));
  } catch (err) {
    log.warn({ err }, 'backtest charts failed; sending the summary without them');
  }
  return ops;
}

/** Waits until a notify job has been delivered (or gone), so a late progress edit cannot land after the final one. */
async function waitDelivered(app: AppContext, jobId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const job = await app.jobs.queues.notify.getJob(jobId);
      if (!job) return;
      const state = await job.getState();
      if (state === 'completed' || state === 'failed' || state === 'unknown') return;
    } catch {
      return;
    }
    await sleep(50);
  }
}

function dedupe(list: Subscriber[]): Subscriber[] {
  const seen = new Set<string>();
  return list.filter((s) => {
    const k = `${s.chatId}:${s.messageId}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function asText(f: { text: string; entities?: unknown[] }): { text: string; entities?: NonNullable<Extract<NotifyOp, { kind: 'text' }>['entities']> } {
  return f.entities && f.entities.length > 0 ? { text: f.text, entities: f.entities as NonNullable<Extract<NotifyOp, { kind: 'text' }>['entities']> } : { text: f.text };
}
