/**
 * A KR entry's limit (issue 15): the approval path puts it on the KRX ETF tick of the Seoul session
 * date, whole won, rounded down from ask × (1 + buffer); the order row stores that figure, the
 * broker is sent that figure, and the daily budget reserves qty × that figure. US is unchanged.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Broker, BrokerOrder, OrderRequest } from '../../../../src/adapters/brokers/port.js';
import { approvePick } from '../../../../src/trading/execution/approve-pick.js';
import { executeApproval, type ExecutionDeps } from '../../../../src/trading/execution/execute.js';
import { makeWorld, wrapBroker, type World } from './setup.js';

const KR_SYMBOL = '069500';
/** 14:00Z on 8 December 2026: 23:00 in Seoul, the budget day 2026-12-08 (ticks of that date). */
const NOW = new Date('2026-12-08T14:00:00Z');

let w: World;
beforeEach(async () => {
  w = await makeWorld();
  // 36,500 × 1.001 = 36,536.5: not a whole won, not on the 5-won tick.
  w.quotes.set(KR_SYMBOL, { bid: 36_495, ask: 36_500, bidSize: 10_000, askSize: 10_000, time: '2026-12-08T01:00:00Z' });
});
afterEach(async () => {
  await w.close();
});

async function approvedKr(qty: number): Promise<string> {
  const id = `kr${Math.random().toString(36).slice(2, 10)}`;
  await w.ds.query(
    `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, target, atr, score, qty, dollar_risk, reasons, demo, expires_at, market, currency)
     VALUES ($1, 'run-1', '2026-12-07', $2, 'donchian', 36500, 35900, NULL, 300, 1, $3, 6000, '[]', false, now() + interval '1 day', 'KR', 'KRW')`,
    [id, KR_SYMBOL, qty],
  );
  const r = await approvePick(w.uow(), { pickId: id, userId: 42, role: 'trader', now: new Date() });
  if (r.kind !== 'approved') throw new Error(`not approved: ${r.kind}`);
  await w.ds.query(`UPDATE approvals SET expires_at = '2027-01-01T00:00:00Z' WHERE id = $1`, [r.approvalId]);
  return r.approvalId;
}

/** What the KR broker was sent, and the day's KR budget spent at the moment it was sent (the reservation). */
interface Sent {
  req: OrderRequest;
  spentAtSubmit: number;
}

/** A KR broker that records each request and fills it at once at its limit. */
function krBroker(sent: Sent[]): Broker {
  const orders = new Map<string, BrokerOrder>();
  const at = new Date().toISOString();
  return wrapBroker(w.paper(), {
    async submitOrder(req) {
      const [row] = (await w.ds.query(`SELECT spent::float8 AS spent FROM daily_budget WHERE market = 'KR'`)) as { spent: number }[];
      sent.push({ req, spentAtSubmit: row?.spent ?? 0 });
      const o: BrokerOrder = {
        brokerOrderId: `kis-${orders.size + 1}`,
        clientOrderId: req.clientOrderId,
        symbol: req.symbol,
        side: req.side,
        qty: req.qty,
        filledQty: req.qty,
        avgFillPrice: req.limitPrice,
        limitPrice: req.limitPrice,
        status: 'filled',
        submittedAt: at,
        updatedAt: at,
        fills: [{ qty: req.qty, price: req.limitPrice, at }],
      };
      orders.set(req.clientOrderId, o);
      return o;
    },
    getOrderByClientId: async (cid) => orders.get(cid) ?? null,
    waitForTerminal: async (cid) => orders.get(cid)!,
    account: async () => ({ cash: 100_000_000, equity: 100_000_000, buyingPower: 100_000_000 }),
  });
}

function krDeps(sent: Sent[], limits: Partial<NonNullable<ExecutionDeps['limits']>>): ExecutionDeps {
  return w.deps({ market: 'KR', broker: krBroker(sent), limits: { minDollarAdv: 1_000_000, ...limits }, dollarAdv: async () => 5_000_000_000, now: () => NOW });
}

const orderRow = async () =>
  ((await w.ds.query(`SELECT qty, limit_price::float8 AS limit_price, reserved_amount::float8 AS reserved_amount FROM orders WHERE symbol = $1`, [KR_SYMBOL])) as {
    qty: number;
    limit_price: number;
    reserved_amount: number;
  }[])[0]!;

describe('a KR entry limit on the KRX tick', () => {
  it('stores, sends and reserves the same whole-won limit on the tick', async () => {
    const sent: Sent[] = [];
    const out = await executeApproval(krDeps(sent, { perOrderBudget: 5_000_000, dailyBudget: 20_000_000 }), await approvedKr(10));
    // 36,536.5 rounded down to the 5-won ETF tick: ₩36,535 (at least the ask, at most the buffer's cap).
    expect(out).toMatchObject({ kind: 'filled', qty: 10, limitPrice: 36_535 });
    expect(await orderRow()).toEqual({ qty: 10, limit_price: 36_535, reserved_amount: 365_350 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.req.limitPrice).toBe(36_535);
    // The reservation made before the POST is qty × the stored limit.
    expect(sent[0]!.spentAtSubmit).toBe(365_350);
  });

  it('sizes to the per-order budget with that same limit', async () => {
    const sent: Sent[] = [];
    // ₩365,350 fits 10 × ₩36,535 exactly (10 × ₩36,536.5 would not: 9 shares).
    const out = await executeApproval(krDeps(sent, { perOrderBudget: 365_350, dailyBudget: 20_000_000 }), await approvedKr(12));
    expect(out).toMatchObject({ kind: 'filled', qty: 10, limitPrice: 36_535 });
    expect(await orderRow()).toEqual({ qty: 10, limit_price: 36_535, reserved_amount: 365_350 });
  });

  it('checks the daily budget with that same limit', async () => {
    const sent: Sent[] = [];
    // ₩365,350 of budget: exactly 10 × ₩36,535 (10 × ₩36,536.5 = ₩365,365 would be refused).
    const out = await executeApproval(krDeps(sent, { perOrderBudget: 5_000_000, dailyBudget: 365_350 }), await approvedKr(10));
    expect(out).toMatchObject({ kind: 'filled', qty: 10, limitPrice: 36_535 });
  });

  it('leaves a US entry on the cent: ask × 1.001 rounded up', async () => {
    w.quotes.set('ABC', { bid: 10.49, ask: 10.5, bidSize: 10_000, askSize: 10_000, time: '2025-01-02T15:00:00Z' });
    const pick = await w.pick({ entry: 10.5, stop: 10, qty: 5, expiresAt: new Date(Date.now() + 86_400_000) });
    const r = await approvePick(w.uow(), { pickId: pick, userId: 42, role: 'trader', now: new Date() });
    if (r.kind !== 'approved') throw new Error(r.kind);
    // 10.5 × 1.001 = 10.5105 → 10.52 (up to the cent).
    expect(await executeApproval(w.deps(), r.approvalId)).toMatchObject({ kind: 'filled', limitPrice: 10.52 });
  });
});
