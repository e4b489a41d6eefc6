import { pendingReason } from '../../../../src/bot/views/execution-reasons.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvePick } from '../../../../src/trading/execution/approve-pick.js';
import { executeApproval, gaveUpReason, giveUpApproval, type ExecutionOutcome } from '../../../../src/trading/execution/execute.js';
import { clientOrderIdFor } from '../../../../src/trading/execution/ids.js';
import { makeWorld, wrapBroker, type World } from './setup.js';

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(async () => {
  await w.close();
});

async function approved(p: Parameters<World['pick']>[0] = {}): Promise<{ pickId: string; approvalId: string }> {
  const pickId = await w.pick(p);
  const r = await approvePick(w.uow(), { pickId, userId: 42, role: 'trader', now: new Date() });
  if (r.kind !== 'approved') throw new Error(`not approved: ${r.kind}`);
  return { pickId, approvalId: r.approvalId };
}

const brokerOrders = () => w.count(`SELECT count(*)::int AS n FROM paper_orders`);
const spent = async () => Number(((await w.ds.query(`SELECT COALESCE(sum(spent), 0) AS s FROM daily_budget`)) as { s: string }[])[0]!.s);
const positions = () => w.ds.query(`SELECT symbol, strategy, qty, avg_cost::float8 AS avg_cost, stop::float8 AS stop FROM positions ORDER BY symbol`) as Promise<unknown[]>;
const actions = async () => ((await w.ds.query(`SELECT payload->>'action' AS a FROM audit_log ORDER BY seq`)) as { a: string }[]).map((r) => r.a);
/** What an approval row records: the old text column stays NULL for new rows, the reason is the jsonb record. */
const recordedOn = async (approvalId: string) =>
  ((await w.ds.query(`SELECT reason, reason_detail FROM approvals WHERE id = $1`, [approvalId])) as { reason: string | null; reason_detail: unknown }[])[0]!;
const orderRecord = async () => ((await w.ds.query(`SELECT reject_reason, reject_detail FROM orders`)) as { reject_reason: string | null; reject_detail: unknown }[])[0]!;
const auditPayload = async (action: string) =>
  ((await w.ds.query(`SELECT payload FROM audit_log WHERE payload->>'action' = $1 ORDER BY seq`, [action])) as { payload: Record<string, unknown> }[]).map((r) => r.payload);

describe('executeApproval: the happy path', () => {
  it('re-quotes, sizes to the per-order budget, places one IOC at ask × 1.001 (tick up), books fills, position, budget and audit', async () => {
    const { pickId, approvalId } = await approved({ qty: 50, entry: 10, stop: 9 });
    const out = await executeApproval(w.deps(), approvalId);
    // 75 / 10.01 → 7 shares; limit 10.01; paper fills at the ask 10.00.
    expect(out).toMatchObject({
      kind: 'filled',
      approvalId,
      pickId,
      symbol: 'ABC',
      side: 'buy',
      qty: 7,
      limitPrice: 10.01,
      filledQty: 7,
      avgFillPrice: 10,
      filledNotional: 70,
      clientOrderId: clientOrderIdFor(approvalId),
      broker: 'paper',
      orderState: 'filled',
    });
    expect(clientOrderIdFor(approvalId).length).toBeLessThanOrEqual(48);
    expect(await brokerOrders()).toBe(1);
    expect(await positions()).toEqual([{ symbol: 'ABC', strategy: 'donchian', qty: 7, avg_cost: 10, stop: 9 }]);
    expect(await w.count(`SELECT count(*)::int AS n FROM fills`)).toBe(1);
    expect(await spent()).toBe(70); // reserved 70.07, settled to the fill
    expect(await w.count(`SELECT count(*)::int AS n FROM picks WHERE id = $1 AND state = 'EXECUTED'`, [pickId])).toBe(1);
    expect(await actions()).toEqual(['order.created', 'order.submitting', 'order.submitted', 'order.filled']);
    expect((await w.audit.verify()).ok).toBe(true);

    // A replay returns the stored outcome and touches nothing.
    expect(await executeApproval(w.deps(), approvalId)).toEqual(out);
    expect(await brokerOrders()).toBe(1);
    expect((await actions()).length).toBe(4);
  });

  it('50 concurrent runs of one approval (two worker processes): exactly one broker order, every run reports the same fill', async () => {
    const { approvalId } = await approved();
    const other = await w.open(10);
    const b1 = w.paper();
    const b2 = w.paper(other);
    const outs = await Promise.all(
      Array.from({ length: 50 }, (_, i) => executeApproval(i % 2 ? w.deps({ db: w.uow(other), broker: b2 }) : w.deps({ broker: b1 }), approvalId)),
    );
    expect(outs.map((o) => o.kind)).toEqual(Array(50).fill('filled'));
    expect(await brokerOrders()).toBe(1);
    expect(await w.count(`SELECT count(*)::int AS n FROM orders`)).toBe(1);
    expect(await w.count(`SELECT count(*)::int AS n FROM fills`)).toBe(1);
    expect(await positions()).toEqual([{ symbol: 'ABC', strategy: 'donchian', qty: 7, avg_cost: 10, stop: 9 }]);
    expect(await spent()).toBe(70);
    expect((await actions()).filter((a) => a === 'order.filled')).toHaveLength(1);
  });

  it('unknown approval ids are not_found', async () => {
    expect(await executeApproval(w.deps(), '00000000-0000-4000-8000-000000000000')).toMatchObject({ kind: 'not_found' });
    expect(await executeApproval(w.deps(), 'not-a-uuid')).toMatchObject({ kind: 'not_found' });
  });
});

describe('executeApproval: kill switch', () => {
  it('engaged between approval and execution → refused, zero broker orders, nothing reserved', async () => {
    const { pickId, approvalId } = await approved();
    await w.killSwitch.engage('drill', 1);
    const out = await executeApproval(w.deps(), approvalId);
    expect(out).toMatchObject({ kind: 'refused', gate: 'kill_switch', reason: { code: 'kill_switch', order: 'entry', killReason: 'drill' } });
    expect(await recordedOn(approvalId)).toEqual({ reason: null, reason_detail: { code: 'kill_switch', order: 'entry', killReason: 'drill' } });
    expect((await auditPayload('execution.refused'))[0]).toMatchObject({ gate: 'kill_switch', reason: { code: 'kill_switch', order: 'entry', killReason: 'drill' } });
    expect((await w.audit.verify()).ok).toBe(true);
    expect(await brokerOrders()).toBe(0);
    expect(await spent()).toBe(0);
    expect(await w.count(`SELECT count(*)::int AS n FROM picks WHERE id = $1 AND state = 'FAILED'`, [pickId])).toBe(1);
    // Resuming does not resurrect the refused approval.
    await w.killSwitch.resume(1);
    expect(await executeApproval(w.deps(), approvalId)).toMatchObject({ kind: 'refused', gate: 'kill_switch' });
    expect(await brokerOrders()).toBe(0);
  });

  it('engaged only in Redis (the mirror) still blocks: either store engaged means engaged', async () => {
    const { approvalId } = await approved();
    await w.redis.set(`${w.prefix}:killswitch`, JSON.stringify({ reason: 'mirror only' }));
    expect(await executeApproval(w.deps(), approvalId)).toMatchObject({ kind: 'refused', gate: 'kill_switch' });
    expect(await brokerOrders()).toBe(0);
  });

  it('engaged AFTER the checks and reservation but before the POST → still no broker order; the reservation is released', async () => {
    const { approvalId } = await approved();
    let calls = 0;
    // The switch flips while the job is re-quoting (after its first kill-switch look).
    const quotes = {
      latestQuote: async (s: string) => {
        if (calls++ === 0) await w.killSwitch.engage('flipped mid-flight', 1);
        return w.quoteProvider.latestQuote(s);
      },
    };
    const out = await executeApproval(w.deps({ quotes }), approvalId);
    const reason = { code: 'kill_switch', order: 'entry', killReason: 'flipped mid-flight' };
    expect(out).toMatchObject({ kind: 'refused', gate: 'kill_switch', reason });
    expect(await brokerOrders()).toBe(0);
    expect(await w.count(`SELECT count(*)::int AS n FROM orders WHERE state = 'rejected' AND booked_at IS NOT NULL`)).toBe(1);
    // Our reason, not the broker's: the order row keeps no words of its own.
    expect(await orderRecord()).toEqual({ reject_reason: null, reject_detail: reason });
    expect((await auditPayload('order.refused'))[0]).toMatchObject({ gate: 'kill_switch', reason });
    expect(await spent()).toBe(0);
    expect(await actions()).toContain('order.refused');
  });
});

describe('executeApproval: crashes and restarts', () => {
  it('crash after the broker accepted, before our commit: the re-run (new process) looks it up and books ONE order and the right position', async () => {
    const { approvalId } = await approved();
    const crashing = wrapBroker(w.paper(), {
      submitOrder: async (req) => {
        await w.paper().submitOrder(req); // the broker accepts and fills…
        throw new Error('simulated kill -9 before the DB commit'); // …and we die before recording it
      },
    });
    await expect(executeApproval(w.deps({ broker: crashing }), approvalId)).rejects.toThrow(/simulated kill -9/);
    expect(await brokerOrders()).toBe(1);
    expect(await w.count(`SELECT count(*)::int AS n FROM orders WHERE state = 'new' AND submit_attempted_at IS NOT NULL`)).toBe(1);
    expect(await positions()).toEqual([]);

    // Restart: a brand-new DataSource and broker instance.
    const after = await w.open(10);
    let submits = 0;
    const real = w.paper(after);
    const counting = wrapBroker(real, {
      submitOrder: (r) => {
        submits++;
        return real.submitOrder(r);
      },
    });
    const out = await executeApproval(w.deps({ db: w.uow(after), broker: counting }), approvalId);
    expect(out).toMatchObject({ kind: 'filled', qty: 7, filledQty: 7, avgFillPrice: 10 });
    expect(submits).toBe(0); // looked up, never re-sent
    expect(await brokerOrders()).toBe(1);
    expect(await positions()).toEqual([{ symbol: 'ABC', strategy: 'donchian', qty: 7, avg_cost: 10, stop: 9 }]);
    expect((await w.paper().listPositions())[0]).toMatchObject({ symbol: 'ABC', qty: 7 });
    expect(await spent()).toBe(70);
  });

  it('crash after the POST went out but before the broker stored it: the order is never re-sent, the job stays pending', async () => {
    const { approvalId } = await approved();
    const lost = wrapBroker(w.paper(), {
      submitOrder: async () => {
        throw new Error('simulated crash mid-request');
      },
    });
    await expect(executeApproval(w.deps({ broker: lost }), approvalId)).rejects.toThrow(/simulated crash/);
    const out = await executeApproval(w.deps(), approvalId);
    expect(out).toMatchObject({ kind: 'pending', clientOrderId: clientOrderIdFor(approvalId) });
    if (out.kind === 'pending') expect(pendingReason(out.cause)).toMatch(/never sent again/);
    expect(await brokerOrders()).toBe(0);
    expect(await spent()).toBeCloseTo(70.07, 6); // still reserved: the order may exist
  });

  it('crash after the order row was written but before any POST: the re-run checks the kill switch and sends once', async () => {
    const { approvalId } = await approved();
    // Die on the kill-switch look that precedes the POST (the second one).
    let looks = 0;
    const dying = { state: async () => {
      if (++looks === 2) throw new Error('simulated crash before the POST');
      return w.killSwitch.state();
    } };
    await expect(executeApproval(w.deps({ killSwitch: dying }), approvalId)).rejects.toThrow(/before the POST/);
    expect(await w.count(`SELECT count(*)::int AS n FROM orders WHERE submit_attempted_at IS NULL`)).toBe(1);
    expect(await brokerOrders()).toBe(0);
    expect(await executeApproval(w.deps(), approvalId)).toMatchObject({ kind: 'filled', filledQty: 7 });
    expect(await brokerOrders()).toBe(1);
  });

  it('giving up after the retries closes an approval whose order never left: gave_up recorded with its error scrubbed, budget released', async () => {
    const { approvalId } = await approved();
    // The order row is written, then the run dies on the kill-switch look right before the POST: nothing was sent.
    let looks = 0;
    const dying = { state: async () => {
      if (++looks === 2) throw new Error('simulated crash before the POST');
      return w.killSwitch.state();
    } };
    await expect(executeApproval(w.deps({ killSwitch: dying }), approvalId)).rejects.toThrow(/before the POST/);
    expect(await spent()).toBeCloseTo(70.07, 6);

    const scrub = (t: string) => t.replaceAll('s3cret', '[REDACTED]');
    const out = await giveUpApproval(w.deps({ scrub }), approvalId, gaveUpReason(5, 'GET /bots3cret/getMe failed'));
    const reason = { code: 'gave_up', tries: 5, error: 'GET /bot[REDACTED]/getMe failed' };
    expect(out).toEqual({ kind: 'failed', approvalId, retryable: false, reason });
    expect(await recordedOn(approvalId)).toEqual({ reason: null, reason_detail: reason });
    expect(await orderRecord()).toEqual({ reject_reason: null, reject_detail: reason });
    expect((await auditPayload('execution.failed'))[0]).toMatchObject({ reason, released: 70.07 });
    expect(await spent()).toBe(0);
    expect(await brokerOrders()).toBe(0);
    // A replay reads the same record.
    expect(await executeApproval(w.deps(), approvalId)).toEqual(out);
  });

  it('timeout_unknown from the broker → lookup by client order id, no second POST', async () => {
    const { approvalId } = await approved();
    const real = w.paper();
    let posts = 0;
    const { BrokerError } = await import('../../../../src/adapters/brokers/errors.js');
    const flaky = wrapBroker(real, {
      submitOrder: async (r) => {
        posts++;
        await real.submitOrder(r);
        throw new BrokerError({ broker: 'paper', kind: 'timeout_unknown', detail: 'no answer', clientOrderId: r.clientOrderId });
      },
    });
    expect(await executeApproval(w.deps({ broker: flaky }), approvalId)).toMatchObject({ kind: 'filled', filledQty: 7 });
    expect(posts).toBe(1);
    expect(await brokerOrders()).toBe(1);
    expect(await actions()).toContain('order.outcome_unknown');
  });
});

describe('executeApproval: budgets (Postgres, atomic, shared, persistent)', () => {
  it('two approvals over the daily budget: the second is refused by PolicyGate naming the numbers, also after a restart', async () => {
    const limits = { dailyBudget: 100 };
    const a = await approved({ symbol: 'ABC' });
    const b = await approved({ symbol: 'XYZ' });
    expect(await executeApproval(w.deps({ limits }), a.approvalId)).toMatchObject({ kind: 'filled', filledNotional: 70 });

    // "Restart": the first DataSource goes away; a new one sees the persisted spend.
    const after = await w.open(10);
    const out = await executeApproval(w.deps({ db: w.uow(after), broker: w.paper(after), limits }), b.approvalId);
    const numbers = { spentToday: 70, notional: 70.07, total: 140.07, dailyBudget: 100, remaining: 30 };
    // The words of this refusal are asserted on the bot side (tests/unit/bot/views/recorded-reasons.test.ts, same numbers).
    expect(out).toMatchObject({ kind: 'refused', gate: 'policy', numbers, reason: { code: 'gate', gate: 'policy', limit: 'daily_budget', numbers } });
    expect(await recordedOn(b.approvalId)).toEqual({ reason: null, reason_detail: { code: 'gate', gate: 'policy', limit: 'daily_budget', numbers } });
    expect((await auditPayload('execution.refused'))[0]).toMatchObject({ gate: 'policy', limit: 'daily_budget', reason: { code: 'gate', limit: 'daily_budget', numbers }, numbers });
    expect((await w.audit.verify()).ok).toBe(true);
    expect(await brokerOrders()).toBe(1);
    expect(await spent()).toBe(70);
  });

  it('two workers racing two approvals for the last of the budget: the atomic reservation lets exactly one through', async () => {
    const limits = { dailyBudget: 100 };
    const a = await approved({ symbol: 'ABC' });
    const b = await approved({ symbol: 'XYZ' });
    const other = await w.open(10);
    const outs: ExecutionOutcome[] = await Promise.all([
      executeApproval(w.deps({ limits }), a.approvalId),
      executeApproval(w.deps({ db: w.uow(other), broker: w.paper(other), limits }), b.approvalId),
    ]);
    expect(outs.map((o) => o.kind).sort()).toEqual(['filled', 'refused']);
    const refused = outs.find((o) => o.kind === 'refused');
    expect(refused).toMatchObject({ gate: 'policy' });
    // The loser either saw the winner's spend at its check (a daily_budget refusal) or lost the reservation itself.
    if (refused?.kind === 'refused' && refused.reason.code === 'budget_used_up') {
      expect(refused).toMatchObject({ reason: { code: 'budget_used_up', dailyBudget: 100 }, numbers: { notional: 70.07, dailyBudget: 100 } });
    } else {
      expect(refused).toMatchObject({ reason: { code: 'gate', gate: 'policy', limit: 'daily_budget' } });
    }
    expect(await brokerOrders()).toBe(1);
    expect(await spent()).toBeLessThanOrEqual(100);
  });

  it('a broker rejection releases the reservation', async () => {
    const { approvalId } = await approved();
    const poor = w.paper(w.ds, 50); // $50 of cash: 7 × 10.01 does not fit
    const out = await executeApproval(w.deps({ broker: poor, limits: { maxPositionPct: 1000 } }), approvalId);
    expect(out).toMatchObject({ kind: 'refused', gate: 'broker', reason: { code: 'broker_rejected', broker: 'paper' } });
    if (out.kind === 'refused' && out.reason.code === 'broker_rejected') expect(out.reason.brokerReason).toMatch(/insufficient buying power/);
    // The broker's words are its data: kept on the order row next to the record.
    const row = await orderRecord();
    expect(row.reject_detail).toEqual(out.kind === 'refused' ? out.reason : null);
    expect(row.reject_reason).toMatch(/insufficient buying power/);
    expect(await spent()).toBe(0);
    expect(await w.count(`SELECT count(*)::int AS n FROM orders WHERE state = 'rejected'`)).toBe(1);
  });

  it('an IOC that cannot fill (the ask ran past the limit at the broker) is refused by the broker, settles to zero spent and fails the pick', async () => {
    const { pickId, approvalId } = await approved();
    let n = 0;
    // The job prices at ask 10.00 (limit 10.01); by the time the order arrives the ask is 10.05.
    const broker = w.paper();
    const moving = wrapBroker(broker, {
      submitOrder: async (r) => {
        if (n++ === 0) w.quotes.set('ABC', { bid: 10.04, ask: 10.05, time: 't' });
        return broker.submitOrder(r);
      },
    });
    const out = await executeApproval(w.deps({ broker: moving }), approvalId);
    // The paper broker rejects an unmarketable IOC outright.
    expect(out).toMatchObject({ kind: 'refused', gate: 'broker', reason: { code: 'broker_rejected', broker: 'paper' } });
    if (out.kind === 'refused' && out.reason.code === 'broker_rejected') expect(out.reason.brokerReason).toMatch(/below the ask/);
    expect(await recordedOn(approvalId)).toMatchObject({ reason: null, reason_detail: { code: 'broker_rejected', broker: 'paper', brokerReason: expect.stringMatching(/below the ask/) } });
    expect((await auditPayload('order.rejected'))[0]).toMatchObject({ reason: { code: 'broker_rejected', brokerReason: expect.stringMatching(/below the ask/) } });
    expect(await spent()).toBe(0);
    expect(await positions()).toEqual([]);
    expect(await w.count(`SELECT count(*)::int AS n FROM picks WHERE id = $1 AND state = 'FAILED'`, [pickId])).toBe(1);
  });

  it('a partial fill books what filled and releases the rest', async () => {
    const { approvalId } = await approved();
    w.quotes.set('ABC', { bid: 9.99, ask: 10, askSize: 3, time: 't' });
    const out = await executeApproval(w.deps(), approvalId);
    expect(out).toMatchObject({ kind: 'partially_filled', qty: 7, filledQty: 3, avgFillPrice: 10, orderState: 'canceled' });
    // The order row records who ended the unfilled rest (the approval, partly filled, records no reason).
    expect(await orderRecord()).toEqual({ reject_reason: null, reject_detail: { code: 'ioc_ended', status: 'canceled', endedBy: 'ioc' } });
    expect(await recordedOn(approvalId)).toEqual({ reason: null, reason_detail: null });
    expect(await spent()).toBe(30);
    expect(await positions()).toEqual([{ symbol: 'ABC', strategy: 'donchian', qty: 3, avg_cost: 10, stop: 9 }]);
  });
});

describe('executeApproval: an IOC that ends with nothing filled', () => {
  it('records who ended it on the approval and on its order row alike', async () => {
    const { approvalId } = await approved();
    w.quotes.set('ABC', { bid: 9.99, ask: 10, askSize: 0, time: 't' });
    const out = await executeApproval(w.deps(), approvalId);
    const ended = { code: 'ioc_ended', status: 'canceled', endedBy: 'ioc' };
    expect(out).toMatchObject({ kind: 'not_filled', filledQty: 0, orderState: 'canceled', reason: ended });
    expect(await recordedOn(approvalId)).toEqual({ reason: null, reason_detail: ended });
    expect(await orderRecord()).toEqual({ reject_reason: null, reject_detail: ended });
    expect(await spent()).toBe(0);
  });
});

describe('executeApproval: other refusals', () => {
  it('an approval not executed within its window is refused as expired', async () => {
    const { approvalId } = await approved();
    const later = () => new Date(Date.now() + 16 * 60_000);
    const out = await executeApproval(w.deps({ now: later }), approvalId);
    const expiresAt = ((await w.ds.query(`SELECT expires_at FROM approvals WHERE id = $1`, [approvalId])) as { expires_at: Date }[])[0]!.expires_at;
    expect(out).toMatchObject({ kind: 'refused', gate: 'expired', reason: { code: 'expired', expiresAt: expiresAt.toISOString() } });
    expect(await brokerOrders()).toBe(0);
  });

  it('drift band: the live ask moved beyond the band since the pick → refused with "re-scan or re-quote"', async () => {
    const { approvalId } = await approved({ entry: 10 });
    w.quotes.set('ABC', { bid: 10.59, ask: 10.6, time: 't' });
    const out = await executeApproval(w.deps({ limits: { maxDriftPct: 3 } }), approvalId);
    const numbers = { entry: 10, live: 10.6, driftPct: 6, maxDriftPct: 3, quoteIsBid: 0 };
    expect(out).toMatchObject({ kind: 'refused', gate: 'drift', numbers, reason: { code: 'gate', gate: 'drift', limit: 'max_drift', numbers } });
    expect(await brokerOrders()).toBe(0);
    expect(await spent()).toBe(0);
  });

  it('LiquidityGate and position caps refuse before anything is reserved', async () => {
    const thin = await approved();
    expect(await executeApproval(w.deps({ dollarAdv: async () => 50_000 }), thin.approvalId)).toMatchObject({
      kind: 'refused',
      gate: 'liquidity',
      numbers: { dollarAdv: 50_000 },
      reason: { code: 'gate', gate: 'liquidity', limit: 'min_dollar_adv', numbers: { dollarAdv: 50_000, minDollarAdv: 100_000 } },
    });
    const big = await approved({ symbol: 'XYZ' });
    expect(await executeApproval(w.deps({ limits: { maxPositionPct: 0.05 } }), big.approvalId)).toMatchObject({
      kind: 'refused',
      gate: 'position',
      reason: { code: 'gate', gate: 'position', limit: 'max_position_pct' },
    });
    expect(await brokerOrders()).toBe(0);
    expect(await spent()).toBe(0);
  });

  it('without sizing to the budget, an oversized pick is refused by PolicyGate per order', async () => {
    const { approvalId } = await approved({ qty: 50 });
    const out = await executeApproval(w.deps({ limits: { sizeToPerOrderBudget: false } }), approvalId);
    const numbers = { qty: 50, price: 10.01, notional: 500.5, perOrderBudget: 75, maxQty: 7 };
    expect(out).toMatchObject({ kind: 'refused', gate: 'policy', numbers, reason: { code: 'gate', gate: 'policy', limit: 'per_order_budget', numbers } });
  });

  it('no quote: a retryable failure that changes nothing', async () => {
    const { approvalId } = await approved({ symbol: 'NOPE' });
    expect(await executeApproval(w.deps(), approvalId)).toMatchObject({ kind: 'failed', retryable: true });
    expect(await w.count(`SELECT count(*)::int AS n FROM approvals WHERE state = 'approved'`)).toBe(1);
  });
});
