import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KillSwitchState } from '../../../../src/trading/kill-switch/kill-switch.js';
import { timeStopDate } from '../../../../src/engine/exits/index.js';
import { approvePick } from '../../../../src/trading/execution/approve-pick.js';
import { executeApproval } from '../../../../src/trading/execution/execute.js';
import { flattenAll, runExits, type ExitOutcome } from '../../../../src/trading/execution/exits.js';
import { exitLine } from '../../../../src/bot/views/exit-view.js';
import { AT, countingSubmits, crashAfterSubmit, makeExitsWorld, type ExitsWorld } from './exits-setup.js';

let w: ExitsWorld;
beforeEach(async () => {
  w = await makeExitsWorld();
});
afterEach(async () => {
  await w.close();
});

interface ExitOrderDb {
  kind: string;
  approval_id: string | null;
  exit_reason: string;
  side: string;
  qty: number;
  limit_price: number;
  decision_price: number | null;
  state: string;
  filled_qty: number;
  avg_fill_price: number | null;
  realized_pnl: number | null;
  budget_date: string;
  client_order_id: string;
  booked: boolean;
}
const exitOrders = () =>
  w.ds.query(
    `SELECT kind, approval_id, exit_reason, side, qty, limit_price::float8 AS limit_price, decision_price::float8 AS decision_price, state, filled_qty,
            avg_fill_price::float8 AS avg_fill_price, realized_pnl::float8 AS realized_pnl, budget_date::text AS budget_date, client_order_id, booked_at IS NOT NULL AS booked
       FROM orders WHERE kind = 'exit' ORDER BY created_at`,
  ) as Promise<ExitOrderDb[]>;
const count = (xs: string[], x: string) => xs.filter((a) => a === x).length;

describe('runExits: stop exits', () => {
  it('an executed entry whose bid falls to the stop is sold once and booked once, even with two runs at the same time (two processes)', async () => {
    const pickId = await w.pick({ symbol: 'ABC', entry: 10, stop: 9, qty: 50 });
    const ap = await approvePick(w.uow(), { pickId, userId: 42, role: 'trader', now: new Date() });
    if (ap.kind !== 'approved') throw new Error(ap.kind);
    expect(await executeApproval(w.deps(), ap.approvalId)).toMatchObject({ kind: 'filled', filledQty: 7, avgFillPrice: 10 });
    await w.ds.query(`UPDATE positions SET time_stop_date = $1`, [timeStopDate('2025-07-07')]);

    w.quote('ABC', 8.95, 8.97);
    const other = await w.open(10);
    const [a, b] = await Promise.all([
      runExits(w.exitDeps(), { now: AT.midday }),
      runExits(w.exitDeps({ db: w.uow(other), broker: w.paper(other) }), { now: AT.midday }),
    ]);
    const all = [...a, ...b];
    expect(all).toHaveLength(1);
    expect(all[0]).toEqual<ExitOutcome>({
      symbol: 'ABC',
      strategy: 'donchian',
      reason: 'stop',
      status: 'filled',
      qty: 7,
      filledQty: 7,
      avgFillPrice: 8.95,
      realizedPnl: -7.35, // (8.95 − 10) × 7
      orderState: 'filled',
      clientOrderId: expect.stringMatching(/^cx-s-20250708-[0-9a-f]{32}$/), // the row's id and the installation id (exit-ids-after-reset.test.ts)
      decisionPrice: 9,
      limitPrice: 8.9, // 8.95 × 0.995 = 8.90525, tick down
      remainingQty: 0,
      rejectReason: null,
      note: { code: 'order' },
    });
    expect(exitLine(all[0]!)).toBe('Stop exit ABC (donchian): sold 7/7 @ $8.95, realized -$7.35. Position closed.');
    expect(await exitOrders()).toEqual([
      expect.objectContaining({ kind: 'exit', approval_id: null, exit_reason: 'stop', side: 'sell', qty: 7, limit_price: 8.9, decision_price: 9, state: 'filled', filled_qty: 7, avg_fill_price: 8.95, realized_pnl: -7.35, budget_date: '2025-07-08', booked: true }),
    ]);
    expect(await w.brokerOrders('sell')).toBe(1);
    expect(await w.position('ABC')).toEqual({ qty: 0, realized_pnl: -7.35, avg_cost: 10 }); // the row stays, closed
    expect(await w.paper().listPositions()).toEqual([]);
    expect(await w.count(`SELECT count(*)::int AS n FROM fills WHERE side = 'sell' AND qty = 7 AND price = 8.95`)).toBe(1);
    const acts = await w.actions();
    for (const a of ['exit.created', 'exit.submitting', 'exit.submitted', 'exit.filled']) expect(count(acts, a)).toBe(1);
    expect((await w.audit.verify()).ok).toBe(true);

    // A third run the same day: nothing left to do, nothing sent.
    expect(await runExits(w.exitDeps(), { now: AT.nearClose })).toEqual([]);
    expect(await w.brokerOrders('sell')).toBe(1);
  });

  it('holds above the stop: no order, no outcome', async () => {
    await w.hold({ symbol: 'ABC', qty: 5, price: 10, stop: 9 });
    w.quote('ABC', 9.01);
    expect(await runExits(w.exitDeps(), { now: AT.midday })).toEqual([]);
    expect(await exitOrders()).toEqual([]);
    expect(await w.brokerOrders('sell')).toBe(0);
  });

  it('does nothing while the market is closed (holiday, weekend, after hours)', async () => {
    await w.hold({ symbol: 'ABC', qty: 5, price: 10, stop: 9 });
    w.quote('ABC', 8);
    for (const now of [AT.holiday, new Date('2025-07-05T15:00:00Z'), new Date('2025-07-08T21:00:00Z')]) {
      expect(await runExits(w.exitDeps(), { now })).toEqual([]);
    }
    expect(await w.brokerOrders('sell')).toBe(0);
    expect(await runExits(w.exitDeps(), { now: AT.midday })).toMatchObject([{ status: 'filled', reason: 'stop' }]);
  });

  it('no quote: says the stop could not be checked, sends nothing', async () => {
    await w.hold({ symbol: 'ABC', qty: 5, price: 10, stop: 9 });
    w.quotes.delete('ABC');
    const out = await runExits(w.exitDeps(), { now: AT.midday });
    expect(out).toMatchObject([{ symbol: 'ABC', status: 'failed', qty: 0, remainingQty: 5 }]);
    expect(exitLine(out[0]!)).toMatch(/Could not check the stop of ABC .*no quote/);
    expect(await w.brokerOrders('sell')).toBe(0);
  });
});

describe('runExits: time stop', () => {
  it('entry 2025-07-01 exits at the close of 2025-07-08 (July 4 skipped), not before', async () => {
    const tsd = timeStopDate('2025-07-01');
    expect(tsd).toBe('2025-07-08');
    await w.hold({ symbol: 'ABC', qty: 5, price: 10, stop: 9, timeStopDate: tsd });
    w.quote('ABC', 10.5);
    expect(await runExits(w.exitDeps(), { now: AT.dayBeforeNearClose })).toEqual([]); // bar 4, near its close
    expect(await runExits(w.exitDeps(), { now: AT.midday })).toEqual([]); // bar 5, before the window
    const out = await runExits(w.exitDeps(), { now: AT.nearClose });
    expect(out).toMatchObject([{ reason: 'time_stop', status: 'filled', filledQty: 5, avgFillPrice: 10.5, realizedPnl: 2.5, decisionPrice: 10.5, limitPrice: 10.44, remainingQty: 0 }]);
    expect(await exitOrders()).toMatchObject([{ exit_reason: 'time_stop', budget_date: '2025-07-08', decision_price: 10.5 }]);
    expect(await w.position('ABC')).toMatchObject({ qty: 0, realized_pnl: 2.5 });
  });

  it('an overdue time stop (a missed close) exits at the next run, any time of the session', async () => {
    await w.hold({ symbol: 'XYZ', qty: 3, price: 10, stop: 9, timeStopDate: '2025-07-03' });
    w.quote('XYZ', 9.8);
    expect(await runExits(w.exitDeps(), { now: new Date('2025-07-07T14:00:00Z') })).toMatchObject([{ symbol: 'XYZ', reason: 'time_stop', status: 'filled', realizedPnl: -0.6 }]);
  });
});

describe('runExits: crashes, partial fills, repeats', () => {
  it('crash after the broker accepted the sell, before our commit: the re-run looks it up, books it, and the broker holds exactly one sell', async () => {
    await w.hold({ symbol: 'ABC', qty: 7, price: 10, stop: 9 });
    w.quote('ABC', 8.95);
    const crashed = await runExits(w.exitDeps({ broker: crashAfterSubmit(w.paper()) }), { now: AT.midday });
    expect(crashed).toMatchObject([{ symbol: 'ABC', status: 'failed', remainingQty: 7 }]);
    expect(await w.brokerOrders('sell')).toBe(1);
    expect(await exitOrders()).toMatchObject([{ state: 'new', booked: false }]);
    expect(await w.position('ABC')).toMatchObject({ qty: 7 }); // not booked yet

    // Restart: a new DataSource and broker instance; the bid has moved since.
    w.quote('ABC', 8.5);
    const after = await w.open(10);
    const { broker, submits } = countingSubmits(w.paper(after));
    const out = await runExits(w.exitDeps({ db: w.uow(after), broker }), { now: AT.midday });
    expect(out).toMatchObject([{ status: 'filled', filledQty: 7, avgFillPrice: 8.95, realizedPnl: -7.35, remainingQty: 0 }]);
    expect(submits()).toBe(0); // looked up, never re-sent
    expect(await w.brokerOrders('sell')).toBe(1);
    expect(await w.position('ABC')).toMatchObject({ qty: 0, realized_pnl: -7.35 });
    expect(await runExits(w.exitDeps({ db: w.uow(after), broker }), { now: AT.midday })).toEqual([]);
    expect(submits()).toBe(0);
  });

  it('an IOC that fills nothing is booked not_filled; the same day it is not sent again (maxAttemptsPerDay 1), a higher limit allows one retry', async () => {
    await w.hold({ symbol: 'ABC', qty: 7, price: 10, stop: 9 });
    w.quote('ABC', 8.95, 8.97, 0); // no size at the bid
    expect(await runExits(w.exitDeps(), { now: AT.midday })).toMatchObject([{ status: 'not_filled', filledQty: 0, orderState: 'canceled', realizedPnl: 0, remainingQty: 7 }]);
    const again = await runExits(w.exitDeps(), { now: AT.nearClose });
    expect(again).toMatchObject([{ status: 'skipped', qty: 0, remainingQty: 7 }]);
    expect(exitLine(again[0]!)).toMatch(/already tried today/);
    expect(await w.brokerOrders('sell')).toBe(1);

    w.quote('ABC', 8.9);
    const retry = await runExits(w.exitDeps({ limits: { maxAttemptsPerDay: 2 } }), { now: AT.nearClose });
    expect(retry).toMatchObject([{ status: 'filled', filledQty: 7, avgFillPrice: 8.9, clientOrderId: expect.stringMatching(/^cx-s-20250708-[0-9a-f]{32}$/) }]);
    expect(await w.brokerOrders('sell')).toBe(2);
    expect(await w.count(`SELECT count(DISTINCT client_order_id)::int AS n FROM orders WHERE kind = 'exit'`)).toBe(2);
  });

  it('a partial fill reduces the position and books realized P&L on the filled shares only', async () => {
    await w.hold({ symbol: 'ABC', qty: 7, price: 10, stop: 9 });
    w.quote('ABC', 8.5, 8.52, 3);
    const out = await runExits(w.exitDeps(), { now: AT.midday });
    expect(out).toMatchObject([{ status: 'partially_filled', qty: 7, filledQty: 3, avgFillPrice: 8.5, realizedPnl: -4.5, remainingQty: 4 }]);
    expect(exitLine(out[0]!)).toMatch(/4 shares still held/);
    expect(await w.position('ABC')).toMatchObject({ qty: 4, realized_pnl: -4.5 });
    expect((await w.paper().listPositions())[0]).toMatchObject({ symbol: 'ABC', qty: 4 });
  });
});

describe('runExits and the kill switch', () => {
  it('ON: a due stop is blocked (nothing sent) by default; exitsDuringKill lets it through', async () => {
    await w.hold({ symbol: 'ABC', qty: 7, price: 10, stop: 9 });
    w.quote('ABC', 8.95);
    await w.killSwitch.engage('drill', 1);
    const out = await runExits(w.exitDeps(), { now: AT.midday });
    expect(out).toMatchObject([{ status: 'blocked', reason: 'stop', qty: 0, remainingQty: 7 }]);
    expect(exitLine(out[0]!)).toMatch(/kill switch is ON \(drill\).*\/kill flatten/);
    expect(await w.brokerOrders('sell')).toBe(0);
    expect(await exitOrders()).toEqual([]);
    expect(await w.actions()).toContain('exit.blocked');

    expect(await runExits(w.exitDeps({ limits: { exitsDuringKill: true } }), { now: AT.midday })).toMatchObject([{ status: 'filled', filledQty: 7 }]);
    expect(await w.brokerOrders('sell')).toBe(1);
  });

  it('switched ON between the decision and the POST: closed unsent, no broker order; after /resume the next run sends a fresh one', async () => {
    await w.hold({ symbol: 'ABC', qty: 7, price: 10, stop: 9 });
    w.quote('ABC', 8.95);
    let looks = 0;
    const flipping = {
      state: async (): Promise<KillSwitchState> => {
        if (++looks === 2) await w.killSwitch.engage('flipped mid-flight', 1);
        return w.killSwitch.state();
      },
    };
    const out = await runExits(w.exitDeps({ killSwitch: flipping }), { now: AT.midday });
    const reason = { code: 'kill_switch', order: 'exit', killReason: 'flipped mid-flight' };
    expect(out).toMatchObject([{ status: 'blocked', orderState: 'rejected', rejectReason: reason }]);
    expect(await w.brokerOrders('sell')).toBe(0);
    expect(await exitOrders()).toMatchObject([{ state: 'rejected', booked: true, filled_qty: 0 }]);
    // Recorded as a code with its figures; the order row keeps no words of ours.
    expect(await w.ds.query(`SELECT reject_reason, reject_detail FROM orders WHERE kind = 'exit'`)).toEqual([{ reject_reason: null, reject_detail: reason }]);
    const [rejected] = (await w.ds.query(`SELECT payload FROM audit_log WHERE payload->>'action' = 'exit.rejected'`)) as { payload: Record<string, unknown> }[];
    expect(rejected?.payload).toMatchObject({ reason, sent: false });

    await w.killSwitch.resume(1);
    expect(await runExits(w.exitDeps(), { now: AT.midday })).toMatchObject([{ status: 'filled', filledQty: 7 }]);
    expect(await w.brokerOrders('sell')).toBe(1);
  });
});

describe('flattenAll (/kill flatten)', () => {
  it('sells every open position even with the kill switch ON, audits the bypass, and a repeat sends nothing more', async () => {
    await w.hold({ symbol: 'ABC', qty: 7, price: 10, stop: 9 });
    await w.hold({ symbol: 'XYZ', qty: 4, price: 10, stop: 9, strategy: 'turtle_soup' });
    w.quote('ABC', 10.2);
    w.quote('XYZ', 9.9);
    await w.killSwitch.engage('panic', 1);
    const out = await flattenAll(w.exitDeps(), { now: AT.midday, requestedBy: 42 });
    expect(out).toMatchObject([
      { symbol: 'ABC', strategy: 'donchian', reason: 'flatten', status: 'filled', filledQty: 7, avgFillPrice: 10.2, realizedPnl: 1.4, decisionPrice: 10.2, remainingQty: 0 },
      { symbol: 'XYZ', strategy: 'turtle_soup', reason: 'flatten', status: 'filled', filledQty: 4, avgFillPrice: 9.9, realizedPnl: -0.4, remainingQty: 0 },
    ]);
    expect(await w.paper().listPositions()).toEqual([]);
    const created = (await w.ds.query(`SELECT payload FROM audit_log WHERE payload->>'action' = 'exit.created'`)) as { payload: { killSwitchBypass?: boolean } }[];
    expect(created.map((c) => c.payload.killSwitchBypass)).toEqual([true, true]);
    expect(await w.actions()).toEqual(expect.arrayContaining(['flatten.requested', 'flatten.done']));

    expect(await flattenAll(w.exitDeps(), { now: AT.midday, requestedBy: 42 })).toEqual([]);
    expect(await w.brokerOrders('sell')).toBe(2);
  });
});
