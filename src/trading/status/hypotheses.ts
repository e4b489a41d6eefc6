import type { MarketId } from '../../engine/hypotheses/definition.js';
import type { GeneratorWaitReason } from '../../engine/hypotheses/generator.js';
import { HYPOTHESIS_STATES, STATE_CAPS_PER_MARKET, type HypothesisState } from '../../engine/hypotheses/states.js';
import type { SlotDef } from '../../engine/schedule/slots.js';
import type { HypothesisStore } from '../hypotheses/store.js';
import { nextGeneratorRun, type GeneratorRun } from '../hypotheses/views-sessions.js';

/** One job running on the `hypotheses` queue, as /status shows it. */
export interface RunningHypothesesJob {
  jobId: string;
  /** `hypothesis.incubate` or `hypotheses.session`. */
  name: string;
  /** The hypothesis being incubated (incubations only). */
  hypothesisId: string | null;
  /** The market of a session job (session jobs only). */
  market: string | null;
  /** Walk-forward steps done of total, as the job last reported them; null before its first report. */
  progress: { done: number; total: number } | null;
}

/**
 * The `hypotheses` queue as /status reads it (a port: the app implements it
 * over BullMQ; no use case touches bullmq). `waiting` counts every job not
 * started yet, prioritised ones included (incubations are prioritised).
 */
export interface HypothesesQueueReader {
  counts(): Promise<{ waiting: number; active: number; delayed: number; failed: number }>;
  /** The jobs running now (the queue runs one at a time, but a second worker process may run another). */
  running(): Promise<RunningHypothesesJob[]>;
}

/** What {@link collectHypothesesStatus} reads. */
export interface HypothesesStatusSources {
  store: Pick<HypothesisStore, 'counts' | 'lastGeneratorRun'>;
  queue: HypothesesQueueReader;
  /** The markets the generator runs for (the scheduler's `hypotheses.session` jobs). */
  markets: readonly MarketId[];
  /** The scheduler's `hypotheses` slots (none when the scheduler is off or no slot is configured). */
  slots: readonly SlotDef[];
  /** Epoch ms now (tests pass a fixed clock). */
  now?: () => number;
  /** Where an unreadable queue says why, at debug (a pino logger fits); absent = not logged. */
  log?: { debug(obj: object, msg: string): void };
}

/** The generator's latest run of one market. */
export interface GeneratorRunView {
  session: string;
  proposed: number;
  /** Why it proposed nothing (null when it proposed, or the run has not finished). */
  waiting: GeneratorWaitReason | null;
  at: Date;
}

/** One market's hypotheses as /status shows them. */
export interface MarketHypothesesStatus {
  market: MarketId;
  generator: GeneratorRunView | null;
  counts: Record<HypothesisState, number>;
  /** The caps of the capped states (RETIRED has none). */
  caps: Record<Exclude<HypothesisState, 'RETIRED'>, number>;
}

/** The generator and incubation part of /status. */
export interface HypothesesStatus {
  markets: MarketHypothesesStatus[];
  /** The `hypotheses` queue; null when Redis could not be read. */
  queue: { waiting: number; active: number; delayed: number; failed: number; running: RunningHypothesesJob[] } | null;
  /** The next scheduled `hypotheses.session` run; null when none is scheduled (scheduler off, no slot). */
  nextRun: GeneratorRun | null;
}

/** Reads a stored `waiting` value back into the engine's reason, or null when it is none of them. */
export function waitingReason(raw: unknown): GeneratorWaitReason | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (r.reason === 'no_new_candidates') return { reason: 'no_new_candidates' };
  if (r.reason === 'incubating_cap_full' && typeof r.cap === 'number' && typeof r.count === 'number') return { reason: 'incubating_cap_full', cap: r.cap, count: r.count };
  return null;
}

/**
 * The hypotheses part of /status: per market the generator's last run and
 * the counts per state with their caps; the incubation queue (waiting,
 * running with progress); when the next generator run is due. A queue that
 * cannot be read gives `queue: null`; the database reads throw (the caller
 * reports the whole section as unreadable).
 */
export async function collectHypothesesStatus(src: HypothesesStatusSources): Promise<HypothesesStatus> {
  const now = src.now?.() ?? Date.now();
  const readQueue = async (): Promise<HypothesesStatus['queue']> => {
    const [c, running] = await Promise.all([src.queue.counts(), src.queue.running()]);
    return { ...c, running };
  };
  const [markets, queue] = await Promise.all([
    Promise.all(
      src.markets.map(async (market): Promise<MarketHypothesesStatus> => {
        const [counts, run] = await Promise.all([src.store.counts(market), src.store.lastGeneratorRun(market)]);
        const full = Object.fromEntries(HYPOTHESIS_STATES.map((s) => [s, counts[s] ?? 0])) as Record<HypothesisState, number>;
        return {
          market,
          generator: run ? { session: run.session, proposed: run.proposed, waiting: waitingReason(run.waiting), at: run.at } : null,
          counts: full,
          caps: { ...STATE_CAPS_PER_MARKET },
        };
      }),
    ),
    readQueue().catch((err: unknown) => {
      src.log?.debug({ err }, 'hypotheses queue could not be read; /status shows it as unknown');
      return null;
    }),
  ]);
  return { markets, queue, nextRun: nextGeneratorRun(src.slots, now) };
}
