import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runExits, type ExitOutcome } from '../../../../src/trading/execution/exits.js';
import { exitLine } from '../../../../src/bot/views/exit-view.js';
import { AT, makeExitsWorld, type ExitsWorld } from './exits-setup.js';

let w: ExitsWorld;
beforeEach(async () => {
  w = await makeExitsWorld();
});
afterEach(async () => {
  await w.close();
});

const HYP = 'hyp:h0a1b2c3d';

/** A LIVE hypothesis position with a profit target, as its executed pick leaves it. */
async function holdWithTarget(symbol: string, target: number): Promise<void> {
  await w.hold({ symbol, qty: 5, price: 10, stop: 9, strategy: HYP });
  await w.ds.query(`UPDATE positions SET target = $3 WHERE symbol = $1 AND strategy = $2`, [symbol, HYP, target]);
}

const exitOrders = () =>
  w.ds.query(
    `SELECT symbol, strategy, exit_reason, qty, limit_price::float8 AS limit_price, decision_price::float8 AS decision_price, state, filled_qty, client_order_id
       FROM orders WHERE kind = 'exit' ORDER BY created_at`,
  ) as Promise<{ symbol: string; strategy: string; exit_reason: string; qty: number; limit_price: number; decision_price: number; state: string; filled_qty: number; client_order_id: string }[]>;

describe('runExits: profit target of a LIVE hypothesis position', () => {
  it('bid at or above the target: one IOC sell of the whole position, without approval, once even with two runs at once; a position without target is untouched', async () => {
    await holdWithTarget('ABC', 12);
    await w.hold({ symbol: 'XYZ', qty: 4, price: 10, stop: 9 }); // a Kobe position: no target
    w.quote('ABC', 12.1);
    w.quote('XYZ', 12.1);

    const other = await w.open(10);
    const [a, b] = await Promise.all([
      runExits(w.exitDeps(), { now: AT.midday }),
      runExits(w.exitDeps({ db: w.uow(other), broker: w.paper(other) }), { now: AT.midday }),
    ]);
    const all = [...a, ...b];
    expect(all).toHaveLength(1);
    expect(all[0]).toEqual<ExitOutcome>({
      symbol: 'ABC',
      strategy: HYP,
      reason: 'target',
      status: 'filled',
      qty: 5,
      filledQty: 5,
      avgFillPrice: 12.1,
      realizedPnl: 10.5, // (12.10 − 10) × 5
      orderState: 'filled',
      clientOrderId: expect.stringMatching(/^cx-p-20250708-[0-9a-f]{32}$/),
      decisionPrice: 12,
      bid: 12.1,
      limitPrice: 12.03, // 12.10 × 0.995 = 12.0395, tick down
      remainingQty: 0,
      rejectReason: null,
      note: { code: 'order' },
    });
    expect(exitLine(all[0]!)).toBe(`Profit-target exit ABC (${HYP}) at the target $12.00 (bid $12.10): sold 5/5 @ $12.10, realized $10.50. Position closed.`);
    expect(await exitOrders()).toEqual([
      expect.objectContaining({ symbol: 'ABC', strategy: HYP, exit_reason: 'target', qty: 5, limit_price: 12.03, decision_price: 12, state: 'filled', filled_qty: 5 }),
    ]);
    expect(await w.brokerOrders('sell')).toBe(1);
    expect(await w.position('ABC', HYP)).toEqual({ qty: 0, realized_pnl: 10.5, avg_cost: 10 });
    expect(await w.position('XYZ')).toEqual({ qty: 4, realized_pnl: 0, avg_cost: 10 });

    // Later the same day: nothing left to sell, nothing sent again.
    expect(await runExits(w.exitDeps(), { now: AT.nearClose })).toEqual([]);
    expect(await w.brokerOrders('sell')).toBe(1);
  });

  it('bid below the target: holds, no order', async () => {
    await holdWithTarget('ABC', 12);
    w.quote('ABC', 11.99);
    expect(await runExits(w.exitDeps(), { now: AT.midday })).toEqual([]);
    expect(await exitOrders()).toEqual([]);
    expect(await w.brokerOrders('sell')).toBe(0);
  });

  it('an unfilled target IOC is not sent again the same day (one attempt per reason and day)', async () => {
    await holdWithTarget('ABC', 12);
    w.quote('ABC', 12.1, 12.11, 0); // no size at the bid: the IOC ends with nothing sold
    const first = await runExits(w.exitDeps(), { now: AT.midday });
    expect(first).toMatchObject([{ reason: 'target', status: 'not_filled', filledQty: 0, remainingQty: 5 }]);
    const again = await runExits(w.exitDeps(), { now: AT.midday });
    expect(again).toMatchObject([{ reason: 'target', status: 'skipped', note: { code: 'attempts_used', attempts: 1 } }]);
    expect(exitLine(again[0]!)).toContain('Profit-target exit ABC');
    expect(await w.brokerOrders('sell')).toBe(1);
  });

  it('kill switch ON: the due target exit is blocked and says so with its numbers', async () => {
    await holdWithTarget('ABC', 12);
    w.quote('ABC', 12.5);
    await w.killSwitch.engage('drill', 1);
    const out = await runExits(w.exitDeps(), { now: AT.midday });
    expect(out).toMatchObject([{ reason: 'target', status: 'blocked', decisionPrice: 12, bid: 12.5 }]);
    expect(exitLine(out[0]!)).toBe(`Profit-target exit ABC (${HYP}) at the target $12.00 (bid $12.50) is due but the kill switch is ON (drill): nothing was sent. Use /kill flatten to sell anyway, or /resume.`);
    expect(await w.brokerOrders('sell')).toBe(0);
  });
});
