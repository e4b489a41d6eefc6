/**
 * Issue 19, item 5, on the exit path: a stop exit whose client order id another order already
 * holds at the broker. Exit ids come from the order row's random id and the installation id, so
 * this should not happen (see exit-ids-after-reset.test.ts); if it does (an order placed by hand
 * under the id, say), the broker answers "taken" and shows the other order: nothing may be booked
 * from it and nothing re-sent under the id; the outcome says so.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exitLine } from '../../../../src/bot/views/exit-view.js';
import { runExits } from '../../../../src/trading/execution/exits.js';
import { ambiguousOf } from '../../../../src/jobs/handlers/ambiguous-alert.js';
import { AT, makeExitsWorld, type ExitsWorld } from './exits-setup.js';
import { wrapBroker } from './setup.js';

let w: ExitsWorld;
beforeEach(async () => {
  w = await makeExitsWorld();
});
afterEach(async () => {
  await w.close();
});

describe('runExits: the stop exit\'s client order id is held by another order at the broker', () => {
  it('is ambiguous: nothing booked, the position kept, one order at the broker under the id; a second pass sends nothing', async () => {
    await w.hold({ symbol: 'ABC', qty: 7, price: 10, stop: 9 });
    await w.hold({ symbol: 'OTH', qty: 50, price: 20 });
    // The other order under the exit's id: a sale of 3 OTH, at the broker just before the exit's POST.
    w.quote('OTH', 19.99, 20);
    const inner = w.paper();
    let planted = false;
    const broker = wrapBroker(inner, {
      submitOrder: async (req) => {
        if (!planted) {
          planted = true;
          await inner.submitOrder({ clientOrderId: req.clientOrderId, symbol: 'OTH', side: 'sell', qty: 3, type: 'limit', limitPrice: 19.99, timeInForce: 'ioc' });
        }
        return inner.submitOrder(req);
      },
    });
    w.quote('ABC', 8.9, 8.95);

    const first = await runExits(w.exitDeps({ broker }), { now: AT.midday });
    expect(first).toHaveLength(1);
    const out = first[0]!;
    const cid = out.clientOrderId!;
    expect(planted).toBe(true);
    expect(out).toMatchObject({ symbol: 'ABC', reason: 'stop', clientOrderId: cid, filledQty: 0, remainingQty: 7 });
    expect(out.note.code).toBe('ambiguous');
    expect(ambiguousOf(first)).toEqual([{ clientOrderId: cid, evidence: expect.stringContaining('symbol OTH, not ABC') }]);
    expect(exitLine(out)).toMatch(/Nothing was booked from it and nothing is sent again under this id/);

    const second = await runExits(w.exitDeps(), { now: AT.midday });
    expect(second.map((o) => o.note.code)).toEqual(['ambiguous']);
    const rows = (await w.ds.query(`SELECT qty FROM positions WHERE symbol = 'ABC'`)) as { qty: number }[];
    expect(rows).toEqual([{ qty: 7 }]);
    expect(await w.count(`SELECT count(*)::int AS n FROM paper_orders WHERE client_order_id = $1`, [cid])).toBe(1);
    expect(await w.count(`SELECT count(*)::int AS n FROM paper_orders WHERE symbol = 'ABC' AND side = 'sell'`)).toBe(0);
    expect(await w.count(`SELECT count(*)::int AS n FROM orders WHERE client_order_id = $1 AND booked_at IS NOT NULL`, [cid])).toBe(0);
  });
});
