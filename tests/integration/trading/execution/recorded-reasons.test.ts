import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TypedReasons1764500000000 } from '../../../../migrations/1764500000000-TypedReasons.js';
import { outcomeLine } from '../../../../src/bot/views/card-outcome.js';
import { failureDetail } from '../../../../src/bot/views/digest-view.js';
import { fillConfirmation } from '../../../../src/bot/views/fill-view.js';
import { ordersView } from '../../../../src/bot/views/orders-view.js';
import { loadOrderFailures } from '../../../../src/trading/digest/queries.js';
import { executeApproval } from '../../../../src/trading/execution/execute.js';
import { clientOrderIdFor } from '../../../../src/trading/execution/ids.js';
import { loadRecentOrders } from '../../../../src/trading/portfolio/orders.js';
import { makeWorld, type World } from './setup.js';

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(async () => {
  await w.close();
});

const NOW = new Date();
const TODAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(NOW);

/** An approval (and, when `order` is given, its booked order row) written as a release before typed reasons wrote them. */
async function legacyApproval(p: { state: string; gate?: string; reason: string; order?: { state: string; rejectReason: string | null } }): Promise<string> {
  const pickId = await w.pick({ symbol: 'OLD' });
  const id = randomUUID();
  await w.ds.query(
    `INSERT INTO approvals (id, pick_id, approved_by, approved_at, expires_at, state, refused_gate, reason, numbers, updated_at)
     VALUES ($1, $2, 42, $3, $3, $4, $5, $6, '{}', $3)`,
    [id, pickId, NOW, p.state, p.gate ?? null, p.reason],
  );
  if (p.order) {
    await w.ds.query(
      `INSERT INTO orders (id, approval_id, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force, state, filled_qty,
                           reject_reason, budget_date, reserved_amount, submit_attempted_at, booked_at, created_at, updated_at)
       VALUES ($1, $2, $3, 'paper', 'OLD', 'donchian', 'buy', 7, 10.01, 'ioc', $4, 0, $5, $6, 70.07, $7, $7, $7, $7)`,
      [randomUUID(), id, clientOrderIdFor(id), p.order.state, p.order.rejectReason, TODAY, NOW],
    );
  }
  return id;
}

describe('rows written before reasons were typed', () => {
  it('the migration converts their text to `recorded`; the outcome, /orders and the digest read it back and show it verbatim', async () => {
    // Back to the schema before typed reasons, write rows as the old release did, and migrate again.
    const migration = new TypedReasons1764500000000();
    const runner = w.ds.createQueryRunner();
    let refusedId: string, failedId: string, unfilledId: string, brokerId: string;
    try {
      await migration.down(runner);
      refusedId = await legacyApproval({ state: 'refused', gate: 'policy', reason: 'Order refused by PolicyGate: worded by an old release.' });
      failedId = await legacyApproval({ state: 'failed', reason: 'gave up after 5 tries: worded by an old release' });
      unfilledId = await legacyApproval({
        state: 'not_filled',
        reason: 'the IOC order ended canceled with nothing filled (old words)',
        order: { state: 'canceled', rejectReason: null },
      });
      brokerId = await legacyApproval({ state: 'refused', gate: 'broker', reason: 'insufficient buying power', order: { state: 'rejected', rejectReason: 'insufficient buying power' } });
      await migration.up(runner);
    } finally {
      await runner.release();
    }

    expect(await w.ds.query(`SELECT reason_detail FROM approvals WHERE id = $1`, [refusedId])).toEqual([
      { reason_detail: { code: 'recorded', recorded: 'Order refused by PolicyGate: worded by an old release.' } },
    ]);

    const refused = await executeApproval(w.deps(), refusedId);
    expect(refused).toMatchObject({ kind: 'refused', gate: 'policy', reason: { code: 'recorded', recorded: 'Order refused by PolicyGate: worded by an old release.' } });
    expect(fillConfirmation(refused).text.text.split('\n')[1]).toBe('Order refused by PolicyGate: worded by an old release.');

    const failed = await executeApproval(w.deps(), failedId);
    expect(failed).toMatchObject({ kind: 'failed', retryable: false, reason: { code: 'recorded', recorded: 'gave up after 5 tries: worded by an old release' } });
    expect(outcomeLine(failed)).toBe('❌ Not placed: gave up after 5 tries: worded by an old release');

    const unfilled = await executeApproval(w.deps(), unfilledId);
    expect(unfilled).toMatchObject({ kind: 'not_filled', reason: { code: 'recorded', recorded: 'the IOC order ended canceled with nothing filled (old words)' } });
    expect(outcomeLine(unfilled)).toBe('⚪ Not filled: the IOC order ended canceled with nothing filled (old words)');

    const broker = await executeApproval(w.deps(), brokerId);
    expect(broker).toMatchObject({ kind: 'refused', gate: 'broker', reason: { code: 'recorded', recorded: 'insufficient buying power' } });

    // Replays read the same record and touch nothing: no broker order was ever placed.
    expect(await w.count(`SELECT count(*)::int AS n FROM paper_orders`)).toBe(0);

    const orders = await loadRecentOrders(w.uow(), 10);
    const rejected = orders.find((o) => o.state === 'rejected')!;
    expect(rejected).toMatchObject({ rejectReason: { code: 'recorded', recorded: 'insufficient buying power' }, brokerReason: 'insufficient buying power' });
    expect(ordersView(orders).text).toContain('❌ BUY OLD 0/7 · rejected: insufficient buying power\n');

    const failures = await loadOrderFailures(w.uow(), TODAY);
    const approvalFailures = failures.filter((f) => f.source === 'approval').map(failureDetail).sort();
    expect(approvalFailures).toEqual(['Order refused by PolicyGate: worded by an old release.', 'gave up after 5 tries: worded by an old release']);
    expect(failures.filter((f) => f.source === 'order').map(failureDetail)).toEqual(['insufficient buying power']);
  });

  it('a code from a newer release reads back as its stored JSON, shown as it is', async () => {
    const pickId = await w.pick({ symbol: 'NEW' });
    const id = randomUUID();
    await w.ds.query(
      `INSERT INTO approvals (id, pick_id, approved_by, approved_at, expires_at, state, refused_gate, reason_detail, numbers, updated_at)
       VALUES ($1, $2, 42, now(), now(), 'refused', 'policy', '{"code":"margin_call","shortfall":12}', '{}', now())`,
      [id, pickId],
    );
    const out = await executeApproval(w.deps(), id);
    expect(out).toMatchObject({ kind: 'refused', reason: { code: 'recorded', recorded: '{"code":"margin_call","shortfall":12}' } });
    expect(fillConfirmation(out).text.text.split('\n')[1]).toBe('{"code":"margin_call","shortfall":12}');
  });
});
