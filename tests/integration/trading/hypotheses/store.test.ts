import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { createHash } from 'node:crypto';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { HypothesisStore, type Proposal } from '../../../../src/trading/hypotheses/store.js';
import type { HypothesisDefinition } from '../../../../src/engine/hypotheses/definition.js';
import { createTestDatabase } from '../../../helpers/pg.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let uow: TypeOrmUnitOfWork;
let audit: AuditLog;
let store: HypothesisStore;

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 6 });
  await ds.initialize();
  uow = new TypeOrmUnitOfWork(ds);
  audit = new AuditLog(uow);
  store = new HypothesisStore(uow, audit);
});
afterAll(async () => {
  await ds.destroy();
  await db.drop();
});
beforeEach(async () => {
  await ds.query('TRUNCATE hypotheses, hypothesis_transitions, hypothesis_generator_runs CASCADE');
});

/** A distinct proposal per n; the canonical string stands in for the engine's (the store takes it as given). */
function proposal(n: number, market: 'US' | 'KR' = 'US'): Proposal {
  const definition: HypothesisDefinition = {
    family: 'momentum',
    market,
    centre: { lookback: 10 + n, minChangePct: 5 },
    grid: { lookback: [String(9 + n), String(10 + n), String(11 + n)] },
    exits: { atrPeriod: 14, stopAtr: 2, timeStopBars: 20, targetAtr: null },
  };
  return { definition, canonical: `test:${market}:${n}` };
}

const figures = { oosTrades: 40 };

describe('HypothesisStore', () => {
  it('stores a proposal as INCUBATING under the SHA-256 of its canonical string, once', async () => {
    const [h] = await store.propose('US', '2026-12-04', [proposal(1)], 'generator');
    const sha = createHash('sha256').update('test:US:1').digest('hex');
    expect(h!.hash).toBe(sha);
    expect(h!.id).toBe(`h${sha.slice(0, 8)}`);
    expect(h!.state).toBe('INCUBATING');
    expect(h!.version).toBe(1);
    expect(h!.proposedSession).toBe('2026-12-04');
    const again = await store.propose('US', '2026-12-05', [proposal(1)], 'generator');
    expect(again).toEqual([]);
    expect((await store.list()).map((x) => x.id)).toEqual([h!.id]);
    expect(await store.existing('US')).toEqual([{ family: 'momentum', canonical: 'test:US:1' }]);
  });

  it('never holds more than 50 INCUBATING in a market, even with two proposers at once; another market is not affected', async () => {
    const a = Array.from({ length: 40 }, (_, i) => proposal(i));
    const b = Array.from({ length: 40 }, (_, i) => proposal(100 + i));
    const [ra, rb] = await Promise.all([store.propose('US', '2026-12-04', a, 'g1'), store.propose('US', '2026-12-04', b, 'g2')]);
    expect(ra.length + rb.length).toBe(50);
    expect((await store.counts('US')).INCUBATING).toBe(50);
    const kr = await store.propose('KR', '2026-12-04', [proposal(1, 'KR')], 'g');
    expect(kr).toHaveLength(1);
  });

  it('refuses a proposal for another market than the one it is stored under', async () => {
    await expect(store.propose('US', '2026-12-04', [proposal(1, 'KR')], 'g')).rejects.toThrow(/KR/);
    expect(await store.list()).toEqual([]);
  });

  it('moves along lifecycle edges only, records the extras and refuses stale versions, viewers and RETIRED', async () => {
    const [h] = await store.propose('US', '2026-12-04', [proposal(1)], 'generator');
    const wrong = await store.transition(h!.id, 1, { kind: 'demote' }, { actor: 'x', session: '2026-12-04', figures });
    expect(wrong).toMatchObject({ ok: false, reason: 'no_such_edge' });
    const passed = await store.transition(h!.id, 1, { kind: 'incubation_passed' }, {
      actor: 'incubator',
      session: '2026-12-05',
      figures,
      extras: { evaluation: { sharpe: 1.4 }, dailySharpe: 0.09, params: { lookback: 11, minChangePct: 5 } },
    });
    expect(passed.ok).toBe(true);
    const paper = await store.get(h!.id.toUpperCase());
    expect(paper).toMatchObject({ state: 'PAPER', version: 2, stateSinceSession: '2026-12-05', dailySharpe: 0.09, params: { lookback: 11, minChangePct: 5 }, evaluation: { sharpe: 1.4 } });
    const stale = await store.transition(h!.id, 1, { kind: 'retire', by: 'admin' }, { actor: '7', session: '2026-12-05', figures: {} });
    expect(stale).toMatchObject({ ok: false, reason: 'stale' });
    const viewer = await store.transition(h!.id, 2, { kind: 'promote', by: 'viewer', qualifiesNow: true }, { actor: '8', session: '2026-12-05', figures: {} });
    expect(viewer).toMatchObject({ ok: false, reason: 'not_admin' });
    const retired = await store.transition(h!.id, 2, { kind: 'retire', by: 'admin' }, { actor: '7', session: '2026-12-06', figures: {}, extras: { retiredReason: 'admin' } });
    expect(retired.ok).toBe(true);
    const final = await store.transition(h!.id, null, { kind: 'incubation_passed' }, { actor: 'x', session: '2026-12-06', figures: {} });
    expect(final).toMatchObject({ ok: false, reason: 'retired_is_final' });
    expect((await store.get(h!.id))!.version).toBe(3);
    expect((await store.transitions(h!.id)).map((t) => [t.from_state, t.to_state, t.event])).toEqual([
      [null, 'INCUBATING', 'proposed'],
      ['INCUBATING', 'PAPER', 'incubation_passed'],
      ['PAPER', 'RETIRED', 'retire'],
    ]);
    expect(await store.transition('hdeadbeef', null, { kind: 'demote' }, { actor: 'x', session: '2026-12-06', figures: {} })).toMatchObject({ ok: false, reason: 'not_found' });
  });

  it('refuses PAPER beyond the cap of 10 and leaves the hypothesis INCUBATING', async () => {
    const hs = await store.propose('US', '2026-12-04', Array.from({ length: 11 }, (_, i) => proposal(i)), 'g');
    const results = [];
    for (const h of hs) results.push(await store.transition(h.id, null, { kind: 'incubation_passed' }, { actor: 'i', session: '2026-12-05', figures }));
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(results[10]).toMatchObject({ ok: false, reason: 'cap_full' });
    expect((await store.get(hs[10]!.id))!.state).toBe('INCUBATING');
  });

  it('puts every transition on the audit chain with its figures, and a sweep mends a row a crash left unaudited', async () => {
    const [h] = await store.propose('US', '2026-12-04', [proposal(1)], 'generator');
    await store.transition(h!.id, null, { kind: 'incubation_failed' }, { actor: 'incubator', session: '2026-12-05', figures: { reasons: ['too_few_trades'] } });
    // A crash between the commit and the append: a row without a seq.
    await ds.query(`INSERT INTO hypothesis_transitions (hypothesis_id, from_state, to_state, event, actor, figures, session) VALUES ($1, 'RETIRED', 'RETIRED', 'test_orphan', 'x', '{}', '2026-12-05')`, [h!.id]);
    expect(await store.sweepUnaudited()).toBe(1);
    const rows = await store.transitions(h!.id);
    expect(rows.every((r) => r.audit_seq !== null)).toBe(true);
    const payloads = (await ds.query(`SELECT payload FROM audit_log ORDER BY seq`)) as { payload: Record<string, unknown> }[];
    const ids = new Set(rows.map((r) => r.id));
    const hyp = payloads.map((p) => p.payload).filter((p) => p.action === 'hypothesis.transition' && ids.has(p.transitionId as number));
    expect(hyp.map((p) => [p.from, p.to, p.event])).toEqual([
      [null, 'INCUBATING', 'proposed'],
      ['INCUBATING', 'RETIRED', 'incubation_failed'],
      ['RETIRED', 'RETIRED', 'test_orphan'],
    ]);
    expect(hyp[1]!.figures).toEqual({ reasons: ['too_few_trades'] });
    expect((await audit.verify()).ok).toBe(true);
    expect(await store.sweepUnaudited()).toBe(0);
  });

  it('promotes and demotes in one transaction when LIVE is full; a refused step rolls the other back', async () => {
    const hs = await store.propose('US', '2026-12-04', Array.from({ length: 5 }, (_, i) => proposal(i)), 'g');
    for (const h of hs) await store.transition(h.id, null, { kind: 'incubation_passed' }, { actor: 'i', session: '2026-12-05', figures });
    const promote = { kind: 'promote', by: 'admin', qualifiesNow: true } as const;
    for (const h of hs.slice(0, 3)) expect((await store.transition(h.id, null, promote, { actor: '7', session: '2026-12-06', figures: {} })).ok).toBe(true);
    const [a, , , d, e] = hs;
    expect(await store.transition(d!.id, 2, promote, { actor: '7', session: '2026-12-07', figures: {} })).toMatchObject({ ok: false, reason: 'cap_full' });
    const both = await store.transitionTogether([
      { id: a!.id, expectedVersion: 3, event: { kind: 'demote' }, actor: '7', session: '2026-12-07', figures: { weakest: true } },
      { id: d!.id, expectedVersion: 2, event: promote, actor: '7', session: '2026-12-07', figures: {} },
    ]);
    expect(both.ok).toBe(true);
    expect((await store.get(a!.id))!.state).toBe('PAPER');
    expect((await store.get(d!.id))!.state).toBe('LIVE');
    // A stale second step (e's version is 2, not 1) undoes the demotion of the first.
    const b = hs[1]!;
    const refused = await store.transitionTogether([
      { id: b.id, expectedVersion: 3, event: { kind: 'demote' }, actor: '7', session: '2026-12-08', figures: {} },
      { id: e!.id, expectedVersion: 1, event: promote, actor: '7', session: '2026-12-08', figures: {} },
    ]);
    expect(refused).toMatchObject({ ok: false, failed: 1, result: { ok: false, reason: 'stale' } });
    expect((await store.get(b.id))!).toMatchObject({ state: 'LIVE', version: 3 });
    expect((await store.transitions(b.id)).map((t) => t.to_state)).toEqual(['INCUBATING', 'PAPER', 'LIVE']);
    expect((await store.counts('US')).LIVE).toBe(3);
    expect((await audit.verify()).ok).toBe(true);
  });

  it('demotes LIVE to PAPER even when PAPER is full: a risk-reducing change is never refused for a cap', async () => {
    const hs = await store.propose('US', '2026-12-04', Array.from({ length: 11 }, (_, i) => proposal(i)), 'g');
    for (const h of hs.slice(0, 10)) await store.transition(h.id, null, { kind: 'incubation_passed' }, { actor: 'i', session: '2026-12-05', figures });
    const live = hs[0]!;
    expect((await store.transition(live.id, 2, { kind: 'promote', by: 'admin', qualifiesNow: true }, { actor: '7', session: '2026-12-06', figures: {} })).ok).toBe(true);
    expect((await store.transition(hs[10]!.id, null, { kind: 'incubation_passed' }, { actor: 'i', session: '2026-12-06', figures })).ok).toBe(true);
    expect((await store.counts('US')).PAPER).toBe(10);
    const demoted = await store.transition(live.id, 3, { kind: 'demote' }, { actor: 'rules', session: '2026-12-07', figures: { reason: 'loss_streak' } });
    expect(demoted).toMatchObject({ ok: true, to: 'PAPER' });
    expect((await store.counts('US')).PAPER).toBe(11);
  });

  it('claims a generator run once per market and session', async () => {
    const claims = await Promise.all([1, 2, 3].map(() => store.claimGeneratorRun('US', '2026-12-04')));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store.claimGeneratorRun('KR', '2026-12-04')).toBe(true);
    expect(await store.claimGeneratorRun('US', '2026-12-07')).toBe(true);
    await store.finishGeneratorRun('US', '2026-12-07', 0, { reason: 'incubating_cap_full', cap: 50, count: 50 });
    expect(await store.lastGeneratorRun('US')).toMatchObject({ session: '2026-12-07', proposed: 0, waiting: { reason: 'incubating_cap_full' } });
  });
});
