/**
 * executeApproval's preflight gate (issue 20, item 1) against Postgres and the paper broker: with
 * a gate that reports a failing preflight,
 * - a fresh approval is closed `not_placed` with the gate's words before anything is reserved;
 * - an order row planned while the gate was open but never sent (the broker was down), retried
 *   after a preflight failed, is closed unsent right before the POST: budget released, no POST;
 * - without a gate (or with an open one) nothing changes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BrokerError } from '../../../../src/lib/broker-errors.js';
import { approvePick } from '../../../../src/trading/execution/approve-pick.js';
import { executeApproval } from '../../../../src/trading/execution/execute.js';
import { makeWorld, wrapBroker, type World } from './setup.js';

const WHY = 'new entries are blocked (BROKER=alpaca-live): the last preflight (cli) failed — Clock skew (+5.0 s); run /preflight or `courtside preflight` after fixing';

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(async () => {
  await w.close();
});

async function approved(): Promise<{ pickId: string; approvalId: string }> {
  const pickId = await w.pick();
  const r = await approvePick(w.uow(), { pickId, userId: 42, role: 'trader', now: new Date() });
  if (r.kind !== 'approved') throw new Error(`not approved: ${r.kind}`);
  return { pickId, approvalId: r.approvalId };
}

const spent = async () => Number(((await w.ds.query(`SELECT COALESCE(sum(spent), 0) AS s FROM daily_budget`)) as { s: string }[])[0]!.s);
const approvalRow = async (id: string) => ((await w.ds.query(`SELECT state, reason_detail FROM approvals WHERE id = $1`, [id])) as { state: string; reason_detail: unknown }[])[0]!;

describe('executeApproval and the preflight gate', () => {
  it('a failing preflight closes a fresh approval not_placed before anything is reserved or sent', async () => {
    const { pickId, approvalId } = await approved();
    const out = await executeApproval(w.deps({ preflightGate: async () => WHY }), approvalId);
    expect(out).toEqual({ kind: 'failed', approvalId, retryable: false, reason: { code: 'not_placed', error: WHY } });
    expect(await approvalRow(approvalId)).toEqual({ state: 'failed', reason_detail: { code: 'not_placed', error: WHY } });
    expect(await w.count(`SELECT count(*)::int AS n FROM picks WHERE id = $1 AND state = 'FAILED'`, [pickId])).toBe(1);
    expect(await w.count(`SELECT count(*)::int AS n FROM orders`)).toBe(0);
    expect(await w.count(`SELECT count(*)::int AS n FROM paper_orders`)).toBe(0);
    expect(await spent()).toBe(0);
  });

  it('an unsent order row retried after a preflight failed: closed right before the POST, budget released', async () => {
    const { approvalId } = await approved();
    let open = true;
    const gate = async () => (open ? null : WHY);
    const down = wrapBroker(w.paper(), {
      submitOrder: async () => {
        throw new BrokerError({ broker: 'paper', kind: 'unavailable', detail: 'connect ECONNREFUSED (simulated)' });
      },
    });
    const first = await executeApproval(w.deps({ broker: down, preflightGate: gate }), approvalId);
    expect(first).toMatchObject({ kind: 'failed', retryable: true, cause: { code: 'not_placed' } });
    expect(await spent()).toBeGreaterThan(0);

    open = false;
    let sent = 0;
    const up = wrapBroker(w.paper(), {
      submitOrder: async (r) => {
        sent++;
        return w.paper().submitOrder(r);
      },
    });
    const out = await executeApproval(w.deps({ broker: up, preflightGate: gate }), approvalId);
    expect(out).toMatchObject({ kind: 'failed', retryable: false, reason: { code: 'not_placed', error: WHY } });
    expect(sent).toBe(0);
    expect(await spent()).toBe(0);
    const rows = (await w.ds.query(`SELECT state, reject_detail, submit_attempted_at, booked_at IS NOT NULL AS booked FROM orders`)) as Record<string, unknown>[];
    expect(rows).toEqual([{ state: 'rejected', reject_detail: { code: 'not_placed', error: WHY }, submit_attempted_at: null, booked: true }]);
  });

  it('an open gate changes nothing: the entry fills', async () => {
    const { approvalId } = await approved();
    let asked = 0;
    const out = await executeApproval(w.deps({ preflightGate: async () => (asked++, null) }), approvalId);
    expect(out.kind).toBe('filled');
    // At the checks and again right before the POST.
    expect(asked).toBe(2);
  });
});
