import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DataResolverOptions } from '../../trading/backtest/data.js';
import { executeBacktest, type BacktestEnd, type BacktestRuns } from '../../trading/backtest/execute.js';
import { normaliseRequest, requestHash, requestKey, type BacktestRequest } from '../../trading/backtest/request.js';
import type { BacktestProgress } from '../../trading/backtest/run.js';
import type { Notifier } from '../../trading/notifier.js';
import type { SeedingState } from '../../trading/scan/data-port.js';
import { estimateSecondsLeft, type SeedingProgressSource } from '../../trading/seeding/progress.js';
import { backtestJobPayloadSchema } from '../payloads/backtest.js';
import type { HandlerMap } from '../worker-runtime.js';
import { BACKTEST_TTL_SECONDS, backtestKeys, cancelFlagKey, clearInflightIf, finishInflight, parseSubscribers, type Subscriber } from './backtest-job.js';
import { ignoredBecause, type DebugLog } from '../ignore.js';

/** Everything the `backtests` queue's handler (and its final-failure hook) uses. */
export interface BacktestQueueDeps {
  runs: BacktestRuns;
  /** Where bars come from: the bars store, then the bundled samples, then DEMO data. */
  data: DataResolverOptions;
  /** The load's flag and its measured progress (a /backtest meanwhile says how long is left, as a /scan does). */
  seeding: SeedingState & Partial<SeedingProgressSource>;
  notifier: Notifier;
  /** In-flight markers, subscribers, cancel flags. */
  redis: Pick<Redis, 'get' | 'set' | 'del' | 'exists' | 'expire' | 'lrange' | 'eval'>;
  /** Redis key prefix. */
  prefix: string;
  /** The notify queue: a late progress edit must be delivered before the final one is sent. */
  notifyQueue: Pick<Queue, 'getJob'>;
  /** Removes secrets from error messages before they are stored or told. */
  scrub(text: string): string;
  /** Minimum time between progress edits of the ack message (default 1000 ms). */
  progressIntervalMs?: number;
  /** Symbols per chunk between event-loop yields and cancel checks (default 25). */
  chunkSize?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Handlers of the `backtests` queue. A run: load bars (store, sample CSVs or
 * DEMO data), reuse a stored identical run or compute one in chunks (progress
 * edits of the ack message at most once a second, the Redis cancel flag
 * polled between chunks), store it, then tell every waiting chat how it
 * ended (a done run: its summary and two charts).
 */
export function backtestHandlers(deps: BacktestQueueDeps): HandlerMap<'backtests'> {
  const interval = deps.progressIntervalMs ?? 1_000;
  const prefix = deps.prefix;

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
        await deps.notifier.publish(p.chatId, { kind: 'backtest.invalid-request', error: (err as Error).message }, { key: `${tag}-invalid` });
        return;
      }
      const hash = requestHash(request);
      const key = requestKey(hash);
      const keys = backtestKeys(prefix, key);
      const cancelKey = cancelFlagKey(prefix, jobId);

      const cancelledBy = async (): Promise<string | null> => {
        // Redis blip: keep going rather than fail a long run (the flag is read again at the next chunk).
        return (await deps.redis.get(cancelKey).catch(ignoredBecause(log, 'cancel flag not read; read again at the next chunk', { jobId }))) ?? null;
      };
      const joiners = async (): Promise<Subscriber[]> => {
        const raw = await deps.redis.lrange(keys.subs, 0, -1).catch(ignoredBecause(log, 'joiners not read; this progress edit goes to the owner only', { jobId }));
        return raw ? parseSubscribers(raw) : [];
      };

      // Progress: at most one edit per interval; the last one is awaited before the final messages.
      let lastEdit = 0;
      let editSeq = 0;
      let lastEditKey: string | null = null;
      let pending: Promise<void> = Promise.resolve();
      let stopped = false;
      const onProgress = (progress: BacktestProgress) => {
        const now = Date.now();
        if (stopped || now - lastEdit < interval) return;
        lastEdit = now;
        const seq = ++editSeq;
        pending = pending.then(async () => {
          const targets = [...(owner ? [owner] : []), ...(await joiners())];
          for (const t of targets) {
            const id = `${tag}-p${seq}-${t.chatId}-${t.messageId}`;
            await deps.notifier
              .publish(t.chatId, { kind: 'backtest.progress', messageId: t.messageId, request, requestKey: key, progress }, { key: id })
              .catch((err: unknown) => log.warn({ err }, 'progress edit not queued'));
            lastEditKey = id;
          }
          await deps.redis.expire(keys.inflight, BACKTEST_TTL_SECONDS).catch(ignoredBecause(log, 'in-flight marker not extended; the next progress edit extends it', { jobId }));
        });
      };

      /** Tells every waiting chat how the run ended (editing their ack), once. */
      const closeOut = async (end: BacktestEnd): Promise<void> => {
        stopped = true;
        await pending;
        if (lastEditKey) await waitDelivered(deps.notifyQueue, lastEditKey, 10_000);
        const subs = (await finishInflight(deps.redis, prefix, key, jobId).catch(ignoredBecause(log, 'joiners not read at the end; only the owner is told', { jobId }))) ?? [];
        const targets = dedupe([...(owner ? [owner] : []), ...subs]);
        if (targets.length === 0) targets.push({ chatId: p.chatId, messageId: 0, userId: p.userId });
        await Promise.all(targets.map((t, i) => deps.notifier.publish(t.chatId, { kind: 'backtest.finished', messageId: t.messageId, request, end }, { key: `${tag}-done-${i}` })));
        await deps.redis.set(`${prefix}:backtest:told:${jobId}`, '1', 'EX', 3600).catch(ignoredBecause(log, 'told mark not set; a final failure would tell the chats a second time', { jobId }));
      };

      /**
       * The default data is still loading: an expected condition, not a
       * failure. Every waiting chat's ack becomes the same "still loading,
       * about N s left" answer a /scan meanwhile gets (and loses its Cancel
       * button); the in-flight marker is cleared so a retry starts afresh.
       */
      const tellStillLoading = async (): Promise<void> => {
        stopped = true;
        await pending;
        if (lastEditKey) await waitDelivered(deps.notifyQueue, lastEditKey, 10_000);
        const progress = (await deps.seeding.progress?.().catch(ignoredBecause(log, 'seeding progress not read; the reply says loading without how far'))) ?? null;
        const secondsLeft = progress ? estimateSecondsLeft(progress, Date.now()) : null;
        const subs = (await finishInflight(deps.redis, prefix, key, jobId).catch(ignoredBecause(log, 'joiners not read at the end; only the owner is told', { jobId }))) ?? [];
        const targets = dedupe([...(owner ? [owner] : []), ...subs]);
        if (targets.length === 0) targets.push({ chatId: p.chatId, messageId: 0, userId: p.userId });
        await Promise.all(
          targets.map((t, i) =>
            deps.notifier.publish(
              t.chatId,
              { kind: 'scan.not-ready', reason: 'seeding', command: 'backtest', ...(t.messageId ? { messageId: t.messageId } : {}), progress, secondsLeft },
              { key: `${tag}-not-ready-${i}` },
            ),
          ),
        );
        await deps.redis.set(`${prefix}:backtest:told:${jobId}`, '1', 'EX', 3600).catch(ignoredBecause(log, 'told mark not set; a final failure would tell the chats a second time', { jobId }));
      };

      try {
        const result = await executeBacktest(
          { request, requestHash: hash, requestedBy: `telegram:${p.userId}`, jobId, createdAt: new Date(run.job.timestamp) },
          deps,
          { cancelledBy, onProgress, redact: deps.scrub, log: run.log, ...(deps.chunkSize ? { chunkSize: deps.chunkSize } : {}) },
        );
        switch (result.status) {
          case 'done':
            log.info({ runId: result.run.id, reused: result.run.reused, trades: result.trades }, 'backtest finished');
            await closeOut({ status: 'done', report: result.report, curves: result.curves, run: result.run });
            return;
          case 'cancelled':
            await closeOut(result);
            log.info({ jobId }, 'backtest cancelled');
            return;
          case 'failed':
            if (result.reason === 'seeding') {
              log.info({ jobId }, 'backtest not started: the default data is still loading');
              await tellStillLoading();
              return;
            }
            if (result.reason !== 'crashed') {
              await closeOut(result);
              return;
            }
            // The crash is the error to report (the job fails with it); telling the chats is best effort, and the final-failure hook tells them if this did not.
            await closeOut({ status: 'failed', reason: 'crashed', detail: result.detail }).catch((err: unknown) => log.warn({ err, jobId }, 'crashed backtest: the chats were not told here; the final-failure hook tells them'));
            throw result.error;
        }
      } finally {
        await deps.redis.del(cancelKey).catch(ignoredBecause(log, 'cancel flag not dropped; it expires on its own', { jobId }));
      }
    },
  };
}

/**
 * Final-failure hook for the `backtests` worker (`onFinalFailure`): when a job
 * failed without the handler telling anyone (bad payload, worker died too
 * often), clear its in-flight marker and tell the requester and any joiners.
 */
export function backtestFailureHook(deps: Pick<BacktestQueueDeps, 'redis' | 'prefix' | 'notifier' | 'scrub'> & { log?: DebugLog }): (job: Job, err: Error) => Promise<void> {
  return async (job, err) => {
    const jobId = job.id ?? '';
    const told = await deps.redis.exists(`${deps.prefix}:backtest:told:${jobId}`).catch((err: unknown) => {
      deps.log?.debug?.({ err, jobId }, 'could not read whether the chat was told; telling it (a second notice is better than none)');
      return 0;
    });
    if (told) return;
    const parsed = backtestJobPayloadSchema.safeParse(job.data);
    if (!parsed.success) return;
    let request: BacktestRequest | null = null;
    let subs: Subscriber[] = [];
    try {
      request = normaliseRequest(parsed.data.request);
      subs = await clearInflightIf(deps.redis, deps.prefix, requestKey(requestHash(request)), jobId);
    } catch (e) {
      // A request that does not normalise had no marker; an unreachable Redis keeps its marker until its TTL.
      deps.log?.debug?.({ err: e, jobId }, 'in-flight marker not cleared; the chats are told anyway');
    }
    const error = deps.scrub(err.message).slice(0, 300);
    const targets = dedupe([{ chatId: parsed.data.chatId, messageId: parsed.data.ackMessageId ?? 0, userId: parsed.data.userId }, ...subs]);
    await Promise.all(targets.map((t, i) => deps.notifier.publish(t.chatId, { kind: 'backtest.gave-up', messageId: t.messageId, request, error }, { key: `${jobId}-${job.timestamp}-failed-${i}` })));
  };
}

/** Waits until a notify job has been delivered (or gone), so a late progress edit cannot land after the final one. */
async function waitDelivered(notify: Pick<Queue, 'getJob'>, jobId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const job = await notify.getJob(jobId);
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
