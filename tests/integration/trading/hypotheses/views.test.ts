/**
 * The hypotheses' chat reads and /retire's use case on a migrated test database, seeded
 * through HypothesisStore (propose + transition) like the generator and the incubator do.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeSlot } from '../../../../src/engine/schedule/slots.js';
import { collectHypothesesStatus } from '../../../../src/trading/status/hypotheses.js';
import type { DataSource } from 'typeorm';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { HypothesisStore, type Proposal, type StoredHypothesis } from '../../../../src/trading/hypotheses/store.js';
import type { HypothesisDefinition } from '../../../../src/engine/hypotheses/definition.js';
import type { HypothesisEvaluation } from '../../../../src/engine/hypotheses/evaluation-types.js';
import { incubate, trialStats } from '../../../../src/engine/hypotheses/trials.js';
import { PATTERN_FAMILIES } from '../../../../src/engine/patterns/registry.js';
import type { StoredEvaluation } from '../../../../src/trading/hypotheses/incubate.js';
import { hypothesesOverview, hypothesisDetail } from '../../../../src/trading/hypotheses/views.js';
import { askRetire, cancelRetire, confirmRetire, type RetireDeps } from '../../../../src/trading/hypotheses/retire.js';
import { createTestDatabase } from '../../../helpers/pg.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let uow: TypeOrmUnitOfWork;
let audit: AuditLog;
let store: HypothesisStore;
let deps: RetireDeps;

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 6 });
  await ds.initialize();
  uow = new TypeOrmUnitOfWork(ds);
  audit = new AuditLog(uow);
  store = new HypothesisStore(uow, audit);
  deps = { db: uow, store, audit, now: () => new Date('2026-12-08T22:00:00Z') };
});
afterAll(async () => {
  await ds.destroy();
  await db.drop();
});
beforeEach(async () => {
  await ds.query('TRUNCATE hypotheses, hypothesis_transitions, hypothesis_generator_runs, confirmations CASCADE');
});

const FAMILIES = ['momentum', 'ibs_low', 'rsi_oversold', 'ma_cross', 'nr_breakout'] as const;

function proposal(n: number, market: 'US' | 'KR' = 'US'): Proposal {
  const definition: HypothesisDefinition = {
    family: FAMILIES[n % FAMILIES.length]!,
    market,
    centre: { lookback: 10 + n },
    grid: { lookback: [String(9 + n), String(10 + n), String(11 + n)] },
    exits: { atrPeriod: 14, stopAtr: 2, timeStopBars: 20, targetAtr: null },
  };
  return { definition, canonical: `views-test:${market}:${n}` };
}

/** A walk-forward result as the engine returns it, with the given annualised Sharpe. */
function evaluation(sharpe: number): HypothesisEvaluation {
  return {
    figures: { oosTrades: 44, sharpe, maxDrawdown: 0.08, profitFactor: Infinity, winRate: 0.5 },
    daily: { days: 500, sharpe: sharpe / Math.sqrt(252), skewness: 0.1, kurtosis: 3.2 },
    chosenIndex: 1,
    latestWindow: { trainStart: '2025-06-02', trainEnd: '2026-06-01', chosenIndex: 1, trainScores: [0.4, 0.9, null] },
    chosenParams: { lookback: 11 },
    windows: [],
    equity: { dates: ['2025-01-02', '2025-01-03', '2025-01-06'], values: [100_000, 101_000, 100_500] },
    firstDate: '2024-01-02',
    lastDate: '2026-12-04',
    symbols: 12,
  };
}

/** Moves `h` to PAPER with its evaluation stored as the incubator stores it (incubate.ts: the evaluation, its outcome, the DEMO flag). */
async function toPaper(h: StoredHypothesis, sharpe: number, session = '2026-12-05', demo = false): Promise<StoredHypothesis> {
  const ev = evaluation(sharpe);
  const trials = trialStats([ev.daily.sharpe!]);
  const outcome = incubate(ev, trials);
  const stored: StoredEvaluation = { ...ev, outcome: { to: outcome.to, dsr: outcome.dsr, checks: outcome.checks, reasons: [], deflated: outcome.deflated }, demo };
  const r = await store.transition(h.id, h.version, { kind: 'incubation_passed' }, {
    actor: 'incubator',
    session,
    figures: { dsr: outcome.dsr },
    extras: { evaluation: stored, dailySharpe: ev.daily.sharpe, params: ev.chosenParams },
  });
  if (!r.ok) throw new Error(`seed: ${r.reason}`);
  return r.hypothesis;
}

describe('hypothesesOverview', () => {
  it('empty store: no market, and when the generator next runs: its scheduled slot, the time /status names', async () => {
    const nowMs = Date.parse('2026-12-12T17:00:00Z');
    const slots = [makeSlot('scan', 'open+30'), makeSlot('hypotheses', 'close+45')];
    const o = await hypothesesOverview(store, undefined, { nowMs, slots });
    expect(o.markets).toEqual([]);
    // Saturday: the next session is Monday Dec 14, which closes at 16:00 ET; the slot is 45 minutes later.
    expect(o.nextRun?.at.toISOString()).toBe('2026-12-14T21:45:00.000Z');
    expect(o.nextRun?.sessionDate).toBe('2026-12-14');
    const unreadable = { counts: () => Promise.reject(new Error('no redis')), running: () => Promise.reject(new Error('no redis')) };
    const statusSide = await collectHypothesesStatus({ store, queue: unreadable, markets: ['US'], slots, now: () => nowMs });
    expect(statusSide.nextRun).toEqual(o.nextRun);
    // No hypotheses slot (scheduler off): no next run is claimed.
    expect((await hypothesesOverview(store, undefined, { nowMs, slots: [slots[0]!] })).nextRun).toBeNull();
  });

  it('counts per state with caps, PAPER by OOS Sharpe (shadow Sharpe when given), INCUBATING oldest first, RETIRED latest first, the last run', async () => {
    const early = await store.propose('US', '2026-12-01', [proposal(0), proposal(1)], 'generator');
    const later = await store.propose('US', '2026-12-02', [proposal(2), proposal(3), proposal(4), proposal(5)], 'generator');
    await store.propose('KR', '2026-12-02', [proposal(6, 'KR')], 'generator');
    await store.claimGeneratorRun('US', '2026-12-02');
    await store.finishGeneratorRun('US', '2026-12-02', 4, null);
    const low = await toPaper(later[0]!, 1.1);
    const high = await toPaper(later[1]!, 2.3);
    const r1 = await store.transition(later[2]!.id, 1, { kind: 'incubation_failed' }, { actor: 'incubator', session: '2026-12-05', figures: {}, extras: { retiredReason: 'too_few_trades' } });
    const r2 = await store.transition(later[3]!.id, 1, { kind: 'retire', by: 'admin' }, { actor: '1', session: '2026-12-06', figures: {}, extras: { retiredReason: 'admin' } });
    expect(r1.ok && r2.ok).toBe(true);

    const o = await hypothesesOverview(store, 'US');
    expect(o.markets).toHaveLength(1);
    const us = o.markets[0]!;
    expect(us.counts).toEqual([
      { state: 'INCUBATING', count: 2, cap: 50 },
      { state: 'PAPER', count: 2, cap: 10 },
      { state: 'LIVE', count: 0, cap: 3 },
      { state: 'RETIRED', count: 2, cap: null },
    ]);
    expect(us.total).toBe(6);
    expect(us.top.PAPER.map((r) => [r.id, r.key])).toEqual([
      [high.id, { kind: 'sharpe', source: 'oos', value: 2.3 }],
      [low.id, { kind: 'sharpe', source: 'oos', value: 1.1 }],
    ]);
    expect(us.top.PAPER[0]!.familyTitle).toBe(PATTERN_FAMILIES[high.family as keyof typeof PATTERN_FAMILIES].title);
    expect(us.top.INCUBATING.map((r) => r.id)).toEqual(early.map((h) => h.id).sort());
    expect(us.top.RETIRED.map((r) => r.id)).toEqual([later[3]!.id, later[2]!.id]);
    expect(us.top.RETIRED[0]!.key).toEqual({ kind: 'retired', reason: 'admin', session: '2026-12-06' });
    expect(us.lastRun).toMatchObject({ session: '2026-12-02', proposed: 4 });

    const shadow = await hypothesesOverview(store, 'US', { shadowSharpes: new Map([[low.id, 3.0]]) });
    expect(shadow.markets[0]!.top.PAPER.map((r) => [r.id, r.key.kind === 'sharpe' ? r.key.source : null])).toEqual([
      [low.id, 'shadow'],
      [high.id, 'oos'],
    ]);

    const all = await hypothesesOverview(store, undefined, { top: 1 });
    expect(all.markets.map((m) => [m.market, m.total])).toEqual([
      ['US', 6],
      ['KR', 1],
    ]);
    expect(all.markets[0]!.top.INCUBATING).toHaveLength(1);
  });
});

describe('hypothesisDetail', () => {
  it('definition, fixed params, evaluation with checks and DSR, every transition in order, the OOS equity; unknown id → null', async () => {
    const [h] = await store.propose('US', '2026-12-01', [proposal(1)], 'generator');
    const paper = await toPaper(h!, 1.6, '2026-12-05', true);
    const d = (await hypothesisDetail(store, paper.id.toUpperCase()))!;
    expect(d.evaluation!.demo).toBe(true);
    expect(d).toMatchObject({ id: paper.id, state: 'PAPER', version: 2, family: 'ibs_low', grid: { lookback: ['10', '11', '12'] }, fixedParams: { lookback: 11 } });
    expect(d.familyTitle).toBe(PATTERN_FAMILIES.ibs_low.title);
    expect(d.evaluation!.figures.profitFactor).toBe(Infinity);
    expect(d.evaluation!.checks.map((c) => c.rule)).toEqual(['too_few_trades', 'sharpe_too_low', 'drawdown_too_deep', 'profit_factor_too_low', 'win_rate_too_low', 'deflated_sharpe_too_low']);
    expect(d.evaluation!.deflated).toMatchObject({ trials: 1, sr0: 0 });
    expect(d.evaluation!.dsr).toBe(d.evaluation!.deflated!.dsr);
    expect(d.transitions.map((t) => [t.from, t.to, t.event, t.actor])).toEqual([
      [null, 'INCUBATING', 'proposed', 'generator'],
      ['INCUBATING', 'PAPER', 'incubation_passed', 'incubator'],
    ]);
    expect(d.equity).toEqual({ dates: ['2025-01-02', '2025-01-03', '2025-01-06'], values: [100_000, 101_000, 100_500] });
    expect(await hypothesisDetail(store, 'hdeadbeef')).toBeNull();
  });
});

it("reads evaluateDefinition's own shape ({ evaluation, outcome, trials }) the same way", async () => {
  const [h] = await store.propose('US', '2026-12-01', [proposal(3)], 'generator');
  const ev = evaluation(0.8);
  const trials = trialStats([ev.daily.sharpe!]);
  const outcome = incubate(ev, trials);
  await store.transition(h!.id, 1, { kind: 'incubation_failed' }, { actor: 'incubator', session: '2026-12-05', figures: {}, extras: { evaluation: { evaluation: ev, outcome, trials } } });
  const d = (await hypothesisDetail(store, h!.id))!;
  expect(d.evaluation).toMatchObject({ verdict: 'RETIRED', reasons: outcome.to === 'RETIRED' ? outcome.reasons : [], dsr: outcome.dsr, demo: null, windows: 0, symbols: 12 });
  expect(d.evaluation!.checks).toEqual(outcome.checks);
  expect(d.evaluation!.reasons).toContain('sharpe_too_low');
});

describe('retire', () => {
  it('a viewer is refused and nothing is issued; unknown id and RETIRED say so', async () => {
    const [h] = await store.propose('US', '2026-12-01', [proposal(1)], 'generator');
    expect(await askRetire(deps, { id: h!.id, by: 3, role: 'viewer' })).toEqual({ kind: 'forbidden' });
    expect((await ds.query('SELECT count(*)::int AS n FROM confirmations'))[0].n).toBe(0);
    expect(await askRetire(deps, { id: 'hdeadbeef', by: 1, role: 'admin' })).toEqual({ kind: 'not_found', id: 'hdeadbeef' });
    await store.transition(h!.id, 1, { kind: 'retire', by: 'admin' }, { actor: '1', session: '2026-12-02', figures: {} });
    expect((await askRetire(deps, { id: h!.id, by: 1, role: 'admin' })).kind).toBe('already_retired');
  });

  it('an admin confirms; a double tap retires once with one transition on the audit chain, which verifies', async () => {
    const [h] = await store.propose('US', '2026-12-01', [proposal(1)], 'generator');
    const paper = await toPaper(h!, 1.6);
    const ask = await askRetire(deps, { id: paper.id, by: 1, role: 'admin' });
    if (ask.kind !== 'ask') throw new Error(ask.kind);
    expect(ask.hypothesis.version).toBe(2);
    expect(await confirmRetire(deps, ask.token.id, 3, 'viewer')).toEqual({ kind: 'forbidden' });
    const [a, b] = await Promise.all([confirmRetire(deps, ask.token.id, 1, 'admin'), confirmRetire(deps, ask.token.id, 1, 'admin')]);
    const kinds = [a.kind, b.kind].sort();
    expect(kinds).toEqual(['refused', 'retired']);
    const won = (a.kind === 'retired' ? a : b) as Extract<typeof a, { kind: 'retired' }>;
    expect(won.from).toBe('PAPER');
    expect(won.hypothesis).toMatchObject({ state: 'RETIRED', version: 3, retiredReason: 'admin', stateSinceSession: '2026-12-08' });
    const rows = await store.transitions(paper.id);
    expect(rows.filter((t) => t.event === 'retire')).toEqual([expect.objectContaining({ from_state: 'PAPER', to_state: 'RETIRED', actor: '1', figures: { by: 1, shownVersion: 2 } })]);
    const onChain = (await ds.query(`SELECT count(*)::int AS n FROM audit_log WHERE payload->>'action' = 'hypothesis.transition' AND payload->>'event' = 'retire' AND (payload->>'transitionId')::int = $1`, [won.transitionId]))[0].n;
    expect(onChain).toBe(1);
    expect((await audit.verify()).ok).toBe(true);
  });

  it('a stale confirm (the hypothesis moved since) changes nothing and says what it is now; a cancelled one does nothing', async () => {
    const [h, g] = await store.propose('US', '2026-12-01', [proposal(1), proposal(2)], 'generator');
    const ask = await askRetire(deps, { id: h!.id, by: 1, role: 'admin' });
    if (ask.kind !== 'ask') throw new Error(ask.kind);
    const paper = await toPaper(h!, 1.6);
    const r = await confirmRetire(deps, ask.token.id, 1, 'admin');
    expect(r).toMatchObject({ kind: 'stale', shownVersion: 1, hypothesis: { id: h!.id, state: 'PAPER', version: paper.version } });
    expect((await store.get(h!.id))!.state).toBe('PAPER');

    const ask2 = await askRetire(deps, { id: g!.id, by: 1, role: 'admin' });
    if (ask2.kind !== 'ask') throw new Error(ask2.kind);
    expect(await cancelRetire(deps, ask2.token.id, 1)).toEqual({ kind: 'cancelled', id: g!.id });
    expect(await confirmRetire(deps, ask2.token.id, 1, 'admin')).toMatchObject({ kind: 'refused', refusal: { kind: 'used', how: 'cancelled' } });
    expect((await store.get(g!.id))!.state).toBe('INCUBATING');
  });
});
