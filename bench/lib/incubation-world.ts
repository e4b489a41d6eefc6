/**
 * The incubation section's world: the default universe seeded into a throwaway database, N
 * INCUBATING hypotheses proposed across the pattern families, their `hypothesis.incubate` jobs
 * enqueued as the session job enqueues them, and a tracker that sees each job start and finish
 * (BullMQ's completed jobs are removed at once: HYPOTHESES_JOB_OPTIONS.removeOnComplete).
 *
 * Bench-only instrumentation: a wrapper on BullMQ's Worker.prototype.callProcessJob. Nothing in
 * src/ is changed.
 */
import { performance } from 'node:perf_hooks';
import { Worker, type Job } from 'bullmq';
import { BarsStore, seedDefaultData, type SeedReport } from '../../src/adapters/bars/index.js';
import { createDataSource } from '../../src/adapters/db/data-source.js';
import { migrateWithLock } from '../../src/adapters/db/migrate.js';
import { loadDefaultUniverse, weekdaySessions } from '../../src/adapters/market-data/index.js';
import { canonicalString } from '../../src/engine/hypotheses/canonical.js';
import { proposeHypotheses } from '../../src/engine/hypotheses/generator.js';
import type { FamilyId } from '../../src/engine/patterns/types.js';
import { incubationJobId, INCUBATION_PRIORITY } from '../../src/jobs/handlers/hypotheses.js';
import { HYPOTHESES_JOB_OPTIONS } from '../../src/jobs/job-options.js';
import { hypothesisIncubateSchema } from '../../src/jobs/payloads/hypotheses.js';
import { HypothesisStore, type StoredHypothesis } from '../../src/trading/hypotheses/store.js';
import type { LocalApp } from './app.js';
import type { BenchResources } from './resources.js';

/** A throwaway database, migrated, with the default data seeded (a slice of it when `symbols`/`sessions` are given). */
export async function seededDatabase(
  resources: BenchResources,
  opts: { endDate: string; symbols?: number; sessions?: number },
): Promise<{ url: string; seed: SeedReport }> {
  const url = await resources.database();
  const ds = createDataSource(url, { applicationName: 'courtside-bench' });
  await ds.initialize();
  try {
    await migrateWithLock(ds);
    const store = new BarsStore(ds, { cacheDir: resources.tempDir() });
    const seed = await seedDefaultData(store, {
      endDate: opts.endDate,
      ...(opts.symbols !== undefined ? { universe: loadDefaultUniverse().entries.slice(0, opts.symbols) } : {}),
      ...(opts.sessions !== undefined ? { sessions: weekdaySessions(opts.endDate, opts.sessions) } : {}),
    });
    await store.idle();
    return { url, seed };
  } finally {
    await ds.destroy().catch(() => undefined);
  }
}

/**
 * Proposes `count` US hypotheses through the app's HypothesisStore, as the generator would over
 * several sessions: the engine's proposeHypotheses (families with fewer hypotheses first, each
 * family's FAMILY_GRID_SPECS centres in order) in rounds of its per-run maximum, stored with
 * store.propose (within the INCUBATING cap). Returns the stored hypotheses.
 */
export async function proposeForBench(app: LocalApp, count: number, session: string): Promise<StoredHypothesis[]> {
  const ctx = app.running.app;
  const store = new HypothesisStore(ctx.uow, ctx.audit);
  const out: StoredHypothesis[] = [];
  while (out.length < count) {
    const existing = (await store.existing('US')).map((e) => ({ family: e.family as FamilyId, canonical: e.canonical }));
    const result = proposeHypotheses({ market: 'US', existing, incubating: (await store.counts('US')).INCUBATING, max: Math.min(10, count - out.length) });
    if (result.proposals.length === 0) {
      throw new Error(`only ${out.length} of ${count} hypotheses could be proposed (${result.waiting?.reason ?? 'no proposals'}); ask for at most the INCUBATING cap (--incubation-hypotheses)`);
    }
    const stored = await store.propose('US', session, result.proposals.map((definition) => ({ definition, canonical: canonicalString(definition) })), 'bench');
    if (stored.length === 0) throw new Error(`store.propose stored none of ${result.proposals.length} proposals (INCUBATING cap full?)`);
    out.push(...stored);
  }
  return out;
}

/**
 * Enqueues one `hypothesis.incubate` per hypothesis with the session job's jobId and priority and
 * the queue's job options, in one BullMQ addBulk on the app's `hypotheses` queue (same prefix).
 * Not one JobProducer.add per job as the session job does: the first job starts while the rest are
 * still being added, and its first evaluation blocks this event loop while it copies the universe
 * to the pool thread — long enough for JobProducer's fail-fast enqueue timeout to trip (seen: 800 ms).
 */
export async function enqueueIncubations(app: LocalApp, hypotheses: readonly StoredHypothesis[], session: string): Promise<void> {
  const queue = app.running.app.jobs.queues.hypotheses;
  await queue.addBulk(
    hypotheses.map((h) => ({
      name: 'hypothesis.incubate',
      data: hypothesisIncubateSchema.parse({ hypothesisId: h.id, version: h.version, session }),
      opts: { ...HYPOTHESES_JOB_OPTIONS, jobId: incubationJobId(h.id, h.version), priority: INCUBATION_PRIORITY },
    })),
  );
}

/** One run of one incubation job, performance.now() ms. */
export interface IncubationRun {
  hypothesisId: string;
  attempt: number;
  start: number;
  end?: number;
  /** The handler's result kind ('transitioned', 'paper_full', 'blocked', …) or the error. */
  kind?: string;
  error?: string;
}

let tracker: IncubationTracker | null = null;
let patched = false;

function patchWorker(): void {
  if (patched) return;
  patched = true;
  const proto = Worker.prototype as unknown as { callProcessJob(this: Worker, job: Job, token: string, signal?: unknown): Promise<unknown> };
  const call = proto.callProcessJob;
  proto.callProcessJob = async function (this: Worker, job, token, signal) {
    const t = job.name === 'hypothesis.incubate' ? tracker : null;
    const run: IncubationRun | undefined = t
      ? { hypothesisId: String((job.data as { hypothesisId?: unknown }).hypothesisId), attempt: job.attemptsMade + 1, start: performance.now() }
      : undefined;
    if (run) t!.runs.push(run);
    try {
      const result = await call.call(this, job, token, signal);
      if (run) run.kind = String((result as { kind?: unknown } | undefined)?.kind ?? 'unknown');
      return result;
    } catch (err) {
      if (run) run.error = err instanceof Error ? err.message : String(err);
      throw err;
    } finally {
      if (run) run.end = performance.now();
    }
  } as typeof proto.callProcessJob;
}

/** Sees every `hypothesis.incubate` job this process runs (one tracker at a time). */
export class IncubationTracker {
  readonly runs: IncubationRun[] = [];

  constructor(private readonly app: LocalApp) {
    if (tracker) throw new Error('one IncubationTracker per process');
    patchWorker();
    tracker = this;
  }

  /** Waiting, prioritized, delayed (retry backoff) and active jobs on the hypotheses queue. */
  async pending(): Promise<number> {
    const c = await this.app.running.app.jobs.queues.hypotheses.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'waiting-children');
    return Object.values(c).reduce((s, n) => s + n, 0);
  }

  /** Resolves when the queue holds no hypotheses job any more (every incubation finished or gave up), or at the deadline. */
  async drained(timeoutMs: number, pollMs = 100): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if ((await this.pending()) === 0 && this.runs.every((r) => r.end !== undefined)) return true;
      await new Promise((r) => setTimeout(r, pollMs));
    }
    return false;
  }

  /** The last run of each hypothesis (after retries). */
  finalRuns(): IncubationRun[] {
    const byId = new Map<string, IncubationRun>();
    for (const r of this.runs) byId.set(r.hypothesisId, r);
    return [...byId.values()];
  }

  close(): void {
    if (tracker === this) tracker = null;
  }
}
