import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvePick, rejectPick, type ApproveResult } from '../../../../src/trading/execution/approve-pick.js';
import { makeWorld, type World } from './setup.js';

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(async () => {
  await w.close();
});

describe('approvePick', () => {
  it('50 concurrent approve taps (several users, two processes): exactly one approval; everyone else hears who decided and when', async () => {
    const id = await w.pick();
    const other = await w.open(10);
    const now = new Date();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => approvePick(w.uow(i % 2 ? other : w.ds), { pickId: id, userId: 100 + (i % 5), role: 'trader', now }, { audit: w.audit })),
    );
    const won = results.filter((r): r is Extract<ApproveResult, { kind: 'approved' }> => r.kind === 'approved');
    expect(won).toHaveLength(1);
    const losers = results.filter((r) => r.kind === 'already_decided');
    expect(losers).toHaveLength(49);
    for (const l of losers) {
      expect(l).toMatchObject({ kind: 'already_decided', state: 'APPROVED', decidedAt: now, approvalId: won[0]!.approvalId });
      if (l.kind === 'already_decided') expect(l.decidedBy).toBeGreaterThanOrEqual(100);
    }
    expect(await w.count(`SELECT count(*) AS n FROM approvals WHERE pick_id = $1`, [id])).toBe(1);
    const [pick] = (await w.ds.query(`SELECT state, decided_by FROM picks WHERE id = $1`, [id])) as { state: string; decided_by: string }[];
    expect(pick!.state).toBe('APPROVED');
    expect(won[0]!.expiresAt.getTime()).toBe(now.getTime() + 15 * 60_000);
    expect(await w.count(`SELECT count(*) AS n FROM audit_log WHERE payload->>'action' = 'pick.approved'`)).toBe(1);
  });

  it('viewers are forbidden (nothing changes); unknown picks are not_found', async () => {
    const id = await w.pick();
    expect(await approvePick(w.uow(), { pickId: id, userId: 5, role: 'viewer', now: new Date() })).toMatchObject({ kind: 'forbidden', needed: 'trader' });
    expect(await rejectPick(w.uow(), { pickId: id, userId: 5, role: 'viewer', now: new Date() })).toMatchObject({ kind: 'forbidden' });
    expect(await w.count(`SELECT count(*) AS n FROM picks WHERE state = 'PENDING'`)).toBe(1);
    expect(await approvePick(w.uow(), { pickId: 'pnothere', userId: 5, role: 'admin', now: new Date() })).toEqual({ kind: 'not_found', pickId: 'pnothere' });
  });

  it('an expired pick cannot be approved or rejected; it is marked EXPIRED', async () => {
    const expiresAt = new Date(Date.now() - 1_000);
    const id = await w.pick({ expiresAt });
    expect(await approvePick(w.uow(), { pickId: id, userId: 1, role: 'trader', now: new Date() })).toEqual({ kind: 'expired', pickId: id, expiredAt: expiresAt });
    expect(await rejectPick(w.uow(), { pickId: id, userId: 1, role: 'trader', now: new Date() })).toMatchObject({ kind: 'expired' });
    expect(await w.count(`SELECT count(*) AS n FROM picks WHERE id = $1 AND state = 'EXPIRED'`, [id])).toBe(1);
    expect(await w.count(`SELECT count(*) AS n FROM approvals`)).toBe(0);
  });

  it('reject then approve (and 20 concurrent mixed taps): the first decision stands', async () => {
    const id = await w.pick();
    const t = new Date();
    expect(await rejectPick(w.uow(), { pickId: id, userId: 7, role: 'trader', now: t }, { audit: w.audit })).toMatchObject({ kind: 'rejected', symbol: 'ABC' });
    expect(await approvePick(w.uow(), { pickId: id, userId: 8, role: 'admin', now: new Date() })).toEqual({
      kind: 'already_decided',
      pickId: id,
      state: 'REJECTED',
      decidedBy: 7,
      decidedAt: t,
      approvalId: null,
    });

    const id2 = await w.pick();
    const now = new Date();
    const mixed = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 ? approvePick(w.uow(), { pickId: id2, userId: 1, role: 'trader', now }) : rejectPick(w.uow(), { pickId: id2, userId: 2, role: 'trader', now }),
      ),
    );
    expect(mixed.filter((r) => r.kind === 'approved' || r.kind === 'rejected')).toHaveLength(1);
    expect(await w.count(`SELECT count(*) AS n FROM approvals WHERE pick_id = $1`, [id2])).toBeLessThanOrEqual(1);
  });
});

describe('Execution migration', () => {
  it('down() removes its tables and up() recreates them; client_order_id is capped at 48 characters', async () => {
    const { Execution1764300000000 } = await import('../../../../migrations/1764300000000-Execution.js');
    const qr = w.ds.createQueryRunner();
    await qr.connect();
    try {
      await new Execution1764300000000().down(qr);
      expect(await w.count(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename IN ('approvals', 'orders', 'fills', 'positions', 'daily_budget')`)).toBe(0);
      await new Execution1764300000000().up(qr);
      expect(await w.count(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename IN ('approvals', 'orders', 'fills', 'positions', 'daily_budget')`)).toBe(5);
    } finally {
      await qr.release();
    }
    const id = await w.pick();
    const r = await approvePick(w.uow(), { pickId: id, userId: 1, role: 'trader', now: new Date() });
    if (r.kind !== 'approved') throw new Error(r.kind);
    await expect(
      w.ds.query(
        `INSERT INTO orders (id, approval_id, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force, budget_date, reserved_amount)
         VALUES (gen_random_uuid(), $1, $2, 'paper', 'ABC', 'donchian', 'buy', 1, 10, 'ioc', '2025-01-02', 10)`,
        [r.approvalId, 'x'.repeat(49)],
      ),
    ).rejects.toThrow(/check constraint/);
  });
});
