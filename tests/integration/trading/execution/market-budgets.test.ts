import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Broker, BrokerOrder } from '../../../../src/adapters/brokers/port.js';
import { describeRefusal } from '../../../../src/engine/risk/index.js';
import { approvePick } from '../../../../src/trading/execution/approve-pick.js';
import { executeApproval, type ExecutionDeps } from '../../../../src/trading/execution/execute.js';
import { makeWorld, wrapBroker, type World } from './setup.js';

/**
 * Each market has its own daily budget: its own row of `daily_budget` (keyed (market, date), in the
 * market's currency), dated by the market's own session date, and limited by its own ExecutionDeps'
 * `limits.dailyBudget` (won for KR, dollars for US).
 */

let w: World;
beforeEach(async () => {
  w = await makeWorld();
  w.quotes.set(KR_SYMBOL, { bid: 9_990, ask: 10_000, bidSize: 10_000, askSize: 10_000, time: '2026-12-08T01:00:00Z' });
});
afterEach(async () => {
  await w.close();
});

const KR_SYMBOL = '069500';
/** KR limits in won: one order up to ₩110,000, ₩150,000 a day. */
const KR_LIMITS = { perOrderBudget: 110_000, dailyBudget: 150_000, minDollarAdv: 1_000_000 };

/** A KR pick (the KRX code, filed as KR in won), approved. */
let krPicks = 0;
async function approvedKr(qty = 10): Promise<string> {
  const id = `kr${Math.random().toString(36).slice(2, 10)}`;
  // One pick per (session, symbol, strategy): each KR pick gets its own signal session.
  const session = `2026-11-${String(++krPicks).padStart(2, '0')}`;
  await w.ds.query(
    `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, target, atr, score, qty, dollar_risk, reasons, demo, expires_at, market, currency)
     VALUES ($1, 'run-1', $4, $2, 'donchian', 10000, 9500, NULL, 100, 1, $3, 5000, '[]', false, now() + interval '1 day', 'KR', 'KRW')`,
    [id, KR_SYMBOL, qty, session],
  );
  return approvalOf(id);
}

async function approvedUs(): Promise<string> {
  return approvalOf(await w.pick({ expiresAt: new Date(Date.now() + 86_400_000) }));
}

async function approvalOf(pickId: string): Promise<string> {
  const r = await approvePick(w.uow(), { pickId, userId: 42, role: 'trader', now: new Date() });
  if (r.kind !== 'approved') throw new Error(`not approved: ${r.kind}`);
  // The runs below are on set clocks around 7–8 December 2026: the approval must not expire before them.
  await w.ds.query(`UPDATE approvals SET expires_at = '2027-01-01T00:00:00Z' WHERE id = $1`, [r.approvalId]);
  return r.approvalId;
}

/** A KR broker that fills every order at once at its limit (the paper broker is the US simulator). */
function krBroker(): Broker {
  const orders = new Map<string, BrokerOrder>();
  const at = new Date().toISOString();
  return wrapBroker(w.paper(), {
    async submitOrder(req) {
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
    account: async () => ({ cash: 10_000_000, equity: 10_000_000, buyingPower: 10_000_000 }),
  });
}

function krDeps(now: Date, over: Partial<ExecutionDeps> = {}): ExecutionDeps {
  return w.deps({ market: 'KR', broker: krBroker(), limits: KR_LIMITS, dollarAdv: async () => 5_000_000_000, now: () => now, ...over });
}

type BudgetRow = { market: string; currency: string; date: string; spent: number };
const budgets = () =>
  w.ds.query(`SELECT market, currency, to_char(date, 'YYYY-MM-DD') AS date, spent::float8 AS spent FROM daily_budget ORDER BY market, date`) as Promise<BudgetRow[]>;

describe('daily budgets per market', () => {
  it('KR and US on the same calendar date keep separate rows, each limited by its own figure', async () => {
    // 14:00Z on 8 December: 23:00 in Seoul and 09:00 in New York, the same date in both markets.
    const now = new Date('2026-12-08T14:00:00Z');
    const kr = await executeApproval(krDeps(now), await approvedKr(10));
    // 10 × (10,000 × 1.001) = ₩100,100 reserved and filled.
    expect(kr).toMatchObject({ kind: 'filled', symbol: KR_SYMBOL, qty: 10, limitPrice: 10_010 });
    // ₩100,100 is far over the US $1,000 budget: were the budget shared, the US order would be refused.
    const us = await executeApproval(w.deps({ now: () => now }), await approvedUs());
    expect(us).toMatchObject({ kind: 'filled', symbol: 'ABC', qty: 7 });
    expect(await budgets()).toEqual([
      { market: 'KR', currency: 'KRW', date: '2026-12-08', spent: 100_100 },
      { market: 'US', currency: 'USD', date: '2026-12-08', spent: 70 },
    ]);
    // The orders carry their market and currency.
    expect(await w.ds.query(`SELECT symbol, market, currency, to_char(budget_date, 'YYYY-MM-DD') AS budget_date FROM orders ORDER BY market`)).toEqual([
      { symbol: KR_SYMBOL, market: 'KR', currency: 'KRW', budget_date: '2026-12-08' },
      { symbol: 'ABC', market: 'US', currency: 'USD', budget_date: '2026-12-08' },
    ]);

    // A second KR order of ₩100,100 would make ₩200,200, over the ₩150,000 KR budget: refused, in won.
    const again = await executeApproval(krDeps(now), await approvedKr(10));
    expect(again).toMatchObject({
      kind: 'refused',
      gate: 'policy',
      reason: { code: 'gate', limit: 'daily_budget', numbers: { spentToday: 100_100, notional: 100_100, dailyBudget: 150_000, remaining: 49_900 } },
    });
    // The approval records the won figure, so a face words the stored refusal in won.
    const [stored] = (await w.ds.query(`SELECT reason_detail FROM approvals WHERE state = 'refused'`)) as { reason_detail: { numbers: Record<string, number> } }[];
    expect(stored!.reason_detail.numbers).toMatchObject({ krw: 1 });
    expect(describeRefusal('policy', 'daily_budget', stored!.reason_detail.numbers)).toBe(
      'Order refused by PolicyGate: ₩100,100 already committed today + ₩100,100 for this order = ₩200,200, over the daily budget of ₩150,000 (₩49,900 left).',
    );
    // The US budget still has room for another US order: its limit is its own $1,000.
    expect(await executeApproval(w.deps({ now: () => now }), await approvedUs())).toMatchObject({ kind: 'filled' });
    expect((await budgets()).map((b) => [b.market, b.spent])).toEqual([
      ['KR', 100_100],
      ['US', 140],
    ]);
  });

  it("a KR reservation is dated by the Seoul session date: 23:30Z on 7 December is Seoul's 8 December", async () => {
    const now = new Date('2026-12-07T23:30:00Z');
    expect(await executeApproval(krDeps(now), await approvedKr(5))).toMatchObject({ kind: 'filled' });
    // A US order at the same instant is still New York's 7 December.
    expect(await executeApproval(w.deps({ now: () => now }), await approvedUs())).toMatchObject({ kind: 'filled' });
    expect((await budgets()).map((b) => [b.market, b.date])).toEqual([
      ['KR', '2026-12-08'],
      ['US', '2026-12-07'],
    ]);
  });

  it('a KR order released before the broker frees the KR row only', async () => {
    const now = new Date('2026-12-08T14:00:00Z');
    expect(await executeApproval(w.deps({ now: () => now }), await approvedUs())).toMatchObject({ kind: 'filled' });
    // The preflight blocks right before the POST: the KR order row is closed unsent and its reservation released.
    let calls = 0;
    const out = await executeApproval(krDeps(now, { preflightGate: async () => (++calls > 1 ? 'preflight failed' : null) }), await approvedKr(10));
    expect(out).toMatchObject({ kind: 'failed', retryable: false });
    expect((await budgets()).map((b) => [b.market, b.spent])).toEqual([
      ['KR', 0],
      ['US', 70],
    ]);
  });
});
