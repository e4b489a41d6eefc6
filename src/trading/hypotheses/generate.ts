import { canonicalString } from '../../engine/hypotheses/canonical.js';
import type { MarketId } from '../../engine/hypotheses/definition.js';
import { type GeneratorWaitReason, MAX_PROPOSALS_PER_RUN, proposeHypotheses } from '../../engine/hypotheses/generator.js';
import type { FamilyId } from '../../engine/patterns/types.js';
import type { HypothesisStore, StoredHypothesis } from './store.js';

/** Why the generator proposed nothing (the engine's reasons). */
export type GeneratorWaiting = GeneratorWaitReason;

/** What one run of the generator did, for the job, /status and the digest. */
export type GeneratorOutcome =
  /** This (market, session) ran before: nothing was done. */
  | { kind: 'already_ran'; market: MarketId; session: string }
  | { kind: 'ran'; market: MarketId; session: string; proposed: StoredHypothesis[]; waiting: GeneratorWaiting | null };

/**
 * Runs the hypothesis generator once for (market, session), after that
 * session's close: proposes up to 10 new hypotheses, families with fewer
 * hypotheses first, within the market's INCUBATING cap, and stores them as
 * INCUBATING (each on the audit chain). A second call for the same
 * (market, session) does nothing, so a retried or doubled job is harmless.
 *
 * The claim is taken before proposing: a crash between the claim and the
 * insert loses that session's proposals rather than doubling them; the next
 * session proposes again.
 */
export async function runGenerator(store: HypothesisStore, market: MarketId, session: string, actor = 'generator'): Promise<GeneratorOutcome> {
  if (!(await store.claimGeneratorRun(market, session))) return { kind: 'already_ran', market, session };
  const [existing, counts] = await Promise.all([store.existing(market), store.counts(market)]);
  const result = proposeHypotheses({
    market,
    existing: existing.map((e) => ({ family: e.family as FamilyId, canonical: e.canonical })),
    incubating: counts.INCUBATING,
    max: MAX_PROPOSALS_PER_RUN,
  });
  const proposals = result.proposals.map((definition) => ({ definition, canonical: canonicalString(definition) }));
  const proposed = await store.propose(market, session, proposals, actor);
  await store.finishGeneratorRun(market, session, proposed.length, result.waiting);
  return { kind: 'ran', market, session, proposed, waiting: result.waiting };
}
