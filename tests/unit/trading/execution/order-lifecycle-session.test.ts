/**
 * The one order lifecycle's session gate for NEW-RISK orders (entries): outside the session the
 * order is closed unsent right before its POST — after the kill switch read, on the injected
 * clock — and the broker never sees it. Orders that reduce risk (exits, flatten, /close) pass no
 * such rule and are sent as before.
 */
import { describe, expect, it } from 'vitest';
import type { Broker, BrokerOrder, OrderRequest } from '../../../../src/adapters/brokers/port.js';
import type { SqlSession } from '../../../../src/adapters/db/port.js';
import { ALWAYS_OPEN, EXCHANGE_HOURS } from '../../../../src/engine/market-hours.js';
import { AuditJournal } from '../../../../src/trading/execution/audit-journal.js';
import { OrderLifecycle, type KillSwitchRule, type LifecycleOrder, type OrderBookkeeping, type UnsentCause } from '../../../../src/trading/execution/order-lifecycle.js';
import type { KillSwitchState } from '../../../../src/trading/kill-switch/kill-switch.js';

const FRI_1600_02 = new Date('2026-12-11T21:00:02Z'); // after the close
const FRI_1559_59 = new Date('2026-12-11T20:59:59Z'); // in session

function killSwitch(engaged: boolean): KillSwitchState {
  return { engaged, epoch: 1, reason: engaged ? 'drill' : null, changedBy: null, changedAt: null, postgres: engaged, redis: engaged };
}

/** A broker that records every POST and fills it at once. */
function recordingBroker() {
  const posted: OrderRequest[] = [];
  const broker = {
    name: 'fake',
    async submitOrder(req: OrderRequest): Promise<BrokerOrder> {
      posted.push(req);
      return { brokerOrderId: 'b1', clientOrderId: req.clientOrderId, symbol: req.symbol, side: req.side, qty: req.qty, filledQty: req.qty, avgFillPrice: req.limitPrice, limitPrice: req.limitPrice, status: 'filled', submittedAt: FRI_1559_59.toISOString(), updatedAt: FRI_1559_59.toISOString() };
    },
    async findSubmitted() {
      return null;
    },
  } as unknown as Broker;
  return { broker, posted };
}

/** A database that records statements; the attempt mark always wins. */
function recordingDb() {
  const statements: string[] = [];
  const db: SqlSession = {
    async rows<T>(sql: string): Promise<T[]> {
      statements.push(sql);
      return (/submit_attempted_at = \$2/.test(sql) ? [{ id: 'o1' }] : []) as T[];
    },
    async exec(sql: string) {
      statements.push(sql);
      return 1;
    },
  };
  return { db, statements };
}

function run(opts: { now: Date; killed?: boolean; rule?: KillSwitchRule; newRisk?: boolean; hours?: typeof EXCHANGE_HOURS }) {
  const { broker, posted } = recordingBroker();
  const { db, statements } = recordingDb();
  const audited: string[] = [];
  const journal = new AuditJournal({ append: async (e) => (audited.push(e.action), audited.length) }, 'test', {}, () => undefined);
  const lifecycle = new OrderLifecycle({ db, broker, killSwitch: { state: async () => killSwitch(opts.killed ?? false) }, journal, prefix: 'order', now: () => opts.now, text: (s) => s, waitTimeoutMs: 10, log: undefined });
  const unsent: UnsentCause[] = [];
  let booked = 0;
  const books: OrderBookkeeping<string> = {
    closeUnsent: async (u) => void unsent.push(u),
    book: async () => (booked++, 'booked'),
  };
  const order: LifecycleOrder = { id: 'o1', client_order_id: 'cs-1', symbol: 'MCE', side: 'buy', qty: 10, limit_price: '50.05', time_in_force: 'ioc', state: 'new', broker_order_id: null, submit_attempted_at: null, booked_at: null };
  const newRisk = opts.newRisk === false ? {} : { newRisk: { hours: opts.hours ?? EXCHANGE_HOURS, now: () => opts.now } };
  const result = lifecycle.follow(order, opts.rule ?? 'check', books, newRisk);
  return { result, posted, statements, audited, unsent, booked: () => booked, order };
}

describe('OrderLifecycle: new-risk orders outside the session', () => {
  it('an entry due after the close is closed unsent as market_closed: no attempt mark, no POST, nothing booked', async () => {
    const r = run({ now: FRI_1600_02 });
    const reason = { code: 'market_closed', order: 'entry', at: FRI_1600_02.toISOString(), nextOpen: '2026-12-14T14:30:00.000Z' };
    expect(await r.result).toEqual({ kind: 'market_closed', reason });
    expect(r.posted).toEqual([]);
    expect(r.unsent).toEqual([{ cause: 'market_closed', reason }]);
    expect(r.booked()).toBe(0);
    expect(r.statements.some((s) => /submit_attempted_at = \$2/.test(s))).toBe(false);
    expect(r.order.submit_attempted_at).toBeNull();
    // The submission was audited (as before a kill-switch block); the close is the bookkeeping's to audit.
    expect(r.audited).toEqual(['order.submitting']);
  });

  it('the kill switch still comes first: engaged and closed is `blocked`, not `market_closed`', async () => {
    const r = run({ now: FRI_1600_02, killed: true });
    expect((await r.result).kind).toBe('blocked');
    expect(r.unsent.map((u) => u.cause)).toEqual(['kill_switch']);
    expect(r.posted).toEqual([]);
  });

  it('in session the entry is sent and booked as before', async () => {
    const r = run({ now: FRI_1559_59 });
    expect((await r.result).kind).toBe('booked');
    expect(r.posted.map((p) => p.clientOrderId)).toEqual(['cs-1']);
    expect(r.unsent).toEqual([]);
  });

  it('MARKET_HOURS=always: sent at any hour (tests of the fill path)', async () => {
    const r = run({ now: FRI_1600_02, hours: ALWAYS_OPEN });
    expect((await r.result).kind).toBe('booked');
    expect(r.posted).toHaveLength(1);
  });

  it('orders that reduce risk (no newRisk rule: exits, flatten, /close) keep their behaviour: sent after the close', async () => {
    const r = run({ now: FRI_1600_02, newRisk: false, rule: 'bypass' });
    expect((await r.result).kind).toBe('booked');
    expect(r.posted).toHaveLength(1);
    expect(r.unsent).toEqual([]);
  });
});
