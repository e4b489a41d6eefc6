import type { SeedingState } from '../scan/data-port.js';
import { BacktestCancelledError, resolveBacktestData, type DataResolverOptions } from './data.js';
import type { BacktestCurves, BacktestOutcome, BacktestReport } from './report.js';
import { BacktestInputError, type BacktestRequest } from './request.js';
import { runBacktest, type BacktestProgress } from './run.js';
import type { BacktestStore } from './store.js';
import { codeVersion } from '../manifest/code-version.js';
import { withManifest } from '../manifest/backtest-manifest.js';

/** The run records a backtest keeps (Postgres' `BacktestStore` in production). */
export type BacktestRuns = Pick<BacktestStore, 'failUnfinishedOfJob' | 'create' | 'findDone' | 'loadOutcome' | 'discard' | 'start' | 'complete' | 'cancel' | 'fail'>;

/** What {@link executeBacktest} talks to. */
export interface ExecuteBacktestPorts {
  runs: BacktestRuns;
  /** Where bars come from (bars store, CSV samples, DEMO data). */
  data: DataResolverOptions;
  seeding: SeedingState;
}

/** What the caller learns while a backtest runs, and how it stops one. */
export interface ExecuteBacktestHooks {
  /** Polled between chunks: who asked to cancel the run, or null to go on. */
  cancelledBy(): Promise<string | null>;
  onProgress(p: BacktestProgress): void;
  /** Symbols per chunk between event-loop yields and cancel checks (default 25). */
  chunkSize?: number;
  /** Removes secrets from an unexpected error's message before it is stored or told. */
  redact(text: string): string;
  /** Where a failure to record how the run ended is reported (the job's logger). */
  log?: { warn(obj: object, msg: string): void };
}

/** One backtest request as a job runs it. */
export interface BacktestJob {
  request: BacktestRequest;
  requestHash: string;
  /** Who asked, as recorded on the run (`telegram:<user id>`). */
  requestedBy: string;
  /** The queue job running it: a retried job closes the runs its earlier attempts left open. */
  jobId: string;
  createdAt: Date;
}

/**
 * How a backtest ended, in codes and figures:
 * - `done`: the report and curves of the run (`run.reused` when an identical
 *   request on the same data had already been stored and nothing ran);
 * - `cancelled`: someone pressed Cancel (`by` names them when known);
 * - `failed`: `seeding` (the default data is still loading), `invalid` (the
 *   input cannot be backtested; `detail` is the input error's own
 *   explanation) or `crashed` (an unexpected error; `detail` is its redacted
 *   message, at most 300 characters).
 */
export type BacktestEnd =
  | { status: 'done'; report: BacktestReport; curves: BacktestCurves; run: { id: string; reused: boolean } }
  | { status: 'cancelled'; by: string | null }
  | { status: 'failed'; reason: 'seeding' }
  | { status: 'failed'; reason: 'invalid'; detail: string }
  | { status: 'failed'; reason: 'crashed'; detail: string };

/** {@link BacktestEnd} plus what only the caller needs: the trade count of a done run, the error of a crashed one (to rethrow). */
export type BacktestExecution =
  | (Extract<BacktestEnd, { status: 'done' }> & { trades: number })
  | Exclude<BacktestEnd, { status: 'done' } | { reason: 'crashed' }>
  | (Extract<BacktestEnd, { reason: 'crashed' }> & { error: unknown });

/** Recorded on a run refused while the default data loads. */
const SEEDING_ERROR = 'the market data is still loading (the first start stores the demo universe, about a minute); try /backtest again shortly';

/**
 * Runs one backtest request for a job: records the run (closing any left
 * open by an earlier attempt of the same job), loads the bars, reuses the
 * stored result of an identical request on the same data or computes it
 * (cancellable between chunks), and stores it. Every end is recorded on the
 * run; the caller tells the people waiting.
 */
export async function executeBacktest(job: BacktestJob, ports: ExecuteBacktestPorts, hooks: ExecuteBacktestHooks): Promise<BacktestExecution> {
  const store = ports.runs;
  let cancelledBy: string | null = null;
  const shouldCancel = async (): Promise<boolean> => {
    const by = await hooks.cancelledBy();
    if (by !== null) cancelledBy = by;
    return by !== null;
  };
  const chunk = hooks.chunkSize ? { chunkSize: hooks.chunkSize } : {};
  let runId: string | null = null;
  // How the run ended is returned whether or not Postgres records it: a failed write is logged (the row stays
  // open until a retry of the job closes it, see failUnfinishedOfJob), and the caller still tells the chat.
  const recordEnd = async (id: string, write: (id: string) => Promise<void>): Promise<void> => {
    try {
      await write(id);
    } catch (err) {
      hooks.log?.warn({ err, runId: id }, 'could not record how the backtest run ended; telling the chat anyway');
    }
  };
  try {
    await store.failUnfinishedOfJob(job.jobId);
    runId = await store.create({ request: job.request, requestHash: job.requestHash, requestedBy: job.requestedBy, jobId: job.jobId, createdAt: job.createdAt });
    if (await shouldCancel()) throw new BacktestCancelledError();
    const seeding = await ports.seeding.isSeeding().catch((err: unknown) => {
      // Unknown is not "seeding": the data step below fails on its own if the bars are not there.
      hooks.log?.warn({ err, runId }, 'could not read whether the data seed is running; running the backtest');
      return false;
    });
    if (seeding) {
      await recordEnd(runId, (id) => store.fail(id, SEEDING_ERROR));
      return { status: 'failed', reason: 'seeding' };
    }
    const data = await resolveBacktestData(job.request, ports.data, { onProgress: (done, total) => hooks.onProgress({ phase: 'data', done, total }), shouldCancel, ...chunk });
    const existing = await store.findDone(job.requestHash, data.fingerprint);
    const stored = existing ? await store.loadOutcome(existing.id) : null;
    if (existing && stored) {
      // Nothing ran: the queued row would only say so twice.
      await store.discard(runId);
      return done(stored, { id: existing.id, reused: true });
    }
    await store.start(runId, data);
    const computed = await runBacktest(job.request, data, { onProgress: (p) => hooks.onProgress(p), shouldCancel, ...chunk });
    // Every stored result carries its manifest (data hash, code version, request, seed, key figures): reports show it, a replay checks it.
    let outcome: BacktestOutcome = withManifest(job.request, data, computed, codeVersion());
    const ref = await store.complete(runId, outcome);
    if (ref.reused) outcome = (await store.loadOutcome(ref.id)) ?? outcome;
    return done(outcome, ref);
  } catch (err) {
    if (err instanceof BacktestCancelledError) {
      if (runId) await recordEnd(runId, (id) => store.cancel(id, `cancelled by ${cancelledBy ?? 'a user'}`));
      return { status: 'cancelled', by: cancelledBy };
    }
    if (err instanceof BacktestInputError) {
      if (runId) await recordEnd(runId, (id) => store.fail(id, err.message));
      return { status: 'failed', reason: 'invalid', detail: err.message };
    }
    const detail = hooks.redact((err as Error).message ?? String(err)).slice(0, 300);
    if (runId) await recordEnd(runId, (id) => store.fail(id, detail));
    return { status: 'failed', reason: 'crashed', detail, error: err };
  }
}

function done(outcome: BacktestOutcome, run: { id: string; reused: boolean }): BacktestExecution {
  return { status: 'done', report: outcome.report, curves: outcome.curves, run, trades: outcome.trades.length };
}
