/**
 * executeApproval's session gate for entries (issue 13, item 2) against Postgres and the paper
 * broker, with the exchange's hours and an injected clock:
 * - an approval whose run starts after the close is refused `market_closed` before any read of
 *   the broker, reservation or order row;
 * - an order row planned in session but never sent (the broker was down) and retried after the
 *   close is closed unsent in the one order lifecycle: reservation released, nothing POSTed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXCHANGE_HOURS } from '../../../../src/engine/market-hours.js';
import { BrokerError } from '../../../../src/lib/broker-errors.js';
import { approvePick } from '../../../../src/trading/execution/approve-pick.js';
import { executeApproval } from '../../../../src/trading/execution/execute.js';
import { makeWorld, wrapBroker, type World } from './setup.js';

const FRI_1559_59 = new Date('2026-12-11T20:59:59Z');
const FRI_1600_02 = new Date('2026-12-11T21:00:02Z');
const MON_OPEN = '2026-12-14T14:30:00.000Z';

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(async () => {
  await w.close();
});

async function approvedAt(now: Date): Promise<{ pickId: string; approvalId: string }> {
  const pickId = await w.pick({ expiresAt: new Date(now.getTime() + 3_600_000) });
  const r = await approvePick(w.uow(), { pickId, userId: 42, role: 'trader', now });
  if (r.kind !== 'approved') throw new Error(`not approved: ${r.kind}`);
  return { pickId, approvalId: r.approvalId };
}

const brokerOrders = () => w.count(`SELECT count(*)::int AS n FROM paper_orders`);
const spent = async () => Number(((await w.ds.query(`SELECT COALESCE(sum(spent), 0) AS s FROM daily_budget`)) as { s: string }[])[0]!.s);
const approval = async (id: string) =>
  ((await w.ds.query(`SELECT state, refused_gate, reason_detail FROM approvals WHERE id = $1`, [id])) as { state: string; refused_gate: string | null; reason_detail: unknown }[])[0]!;

describe('executeApproval outside the session', () => {
  it('a run that starts after the close is refused market_closed: no account read, no reservation, no order row, no POST', async () => {
    const { pickId, approvalId } = await approvedAt(FRI_1559_59);
    let accountReads = 0;
    const broker = wrapBroker(w.paper(), {
      account: () => {
        accountReads++;
        return w.paper().account();
      },
    });
    const out = await executeApproval(w.deps({ broker, marketHours: EXCHANGE_HOURS, now: () => FRI_1600_02 }), approvalId);
    const reason = { code: 'market_closed', order: 'entry', at: FRI_1600_02.toISOString(), nextOpen: MON_OPEN };
    expect(out).toEqual({ kind: 'refused', approvalId, pickId, symbol: 'ABC', gate: 'market_closed', reason, numbers: {} });
    expect(await approval(approvalId)).toEqual({ state: 'refused', refused_gate: 'market_closed', reason_detail: reason });
    expect(accountReads).toBe(0);
    expect(await w.count(`SELECT count(*)::int AS n FROM orders`)).toBe(0);
    expect(await spent()).toBe(0);
    expect(await brokerOrders()).toBe(0);
    expect(await w.count(`SELECT count(*)::int AS n FROM picks WHERE id = $1 AND state = 'FAILED'`, [pickId])).toBe(1);
  });

  it('an order planned in session but not placed (broker down), retried after the close: closed unsent, budget released, never POSTed', async () => {
    const { approvalId } = await approvedAt(FRI_1559_59);
    let posts = 0;
    const down = wrapBroker(w.paper(), {
      submitOrder: async () => {
        posts++;
        throw new BrokerError({ broker: 'paper', kind: 'unavailable', detail: 'connect ECONNREFUSED (simulated)' });
      },
    });
    const first = await executeApproval(w.deps({ broker: down, marketHours: EXCHANGE_HOURS, now: () => FRI_1559_59 }), approvalId);
    expect(first).toMatchObject({ kind: 'failed', retryable: true, cause: { code: 'not_placed' } });
    expect(posts).toBe(1);
    expect(await spent()).toBeGreaterThan(0); // the order row holds its reservation

    // The retry runs after the close, on a broker that would accept (and, say, fill extended hours).
    let sent = 0;
    const up = wrapBroker(w.paper(), {
      submitOrder: async (r) => {
        sent++;
        return w.paper().submitOrder(r);
      },
    });
    const out = await executeApproval(w.deps({ broker: up, marketHours: EXCHANGE_HOURS, now: () => FRI_1600_02 }), approvalId);
    const reason = { code: 'market_closed', order: 'entry', at: FRI_1600_02.toISOString(), nextOpen: MON_OPEN };
    expect(out).toMatchObject({ kind: 'refused', gate: 'market_closed', reason });
    expect(sent).toBe(0);
    expect(await brokerOrders()).toBe(0);
    expect(await spent()).toBe(0);
    const rows = (await w.ds.query(`SELECT state, reject_reason, reject_detail, submit_attempted_at, booked_at IS NOT NULL AS booked FROM orders`)) as Record<string, unknown>[];
    expect(rows).toEqual([{ state: 'rejected', reject_reason: null, reject_detail: reason, submit_attempted_at: null, booked: true }]);
    expect(await w.count(`SELECT count(*)::int AS n FROM fills`)).toBe(0);
    expect(await w.count(`SELECT count(*)::int AS n FROM positions`)).toBe(0);
    const audit = ((await w.ds.query(`SELECT payload FROM audit_log WHERE payload->>'action' = 'order.refused'`)) as { payload: Record<string, unknown> }[]).map((r) => r.payload);
    expect(audit).toMatchObject([{ gate: 'market_closed', reason }]);
  });
});
