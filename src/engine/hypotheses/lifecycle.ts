/**
 * The lifecycle as a typed state machine: `transition(from, event)` moves
 * only along DESIGN section 9's edges and otherwise says why not, as data.
 *
 *   INCUBATING → PAPER     incubation passed
 *   INCUBATING → RETIRED   incubation failed, or an admin retires it
 *   PAPER → LIVE           an admin promotes it, only while it qualifies now
 *   PAPER → RETIRED        the paper rules (90 sessions, DD > 15 %), or an admin
 *   LIVE → PAPER           demotion by the live rules (automatic: it reduces risk)
 *   LIVE → RETIRED         an admin
 *   RETIRED                final
 */
import type { HypothesisState } from './states.js';

/** Who acts: only admins may promote or retire by hand (a viewer's tap changes nothing). */
export type ActorRole = 'admin' | 'viewer';

/** Something that may move a hypothesis. The rules' verdicts are computed elsewhere (verdicts.ts) and arrive here as events. */
export type LifecycleEvent =
  /** The walk-forward verdict was PAPER. */
  | { kind: 'incubation_passed' }
  /** The walk-forward verdict was RETIRED. */
  | { kind: 'incubation_failed' }
  /** A tap on Promote or /promote. `qualifiesNow` is the paper review's answer at the moment of the tap. */
  | { kind: 'promote'; by: ActorRole; qualifiesNow: boolean }
  /** The paper review retired it (90 sessions without qualifying, or paper DD > 15 %). */
  | { kind: 'paper_retired' }
  /** The live review demoted it. */
  | { kind: 'demote' }
  /** /retire or a Retire button. */
  | { kind: 'retire'; by: ActorRole };

export type LifecycleEventKind = LifecycleEvent['kind'];

/** Why a transition was refused. */
export type TransitionRefusalReason =
  /** RETIRED is final. */
  | 'retired_is_final'
  /** The event has no edge from this state (e.g. promote an INCUBATING one, demote a PAPER one). */
  | 'no_such_edge'
  /** The event needs an admin and came from someone else. */
  | 'not_admin'
  /** Promotion of a PAPER hypothesis that does not qualify now (there is no force-promote). */
  | 'not_qualifying';

export type TransitionResult =
  | { ok: true; from: HypothesisState; to: HypothesisState; event: LifecycleEvent }
  | { ok: false; from: HypothesisState; event: LifecycleEvent; reason: TransitionRefusalReason };

/** Where each event leads from each state, before the actor and qualification checks. */
const EDGES: Readonly<Record<HypothesisState, Partial<Record<LifecycleEventKind, HypothesisState>>>> = {
  INCUBATING: { incubation_passed: 'PAPER', incubation_failed: 'RETIRED', retire: 'RETIRED' },
  PAPER: { promote: 'LIVE', paper_retired: 'RETIRED', retire: 'RETIRED' },
  LIVE: { demote: 'PAPER', retire: 'RETIRED' },
  RETIRED: {},
};

/** The new state after `event`, or a typed refusal; pure. */
export function transition(from: HypothesisState, event: LifecycleEvent): TransitionResult {
  const refuse = (reason: TransitionRefusalReason): TransitionResult => ({ ok: false, from, event, reason });
  if (from === 'RETIRED') return refuse('retired_is_final');
  const to = EDGES[from][event.kind];
  if (to === undefined) return refuse('no_such_edge');
  if ((event.kind === 'promote' || event.kind === 'retire') && event.by !== 'admin') return refuse('not_admin');
  if (event.kind === 'promote' && !event.qualifiesNow) return refuse('not_qualifying');
  return { ok: true, from, to, event };
}

/** Every allowed (from, to) pair, for tests and the lifecycle chart. */
export const ALLOWED_EDGES: ReadonlyArray<readonly [HypothesisState, HypothesisState]> = Object.freeze(
  (Object.keys(EDGES) as HypothesisState[]).flatMap((from) =>
    [...new Set(Object.values(EDGES[from]))].map((to) => [from, to] as const),
  ),
);
