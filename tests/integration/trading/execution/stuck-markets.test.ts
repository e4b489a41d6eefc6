/**
 * Issue 15 (review): a KR order whose outcome is unknown is settled only at the KR broker. The US
 * lane's recovery pass never picks it up, and a US executor refuses to settle it: the US broker would
 * answer "no such order" and the order, maybe filled at KIS, would be closed as lost.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Broker, BrokerOrder } from '../../../../src/adapters/brokers/port.js';
import { BrokerError } from '../../../../src/lib/broker-errors.js';
import { approvePick } from '../../../../src/trading/execution/approve-pick.js';
import { executeApproval, settleApproval } from '../../../../src/trading/execution/execute.js';
import { recoverStuck } from '../../../../src/trading/execution/recover.js';
import { makeExitsWorld, type ExitsWorld } from './exits-setup.js';
import { wrapBroker } from './setup.js';

const CODE = '069500';
/** 01:00Z on 8 December 2026: 10:00 in Seoul (the session day 2026-12-08). */
const NOW = new Date('2026-12-08T01:00:00Z');

let w: ExitsWorld;
beforeEach(async () => {
  w = await makeExitsWorld();
  w.quotes.set(CODE, { bid: 36_495, ask: 36_500, bidSize: 10_000, askSize: 10_000, time: NOW.toISOString() });
});
afterEach(async () => {
  await w.close();
});

/** A KR broker that takes the order (filled) but whose answer is lost; it shows the fill once `state.visible` is set. */
function lostAnswerKrBroker(): { broker: Broker; state: { visible: boolean } } {
  const held = new Map<string, BrokerOrder>();
  const at = NOW.toISOString();
  const state = { visible: false };
  const find = async (cid: string) => (state.visible ? (held.get(cid) ?? null) : null);
  const broker = wrapBroker(w.paper(), {
    async submitOrder(req) {
      held.set(req.clientOrderId, { brokerOrderId: 'kis-1', clientOrderId: req.clientOrderId, symbol: req.symbol, side: req.side, qty: req.qty, filledQty: req.qty, avgFillPrice: req.limitPrice, limitPrice: req.limitPrice, status: 'filled', submittedAt: at, updatedAt: at, fills: [{ qty: req.qty, price: req.limitPrice, at }] });
      throw new BrokerError({ broker: 'kis-virtual', kind: 'timeout_unknown', detail: 'the answer was lost after KIS took the order' });
    },
    getOrderByClientId: find,
    findSubmitted: async (ref) => find(ref.clientOrderId),
    waitForTerminal: async (cid) => (await find(cid))!,
    account: async () => ({ cash: 100_000_000, equity: 100_000_000, buyingPower: 100_000_000 }),
  });
  return { broker, state };
}

async function stuckKrApproval(kr: Broker): Promise<string> {
  await w.ds.query(
    `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, target, atr, score, qty, dollar_risk, reasons, demo, expires_at, market, currency)
     VALUES ('krstuck1', 'run-1', '2026-12-07', $1, 'donchian', 36500, 35900, NULL, 300, 1, 10, 6000, '[]', false, now() + interval '1 day', 'KR', 'KRW')`,
    [CODE],
  );
  const r = await approvePick(w.uow(), { pickId: 'krstuck1', userId: 42, role: 'trader', now: new Date() });
  if (r.kind !== 'approved') throw new Error(`not approved: ${r.kind}`);
  await w.ds.query(`UPDATE approvals SET expires_at = '2027-01-01T00:00:00Z' WHERE id = $1`, [r.approvalId]);
  const out = await executeApproval(
    w.deps({ market: 'KR', broker: kr, limits: { minDollarAdv: 1_000_000, perOrderBudget: 5_000_000, dailyBudget: 20_000_000 }, dollarAdv: async () => 5e9, now: () => NOW, waitTimeoutMs: 200 }),
    r.approvalId,
  );
  expect(out.kind).toBe('pending');
  // The attempt is old enough for the recovery pass.
  await w.ds.query(`UPDATE orders SET submit_attempted_at = now() - interval '1 hour', updated_at = now() - interval '1 hour'`);
  return r.approvalId;
}

describe('a stuck KR order', () => {
  it('is left alone by the US lane, refused by a US executor, and booked by the KR lane', async () => {
    const { broker: kr, state } = lostAnswerKrBroker();
    const approvalId = await stuckKrApproval(kr);
    const us = { execution: w.deps(), exits: w.exitDeps(), resolveAfterMs: 60_000 };
    const usPass = await recoverStuck(us);
    expect(usPass.entries).toEqual([]);
    expect(usPass.errors).toEqual([]);
    await expect(settleApproval(w.deps(), approvalId, { kind: 'auto' }, { olderThan: new Date(), lockWaitMs: 0 })).rejects.toThrow(/settle it with the KR broker/);
    const [row] = (await w.ds.query(`SELECT state, booked_at FROM orders WHERE symbol = $1`, [CODE])) as { state: string; booked_at: Date | null }[];
    expect(row?.booked_at).toBeNull();

    state.visible = true;
    const krPass = await recoverStuck({ execution: w.deps({ market: 'KR', broker: kr, now: () => NOW }), exits: w.exitDeps({ market: 'KR', broker: kr }), resolveAfterMs: 60_000 });
    expect(krPass.entries.map((e) => e.result.kind)).toEqual(['booked']);
    expect(await w.count(`SELECT count(*)::int AS n FROM positions WHERE symbol = $1 AND market = 'KR' AND qty = 10`, [CODE])).toBe(1);
  });
});
