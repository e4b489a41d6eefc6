import { reconcileLines } from '../../../../src/bot/views/reconcile-view.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvePick } from '../../../../src/trading/execution/approve-pick.js';
import { executeApproval } from '../../../../src/trading/execution/execute.js';
import { runExits } from '../../../../src/trading/execution/exits.js';
import { reconcile } from '../../../../src/trading/execution/reconcile.js';
import { AT, crashAfterSubmit, makeExitsWorld, type ExitsWorld } from './exits-setup.js';
import { wrapBroker } from './setup.js';

let w: ExitsWorld;
beforeEach(async () => {
  w = await makeExitsWorld();
});
afterEach(async () => {
  await w.close();
});

const openAtBroker = () => w.count(`SELECT count(*)::int AS n FROM paper_orders WHERE status IN ('new', 'submitted', 'partially_filled')`);

/** One of every kind of difference, plus two crashed orders the broker finished but we never booked. */
async function messyBooks(): Promise<void> {
  for (const s of ['DEF', 'GHI', 'JKL', 'MNO']) w.quote(s, 9.99, 10);
  const paper = w.paper();
  // An order placed at the broker by someone else (resting day order).
  await paper.submitOrder({ clientOrderId: 'manual-orphan-1', symbol: 'XYZ', side: 'buy', qty: 1, type: 'limit', limitPrice: 5, timeInForce: 'day' });
  // Shares only the broker has, and shares only our books have.
  await paper.submitOrder({ clientOrderId: 'manual-buy-2', symbol: 'JKL', side: 'buy', qty: 3, type: 'limit', limitPrice: 10, timeInForce: 'ioc' });
  await w.ds.query(`INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at) VALUES ('DEF', 'donchian', 5, 10, now())`);
  // Average cost that disagrees by 2 %.
  await w.hold({ symbol: 'XYZ', qty: 2, price: 10 });
  await w.ds.query(`UPDATE positions SET avg_cost = 10.2 WHERE symbol = 'XYZ'`);
  // An exit the broker filled, then we crashed before booking it.
  await w.hold({ symbol: 'GHI', qty: 4, price: 10, stop: 9 });
  // An exit whose POST never reached the broker (crash mid-request), and so is missing there.
  await w.hold({ symbol: 'MNO', qty: 2, price: 10, stop: 9 });
  w.quote('GHI', 8.9);
  w.quote('MNO', 8.5);
  const dying = wrapBroker(w.paper(), {
    submitOrder: async (req) => {
      if (req.symbol === 'MNO') throw new Error('simulated crash mid-request');
      return crashAfterSubmit(w.paper()).submitOrder(req);
    },
  });
  expect(await runExits(w.exitDeps({ broker: dying }), { now: AT.midday })).toMatchObject([
    { symbol: 'GHI', status: 'failed' },
    { symbol: 'MNO', status: 'failed' },
  ]);
  // An entry the broker filled, then we crashed before booking it.
  const pickId = await w.pick({ symbol: 'ABC', entry: 10, stop: 9 });
  const ap = await approvePick(w.uow(), { pickId, userId: 42, role: 'trader', now: new Date() });
  if (ap.kind !== 'approved') throw new Error(ap.kind);
  await expect(executeApproval(w.deps({ broker: crashAfterSubmit(w.paper()) }), ap.approvalId)).rejects.toThrow(/simulated kill -9/);
}

describe('reconcile', () => {
  it('reports the orphan, qty and avg-cost mismatches and the missing order; books the two unbooked terminal orders; places and cancels nothing', async () => {
    await messyBooks();
    const paperOrders = await w.brokerOrders();
    const open = await openAtBroker();
    expect(open).toBe(1);

    // Inside the grace period the crashed orders belong to their jobs: nothing is booked, the positions differ.
    const early = await reconcile({ db: w.uow(), broker: w.paper(), audit: w.audit });
    expect(early.fixed).toEqual([]);
    expect(early.mismatches.filter((m) => m.kind === 'qty').map((m) => [m.symbol, m.ours, m.broker])).toEqual([
      ['ABC', 0, 7],
      ['DEF', 5, 0],
      ['GHI', 4, 0],
      ['JKL', 0, 3],
    ]);

    const r = await reconcile({ db: w.uow(), broker: w.paper(), audit: w.audit, graceMs: 0 });
    expect(r.ok).toBe(false);
    expect(r.fixed.map((f) => [f.kind, f.symbol, f.status, f.filledQty])).toEqual([
      ['booked_exit', 'GHI', 'filled', 4],
      ['booked_entry', 'ABC', 'filled', 7],
    ]);
    expect(r.mismatches.map((m) => [m.kind, m.symbol])).toEqual([
      ['missing_at_broker', 'MNO'],
      ['unknown_broker_order', 'XYZ'],
      ['qty', 'DEF'],
      ['qty', 'JKL'],
      ['avg_cost', 'XYZ'],
    ]);
    expect(r.mismatches.find((m) => m.kind === 'avg_cost')).toMatchObject({ ours: 10.2, broker: 10 });
    expect(reconcileLines(r)[0]).toBe('Reconciliation with paper: 2 fixed, 5 mismatches.');
    expect(reconcileLines(r).join('\n')).toMatch(/Orphan at paper: open order buy 1 XYZ @ 5 \(new, client id manual-orphan-1\) is not ours/);
    expect(reconcileLines(r).join('\n')).toMatch(/XYZ: our average cost 10.2 differs from paper's 10 by 2.00%/);

    // The books now match the broker for the crashed orders, booked exactly as the jobs would.
    expect(await w.position('GHI')).toMatchObject({ qty: 0, realized_pnl: -4.4 });
    expect(await w.position('ABC')).toMatchObject({ qty: 7, avg_cost: 10 });
    expect(await w.count(`SELECT count(*)::int AS n FROM approvals WHERE state = 'filled'`)).toBe(1);
    expect(await w.count(`SELECT count(*)::int AS n FROM orders WHERE booked_at IS NULL`)).toBe(1); // MNO: never re-sent, left for a person
    // Nothing placed, nothing canceled.
    expect(await w.brokerOrders()).toBe(paperOrders);
    expect(await openAtBroker()).toBe(1);

    const audits = (await w.ds.query(`SELECT payload FROM audit_log WHERE payload->>'action' = 'reconcile.run' ORDER BY seq`)) as { payload: Record<string, unknown> }[];
    expect(audits.at(-1)!.payload).toMatchObject({ fixed: 2, mismatches: 5, kinds: { missing_at_broker: 1, unknown_broker_order: 1, qty: 2, avg_cost: 1 } });
    expect((await w.audit.verify()).ok).toBe(true);

    // Again: nothing left to fix, the same differences.
    const again = await reconcile({ db: w.uow(), broker: w.paper(), audit: w.audit, graceMs: 0 });
    expect(again.fixed).toEqual([]);
    expect(again.mismatches.map((m) => m.kind)).toEqual(r.mismatches.map((m) => m.kind));
  });

  it('clean books: ok, with one headline line', async () => {
    await w.hold({ symbol: 'ABC', qty: 3, price: 10 });
    const r = await reconcile({ db: w.uow(), broker: w.paper(), audit: w.audit, graceMs: 0 });
    expect(r).toMatchObject({ ok: true, fixed: [], mismatches: [], broker: 'paper' });
    expect(reconcileLines(r)).toEqual(['Reconciliation with paper: 0 fixed, 0 mismatches — books agree.']);
  });

  it('a broker that cannot be read is reported, not thrown', async () => {
    const { BrokerError } = await import('../../../../src/adapters/brokers/errors.js');
    const down = wrapBroker(w.paper(), {});
    down.listOpenOrders = async () => {
      throw new BrokerError({ broker: 'paper', kind: 'unavailable', detail: 'connection refused' });
    };
    const r = await reconcile({ db: w.uow(), broker: down, audit: w.audit, graceMs: 0 });
    expect(r.mismatches).toMatchObject([{ kind: 'broker_unreadable' }]);
    expect(reconcileLines(r)[1]).toMatch(/Could not list open orders at paper: .*connection refused.*Run \/reconcile again later/);
  });
});
