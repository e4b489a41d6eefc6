/**
 * The Promote use case (issue 14 item 5) on a real Postgres: the card only for a PAPER hypothesis that
 * qualifies now, the tap re-checking the latest snapshot, the LIVE cap of 3 turned into
 * "promote and demote the weakest" in one transaction, stale buttons (the hypothesis or the one to
 * demote moved), a double tap, a viewer's tap, and Keep setting when to ask again.
 */
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { paperReview } from '../../../../src/engine/hypotheses/paper-review.js';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { HypothesisBookStore } from '../../../../src/trading/hypotheses/books.js';
import { askPromote, confirmPromote, keepPromotion, promoteCard, PROMOTE_CARD_TTL_MS, type PromoteDeps } from '../../../../src/trading/hypotheses/promote.js';
import { lastAskedSessionCount } from '../../../../src/trading/hypotheses/session-review-ask.js';
import { HypothesisStore, type StoredHypothesis } from '../../../../src/trading/hypotheses/store.js';
import { createTestDatabase } from '../../../helpers/pg.js';
import { QUALIFYING, seedLive, seedPaper, snapshot, THIN_EDGE_R, weekdays } from './promote-seed.js';

const ADMIN = 1;
const VIEWER = 3;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let audit: AuditLog;
let store: HypothesisStore;
let books: HypothesisBookStore;
let deps: PromoteDeps;

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 6 });
  await ds.initialize();
  const uow = new TypeOrmUnitOfWork(ds);
  audit = new AuditLog(uow);
  store = new HypothesisStore(uow, audit);
  books = new HypothesisBookStore(uow);
  deps = { db: uow, store, books, audit, now: () => new Date('2026-11-02T21:00:00Z') };
});
afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});
beforeEach(async () => {
  await ds.query('TRUNCATE hypotheses, hypothesis_transitions, hypothesis_generator_runs, hypothesis_books, confirmations CASCADE');
});

async function card(h: StoredHypothesis) {
  const a = await askPromote(deps, { id: h.id, by: ADMIN, role: 'admin' });
  if (a.kind !== 'card') throw new Error(`expected a card, got ${a.kind}`);
  return a.card;
}
const events = async (id: string) => (await store.transitions(id)).map((t) => t.event);

describe('the Promote card', () => {
  it('is given for a PAPER hypothesis that qualifies on its latest snapshot, with its figures, OOS figures and half-Kelly sizing', async () => {
    const h = await seedPaper(store, 'card', 1);
    await snapshot(books, h, { sessions: 40, paper: QUALIFYING, closedR: THIN_EDGE_R });
    const c = await card(h);
    expect(c.data.checks.map((x) => x.pass)).toEqual([true, true, true, true, true]);
    expect(c.data.sessions).toBe(40);
    expect(c.data.oos?.figures.sharpe).toBe(1.5);
    // Half-Kelly recomputed here: 10 wins of 1.1R, 10 losses of 1R.
    const p = 10 / 20;
    const b = 1.1 / 1;
    const f = p - (1 - p) / b;
    expect(c.data.sizing.rule).toBe('kelly');
    expect(c.data.sizing.riskFraction).toBeCloseTo((f / 2) * (20 / 50), 12);
    expect(c.data.sizing.riskDollars).toBeCloseTo(100_000 * (f / 2) * (20 / 50), 6);
    expect(c.data.demote).toBeNull();
    expect(c.data.askAgainAt).toBe(50);
    expect(c.token.version).toBe(h.version);
  });

  it('with fewer than 5 losses there is no estimate: 0.25 % of equity', async () => {
    const h = await seedPaper(store, 'noest', 1);
    await snapshot(books, h, { sessions: 40, paper: QUALIFYING, closedR: [2, 2, 2, 2, 2, 2, -1, -1] });
    const c = await card(h);
    expect(c.data.sizing).toMatchObject({ rule: 'no_estimate', riskFraction: 0.0025, riskDollars: 250 });
  });

  it('says why there is none: not PAPER, never reviewed in PAPER, or the checks that fail; a viewer may not ask', async () => {
    const [inc] = await store.propose('US', '2026-09-01', [{ definition: { family: 'momentum', market: 'US', centre: {}, grid: {}, exits: { atrPeriod: 14, stopAtr: 2, timeStopBars: 20, targetAtr: null } }, canonical: 'inc' }], 'generator');
    expect((await askPromote(deps, { id: inc!.id, by: ADMIN, role: 'admin' })).kind).toBe('not_paper');
    const h = await seedPaper(store, 'fail', 1);
    expect((await askPromote(deps, { id: h.id, by: ADMIN, role: 'admin' })).kind).toBe('not_reviewed');
    await snapshot(books, h, { sessions: 40, paper: { ...QUALIFYING, sharpe: 0.5 } });
    const a = await askPromote(deps, { id: h.id, by: ADMIN, role: 'admin' });
    expect(a.kind).toBe('not_qualifying');
    if (a.kind === 'not_qualifying') expect(a.checks.filter((x) => !x.pass).map((x) => x.rule)).toEqual(['sharpe_too_low']);
    expect((await askPromote(deps, { id: h.id, by: VIEWER, role: 'viewer' })).kind).toBe('forbidden');
    expect((await askPromote(deps, { id: 'hdeadbeef', by: ADMIN, role: 'admin' })).kind).toBe('not_found');
    const rows = await ds.query(`SELECT count(*)::int AS n FROM confirmations`);
    expect(rows[0].n).toBe(0);
  });
});

describe('Promote', () => {
  it("an admin's tap makes it LIVE once under a double tap, on the audit chain, which verifies", async () => {
    const h = await seedPaper(store, 'tap', 1);
    await snapshot(books, h, { sessions: 40, paper: QUALIFYING });
    const c = await card(h);
    const [a, b] = await Promise.all([confirmPromote(deps, c.token.id, ADMIN, 'admin'), confirmPromote(deps, c.token.id, ADMIN, 'admin')]);
    const kinds = [a.kind, b.kind].sort();
    expect(kinds).toEqual(['promoted', 'refused']);
    const now = (await store.get(h.id))!;
    expect(now).toMatchObject({ state: 'LIVE', version: h.version + 1 });
    const rows = (await store.transitions(h.id)).filter((t) => t.event === 'promote');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ from_state: 'PAPER', to_state: 'LIVE', actor: String(ADMIN) });
    expect(rows[0]!.audit_seq).not.toBeNull();
    expect((await audit.verify()).ok).toBe(true);
  });

  it("a viewer's tap is refused and audited; nothing changes and the card still works for an admin", async () => {
    const h = await seedPaper(store, 'viewer', 1);
    await snapshot(books, h, { sessions: 40, paper: QUALIFYING });
    const c = await card(h);
    expect((await confirmPromote(deps, c.token.id, VIEWER, 'viewer')).kind).toBe('forbidden');
    expect((await keepPromotion(deps, c.token.id, VIEWER, 'viewer')).kind).toBe('forbidden');
    expect((await store.get(h.id))!).toMatchObject({ state: 'PAPER', askAgainAfter: null });
    const refused: { action: string; why: string; actor: unknown }[] = (
      await ds.query(`SELECT payload FROM audit_log WHERE payload->>'action' IN ('hypothesis.promote_refused', 'hypothesis.keep_refused') ORDER BY seq`)
    ).map((r: { payload: { action: string; why: string; actor: unknown } }) => r.payload);
    expect(refused.slice(-2).map((p) => [p.action, p.why, String(p.actor)])).toEqual([
      ['hypothesis.promote_refused', 'forbidden', String(VIEWER)],
      ['hypothesis.keep_refused', 'forbidden', String(VIEWER)],
    ]);
    expect((await confirmPromote(deps, c.token.id, ADMIN, 'admin')).kind).toBe('promoted');
  });

  it('re-checks that it qualifies NOW: a newer snapshot that fails makes the tap change nothing', async () => {
    const h = await seedPaper(store, 'recheck', 1);
    await snapshot(books, h, { sessions: 40, paper: QUALIFYING });
    const c = await card(h);
    // The next session's review: the drawdown has deepened past 10 %.
    await snapshot(books, h, { sessions: 41, paper: { ...QUALIFYING, maxDrawdown: 0.12 } });
    const r = await confirmPromote(deps, c.token.id, ADMIN, 'admin');
    expect(r.kind).toBe('not_qualifying');
    if (r.kind === 'not_qualifying') expect(r.checks.filter((x) => !x.pass).map((x) => x.rule)).toEqual(['drawdown_too_deep']);
    expect((await store.get(h.id))!.state).toBe('PAPER');
    expect(await events(h.id)).toEqual(['proposed', 'incubation_passed']);
  });

  it('a card shown before the hypothesis moved changes nothing', async () => {
    const h = await seedPaper(store, 'stale', 1);
    await snapshot(books, h, { sessions: 40, paper: QUALIFYING });
    const c = await card(h);
    const moved = await store.transition(h.id, h.version, { kind: 'retire', by: 'admin' }, { actor: 'other', session: '2026-11-02', figures: {} });
    expect(moved.ok).toBe(true);
    const r = await confirmPromote(deps, c.token.id, ADMIN, 'admin');
    expect(r).toMatchObject({ kind: 'stale', shownVersion: h.version });
    expect((await store.get(h.id))!.state).toBe('RETIRED');
  });

  it('at 3 LIVE the card names the weakest by shadow Sharpe and a tap demotes it then promotes, in one transaction', async () => {
    const live = [await seedLive(store, books, 'cap', 1, { shadowSharpe: 1.4 }), await seedLive(store, books, 'cap', 2, { shadowSharpe: 0.3 }), await seedLive(store, books, 'cap', 3, { shadowSharpe: 0.9 })];
    const h = await seedPaper(store, 'cap', 4);
    await snapshot(books, h, { sessions: 40, paper: QUALIFYING });
    const c = await card(h);
    expect(c.data.demote).toMatchObject({ basis: 'shadow', weakest: { id: live[1]!.id, version: live[1]!.version, sharpe: 0.3 } });
    expect(c.data.live).toEqual({ count: 3, cap: 3 });
    const r = await confirmPromote(deps, c.token.id, ADMIN, 'admin');
    expect(r.kind).toBe('promoted');
    expect((await store.get(h.id))!.state).toBe('LIVE');
    expect((await store.get(live[1]!.id))!.state).toBe('PAPER');
    expect((await store.counts('US')).LIVE).toBe(3);
    const demote = (await store.transitions(live[1]!.id)).at(-1)!;
    const promote = (await store.transitions(h.id)).at(-1)!;
    expect(demote).toMatchObject({ event: 'demote', from_state: 'LIVE', to_state: 'PAPER', actor: String(ADMIN) });
    expect(promote).toMatchObject({ event: 'promote', to_state: 'LIVE' });
    // Demotion first, in the same transaction (same commit: consecutive transition ids).
    expect(promote.id).toBe(demote.id + 1);
    expect((await audit.verify()).ok).toBe(true);
  });

  it('when a LIVE one has no shadow snapshot the weakest is chosen by OOS Sharpe, and the card says so', async () => {
    const a = await seedLive(store, books, 'oos', 1, { shadowSharpe: 0.1, oosSharpe: 2.5 });
    const b = await seedLive(store, books, 'oos', 2, { shadowSharpe: null, oosSharpe: 1.1 });
    await seedLive(store, books, 'oos', 3, { shadowSharpe: 1.0, oosSharpe: 1.8 });
    const h = await seedPaper(store, 'oos', 4);
    await snapshot(books, h, { sessions: 40, paper: QUALIFYING });
    const c = await card(h);
    // By shadow Sharpe `a` (0.1) would be weakest; with one missing, all are compared by OOS Sharpe.
    expect(c.data.demote).toMatchObject({ basis: 'oos', weakest: { id: b.id } });
    expect(c.data.demote!.weakest.id).not.toBe(a.id);
  });

  it('a card whose LIVE one to demote moved is stale and changes nothing', async () => {
    await seedLive(store, books, 'x', 1, { shadowSharpe: 1.4 });
    const x = await seedLive(store, books, 'x', 2, { shadowSharpe: 0.2 });
    await seedLive(store, books, 'x', 3, { shadowSharpe: 0.9 });
    const h = await seedPaper(store, 'x', 4);
    await snapshot(books, h, { sessions: 40, paper: QUALIFYING });
    const c = await card(h);
    expect(c.data.demote!.weakest.id).toBe(x.id);
    // X is demoted by the rules meanwhile, then promoted again: same state, a newer version.
    const d = await store.transition(x.id, x.version, { kind: 'demote' }, { actor: 'session-review', session: '2026-11-02', figures: {} });
    expect(d.ok).toBe(true);
    const back = await store.transition(x.id, x.version + 1, { kind: 'promote', by: 'admin', qualifiesNow: true }, { actor: 'seed', session: '2026-11-02', figures: {} });
    expect(back.ok).toBe(true);
    const before = await ds.query(`SELECT count(*)::int AS n FROM hypothesis_transitions`);
    const r = await confirmPromote(deps, c.token.id, ADMIN, 'admin');
    expect(r).toMatchObject({ kind: 'stale_demote', demoteId: x.id, shownVersion: x.version });
    expect((await store.get(h.id))!.state).toBe('PAPER');
    expect((await store.get(x.id))!.state).toBe('LIVE');
    expect(await ds.query(`SELECT count(*)::int AS n FROM hypothesis_transitions`)).toEqual(before);
  });

  it('a card shown with room under the cap, tapped after the cap filled, changes nothing and says the cap filled', async () => {
    await seedLive(store, books, 'fill', 1, { shadowSharpe: 1.4 });
    await seedLive(store, books, 'fill', 2, { shadowSharpe: 0.2 });
    const h = await seedPaper(store, 'fill', 4);
    await snapshot(books, h, { sessions: 40, paper: QUALIFYING });
    const c = await card(h);
    expect(c.data.demote).toBeNull();
    await seedLive(store, books, 'fill', 3, { shadowSharpe: 0.9 });
    const r = await confirmPromote(deps, c.token.id, ADMIN, 'admin');
    expect(r.kind).toBe('live_full');
    expect((await store.get(h.id))!.state).toBe('PAPER');
  });
});

describe('Keep', () => {
  it('spends the card and asks again 10 sessions on: the paper review asks again exactly then, and the Promote tap does nothing', async () => {
    const h = await seedPaper(store, 'keep', 1);
    const snap = await snapshot(books, h, { sessions: 40, paper: QUALIFYING });
    const c = await card(h);
    const k = await keepPromotion(deps, c.token.id, ADMIN, 'admin');
    expect(k).toMatchObject({ kind: 'kept', sessions: 40, askAgainAt: 50 });
    expect((await store.get(h.id))!).toMatchObject({ state: 'PAPER', askAgainAfter: 50, lastAskedSession: snap.session });
    expect(await confirmPromote(deps, c.token.id, ADMIN, 'admin')).toMatchObject({ kind: 'refused', refusal: { kind: 'used', how: 'cancelled' } });
    expect((await store.get(h.id))!.state).toBe('PAPER');
    // How the session review reads it: no card at 49 sessions, a card at 50 (qualifying all along, never retired).
    const now = (await store.get(h.id))!;
    const dates = weekdays(h.stateSinceSession, 60);
    const at = (n: number) => paperReview(QUALIFYING, n, lastAskedSessionCount(dates.slice(0, n), now.lastAskedSession, now.askAgainAfter));
    expect(at(49)).toMatchObject({ verdict: 'PROMOTION_CANDIDATE', ask: false });
    expect(at(50)).toMatchObject({ verdict: 'PROMOTION_CANDIDATE', ask: true });
  });

  it('a Keep on a card whose hypothesis moved changes nothing', async () => {
    const h = await seedPaper(store, 'keepstale', 1);
    await snapshot(books, h, { sessions: 40, paper: QUALIFYING });
    const c = await promoteCard(deps, h.id, { issuedBy: null, ttlMs: PROMOTE_CARD_TTL_MS });
    if (c.kind !== 'card') throw new Error(c.kind);
    await store.transition(h.id, h.version, { kind: 'paper_retired' }, { actor: 'session-review', session: '2026-11-02', figures: {} });
    expect((await keepPromotion(deps, c.card.token.id, ADMIN, 'admin')).kind).toBe('stale');
    expect((await store.get(h.id))!.askAgainAfter).toBeNull();
  });
});
