/**
 * Promotion needs a person (issue 14 item 5, DESIGN section 9). A qualifying
 * PAPER hypothesis gets a card (from the session job, or /promote ID) with
 * Promote and Keep, both carrying one confirm token bound to the hypothesis
 * as shown (id, version) and — when the market's LIVE cap is full — to the
 * LIVE hypothesis the promotion would demote (its id and version).
 *
 * - Promote: only an admin; the hypothesis must not have moved, nor the one
 *   to demote; it must qualify NOW (its latest snapshot's figures and session
 *   count, not the card's); then one store transition (or, at a full cap,
 *   demote-then-promote in one transaction). A double tap acts once.
 * - Keep: only an admin; the card is spent and the hypothesis is asked again
 *   10 sessions later (ask_again_after = its book's sessions now + 10).
 * There is no force-promote: nothing here promotes a hypothesis that does
 * not qualify.
 */
import type { UnitOfWork } from '../../adapters/db/port.js';
import type { Check } from '../../engine/hypotheses/checks.js';
import type { MarketId } from '../../engine/hypotheses/definition.js';
import type { TransitionRefusalReason } from '../../engine/hypotheses/lifecycle.js';
import type { PaperQualificationRule } from '../../engine/hypotheses/paper-review.js';
import { PAPER_RULES } from '../../engine/hypotheses/rules.js';
import { roleAllows, type Role } from '../../lib/roles.js';
import { Confirmations, CONFIRM_TTL_MS, type ConfirmRefusal, type IssuedConfirmation } from '../confirmations/confirmations.js';
import type { AuditSink } from '../execution/audit-journal.js';
import type { HypothesisBookStore } from './books.js';
import { promoteCardData, qualificationNow, type PromoteCardData } from './promote-card.js';
import type { HypothesisStore, StoredHypothesis, StoreTransitionResult } from './store.js';
import { sessionOnOrBefore } from './views-sessions.js';
import { peekToken } from './confirm-peek.js';
import { auditTap, type TapAuditLog } from './tap-audit.js';

/** The confirmation's action. Its subject is {@link promoteSubject}; its version the hypothesis's version. */
export const PROMOTE_CONFIRM_ACTION = 'hypothesis.promote';

/**
 * How long the card sent after a session's close stays tappable. Longer than
 * a typed confirm's 5 minutes on purpose: it arrives after the close and is
 * answered the next day. A long life acts on nothing stale: every tap
 * re-checks the bound versions and that the hypothesis qualifies now.
 */
export const PROMOTE_CARD_TTL_MS = 24 * 3_600_000;

/** /promote ID's card (asked for just now): a typed confirm's life. */
export const PROMOTE_ASK_TTL_MS = CONFIRM_TTL_MS;

/** The LIVE hypothesis a token also binds: a tap after it moved is stale. */
export interface BoundDemotion {
  id: string;
  version: number;
}

/** `hypothesis:<id>` or `hypothesis:<id>;demote:<id>@<version>`. */
export function promoteSubject(id: string, demote: BoundDemotion | null): string {
  return demote ? `hypothesis:${id};demote:${demote.id}@${demote.version}` : `hypothesis:${id}`;
}

/** The inverse of {@link promoteSubject}; null for a subject it did not write. */
export function parsePromoteSubject(subject: string): { id: string; demote: BoundDemotion | null } | null {
  const m = /^hypothesis:([a-z0-9]+)(?:;demote:([a-z0-9]+)@(\d+))?$/.exec(subject);
  if (!m) return null;
  return { id: m[1]!, demote: m[2] ? { id: m[2], version: Number(m[3]) } : null };
}

/** What promotion needs. */
export interface PromoteDeps {
  db: UnitOfWork;
  store: Pick<HypothesisStore, 'get' | 'list' | 'transition' | 'transitionTogether' | 'markAsked'>;
  books: Pick<HypothesisBookStore, 'latest'>;
  audit: AuditSink;
  now: () => Date;
  /** The session a promotion at `nowMs` is filed under (default: the market's session on or before it). */
  sessionOf?: (market: MarketId, nowMs: number) => string;
  /** Where a failed audit append is reported. */
  log?: TapAuditLog;
}

/** A card with its token (one token for both buttons). */
export interface PromoteCard {
  data: PromoteCardData;
  token: IssuedConfirmation;
}

/**
 * - `card`: it qualifies now; the card and its token;
 * - `not_found`: no hypothesis has that id;
 * - `not_paper`: only a PAPER hypothesis can be promoted (its state says why not);
 * - `not_reviewed`: PAPER but no shadow-book snapshot of its current PAPER period yet;
 * - `not_qualifying`: its latest snapshot fails these checks;
 * - `moved`: (session job) it is no longer at the version the review saw;
 * - `forbidden`: only an admin may ask.
 */
export type PromoteAsk =
  | { kind: 'card'; card: PromoteCard }
  | { kind: 'not_found'; id: string }
  | { kind: 'not_paper'; hypothesis: StoredHypothesis }
  | { kind: 'not_reviewed'; hypothesis: StoredHypothesis }
  | { kind: 'not_qualifying'; hypothesis: StoredHypothesis; session: string; sessions: number; checks: Check<PaperQualificationRule>[] }
  | { kind: 'moved'; hypothesis: StoredHypothesis; expectedVersion: number }
  | { kind: 'forbidden' };

/**
 * The Promote card of hypothesis `id` if it qualifies now, with a fresh
 * token. Used by the session job (no person: `issuedBy` null) and by
 * {@link askPromote}.
 *
 * @param opts.expectedVersion the version the caller saw (the session review's): a moved hypothesis gets no card
 */
export async function promoteCard(
  deps: Pick<PromoteDeps, 'db' | 'store' | 'books' | 'now'>,
  id: string,
  opts: { issuedBy: number | null; ttlMs: number; expectedVersion?: number },
): Promise<Exclude<PromoteAsk, { kind: 'forbidden' }>> {
  const h = await deps.store.get(id);
  if (!h) return { kind: 'not_found', id };
  if (opts.expectedVersion !== undefined && h.version !== opts.expectedVersion) return { kind: 'moved', hypothesis: h, expectedVersion: opts.expectedVersion };
  if (h.state !== 'PAPER') return { kind: 'not_paper', hypothesis: h };
  const q = await qualificationNow(deps.books, h);
  if (q.kind === 'not_reviewed') return { kind: 'not_reviewed', hypothesis: h };
  if (!q.qualifies) return { kind: 'not_qualifying', hypothesis: h, session: q.snapshot.session, sessions: q.snapshot.sessions, checks: q.checks };
  const data = await promoteCardData(deps, h, q);
  const demote = data.demote ? { id: data.demote.weakest.id, version: data.demote.weakest.version } : null;
  const token = await new Confirmations(deps.db, { now: deps.now }).issue({
    action: PROMOTE_CONFIRM_ACTION,
    subject: promoteSubject(h.id, demote),
    version: h.version,
    issuedBy: opts.issuedBy,
    ttlMs: opts.ttlMs,
  });
  return { kind: 'card', card: { data, token } };
}

/** /promote ID: an admin asks for the card of a PAPER hypothesis that qualifies now (no force-promote). */
export async function askPromote(deps: PromoteDeps, req: { id: string; by: number; role: Role }): Promise<PromoteAsk> {
  if (!roleAllows(req.role, 'admin')) return { kind: 'forbidden' };
  return promoteCard(deps, req.id, { issuedBy: req.by, ttlMs: PROMOTE_ASK_TTL_MS });
}

/**
 * - `promoted`: this tap made it LIVE (`demoted`: the LIVE one it replaced, in the same transaction);
 * - `refused`: the token is unknown, used (a double tap's second press, or Keep), or expired;
 * - `stale`: the hypothesis moved since the card was shown (`hypothesis` as it is now);
 * - `stale_demote`: the LIVE hypothesis the card would demote moved (or is gone);
 * - `not_reviewed` / `not_qualifying`: it does not qualify now (the checks that fail);
 * - `live_full`: the LIVE cap filled since the card was shown (it named no one to demote);
 * - `not_found`, `not_allowed` (the lifecycle refused the edge), `forbidden` (not an admin).
 */
export type PromoteConfirm =
  | {
      kind: 'promoted';
      hypothesis: StoredHypothesis;
      transitionId: number;
      demoted: { hypothesis: StoredHypothesis; transitionId: number } | null;
      session: string;
      sessions: number;
      checks: Check<PaperQualificationRule>[];
    }
  | { kind: 'refused'; refusal: ConfirmRefusal }
  | { kind: 'stale'; hypothesis: StoredHypothesis; shownVersion: number }
  | { kind: 'stale_demote'; hypothesis: StoredHypothesis; demoteId: string; demote: StoredHypothesis | null; shownVersion: number }
  | { kind: 'not_reviewed'; hypothesis: StoredHypothesis }
  | { kind: 'not_qualifying'; hypothesis: StoredHypothesis; session: string; sessions: number; checks: Check<PaperQualificationRule>[] }
  | { kind: 'live_full'; hypothesis: StoredHypothesis }
  | { kind: 'not_found'; id: string }
  | { kind: 'not_allowed'; reason: TransitionRefusalReason; hypothesis: StoredHypothesis }
  | { kind: 'forbidden' };

/** A token as it was issued, or why it cannot act at all (unknown, spent). */
async function readToken(
  db: UnitOfWork,
  tokenId: string,
): Promise<{ ok: true; subject: string; id: string; demote: BoundDemotion | null; shownVersion: number } | { ok: false; refusal: ConfirmRefusal }> {
  const t = await peekToken(db, tokenId, PROMOTE_CONFIRM_ACTION);
  const parsed = t ? parsePromoteSubject(t.subject) : null;
  if (!t || !parsed) return { ok: false, refusal: { kind: 'unknown' } };
  // A second tap is "already used", not "it changed" (the first tap changed it).
  if (t.used_at && t.outcome) return { ok: false, refusal: { kind: 'used', how: t.outcome, usedAt: t.used_at } };
  return { ok: true, subject: t.subject, id: parsed.id, demote: parsed.demote, shownVersion: Number(t.version) };
}

/**
 * The Promote tap. Checks, in order: admin; the token (unknown, spent); the
 * hypothesis at the version shown; the LIVE one to demote at the version
 * shown; it qualifies NOW; then spends the token (of concurrent taps one
 * wins) and moves it through the store, which checks every version again
 * under row locks: a change between the two steps is refused and nothing
 * moves. Every refusal after the role check is audited.
 */
export async function confirmPromote(deps: PromoteDeps, tokenId: string, by: number, role: Role): Promise<PromoteConfirm> {
  const refused = async (why: string, id: string | null) => {
    await auditTap(deps, { action: 'hypothesis.promote_refused', actor: by, hypothesisId: id, why });
  };
  if (!roleAllows(role, 'admin')) {
    await refused('forbidden', null);
    return { kind: 'forbidden' };
  }
  const t = await readToken(deps.db, tokenId);
  if (!t.ok) return { kind: 'refused', refusal: t.refusal };
  const h = await deps.store.get(t.id);
  if (!h) {
    await refused('not_found', t.id);
    return { kind: 'not_found', id: t.id };
  }
  if (h.version !== t.shownVersion) {
    await refused('stale', h.id);
    return { kind: 'stale', hypothesis: h, shownVersion: t.shownVersion };
  }
  if (t.demote) {
    const x = await deps.store.get(t.demote.id);
    if (!x || x.version !== t.demote.version || x.state !== 'LIVE') {
      await refused('stale_demote', h.id);
      return { kind: 'stale_demote', hypothesis: h, demoteId: t.demote.id, demote: x, shownVersion: t.demote.version };
    }
  }
  const q = await qualificationNow(deps.books, h);
  if (q.kind === 'not_reviewed') {
    await refused('not_reviewed', h.id);
    return { kind: 'not_reviewed', hypothesis: h };
  }
  if (!q.qualifies) {
    await refused('not_qualifying', h.id);
    return { kind: 'not_qualifying', hypothesis: h, session: q.snapshot.session, sessions: q.snapshot.sessions, checks: q.checks };
  }
  const verdict = await new Confirmations(deps.db, { now: deps.now }).redeem(
    tokenId,
    { action: PROMOTE_CONFIRM_ACTION, subject: t.subject },
    { version: h.version, changedAt: h.stateSince },
    by,
  );
  if (verdict.kind !== 'ok') {
    await refused(verdict.kind, h.id);
    if (verdict.kind === 'stale') return { kind: 'stale', hypothesis: (await deps.store.get(h.id)) ?? h, shownVersion: verdict.version };
    return { kind: 'refused', refusal: verdict };
  }

  const session = (deps.sessionOf ?? sessionOnOrBefore)(h.market, deps.now().getTime());
  const snap = q.snapshot;
  const promoteStep = {
    id: h.id,
    expectedVersion: h.version,
    event: { kind: 'promote' as const, by: 'admin' as const, qualifiesNow: true },
    actor: String(by),
    session,
    figures: {
      by,
      shownVersion: h.version,
      // The figures that justified it: the latest snapshot's, checked at the tap.
      snapshotSession: snap.session,
      sessions: snap.sessions,
      figures: snap.figures.paper,
      checks: q.checks,
      demoted: t.demote?.id ?? null,
    },
  };
  if (!t.demote) {
    const moved = await deps.store.transition(h.id, h.version, promoteStep.event, promoteStep);
    if (moved.ok) return { kind: 'promoted', hypothesis: moved.hypothesis, transitionId: moved.transitionId, demoted: null, session: snap.session, sessions: snap.sessions, checks: q.checks };
    await refused(moved.reason, h.id);
    return storeRefusal(moved, h, t.shownVersion);
  }
  const together = await deps.store.transitionTogether([
    // Demotion first: it makes room under the LIVE cap for the promotion, in the same transaction.
    {
      id: t.demote.id,
      expectedVersion: t.demote.version,
      event: { kind: 'demote' },
      actor: String(by),
      session,
      figures: { by, reason: 'demoted_to_promote', promoted: h.id, shownVersion: t.demote.version },
    },
    promoteStep,
  ]);
  if (together.ok) {
    const [d, p] = together.results as [Extract<StoreTransitionResult, { ok: true }>, Extract<StoreTransitionResult, { ok: true }>];
    return {
      kind: 'promoted',
      hypothesis: p.hypothesis,
      transitionId: p.transitionId,
      demoted: { hypothesis: d.hypothesis, transitionId: d.transitionId },
      session: snap.session,
      sessions: snap.sessions,
      checks: q.checks,
    };
  }
  const r = together.result as Extract<StoreTransitionResult, { ok: false }>;
  await refused(`${together.failed === 0 ? 'demote' : 'promote'}:${r.reason}`, h.id);
  if (together.failed === 0) return { kind: 'stale_demote', hypothesis: h, demoteId: t.demote.id, demote: r.hypothesis, shownVersion: t.demote.version };
  return storeRefusal(r, h, t.shownVersion);
}

function storeRefusal(moved: Extract<StoreTransitionResult, { ok: false }>, h: StoredHypothesis, shownVersion: number): PromoteConfirm {
  const now = moved.hypothesis;
  if (!now) return { kind: 'not_found', id: h.id };
  switch (moved.reason) {
    case 'stale':
      return { kind: 'stale', hypothesis: now, shownVersion };
    case 'cap_full':
      return { kind: 'live_full', hypothesis: now };
    case 'not_found':
      return { kind: 'not_found', id: h.id };
    default:
      return { kind: 'not_allowed', reason: moved.reason, hypothesis: now };
  }
}

/**
 * - `kept`: the card is spent; the card is sent again once its book has `askAgainAt` sessions (if it still qualifies);
 * - `refused`, `stale`, `not_reviewed`, `not_found`, `forbidden`: as for Promote; nothing changed.
 */
export type PromoteKeep =
  | { kind: 'kept'; hypothesis: StoredHypothesis; session: string; sessions: number; askAgainAt: number }
  | { kind: 'refused'; refusal: ConfirmRefusal }
  | { kind: 'stale'; hypothesis: StoredHypothesis; shownVersion: number }
  | { kind: 'not_reviewed'; hypothesis: StoredHypothesis }
  | { kind: 'not_found'; id: string }
  | { kind: 'forbidden' };

/**
 * The Keep tap: spends the card's token (its Promote does nothing
 * afterwards) and sets ask_again_after to the book's sessions now + 10
 * (PAPER_RULES.askAgainAfterSessions). Until then no card is sent; a
 * qualifying hypothesis is never retired by the 90-session rule meanwhile
 * (paperReview's order). Audited.
 */
export async function keepPromotion(deps: PromoteDeps, tokenId: string, by: number, role: Role): Promise<PromoteKeep> {
  if (!roleAllows(role, 'admin')) {
    await auditTap(deps, { action: 'hypothesis.keep_refused', actor: by, hypothesisId: null, why: 'forbidden' });
    return { kind: 'forbidden' };
  }
  const t = await readToken(deps.db, tokenId);
  if (!t.ok) return { kind: 'refused', refusal: t.refusal };
  const h = await deps.store.get(t.id);
  if (!h) return { kind: 'not_found', id: t.id };
  if (h.version !== t.shownVersion || h.state !== 'PAPER') return { kind: 'stale', hypothesis: h, shownVersion: t.shownVersion };
  const q = await qualificationNow(deps.books, h);
  if (q.kind === 'not_reviewed') return { kind: 'not_reviewed', hypothesis: h };
  const c = await new Confirmations(deps.db, { now: deps.now }).cancel(tokenId, { action: PROMOTE_CONFIRM_ACTION, subject: t.subject }, by);
  if (c.kind !== 'cancelled') return { kind: 'refused', refusal: c };
  const askAgainAt = q.snapshot.sessions + PAPER_RULES.askAgainAfterSessions;
  if (!(await deps.store.markAsked(h.id, h.version, q.snapshot.session, askAgainAt))) {
    const now = await deps.store.get(h.id);
    return now ? { kind: 'stale', hypothesis: now, shownVersion: t.shownVersion } : { kind: 'not_found', id: h.id };
  }
  // The Keep is recorded already (token spent, ask_again_after set): a failed audit row is logged, not thrown.
  await auditTap(deps, { action: 'hypothesis.promotion_kept', actor: by, hypothesisId: h.id, version: h.version, session: q.snapshot.session, sessions: q.snapshot.sessions, askAgainAt });
  return { kind: 'kept', hypothesis: h, session: q.snapshot.session, sessions: q.snapshot.sessions, askAgainAt };
}
