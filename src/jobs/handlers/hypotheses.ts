import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { UnitOfWork } from '../../adapters/db/port.js';
import type { MarketId } from '../../engine/hypotheses/definition.js';
import type { EvaluationProgress } from '../../engine/hypotheses/evaluate.js';
import { runGenerator, type GeneratorOutcome } from '../../trading/hypotheses/generate.js';
import type { HypothesisEvaluator } from '../../trading/hypotheses/evaluate-stored.js';
import { incubateOne, UniverseTooShortError, type IncubationResult } from '../../trading/hypotheses/incubate.js';
import type { IncubationNotice, NoticeHypothesis } from '../../trading/hypotheses/incubation-notices.js';
import { PROMOTE_CARD_TTL_MS, promoteCard } from '../../trading/hypotheses/promote.js';
import { reviewSession, type SessionReview, type SessionReviewDeps } from '../../trading/hypotheses/session-review.js';
import type { HypothesisStore, StoredHypothesis } from '../../trading/hypotheses/store.js';
import { MarketNotAvailableError, type HypothesisUniverse } from '../../trading/hypotheses/universe.js';
import type { Notifier } from '../../trading/notifier.js';
import type { JobProducer } from '../producer.js';
import type { HandlerMap } from '../worker-runtime.js';
import { ignoredBecause } from '../ignore.js';

/**
 * BullMQ priority of an incubation (larger = later): behind the session job
 * on its own queue, so a session's generator and review never wait for the
 * previous session's incubations.
 */
export const INCUBATION_PRIORITY = 1_000;

/** How long a cancel request waits for its run (a request with no run in flight cancels the next one within this). */
const CANCEL_TTL_SECONDS = 3_600;

/** The Redis key of the cancel flag of one hypothesis's incubation. */
export function incubationCancelKey(prefix: string, hypothesisId: string): string {
  return `${prefix}:hypotheses:cancel:${hypothesisId.trim().toLowerCase()}`;
}

/**
 * Asks the running (or next, within an hour) incubation of `hypothesisId` to
 * stop between two steps; the hypothesis stays INCUBATING and is evaluated
 * again after a later session's close. For the bot and the CLI.
 */
export async function requestIncubationCancel(redis: Pick<Redis, 'set'>, prefix: string, hypothesisId: string): Promise<void> {
  await redis.set(incubationCancelKey(prefix, hypothesisId), '1', 'EX', CANCEL_TTL_SECONDS);
}

/** The jobId of one incubation: doubles of the same hypothesis at the same version collapse while one waits or runs. */
export function incubationJobId(hypothesisId: string, version: number): string {
  return `incubate-${hypothesisId}-v${version}`;
}

/** Everything the `hypotheses` queue's handlers use. */
export interface HypothesesQueueDeps {
  store: HypothesisStore;
  universe: HypothesisUniverse;
  /** The shadow-book session review's own store (hypothesis_books) and equity source; store and universe are shared. */
  review: Omit<SessionReviewDeps, 'store' | 'universe'>;
  jobs: Pick<JobProducer, 'add'>;
  /** Cancel flags. */
  redis: Pick<Redis, 'get' | 'del'>;
  prefix: string;
  notifier: Notifier;
  /** Chat ids of the admins who hear about state changes. */
  admins(): number[];
  /** Engine steps between event-loop yields, cancel polls and progress updates (default 8). */
  stepsPerYield?: number;
  /** Where walk-forwards run (the app passes its worker-thread pool; default: this thread). */
  evaluator?: HypothesisEvaluator;
  /**
   * Where the Promote cards' confirm tokens are issued (Postgres) and the
   * clock that dates them. Without it no Promote card is sent: qualifying
   * hypotheses are only counted (and logged), and nothing is marked asked, so
   * the card goes out after the first session where it is wired.
   */
  promote?: { db: UnitOfWork; now?: () => Date };
}

/** What a `hypotheses.session` job did (its return value). */
export interface SessionJobResult {
  review: { reviewed: number; retired: number; demoted: number; promotionCandidates: number; promoteCards: number } | { error: string };
  generator: GeneratorOutcome['kind'];
  proposed: string[];
  enqueued: string[];
}

const who = (h: Pick<StoredHypothesis, 'id' | 'family' | 'market'>): NoticeHypothesis => ({ id: h.id, family: h.family, market: h.market });

/**
 * Handlers of the `hypotheses` queue (run with concurrency 1: incubation is
 * CPU-bound and must not slow approvals; it yields between engine steps).
 * - `hypotheses.session` (after a session's close): the shadow-book session
 *   review, the generator (once per market and session), then one
 *   `hypothesis.incubate` per INCUBATING hypothesis of the market.
 * - `hypothesis.incubate`: one incubation with progress and cancellation;
 *   each state change is announced to the admins.
 */
export function hypothesesHandlers(deps: HypothesesQueueDeps): HandlerMap<'hypotheses'> {
  const announce = async (notice: IncubationNotice, key: string): Promise<void> => {
    await Promise.all(deps.admins().map((chatId) => deps.notifier.publish(chatId, notice, { key: `${key}-${chatId}` })));
  };

  const announceReview = async (r: SessionReview, log: Logger): Promise<void> => {
    const moved = [
      ...r.retired.map((x) => ({ id: x.id, from: 'PAPER' as const, to: 'RETIRED' as const, reasons: [x.reason as string], sessions: x.sessions, t: x.transitionId })),
      ...r.demoted.map((x) => ({ id: x.id, from: 'LIVE' as const, to: 'PAPER' as const, reasons: x.reasons as string[], sessions: x.sessions, t: x.transitionId })),
    ];
    for (const m of moved) {
      const h = await deps.store.get(m.id);
      if (!h) continue;
      await announce({ kind: 'hypotheses.reviewed', hypothesis: who(h), from: m.from, to: m.to, reasons: m.reasons, sessions: m.sessions, demo: r.demo }, `hyp-t${m.t}`).catch(
        (err: unknown) => log.warn({ err, hypothesis: m.id }, 'session review transition not announced'),
      );
    }
  };

  /**
   * The Promote card of each qualifying PAPER hypothesis the review says is due (issue 14 item 5): one
   * card (one token) to every admin, then marked asked for this session, so the card comes again at most
   * every 10 sessions. A candidate that moved since the review, or no longer qualifies, gets none.
   * Returns how many candidates got a card.
   */
  const sendPromoteCards = async (r: SessionReview, log: Logger): Promise<number> => {
    if (r.promotionCandidates.length === 0) return 0;
    if (!deps.promote) {
      log.warn({ market: r.market, candidates: r.promotionCandidates.map((c) => c.id) }, 'promotion candidates but no Postgres wired for their cards: none sent');
      return 0;
    }
    const admins = deps.admins();
    if (admins.length === 0) {
      log.warn({ market: r.market, candidates: r.promotionCandidates.map((c) => c.id) }, 'promotion candidates but no admin to ask: none sent');
      return 0;
    }
    const p = deps.promote;
    const now = p.now ?? (() => new Date());
    let sent = 0;
    for (const c of r.promotionCandidates) {
      try {
        const ask = await promoteCard({ db: p.db, store: deps.store, books: deps.review.books, now }, c.id, { issuedBy: null, ttlMs: PROMOTE_CARD_TTL_MS, expectedVersion: c.version });
        if (ask.kind !== 'card') {
          log.info({ hypothesis: c.id, outcome: ask.kind }, 'promotion candidate got no card');
          continue;
        }
        const notice: IncubationNotice = { kind: 'hypotheses.promote-card', card: ask.card.data, tokenId: ask.card.token.id, expiresAtMs: ask.card.token.expiresAt.getTime() };
        const delivered = await Promise.allSettled(admins.map((chatId) => deps.notifier.publish(chatId, notice, { key: `hyp-promote-${c.id}-v${c.version}-${r.session}-${chatId}` })));
        if (!delivered.some((d) => d.status === 'fulfilled')) {
          log.warn({ hypothesis: c.id }, 'the Promote card reached no admin; asked again next session');
          continue;
        }
        await deps.store.markAsked(c.id, c.version, r.session, null);
        sent++;
      } catch (err) {
        log.warn({ err, hypothesis: c.id }, 'Promote card not sent; asked again next session');
      }
    }
    return sent;
  };

  const blocked = async (err: UniverseTooShortError | MarketNotAvailableError, market: MarketId, session: string): Promise<void> => {
    const waiting = (await deps.store.counts(market)).INCUBATING;
    const notice: IncubationNotice =
      err instanceof UniverseTooShortError
        ? { kind: 'hypotheses.incubation-blocked', market, reason: 'universe_too_short', days: err.days, needed: err.needed, waiting }
        : { kind: 'hypotheses.incubation-blocked', market, reason: 'market_not_available', days: null, needed: null, waiting };
    // Once per market and session however many incubations hit it.
    await announce(notice, `hyp-blocked-${market}-${session}`);
  };

  return {
    'hypotheses.session': async ({ market, session }, run): Promise<SessionJobResult> => {
      const log = run.log;
      // (a) The shadow-book review of PAPER and LIVE. Its failure must not stop the generator; it is rethrown at the end so the job retries.
      let reviewErr: unknown = null;
      let review: SessionJobResult['review'];
      try {
        const r = await reviewSession({ ...deps.review, store: deps.store, universe: deps.universe }, market, session);
        await announceReview(r, log);
        const promoteCards = await sendPromoteCards(r, log);
        review = { reviewed: r.reviewed.length, retired: r.retired.length, demoted: r.demoted.length, promotionCandidates: r.promotionCandidates.length, promoteCards };
      } catch (err) {
        reviewErr = err;
        review = { error: err instanceof Error ? err.message : String(err) };
        log.warn({ err, market, session }, 'session review failed; the generator and incubation still run');
      }
      // (b) The generator: once per (market, session), however often this job runs.
      const gen = await runGenerator(deps.store, market, session);
      if (gen.kind === 'ran' && gen.waiting) log.info({ market, session, waiting: gen.waiting }, 'the generator proposed nothing');
      // (c) Every INCUBATING hypothesis of the market, this session's proposals and any left waiting (a full PAPER cap, a cancel).
      const incubating = await deps.store.list({ market, state: 'INCUBATING' });
      const enqueued: string[] = [];
      for (const h of incubating.sort((a, b) => (a.id < b.id ? -1 : 1))) {
        await deps.jobs.add('hypothesis.incubate', { hypothesisId: h.id, version: h.version, session }, { jobId: incubationJobId(h.id, h.version), priority: INCUBATION_PRIORITY });
        enqueued.push(h.id);
      }
      if (reviewErr !== null && !(reviewErr instanceof MarketNotAvailableError)) throw reviewErr;
      return { review, generator: gen.kind, proposed: gen.kind === 'ran' ? gen.proposed.map((h) => h.id) : [], enqueued };
    },

    'hypothesis.incubate': async ({ hypothesisId, version, session }, run) => {
      const cancelKey = incubationCancelKey(deps.prefix, hypothesisId);
      const job: Job = run.job;
      let latest: EvaluationProgress | null = null;
      let reported: EvaluationProgress | null = null;
      const hooks = {
        onProgress: (p: EvaluationProgress) => void (latest = p),
        shouldCancel: async (): Promise<boolean> => {
          if (latest !== null && latest !== reported) {
            reported = latest;
            await job.updateProgress({ done: latest.done, total: latest.total }).catch(ignoredBecause(run.log, 'incubation progress not recorded; the next step records it'));
          }
          try {
            return (await deps.redis.get(cancelKey)) !== null;
          } catch {
            return false; // a Redis blip must not fail a long evaluation
          }
        },
        ...(deps.stepsPerYield === undefined ? {} : { stepsPerYield: deps.stepsPerYield }),
      };
      let result: IncubationResult;
      try {
        result = await incubateOne({ store: deps.store, universe: deps.universe, ...(deps.evaluator ? { evaluator: deps.evaluator } : {}) }, hypothesisId, { session, version, hooks });
      } catch (err) {
        if (err instanceof UniverseTooShortError || err instanceof MarketNotAvailableError) {
          const h = await deps.store.get(hypothesisId);
          await blocked(err, h?.market ?? err.market, session);
          return { kind: 'blocked', hypothesisId, reason: err instanceof UniverseTooShortError ? 'universe_too_short' : 'market_not_available' };
        }
        throw err;
      }
      if (result.kind === 'cancelled') await deps.redis.del(cancelKey).catch(ignoredBecause(run.log, 'incubation cancel flag not dropped; it expires on its own', { hypothesisId }));
      if (result.kind === 'transitioned') {
        const r = result.record;
        await announce(
          { kind: 'hypotheses.incubated', hypothesis: who(result.hypothesis), to: result.to, figures: r.figures, dsr: r.dsr, reasons: r.reasons, demo: r.demo, ...(r.manifest ? { manifest: r.manifest } : {}) },
          `hyp-t${result.transitionId}`,
        );
        if (latest !== null) await job.updateProgress({ done: (latest as EvaluationProgress).total, total: (latest as EvaluationProgress).total }).catch(ignoredBecause(run.log, 'final incubation progress not recorded; the transition is announced either way'));
      }
      if (result.kind === 'paper_full') run.log.info({ hypothesisId }, 'passed incubation but the PAPER cap is full: stays INCUBATING, evaluated again after a later session');
      return { kind: result.kind, hypothesisId };
    },
  };
}
