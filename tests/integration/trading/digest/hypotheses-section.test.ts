import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { HypothesisStore, type Proposal } from '../../../../src/trading/hypotheses/store.js';
import { HypothesisBookStore, type BookSnapshot } from '../../../../src/trading/hypotheses/books.js';
import { loadHypothesesDigest, loadRealTrades, transitionWindow } from '../../../../src/trading/digest/hypotheses.js';
import { collectHypothesesStatus } from '../../../../src/trading/status/hypotheses.js';
import type { HypothesisDefinition } from '../../../../src/engine/hypotheses/definition.js';
import { nextSession, nyLocalParts, previousSession, sessionInfo } from '../../../../src/engine/calendar/index.js';
import { createTestDatabase } from '../../../helpers/pg.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let uow: TypeOrmUnitOfWork;
let store: HypothesisStore;
let books: HypothesisBookStore;

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 4 });
  await ds.initialize();
  uow = new TypeOrmUnitOfWork(ds);
  store = new HypothesisStore(uow, new AuditLog(uow));
  books = new HypothesisBookStore(uow);
});
afterAll(async () => {
  await ds.destroy();
  await db.drop();
});
beforeEach(async () => {
  await ds.query('TRUNCATE hypotheses, hypothesis_transitions, hypothesis_generator_runs, hypothesis_books, orders, approvals, picks, scan_runs CASCADE');
});

function proposal(n: number): Proposal {
  const definition: HypothesisDefinition = {
    family: 'momentum',
    market: 'US',
    centre: { lookback: 10 + n, minChangePct: 5 },
    grid: { lookback: [String(9 + n), String(10 + n), String(11 + n)] },
    exits: { atrPeriod: 14, stopAtr: 2, timeStopBars: 20, targetAtr: null },
  };
  return { definition, canonical: `digest:${n}` };
}

/** The session whose close-digest window (previous close, this close] holds the present instant. */
function sessionHoldingNow(): string {
  const now = Date.now();
  const today = nyLocalParts(now).date;
  const info = sessionInfo(today);
  return info && now <= info.close ? today : nextSession(today);
}

const passedFigures = {
  verdict: 'PAPER',
  figures: { oosTrades: 44, sharpe: 1.61, maxDrawdown: 0.08, profitFactor: 1.9, winRate: 0.52 },
  checks: [{ rule: 'deflated_sharpe_too_low', actual: 0.97, op: '>=', limit: 0.95, pass: true }],
  reasons: [],
  dsr: 0.97,
  demo: true,
};
const failedFigures = {
  verdict: 'RETIRED',
  figures: { oosTrades: 12, sharpe: 0.4, maxDrawdown: 0.2, profitFactor: 1.1, winRate: 0.3 },
  checks: [
    { rule: 'too_few_trades', actual: 12, op: '>=', limit: 30, pass: false },
    { rule: 'win_rate_too_low', actual: 0.3, op: '>=', limit: 0.4, pass: false },
    { rule: 'profit_factor_too_low', actual: Infinity, op: '>=', limit: 1.5, pass: true },
  ],
  reasons: ['too_few_trades', 'win_rate_too_low'],
  dsr: 0.1,
  demo: false,
};

function snapshot(id: string, session: string, state: 'PAPER' | 'LIVE', values: number[]): BookSnapshot {
  return {
    hypothesisId: id,
    session,
    state,
    version: 2,
    bookFrom: session,
    bookFromSource: 'state_since',
    sessions: values.length,
    startEquity: 100_000,
    figures: { paper: { closedTrades: 7, sharpe: 1.25, maxDrawdown: 0.031, profitFactor: 1.7 }, live: null },
    review: { verdict: 'STAY' },
    equity: { dates: values.map((_, i) => `2026-01-${String(i + 2).padStart(2, '0')}`), values },
    trades: { closed: 7, open: 2, lastClosed: [], openTrades: [] },
    closedR: [],
    demo: true,
  };
}

describe('the close digest hypotheses section (data)', () => {
  it('is null when there are no transitions in the window and no PAPER/LIVE hypothesis', async () => {
    expect(await loadHypothesesDigest(uow, sessionHoldingNow())).toBeNull();
  });

  it("lists the window's transitions with the figure behind each, and not in the previous session's window", async () => {
    const session = sessionHoldingNow();
    const [a, b] = await store.propose('US', session, [proposal(1), proposal(2)], 'generator');
    const pa = await store.transition(a!.id, a!.version, { kind: 'incubation_passed' }, { actor: 'incubator', session, figures: passedFigures });
    const pb = await store.transition(b!.id, b!.version, { kind: 'incubation_failed' }, { actor: 'incubator', session, figures: failedFigures, extras: { retiredReason: 'too_few_trades' } });
    expect(pa.ok && pb.ok).toBe(true);

    const d = await loadHypothesesDigest(uow, session);
    expect(d).not.toBeNull();
    expect(d!.since).toBe(previousSession(session));
    expect(d!.transitions.map((t) => [t.hypothesisId, t.from, t.to])).toEqual([
      [a!.id, null, 'INCUBATING'],
      [b!.id, null, 'INCUBATING'],
      [a!.id, 'INCUBATING', 'PAPER'],
      [b!.id, 'INCUBATING', 'RETIRED'],
    ]);
    expect(d!.transitions[2]!.figure).toEqual({ kind: 'incubation', oosTrades: 44, sharpe: 1.61, dsr: 0.97, failed: [], demo: true });
    expect(d!.transitions[3]!.figure).toEqual({ kind: 'incubation', oosTrades: 12, sharpe: 0.4, dsr: 0.1, failed: failedFigures.checks.slice(0, 2), demo: false });
    // a is PAPER now with no snapshot yet: listed as such.
    expect(d!.books).toEqual([{ hypothesisId: a!.id, family: 'momentum', market: 'US', state: 'PAPER', snapshot: null, real: null }]);

    const before = await loadHypothesesDigest(uow, previousSession(session));
    expect(before!.transitions).toEqual([]);
    const w = transitionWindow(session);
    expect(w.from.getTime()).toBe(sessionInfo(previousSession(session))!.close);
  });

  it("shows each PAPER/LIVE book's latest snapshot on or before the session, and a LIVE one's real closed trades", async () => {
    const session = sessionHoldingNow();
    const prev = previousSession(session);
    const [a] = await store.propose('US', prev, [proposal(3)], 'generator');
    await store.transition(a!.id, a!.version, { kind: 'incubation_passed' }, { actor: 'incubator', session: prev, figures: passedFigures });
    await books.upsert(snapshot(a!.id, prev, 'PAPER', [100_000, 100_500, 101_234]));
    await books.upsert(snapshot(a!.id, nextSession(session), 'PAPER', [100_000, 90_000])); // after the digest's session: not shown

    const d = await loadHypothesesDigest(uow, session);
    const book = d!.books.find((x) => x.hypothesisId === a!.id)!;
    expect(book.snapshot).toMatchObject({ session: prev, sessions: 3, closedTrades: 7, openTrades: 2, sharpe: 1.25, maxDrawdown: 0.031, startEquity: 100_000, endEquity: 101_234, demo: true });
    expect(book.real).toBeNull();

    // Make it LIVE (bypassing the promotion card, which is another use case) and book one real round trip sourced by it.
    await ds.query(`UPDATE hypotheses SET state = 'LIVE' WHERE id = $1`, [a!.id]);
    await ds.query(`INSERT INTO scan_runs (id, requested_by, chat_id, as_of, strategies, status, symbols, demo) VALUES ('run-h', 1, 1, $1, '{donchian}', 'done', 1, false)`, [prev]);
    const roundTrip = async (symbol: string, source: string, pnl: number): Promise<void> => {
      const pick = randomUUID();
      const approval = randomUUID();
      await ds.query(
        `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, target, atr, score, qty, dollar_risk, reasons, demo, state, expires_at, pick_sources)
         VALUES ($1, 'run-h', $2, $3, $4, 10, 9, NULL, 0.5, 1, 10, 10, '[]', false, 'APPROVED', now(), $5::jsonb)`,
        [pick, prev, symbol, source, JSON.stringify([{ source }])],
      );
      await ds.query(`INSERT INTO approvals (id, pick_id, approved_by, approved_at, expires_at, state) VALUES ($1, $2, 1, now(), now(), 'filled')`, [approval, pick]);
      const order = async (kind: 'entry' | 'exit', booked: string, realized: number | null): Promise<void> => {
        await ds.query(
          `INSERT INTO orders (id, approval_id, kind, exit_reason, realized_pnl, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force, state, filled_qty, avg_fill_price, budget_date, reserved_amount, booked_at)
           VALUES ($1, $2, $3, $4, $5, $6, 'paper', $7, $8, $9, 10, 10, 'ioc', 'filled', 10, 10, $10::timestamptz::date, 0, $10)`,
          [randomUUID(), kind === 'entry' ? approval : null, kind, kind === 'exit' ? 'stop' : null, realized, randomUUID().slice(0, 30), symbol, source, kind === 'entry' ? 'buy' : 'sell', booked],
        );
      };
      await order('entry', new Date(Date.now() - 7_200_000).toISOString(), null);
      await order('exit', new Date(Date.now() - 3_600_000).toISOString(), pnl);
    };
    await roundTrip('AAA', `hyp:${a!.id}`, 56.7);
    await roundTrip('BBB', 'donchian', -999); // another source's trade: not counted
    const live = (await loadHypothesesDigest(uow, session))!.books.find((x) => x.hypothesisId === a!.id)!;
    expect(live.state).toBe('LIVE');
    expect(live.real).toEqual({ closedTrades: 1, realizedPnl: 56.7 });
    expect(await loadRealTrades(uow, a!.id, new Date(Date.now() - 5_000_000))).toEqual({ closedTrades: 0, realizedPnl: 0 });
  });
});

describe('/status hypotheses (data)', () => {
  it("reads the generator's last run and the counts per state with the caps", async () => {
    const session = sessionHoldingNow();
    expect(await store.claimGeneratorRun('US', session)).toBe(true);
    await store.finishGeneratorRun('US', session, 0, { reason: 'incubating_cap_full', cap: 50, count: 50 });
    await store.propose('US', session, [proposal(5), proposal(6)], 'generator');
    const s = await collectHypothesesStatus({
      store,
      queue: { counts: async () => ({ waiting: 2, active: 0, delayed: 0, failed: 0 }), running: async () => [] },
      markets: ['US'],
      slots: [],
    });
    expect(s.markets).toEqual([
      {
        market: 'US',
        generator: { session, proposed: 0, waiting: { reason: 'incubating_cap_full', cap: 50, count: 50 }, at: expect.any(Date) },
        counts: { INCUBATING: 2, PAPER: 0, LIVE: 0, RETIRED: 0 },
        caps: { INCUBATING: 50, PAPER: 10, LIVE: 3 },
      },
    ]);
    expect(s.nextRun).toBeNull();
  });
});
