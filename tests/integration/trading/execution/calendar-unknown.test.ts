/**
 * New risk never goes on an unknown calendar: when the run-time calendar overrides cannot be read
 * (and no fresh-enough read is cached), an entry is refused `calendar_unknown` before any broker
 * call — at its checks, and at the check right before the POST for an order planned earlier — while
 * exits (risk-reducing) still sell. Against Postgres and the paper broker, exchange hours, a set clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXCHANGE_HOURS } from '../../../../src/engine/market-hours.js';
import { BrokerError } from '../../../../src/lib/broker-errors.js';
import type { CalendarOverridesPort } from '../../../../src/trading/calendar/overrides-source.js';
import { approvePick } from '../../../../src/trading/execution/approve-pick.js';
import { executeApproval } from '../../../../src/trading/execution/execute.js';
import { runExits } from '../../../../src/trading/execution/exits.js';
import { AT, makeExitsWorld, type ExitsWorld } from './exits-setup.js';
import { wrapBroker } from './setup.js';

// Tue 2025-07-08 13:00 EDT: a session by the rules, no override needed to be open.
const NOW = AT.midday;

let w: ExitsWorld;
beforeEach(async () => {
  w = await makeExitsWorld();
});
afterEach(async () => {
  await w.close();
});

async function approved(symbol: string): Promise<{ pickId: string; approvalId: string }> {
  const pickId = await w.pick({ symbol, expiresAt: new Date(NOW.getTime() + 3_600_000) });
  const r = await approvePick(w.uow(), { pickId, userId: 42, role: 'trader', now: NOW });
  if (r.kind !== 'approved') throw new Error(`not approved: ${r.kind}`);
  return { pickId, approvalId: r.approvalId };
}

/** An overrides port that fails while `down` (the database unreachable). */
function port(): CalendarOverridesPort & { down: boolean } {
  const p = {
    down: false,
    forExchange: async () => {
      if (p.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432 (simulated)');
      return [];
    },
  };
  return p;
}

/** The paper broker, counting what reaches it. */
function counting() {
  const n = { account: 0, submit: 0 };
  const broker = wrapBroker(w.paper(), {
    account: () => {
      n.account++;
      return w.paper().account();
    },
    submitOrder: async (r) => {
      n.submit++;
      return w.paper().submitOrder(r);
    },
  });
  return { n, broker };
}

const unknownReason = { code: 'calendar_unknown', order: 'entry', at: NOW.toISOString(), exchange: 'XNYS', detail: expect.stringContaining('ECONNREFUSED') };

describe('entries on an unreadable calendar', () => {
  it('refuses an entry calendar_unknown before any broker call', async () => {
    const overrides = port();
    overrides.down = true;
    const { pickId, approvalId } = await approved('XYZ');
    const { n, broker } = counting();
    const out = await executeApproval(w.deps({ marketHours: EXCHANGE_HOURS, now: () => NOW, calendarOverrides: overrides, broker }), approvalId);
    expect(out).toEqual({ kind: 'refused', approvalId, pickId, symbol: 'XYZ', gate: 'market_closed', reason: unknownReason, numbers: {} });
    expect(n).toEqual({ account: 0, submit: 0 });
    expect(await w.brokerOrders()).toBe(0);
    const [row] = (await w.ds.query(`SELECT state, reason_detail FROM approvals WHERE id = $1`, [approvalId])) as { state: string; reason_detail: Record<string, unknown> }[];
    expect(row).toMatchObject({ state: 'refused', reason_detail: { code: 'calendar_unknown', exchange: 'XNYS' } });
  });

  it('closes unsent an order planned while the calendar read, when it cannot be read right before the POST', async () => {
    const overrides = port();
    const { approvalId } = await approved('ABC');
    const down = wrapBroker(w.paper(), {
      submitOrder: async () => {
        throw new BrokerError({ broker: 'paper', kind: 'unavailable', detail: 'connect ECONNREFUSED (simulated)' });
      },
    });
    const deps = (broker = down) => w.deps({ marketHours: EXCHANGE_HOURS, now: () => NOW, calendarOverrides: overrides, broker });
    expect(await executeApproval(deps(), approvalId)).toMatchObject({ kind: 'failed', retryable: true });

    overrides.down = true;
    const { n, broker } = counting();
    expect(await executeApproval(deps(broker), approvalId)).toMatchObject({ kind: 'refused', gate: 'market_closed', reason: unknownReason });
    expect(n.submit).toBe(0);
    expect(await w.brokerOrders()).toBe(0);
    expect(await w.count(`SELECT count(*)::int AS n FROM orders WHERE state = 'rejected' AND submit_attempted_at IS NULL`)).toBe(1);
  });

  it('refuses with the default reader when the overrides table cannot be read, while an exit still sells', async () => {
    await w.hold({ symbol: 'HLD', qty: 10, price: 10, stop: 9 });
    await w.ds.query(`ALTER TABLE calendar_overrides RENAME TO calendar_overrides_gone`);
    try {
      const { approvalId } = await approved('XYZ');
      const { n, broker } = counting();
      expect(await executeApproval(w.deps({ marketHours: EXCHANGE_HOURS, now: () => NOW, broker }), approvalId)).toMatchObject({
        kind: 'refused',
        gate: 'market_closed',
        reason: { code: 'calendar_unknown', exchange: 'XNYS', detail: expect.stringContaining('calendar_overrides') },
      });
      expect(n.submit).toBe(0);

      // The stop exit reduces risk: it never asks the calendar overrides and sells.
      w.quote('HLD', 8.95, 8.97);
      const exits = await runExits(w.exitDeps(), { now: NOW });
      expect(exits).toMatchObject([{ symbol: 'HLD', reason: 'stop', status: 'filled', filledQty: 10 }]);
      expect(await w.brokerOrders('sell')).toBe(1);
    } finally {
      await w.ds.query(`ALTER TABLE calendar_overrides_gone RENAME TO calendar_overrides`);
    }
  });
});
