/**
 * The entry gate honours run-time calendar overrides (courtside calendar close|late-open) without
 * a restart, against Postgres and the paper broker with the exchange's hours and an injected clock:
 * - a close added while the worker runs: once the cached read is renewed, an entry is refused
 *   market_closed before any broker read, and an order planned before it is closed unsent at the
 *   check right before the POST;
 * - a late open (read from the run's own database by default): refused before it, sent after it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CalendarOverride } from '../../../../src/engine/calendar/overrides.js';
import { EXCHANGE_HOURS } from '../../../../src/engine/market-hours.js';
import { BrokerError } from '../../../../src/lib/broker-errors.js';
import { addCalendarOverride } from '../../../../src/trading/calendar/add-override.js';
import { CachedCalendarOverrides } from '../../../../src/trading/calendar/overrides-source.js';
import { CalendarOverrideStore } from '../../../../src/trading/calendar/store.js';
import { approvePick } from '../../../../src/trading/execution/approve-pick.js';
import { executeApproval } from '../../../../src/trading/execution/execute.js';
import { makeWorld, wrapBroker, type World } from './setup.js';

// Thursday 2026-12-10 and Friday 2026-12-11 are NYSE sessions by the rules (09:30–16:00 EST = 14:30–21:00Z).
const THU_1100 = new Date('2026-12-10T16:00:00Z');
const THU_1101 = new Date('2026-12-10T16:01:00Z');
const FRI_OPEN = '2026-12-11T14:30:00.000Z';

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(async () => {
  await w.close();
});

async function approvedAt(now: Date, symbol: string): Promise<{ pickId: string; approvalId: string }> {
  const pickId = await w.pick({ symbol, expiresAt: new Date(now.getTime() + 3_600_000) });
  const r = await approvePick(w.uow(), { pickId, userId: 42, role: 'trader', now });
  if (r.kind !== 'approved') throw new Error(`not approved: ${r.kind}`);
  return { pickId, approvalId: r.approvalId };
}

const add = (o: CalendarOverride) => addCalendarOverride({ db: w.uow(), audit: w.audit }, o, 'cli');
const brokerOrders = () => w.count(`SELECT count(*)::int AS n FROM paper_orders`);

describe('executeApproval with run-time calendar overrides', () => {
  it('a close added while running: the next entry is refused, an order planned before it is closed unsent', async () => {
    let now = THU_1100;
    // The worker's one cached reader, aged on the test's clock (real time in production).
    const overrides = new CachedCalendarOverrides({ list: () => new CalendarOverrideStore(w.uow()).list() }, { ttlMs: 60_000, clock: () => now.getTime() });
    const deps = (over: Parameters<World['deps']>[0] = {}) => w.deps({ marketHours: EXCHANGE_HOURS, now: () => now, calendarOverrides: overrides, ...over });

    // Planned in session, not placed (broker down): an order row holds its reservation.
    const planned = await approvedAt(now, 'ABC');
    const down = wrapBroker(w.paper(), {
      submitOrder: async () => {
        throw new BrokerError({ broker: 'paper', kind: 'unavailable', detail: 'connect ECONNREFUSED (simulated)' });
      },
    });
    expect(await executeApproval(deps({ broker: down }), planned.approvalId)).toMatchObject({ kind: 'failed', retryable: true });
    const fresh = await approvedAt(now, 'XYZ');

    await add({ exchange: 'XNYS', date: '2026-12-10', kind: 'close', openTime: null, reason: 'Snow storm' });
    now = THU_1101;
    const reason = { code: 'market_closed', order: 'entry', at: THU_1101.toISOString(), nextOpen: FRI_OPEN };

    let accountReads = 0;
    let sent = 0;
    const up = wrapBroker(w.paper(), {
      account: () => {
        accountReads++;
        return w.paper().account();
      },
      submitOrder: async (r) => {
        sent++;
        return w.paper().submitOrder(r);
      },
    });
    expect(await executeApproval(deps({ broker: up }), fresh.approvalId)).toEqual({ kind: 'refused', approvalId: fresh.approvalId, pickId: fresh.pickId, symbol: 'XYZ', gate: 'market_closed', reason, numbers: {} });
    expect(accountReads).toBe(0);
    expect(await executeApproval(deps({ broker: up }), planned.approvalId)).toMatchObject({ kind: 'refused', gate: 'market_closed', reason });
    expect(sent).toBe(0);
    expect(await brokerOrders()).toBe(0);
    expect(await w.count(`SELECT count(*)::int AS n FROM orders WHERE state = 'rejected' AND submit_attempted_at IS NULL`)).toBe(1);
  });

  it('a late open, read from the run database by default: refused before it (next open = the late open), filled after it', async () => {
    await add({ exchange: 'XNYS', date: '2026-12-11', kind: 'late_open', openTime: '10:30', reason: 'Exchange systems' });
    const before = new Date('2026-12-11T15:00:00Z'); // 10:00 ET: open by the rules, not today
    const { approvalId, pickId } = await approvedAt(before, 'ABC');
    const refused = await executeApproval(w.deps({ marketHours: EXCHANGE_HOURS, now: () => before }), approvalId);
    expect(refused).toEqual({ kind: 'refused', approvalId, pickId, symbol: 'ABC', gate: 'market_closed', reason: { code: 'market_closed', order: 'entry', at: before.toISOString(), nextOpen: '2026-12-11T15:30:00.000Z' }, numbers: {} });

    const after = new Date('2026-12-11T15:31:00Z'); // 10:31 ET
    const second = await approvedAt(after, 'XYZ');
    expect(await executeApproval(w.deps({ marketHours: EXCHANGE_HOURS, now: () => after }), second.approvalId)).toMatchObject({ kind: 'filled' });
    expect(await brokerOrders()).toBe(1);
  });
});
