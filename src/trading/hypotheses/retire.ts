/**
 * /retire ID: an admin retires a hypothesis after a confirm bound to the
 * hypothesis as shown (its id and version). A press after the hypothesis
 * moved (incubation finished, a demotion, another admin's retire) changes
 * nothing and says why; of any number of presses at most one retires it.
 */
import type { UnitOfWork } from '../../adapters/db/port.js';
import type { MarketId } from '../../engine/hypotheses/definition.js';
import type { TransitionRefusalReason } from '../../engine/hypotheses/lifecycle.js';
import type { HypothesisState } from '../../engine/hypotheses/states.js';
import { roleAllows, type Role } from '../../lib/roles.js';
import { Confirmations, type ConfirmRefusal, type IssuedConfirmation } from '../confirmations/confirmations.js';
import type { AuditSink } from '../execution/audit-journal.js';
import type { HypothesisStore, StoredHypothesis } from './store.js';
import { sessionOnOrBefore } from './views-sessions.js';
import { peekToken } from './confirm-peek.js';
import { auditTap, type TapAuditLog } from './tap-audit.js';

/** The confirmation's action; its subject is `hypothesis:<id>` and its version the hypothesis's version. */
export const RETIRE_CONFIRM_ACTION = 'hypothesis.retire';

const subjectOf = (id: string) => `hypothesis:${id}`;

/** What retiring needs. */
export interface RetireDeps {
  db: UnitOfWork;
  store: Pick<HypothesisStore, 'get' | 'transition'>;
  audit: AuditSink;
  now: () => Date;
  /** The session a retirement at `nowMs` is filed under (default: the market's session on or before it). */
  sessionOf?: (market: MarketId, nowMs: number) => string;
  /** Where a failed audit append is reported. */
  log?: TapAuditLog;
}

/**
 * - `ask`: the confirm to show, its token bound to (id, version);
 * - `not_found`: no hypothesis has that id;
 * - `already_retired`: RETIRED is final, nothing to confirm;
 * - `forbidden`: only an admin may retire.
 */
export type RetireAsk =
  | { kind: 'ask'; hypothesis: StoredHypothesis; token: IssuedConfirmation }
  | { kind: 'not_found'; id: string }
  | { kind: 'already_retired'; hypothesis: StoredHypothesis }
  | { kind: 'forbidden' };

/** Issues the bound confirm for retiring hypothesis `id`, as `by` sees it now. */
export async function askRetire(deps: RetireDeps, req: { id: string; by: number; role: Role }): Promise<RetireAsk> {
  if (!roleAllows(req.role, 'admin')) return { kind: 'forbidden' };
  const h = await deps.store.get(req.id);
  if (!h) return { kind: 'not_found', id: req.id };
  if (h.state === 'RETIRED') return { kind: 'already_retired', hypothesis: h };
  const token = await new Confirmations(deps.db, { now: deps.now }).issue({ action: RETIRE_CONFIRM_ACTION, subject: subjectOf(h.id), version: h.version, issuedBy: req.by });
  return { kind: 'ask', hypothesis: h, token };
}

/**
 * - `retired`: this press retired it (`from` the state it left);
 * - `refused`: the token is unknown, used (a double tap's second press), cancelled or expired;
 * - `stale`: the hypothesis moved since the confirm was shown (`hypothesis` as it is now; `shownVersion` what was confirmed);
 * - `already_retired`: it is RETIRED now (RETIRED is final);
 * - `not_found`: the hypothesis is gone;
 * - `not_allowed`: the lifecycle refused the edge (never expected for an admin's retire of a non-retired one);
 * - `forbidden`: pressed by someone who is not an admin.
 */
export type RetireConfirm =
  | { kind: 'retired'; hypothesis: StoredHypothesis; from: HypothesisState; transitionId: number }
  | { kind: 'refused'; refusal: ConfirmRefusal }
  | { kind: 'stale'; hypothesis: StoredHypothesis; shownVersion: number }
  | { kind: 'already_retired'; hypothesis: StoredHypothesis }
  | { kind: 'not_found'; id: string }
  | { kind: 'not_allowed'; reason: TransitionRefusalReason; hypothesis: StoredHypothesis }
  | { kind: 'forbidden' };

/**
 * The Confirm press: spends the token only while the hypothesis still has the
 * version it was shown at, then retires it through the store (which checks
 * that version again under a row lock, so a change between the two steps is
 * refused too). Every refusal is audited.
 */
export async function confirmRetire(deps: RetireDeps, tokenId: string, by: number, role: Role): Promise<RetireConfirm> {
  const refused = async (why: string, id: string | null) => {
    await auditTap(deps, { action: 'hypothesis.retire_refused', actor: by, hypothesisId: id, why });
  };
  if (!roleAllows(role, 'admin')) {
    await refused('forbidden', null);
    return { kind: 'forbidden' };
  }
  const t = await peekToken(deps.db, tokenId, RETIRE_CONFIRM_ACTION);
  const id = t?.subject.startsWith('hypothesis:') ? t.subject.slice('hypothesis:'.length) : null;
  if (!t || !id) return { kind: 'refused', refusal: { kind: 'unknown' } };
  // A second tap is "already used", not "it changed" (the first tap changed it).
  if (t.used_at && t.outcome) return { kind: 'refused', refusal: { kind: 'used', how: t.outcome, usedAt: t.used_at } };
  const h = await deps.store.get(id);
  if (!h) {
    await refused('not_found', id);
    return { kind: 'not_found', id };
  }
  const verdict = await new Confirmations(deps.db, { now: deps.now }).redeem(tokenId, { action: RETIRE_CONFIRM_ACTION, subject: subjectOf(id) }, { version: h.version, changedAt: h.stateSince }, by);
  if (verdict.kind !== 'ok') {
    await refused(verdict.kind, id);
    if (verdict.kind === 'stale') return h.state === 'RETIRED' ? { kind: 'already_retired', hypothesis: h } : { kind: 'stale', hypothesis: h, shownVersion: verdict.version };
    return { kind: 'refused', refusal: verdict };
  }
  const nowMs = deps.now().getTime();
  const session = (deps.sessionOf ?? sessionOnOrBefore)(h.market, nowMs);
  const moved = await deps.store.transition(id, verdict.version, { kind: 'retire', by: 'admin' }, { actor: String(by), session, figures: { by, shownVersion: verdict.version }, extras: { retiredReason: 'admin' } });
  if (moved.ok) return { kind: 'retired', hypothesis: moved.hypothesis, from: moved.from, transitionId: moved.transitionId };
  await refused(moved.reason, id);
  const now = moved.hypothesis;
  if (!now) return { kind: 'not_found', id };
  if (moved.reason === 'retired_is_final' || now.state === 'RETIRED') return { kind: 'already_retired', hypothesis: now };
  if (moved.reason === 'stale') return { kind: 'stale', hypothesis: now, shownVersion: verdict.version };
  if (moved.reason === 'not_found') return { kind: 'not_found', id };
  // cap_full never applies to RETIRED; the rest are the lifecycle's own reasons.
  return { kind: 'not_allowed', reason: moved.reason === 'cap_full' ? 'no_such_edge' : moved.reason, hypothesis: now };
}

/** The Cancel press: spends the token without acting (its Confirm does nothing afterwards). */
export async function cancelRetire(deps: Pick<RetireDeps, 'db' | 'now'>, tokenId: string, by: number): Promise<{ kind: 'cancelled'; id: string } | { kind: 'refused'; refusal: ConfirmRefusal }> {
  const t = await peekToken(deps.db, tokenId, RETIRE_CONFIRM_ACTION);
  if (!t) return { kind: 'refused', refusal: { kind: 'unknown' } };
  const c = await new Confirmations(deps.db, { now: deps.now }).cancel(tokenId, { action: RETIRE_CONFIRM_ACTION, subject: t.subject }, by);
  if (c.kind !== 'cancelled') return { kind: 'refused', refusal: c };
  return { kind: 'cancelled', id: t.subject.slice('hypothesis:'.length) };
}
