/**
 * The hypothesis generator (DESIGN section 9): proposes new hypotheses for
 * one market, families with fewer hypotheses first, never one that exists in
 * any state, within the market's INCUBATING cap. Pure and deterministic: the
 * same input always gives the same proposals in the same order.
 */
import { FAMILY_IDS, familyById } from '../patterns/registry.js';
import type { FamilyId } from '../patterns/types.js';
import { canonicalString } from './canonical.js';
import type { HypothesisDefinition, MarketId } from './definition.js';
import { FAMILY_GRID_SPECS } from './family-grids.js';
import { buildDefinition } from './grid.js';
import { capRoom, STATE_CAPS_PER_MARKET } from './states.js';

/** At most this many proposals per run (issue 14); `max` can only lower it. */
export const MAX_PROPOSALS_PER_RUN = 10;

/** What the generator needs to know about one market. */
export interface GeneratorInput {
  market: MarketId;
  /** Every hypothesis of this market in any state (RETIRED included, so none is proposed twice). */
  existing: readonly { family: FamilyId; canonical: string }[];
  /** How many of this market's hypotheses are INCUBATING now. */
  incubating: number;
  /** Families to draw from, in tie-break order (default: every family, registry order). */
  families?: readonly FamilyId[];
  /** Most proposals this run (default and ceiling {@link MAX_PROPOSALS_PER_RUN}); an integer ≥ 0. */
  max?: number;
}

/** Why a run proposed nothing although it was asked to. */
export type GeneratorWaitReason =
  | { reason: 'incubating_cap_full'; cap: number; count: number }
  | { reason: 'no_new_candidates' };

/** The proposals (with their canonical strings, same order) and, when nothing was proposed, why. */
export interface GeneratorResult {
  proposals: HypothesisDefinition[];
  canonicals: string[];
  waiting: null | GeneratorWaitReason;
}

/**
 * Proposes up to min(max, 10, room under the INCUBATING cap) new hypotheses.
 * Each pick goes to the family with the fewest hypotheses so far (existing +
 * proposed in this run; ties by the order of `families`), which takes its
 * first candidate centre (FAMILY_GRID_SPECS order) whose canonical string is
 * new; a family with no new candidate drops out. At a full cap nothing is
 * proposed and `waiting` says incubating_cap_full with the cap and the count;
 * when no family has a new candidate it says no_new_candidates. Throws a
 * RangeError for an unknown family, a family without a grid spec or a bad `max`.
 */
export function proposeHypotheses(input: GeneratorInput): GeneratorResult {
  const { market, existing, incubating } = input;
  const max = input.max ?? MAX_PROPOSALS_PER_RUN;
  if (!Number.isInteger(max) || max < 0) throw new RangeError(`max must be an integer >= 0, got ${max}`);
  const families = [...new Set(input.families ?? FAMILY_IDS)];
  for (const f of families) {
    familyById(f);
    if (!Object.hasOwn(FAMILY_GRID_SPECS, f)) {
      throw new RangeError(`no grid spec for family '${f}'; add one to FAMILY_GRID_SPECS in src/engine/hypotheses/family-grids.ts`);
    }
  }

  const capLeft = capRoom('INCUBATING', incubating);
  if (capLeft === 0) {
    return {
      proposals: [],
      canonicals: [],
      waiting: { reason: 'incubating_cap_full', cap: STATE_CAPS_PER_MARKET.INCUBATING, count: incubating },
    };
  }
  const room = Math.min(max, MAX_PROPOSALS_PER_RUN, capLeft);

  const seen = new Set(existing.map((e) => e.canonical));
  const count = new Map<FamilyId, number>(families.map((f) => [f, 0]));
  for (const e of existing) if (count.has(e.family)) count.set(e.family, count.get(e.family)! + 1);
  // Next candidate centre to try, per family; a family leaves `active` when it has none left.
  const next = new Map<FamilyId, number>(families.map((f) => [f, 0]));
  const active = [...families];

  const proposals: HypothesisDefinition[] = [];
  const canonicals: string[] = [];
  while (proposals.length < room && active.length > 0) {
    // `active` keeps the order of `families`, so a strict < keeps the earliest of the tied.
    let pick = 0;
    for (let i = 1; i < active.length; i++) if (count.get(active[i]!)! < count.get(active[pick]!)!) pick = i;
    const family = active[pick]!;
    const centres = FAMILY_GRID_SPECS[family].centres;
    let found = false;
    for (let i = next.get(family)!; i < centres.length; i++) {
      const def = buildDefinition(family, market, centres[i]!);
      const canonical = canonicalString(def);
      if (seen.has(canonical)) continue;
      next.set(family, i + 1);
      seen.add(canonical);
      count.set(family, count.get(family)! + 1);
      proposals.push(def);
      canonicals.push(canonical);
      found = true;
      break;
    }
    if (!found) active.splice(pick, 1);
  }

  const waiting: GeneratorWaitReason | null = proposals.length === 0 && room > 0 ? { reason: 'no_new_candidates' } : null;
  return { proposals, canonicals, waiting };
}
