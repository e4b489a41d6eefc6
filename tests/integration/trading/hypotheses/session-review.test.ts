import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { HypothesisStore, type StoredHypothesis } from '../../../../src/trading/hypotheses/store.js';
import { HypothesisBookStore } from '../../../../src/trading/hypotheses/books.js';
import { reviewSession, type SessionReview } from '../../../../src/trading/hypotheses/session-review.js';
import type { HypothesisUniverse } from '../../../../src/trading/hypotheses/universe.js';
import type { HypothesisDefinition } from '../../../../src/engine/hypotheses/definition.js';
import { toSeries, type Bar, type BarSeries } from '../../../../src/engine/bars.js';
import { createTestDatabase } from '../../../helpers/pg.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let audit: AuditLog;
let store: HypothesisStore;
let books: HypothesisBookStore;

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 6 });
  await ds.initialize();
  const uow = new TypeOrmUnitOfWork(ds);
  audit = new AuditLog(uow);
  store = new HypothesisStore(uow, audit);
  books = new HypothesisBookStore(uow);
});
afterAll(async () => {
  await ds.destroy();
  await db.drop();
});
beforeEach(async () => {
  await ds.query('TRUNCATE hypotheses, hypothesis_transitions, hypothesis_generator_runs, hypothesis_books CASCADE');
});

/** Weekdays from 2025-01-06 on: the planted universe's calendar. */
function weekdays(n: number): string[] {
  const out: string[] = [];
  for (let t = Date.UTC(2025, 0, 6); out.length < n; t += 86_400_000) {
    const d = new Date(t);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/**
 * A planted series: from bar 20 on, every 5th bar (shifted by `phase`) closes 4 % above its open, which
 * fires momentum(lookback 1, minChangePct 3); every other bar moves by `drift(i)` (a fraction). A
 * positive drift after the jump makes every 3-bar trade a winner, a negative one a loser.
 */
function planted(symbol: string, dates: readonly string[], phase: number, drift: (i: number) => number): BarSeries {
  const rows: Bar[] = [];
  let price = 50;
  dates.forEach((date, i) => {
    const open = price;
    const close = i >= 20 && (i + phase) % 5 === 0 ? open * 1.04 : open * (1 + drift(i));
    rows.push({ date, open, high: Math.max(open, close) * 1.002, low: Math.min(open, close) * 0.998, close, volume: 1e6 });
    price = close;
  });
  return toSeries(symbol, rows);
}

function universe(series: BarSeries[]): HypothesisUniverse {
  return { load: async () => ({ series, demo: false }) };
}

const EXITS = { atrPeriod: 14, stopAtr: 2, timeStopBars: 3, targetAtr: null };

/** A momentum hypothesis made PAPER at `session` with fixed params (lookback 1, minChangePct). */
async function paperHypothesis(minChangePct: number, session: string): Promise<StoredHypothesis> {
  const definition: HypothesisDefinition = {
    family: 'momentum',
    market: 'US',
    centre: { lookback: 1, minChangePct },
    grid: { minChangePct: [String(minChangePct)] },
    exits: EXITS,
  };
  const [h] = await store.propose('US', session, [{ definition, canonical: `session-review:${minChangePct}` }], 'generator');
  const moved = await store.transition(h!.id, h!.version, { kind: 'incubation_passed' }, {
    actor: 'incubator',
    session,
    figures: { oosTrades: 40 },
    extras: { params: { lookback: 1, minChangePct } },
  });
  if (!moved.ok) throw new Error(`setup: ${moved.reason}`);
  return moved.hypothesis;
}

/** Reviews session after session (the test clock) until `stop` says so; returns every review. */
async function drive(
  deps: Parameters<typeof reviewSession>[0],
  dates: readonly string[],
  from: number,
  to: number,
  stop: (r: SessionReview) => boolean = () => false,
): Promise<SessionReview[]> {
  const out: SessionReview[] = [];
  for (let i = from; i <= to; i++) {
    const r = await reviewSession(deps, 'US', dates[i]!);
    out.push(r);
    if (stop(r)) break;
  }
  return out;
}

/** Independent recomputation: annualised Sharpe (sample sd) and max drawdown of an equity curve. */
function sharpeOf(values: readonly number[]): number {
  const r = values.slice(1).map((v, i) => v / values[i]! - 1);
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1));
  return (mean / sd) * Math.sqrt(252);
}
function maxDrawdownOf(values: readonly number[]): number {
  let peak = -Infinity;
  let dd = 0;
  for (const v of values) {
    peak = Math.max(peak, v);
    dd = Math.max(dd, (peak - v) / peak);
  }
  return dd;
}

describe('reviewSession (PAPER)', () => {
  it('makes a planted winning edge a promotion candidate once it has 30 sessions and 20 closed trades, without sending or marking anything', async () => {
    const dates = weekdays(160);
    // Three symbols: about 0.6 trades a session, so the 20-trade rule binds after the 30-session one.
    const series = [0, 1, 2].map((p) => planted(`W${p}`, dates, p, () => 0.005));
    const deps = { store, books, universe: universe(series) };
    const h = await paperHypothesis(3, dates[25]!);

    const reviews = await drive(deps, dates, 25, 120, (r) => r.promotionCandidates.length > 0);
    const last = reviews.at(-1)!;
    const cand = last.promotionCandidates[0]!;
    expect(cand).toMatchObject({ id: h.id, version: h.version, params: { lookback: 1, minChangePct: 3 } });
    expect(cand.sessions).toBeGreaterThanOrEqual(30);
    expect(cand.figures.closedTrades).toBeGreaterThanOrEqual(20);
    expect(cand.checks.every((c) => c.pass)).toBe(true);
    // The session before, it did not qualify yet: too few sessions or too few closed trades.
    const before = reviews.at(-2)!.reviewed[0]!;
    expect(before.verdict).toBe('STAY');
    expect(before.sessions < 30 || before.figures.paper.closedTrades < 20).toBe(true);
    expect(reviews.every((r) => r.retired.length === 0 && r.demoted.length === 0)).toBe(true);

    const now = (await store.get(h.id))!;
    expect(now).toMatchObject({ state: 'PAPER', version: h.version, lastAskedSession: null, askAgainAfter: null });
    expect((await store.transitions(h.id)).map((t) => t.event)).toEqual(['proposed', 'incubation_passed']);
  });

  it('asks again 10 sessions after a card was sent, and after a Keep only from the session count it set', async () => {
    const dates = weekdays(200);
    const series = [0, 1, 2, 3].map((p) => planted(`W${p}`, dates, p, () => 0.005));
    const deps = { store, books, universe: universe(series) };
    const h = await paperHypothesis(3, dates[25]!);
    const first = await drive(deps, dates, 25, 120, (r) => r.promotionCandidates.length > 0);
    const k = 25 + first.length - 1;
    const askedAt = first.at(-1)!.promotionCandidates[0]!.sessions;
    // The card step sends it and records the session.
    expect(await store.markAsked(h.id, h.version, dates[k]!, null)).toBe(true);

    const after = await drive(deps, dates, k + 1, k + 40, (r) => r.promotionCandidates.length > 0);
    expect(after.slice(0, -1).every((r) => r.reviewed[0]!.verdict === 'PROMOTION_CANDIDATE')).toBe(true);
    expect(after.at(-1)!.promotionCandidates[0]!.sessions).toBe(askedAt + 10);

    // Keep: ask again from 25 more sessions on (later than the 10 the sent card alone implies).
    const k2 = k + after.length;
    const keepUntil = askedAt + 10 + 25;
    expect(await store.markAsked(h.id, h.version, dates[k2]!, keepUntil)).toBe(true);
    const kept = await drive(deps, dates, k2 + 1, k2 + 40, (r) => r.promotionCandidates.length > 0);
    expect(kept.at(-1)!.promotionCandidates[0]!.sessions).toBe(keepUntil);
    expect(kept.slice(0, -1).every((r) => r.promotionCandidates.length === 0)).toBe(true);
  });

  it('retires a losing hypothesis as soon as its paper drawdown exceeds 15 %, audited, and a second run of that session changes nothing', async () => {
    const dates = weekdays(120);
    const series = Array.from({ length: 12 }, (_, k) => planted(`L${k}`, dates, k % 5, () => -0.015));
    const deps = { store, books, universe: universe(series) };
    const h = await paperHypothesis(3, dates[25]!);

    const reviews = await drive(deps, dates, 25, 119, (r) => r.retired.length > 0);
    const last = reviews.at(-1)!;
    expect(last.retired).toHaveLength(1);
    const retired = last.retired[0]!;
    expect(retired).toMatchObject({ id: h.id, reason: 'paper_drawdown_over_limit', version: h.version + 1 });
    expect(retired.check.actual!).toBeGreaterThan(0.15);
    expect(retired.sessions).toBeLessThan(90);
    expect(reviews.at(-2)!.reviewed[0]!.figures.paper.maxDrawdown!).toBeLessThanOrEqual(0.15);

    const stored = (await store.get(h.id))!;
    expect(stored).toMatchObject({ state: 'RETIRED', retiredReason: 'paper_drawdown_over_limit' });
    const transitionsBefore = await store.transitions(h.id);
    const t = transitionsBefore.at(-1)!;
    expect(t).toMatchObject({ from_state: 'PAPER', to_state: 'RETIRED', event: 'paper_retired', actor: 'session-review' });
    expect((t.figures as { check: { actual: number } }).check.actual).toBe(retired.check.actual);

    // The same session again: nothing to review, no second transition, one snapshot.
    const again = await reviewSession(deps, 'US', last.session);
    expect(again.reviewed).toEqual([]);
    expect(again.retired).toEqual([]);
    expect(await store.transitions(h.id)).toHaveLength(transitionsBefore.length);
    const n = (await ds.query(`SELECT count(*)::int AS n FROM hypothesis_books WHERE hypothesis_id = $1 AND session = $2`, [h.id, last.session])) as { n: number }[];
    expect(n[0]!.n).toBe(1);
    // Every transition is on the audit chain and the chain verifies.
    expect((await store.transitions(h.id)).every((r) => r.audit_seq !== null)).toBe(true);
    // (audit_log is not truncated between tests: keep this test's transitions only)
    const ids = new Set((await store.transitions(h.id)).map((r) => r.id));
    const payloads = (await ds.query(`SELECT payload FROM audit_log WHERE payload->>'action' = 'hypothesis.transition' ORDER BY seq`)) as {
      payload: { event: string; transitionId: number };
    }[];
    const ours = payloads.filter((p) => ids.has(p.payload.transitionId));
    expect(ours.map((p) => p.payload.event)).toEqual(['proposed', 'incubation_passed', 'paper_retired']);
    expect((await audit.verify()).ok).toBe(true);
  });

  it('retires a hypothesis that never qualifies after 90 sessions, not before', async () => {
    const dates = weekdays(140);
    const series = [0, 1].map((p) => planted(`W${p}`, dates, p, () => 0.005));
    const deps = { store, books, universe: universe(series) };
    // minChangePct 50 never fires on these series: no trades, no drawdown, never qualifying.
    const h = await paperHypothesis(50, dates[20]!);
    const reviews = await drive(deps, dates, 20, 139, (r) => r.retired.length > 0);
    const last = reviews.at(-1)!;
    expect(last.retired[0]).toMatchObject({ id: h.id, reason: 'not_qualified_within_sessions', sessions: 90 });
    expect(reviews.slice(0, -1).every((r) => r.reviewed[0]!.verdict === 'STAY')).toBe(true);
    expect(reviews.at(-2)!.reviewed[0]!.sessions).toBe(89);
    expect((await store.get(h.id))!.state).toBe('RETIRED');
  });
});

describe('reviewSession (LIVE)', () => {
  it('demotes a LIVE hypothesis on its own after 5 losses in a row; its book continues from PAPER and the snapshot recomputes', async () => {
    const dates = weekdays(150);
    const W = 100;
    // Winning until bar W, then every trade loses a little (the drawdown and Sharpe rules stay quiet).
    const series = [0, 1, 2, 3].map((p) => planted(`S${p}`, dates, p, (i) => (i >= W ? -0.003 : 0.005)));
    const deps = { store, books, universe: universe(series), equity: async () => 100_000 };
    const h = await paperHypothesis(3, dates[25]!);

    const paper = await drive(deps, dates, 25, W - 10, (r) => r.promotionCandidates.length > 0);
    const k = 25 + paper.length - 1;
    const cand = paper.at(-1)!.promotionCandidates[0]!;
    const promoted = await store.transition(h.id, cand.version, { kind: 'promote', by: 'admin', qualifiesNow: true }, { actor: '7', session: dates[k]!, figures: {} });
    expect(promoted.ok).toBe(true);

    const live = await drive(deps, dates, k + 1, 149, (r) => r.demoted.length > 0);
    const first = live[0]!.reviewed[0]!;
    expect(first).toMatchObject({ state: 'LIVE', bookFrom: dates[25], bookFromSource: 'transition_session' });
    const last = live.at(-1)!;
    expect(last.session > dates[W]!).toBe(true);
    const demoted = last.demoted[0]!;
    expect(demoted.reasons).toEqual(['loss_streak']);
    expect(demoted.figures.lossStreak).toBeGreaterThanOrEqual(5);
    expect(demoted.figures.allocationCap).toBe(40_000);
    const before = live.at(-2)!.reviewed[0]!;
    expect(before.verdict).toBe('KEEP');
    expect(before.figures.live!.lossStreak).toBeLessThan(5);
    expect(live.slice(0, -1).every((r) => r.demoted.length === 0)).toBe(true);

    const now = (await store.get(h.id))!;
    expect(now).toMatchObject({ state: 'PAPER', version: h.version + 2, stateSinceSession: last.session });
    const t = (await store.transitions(h.id)).at(-1)!;
    expect(t).toMatchObject({ from_state: 'LIVE', to_state: 'PAPER', event: 'demote', actor: 'session-review' });

    // The snapshot behind the demotion: its figures recompute from its stored equity.
    const snap = (await books.get(h.id, last.session))!;
    expect(snap).toMatchObject({ state: 'LIVE', bookFrom: dates[25], sessions: demoted.sessions, startEquity: 100_000 });
    const values = snap.equity.values;
    expect(snap.equity.dates).toHaveLength(values.length);
    expect(snap.figures.paper.sharpe!).toBeCloseTo(sharpeOf(values), 9);
    expect(snap.figures.paper.maxDrawdown!).toBeCloseTo(maxDrawdownOf(values), 12);
    expect(snap.figures.live!.drawdown).toBeCloseTo(Math.max(100_000, ...values) - values.at(-1)!, 6);
    expect(snap.closedR).toHaveLength(snap.trades.closed);
    expect(snap.closedR.slice(-5).every((r) => r < 0)).toBe(true);
    expect(snap.trades.lastClosed.slice(-5).map((x) => x.r)).toEqual(snap.closedR.slice(-5));

    // The same session again: the demoted hypothesis is now PAPER; no second demotion, the LIVE snapshot is kept.
    const again = await reviewSession(deps, 'US', last.session);
    expect(again.demoted).toEqual([]);
    expect(again.reviewed[0]).toMatchObject({ state: 'PAPER', bookFrom: last.session, sessions: 1 });
    expect((await store.transitions(h.id)).filter((x) => x.event === 'demote')).toHaveLength(1);
    expect((await books.get(h.id, last.session))!.state).toBe('LIVE');
    expect((await audit.verify()).ok).toBe(true);

    // Next session it is reviewed as PAPER from the demotion on.
    const next = await reviewSession(deps, 'US', dates[dates.indexOf(last.session) + 1]!);
    expect(next.reviewed[0]).toMatchObject({ state: 'PAPER', bookFrom: last.session, sessions: 2 });
  });

  it('reads a LIVE book start from the last transition into PAPER when it carries the session', async () => {
    const dates = weekdays(80);
    const series = [0, 1, 2, 3].map((p) => planted(`S${p}`, dates, p, () => 0.005));
    const deps = { store, books, universe: universe(series) };
    const definition: HypothesisDefinition = { family: 'momentum', market: 'US', centre: { lookback: 1, minChangePct: 3 }, grid: { minChangePct: ['3'] }, exits: EXITS };
    const [h] = await store.propose('US', dates[0]!, [{ definition, canonical: 'session-review:from' }], 'generator');
    await store.transition(h!.id, 1, { kind: 'incubation_passed' }, { actor: 'incubator', session: dates[30]!, figures: {}, extras: { params: { lookback: 1, minChangePct: 3 } } });
    await store.transition(h!.id, 2, { kind: 'promote', by: 'admin', qualifiesNow: true }, { actor: '7', session: dates[40]!, figures: {} });
    const r = await reviewSession(deps, 'US', dates[60]!);
    expect(r.reviewed[0]).toMatchObject({ state: 'LIVE', bookFrom: dates[30], bookFromSource: 'transition_session', sessions: 31 });
  });
});
