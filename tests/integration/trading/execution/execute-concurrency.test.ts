import { ALWAYS_OPEN } from '../../../../src/engine/market-hours.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PaperBroker } from '../../../../src/adapters/brokers/paper/paper-broker.js';
import type { DataSource } from 'typeorm';
import { approvePick } from '../../../../src/trading/execution/approve-pick.js';
import { executeApproval, type ExecutionOutcome } from '../../../../src/trading/execution/execute.js';
import { makeWorld, type World } from './setup.js';

/**
 * The one-statement reservation and booking under concurrency: many approvals of ONE
 * symbol/strategy from two worker pools at once, starting with no daily_budget row (first-of-day
 * upsert race), filling at two different prices. The budget is never exceeded, every reservation
 * settles to exactly what filled, and the shared position is the exact quantity and average cost of
 * all fills.
 */
let w: World;
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(async () => {
  await w.close();
});

const N = 16;

describe('reserveAndCreate + book under concurrency', () => {
  it('N approvals for one position from two pools: budget atomic, settlement exact, position = sum of fills', async () => {
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      const pickId = await w.pick({ symbol: 'ABC' });
      const r = await approvePick(w.uow(), { pickId, userId: 42, role: 'trader', now: new Date() });
      if (r.kind !== 'approved') throw new Error(r.kind);
      ids.push(r.approvalId);
    }
    const other = await w.open(10);
    // Each run's broker fills at its own ask (9.95 or 10.00): limit is 10.01 (priced on ask 10).
    const broker = (on: DataSource, ask: number) =>
      new PaperBroker({ ds: on, quoteSource: async () => ({ bid: ask - 0.01, ask, time: '2025-01-02T15:00:00Z' }), startingCash: 100_000, pollMs: 10, marketHours: ALWAYS_OPEN });
    const limits = { dailyBudget: 500, maxPositionPct: 1_000, maxOpenPositions: 100 };
    const outs: ExecutionOutcome[] = await Promise.all(
      ids.map((id, i) => {
        const on = i % 2 ? other : w.ds;
        return executeApproval(w.deps({ db: w.uow(on), broker: broker(on, i % 4 < 2 ? 9.95 : 10), limits }), id);
      }),
    );
    const kinds = outs.map((o) => o.kind);
    expect(kinds.every((k) => k === 'filled' || k === 'refused'), kinds.join()).toBe(true);
    const filled = kinds.filter((k) => k === 'filled').length;
    expect(filled).toBeGreaterThan(0);
    expect(filled).toBeLessThan(N);

    const [b] = (await w.ds.query(`SELECT sum(spent)::float8 AS spent, count(*)::int AS n FROM daily_budget`)) as { spent: number; n: number }[];
    const [f] = (await w.ds.query(`SELECT sum(qty)::int AS qty, sum(qty * price)::float8 AS notional FROM fills`)) as { qty: number; notional: number }[];
    const [p] = (await w.ds.query(`SELECT qty, avg_cost::float8 AS avg FROM positions WHERE symbol = 'ABC'`)) as { qty: number; avg: number }[];
    const [pp] = (await w.ds.query(`SELECT qty FROM paper_positions WHERE symbol = 'ABC'`)) as { qty: number }[];
    expect(b!.n).toBe(1);
    expect(b!.spent).toBeLessThanOrEqual(500);
    expect(b!.spent).toBeCloseTo(f!.notional, 6);
    expect(await w.count(`SELECT count(*)::int AS n FROM orders`)).toBe(filled);
    expect(await w.count(`SELECT count(*)::int AS n FROM orders WHERE booked_at IS NULL`)).toBe(0);
    expect(await w.count(`SELECT count(*)::int AS n FROM paper_orders`)).toBe(filled);
    expect(p!.qty).toBe(f!.qty);
    expect(pp!.qty).toBe(f!.qty);
    expect(p!.avg * p!.qty).toBeCloseTo(f!.notional, 6);
    expect(await w.count(`SELECT count(*)::int AS n FROM approvals WHERE state = 'executing'`)).toBe(0);
    expect((await w.audit.verify()).ok).toBe(true);
  });
});
