import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import type { BarSeries } from '../../../../src/engine/bars.js';
import { canonicalString } from '../../../../src/engine/hypotheses/canonical.js';
import { proposeHypotheses } from '../../../../src/engine/hypotheses/generator.js';
import type { HypothesisDefinition } from '../../../../src/engine/hypotheses/definition.js';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { HypothesisStore } from '../../../../src/trading/hypotheses/store.js';
import { incubateOne, UniverseTooShortError } from '../../../../src/trading/hypotheses/incubate.js';
import { inProcessEvaluator, type HypothesisEvaluator } from '../../../../src/trading/hypotheses/evaluate-stored.js';
import { MarketNotAvailableError, scanDataUniverse, type HypothesisUniverse } from '../../../../src/trading/hypotheses/universe.js';
import { createTestDatabase } from '../../../helpers/pg.js';
import { plantedUniverse } from '../../../helpers/planted-edge.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let store: HypothesisStore;

// 12 symbols × 800 weekdays: enough for ~9 walk-forward windows, small enough to stay fast.
const PLANTED = plantedUniverse({ seed: 11, symbols: 12, bars: 800, planted: true });
const CONTROL = plantedUniverse({ seed: 11, symbols: 12, bars: 800, planted: false });
let bars: { series: BarSeries[]; demo: boolean } = { series: PLANTED, demo: false };
const universe: HypothesisUniverse = { load: async () => bars };

/** The generator's own first proposals of the given families (what the session job would store). */
function generated(families: readonly string[]): HypothesisDefinition[] {
  const all = proposeHypotheses({ market: 'US', existing: [], incubating: 0 }).proposals;
  return families.map((f) => all.find((d) => d.family === f)!);
}

async function propose(defs: readonly HypothesisDefinition[], session = '2025-01-02') {
  return store.propose('US', session, defs.map((definition) => ({ definition, canonical: canonicalString(definition) })), 'generator');
}

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 4 });
  await ds.initialize();
  const uow = new TypeOrmUnitOfWork(ds);
  store = new HypothesisStore(uow, new AuditLog(uow));
});
afterAll(async () => {
  await ds.destroy();
  await db.drop();
});
beforeEach(async () => {
  await ds.query('TRUNCATE hypotheses, hypothesis_transitions, hypothesis_generator_runs CASCADE');
  bars = { series: PLANTED, demo: false };
});

describe('incubateOne', () => {
  it('moves a planted-edge hypothesis to PAPER with its figures, params and daily Sharpe, audited; a second run changes nothing', async () => {
    const [h] = await propose(generated(['down_closes']));
    const r = await incubateOne({ store, universe }, h!.id, { session: '2025-01-03' });
    expect(r.kind).toBe('transitioned');
    if (r.kind !== 'transitioned') return;
    expect(r.to).toBe('PAPER');
    expect(r.record.reasons).toEqual([]);
    expect(r.record.figures.oosTrades).toBeGreaterThanOrEqual(30);
    expect(r.record.dsr).toBeGreaterThanOrEqual(0.95);
    expect(r.record.checks.every((c) => c.pass)).toBe(true);
    expect(r.record.demo).toBe(false);
    expect(r.record.data).toMatchObject({ firstDate: PLANTED[0]!.dates[0], lastDate: PLANTED[0]!.dates.at(-1), symbols: 12 });
    const stored = (await store.get(h!.id))!;
    expect(stored.state).toBe('PAPER');
    expect(stored.stateSinceSession).toBe('2025-01-03');
    expect(stored.params).toEqual(r.record.params);
    expect(Object.keys(stored.params!).length).toBeGreaterThan(0);
    expect(stored.dailySharpe).toBe(r.record.deflated.sharpe);
    expect((stored.evaluation as { outcome: { to: string } }).outcome.to).toBe('PAPER');
    const ts = await store.transitions(h!.id);
    expect(ts.map((t) => [t.from_state, t.to_state, t.event, t.actor])).toEqual([
      [null, 'INCUBATING', 'proposed', 'generator'],
      ['INCUBATING', 'PAPER', 'incubation_passed', 'incubator'],
    ]);
    expect(ts.every((t) => t.audit_seq !== null)).toBe(true);
    expect((ts[1]!.figures as { deflated: { trials: number } }).deflated.trials).toBe(1);

    const again = await incubateOne({ store, universe }, h!.id, { session: '2025-01-06' });
    expect(again.kind).toBe('not_incubating');
    expect(await store.transitions(h!.id)).toHaveLength(2);
  });

  it('retires every control (random-walk) hypothesis with its reasons, deflated over the finished ones; DEMO data is labelled', async () => {
    bars = { series: CONTROL, demo: true };
    const hs = await propose(generated(['momentum', 'down_closes', 'rsi_oversold', 'ibs_low']));
    for (const [i, h] of hs.entries()) {
      const r = await incubateOne({ store, universe }, h.id, { session: '2025-01-03' });
      expect(r.kind).toBe('transitioned');
      if (r.kind !== 'transitioned') continue;
      expect(r.to).toBe('RETIRED');
      expect(r.record.reasons.length).toBeGreaterThan(0);
      expect(r.record.demo).toBe(true);
      const stored = (await store.get(h.id))!;
      expect(stored.retiredReason).toBe(r.record.reasons.join(', '));
      // N counts every finished evaluation with a daily Sharpe, this one included.
      expect(r.record.deflated.trials).toBe((await store.finishedDailySharpes('US')).length);
      expect(r.record.deflated.trials).toBeLessThanOrEqual(i + 1);
    }
    expect((await store.counts('US')).RETIRED).toBe(4);
  });

  it('N counts the evaluations that finished while this one ran (concurrent incubations): the verdict is deflated when it is decided', async () => {
    bars = { series: CONTROL, demo: true };
    const [a, b] = await propose(generated(['momentum', 'down_closes']));
    let priorAtStart: readonly number[] | null = null;
    // b's evaluation finishes (and is stored) while a's is still running.
    const racing: HypothesisEvaluator = {
      evaluate: async (definition, series, prior, hooks) => {
        priorAtStart = prior;
        const rb = await incubateOne({ store, universe }, b!.id, { session: '2025-01-03' });
        expect(rb.kind).toBe('transitioned');
        return inProcessEvaluator.evaluate(definition, series, prior, hooks);
      },
    };
    const ra = await incubateOne({ store, universe, evaluator: racing }, a!.id, { session: '2025-01-03' });
    expect(priorAtStart).toEqual([]);
    expect(ra.kind).toBe('transitioned');
    if (ra.kind !== 'transitioned') return;
    const finished = await store.finishedDailySharpes('US');
    expect(finished).toHaveLength(2);
    expect(ra.record.deflated.trials).toBe(2);
    const stored = (await store.transitions(a!.id)).at(-1)!.figures as { deflated: { trials: number; sr0: number } };
    expect(stored.deflated.trials).toBe(2);
    expect(stored.deflated.sr0).toBe(ra.record.deflated.sr0);
  });

  it('a cancel between steps leaves it INCUBATING with nothing stored', async () => {
    const [h] = await propose(generated(['rsi_oversold']));
    let polls = 0;
    const r = await incubateOne({ store, universe }, h!.id, { session: '2025-01-03', hooks: { stepsPerYield: 1, shouldCancel: () => ++polls >= 3 } });
    expect(r.kind).toBe('cancelled');
    expect(polls).toBe(3);
    const stored = (await store.get(h!.id))!;
    expect(stored).toMatchObject({ state: 'INCUBATING', version: 1, evaluation: null, params: null });
    expect(await store.transitions(h!.id)).toHaveLength(1);
  });

  it('a pass at a full PAPER cap stays INCUBATING (paper_full) and nothing is stored', async () => {
    const fillers = await store.propose(
      'US',
      '2025-01-02',
      Array.from({ length: 10 }, (_, i) => ({ definition: { ...generated(['momentum'])[0]!, centre: { lookback: 30 + i, minChangePct: 10 } }, canonical: `filler-${i}` })),
      'generator',
    );
    for (const f of fillers) expect((await store.transition(f.id, 1, { kind: 'incubation_passed' }, { actor: 't', session: '2025-01-02', figures: {} })).ok).toBe(true);
    const [h] = await propose(generated(['down_closes']));
    const r = await incubateOne({ store, universe }, h!.id, { session: '2025-01-03' });
    expect(r.kind).toBe('paper_full');
    if (r.kind === 'paper_full') expect(r.record.verdict).toBe('PAPER');
    expect(await store.get(h!.id)).toMatchObject({ state: 'INCUBATING', version: 1, params: null });
  });

  it('a stale version changes nothing; a too-short universe or the KR market is a typed error and it stays INCUBATING', async () => {
    const [h] = await propose(generated(['ibs_low']));
    expect((await incubateOne({ store, universe }, h!.id, { session: '2025-01-03', version: 7 })).kind).toBe('stale');
    bars = { series: plantedUniverse({ seed: 3, symbols: 3, bars: 252, planted: true }), demo: false };
    await expect(incubateOne({ store, universe }, h!.id, { session: '2025-01-03' })).rejects.toBeInstanceOf(UniverseTooShortError);
    const kr = scanDataUniverse({ members: async () => [], load: async () => new Map() });
    await expect(kr.load('KR')).rejects.toBeInstanceOf(MarketNotAvailableError);
    expect(await store.get(h!.id)).toMatchObject({ state: 'INCUBATING', version: 1 });
    expect(await incubateOne({ store, universe }, 'h00000000', { session: '2025-01-03' })).toEqual({ kind: 'not_found', id: 'h00000000' });
  });

  it('the US universe over scan data: every member in symbol order, DEMO when any member is synthetic', async () => {
    const map = new Map(PLANTED.slice(0, 3).map((s) => [s.symbol, s]));
    const u = scanDataUniverse({
      members: async () => ['P02', 'P00', 'P01', 'MISSING'].map((symbol) => ({ symbol, demo: symbol === 'P01', lastDate: null })),
      load: async (symbols) => new Map(symbols.filter((s) => map.has(s)).map((s) => [s, map.get(s)!])),
    });
    const got = await u.load('US');
    expect(got.series.map((s) => s.symbol)).toEqual(['P00', 'P01', 'P02']);
    expect(got.demo).toBe(true);
  });
});
