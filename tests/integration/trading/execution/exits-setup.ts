import { randomUUID } from 'node:crypto';
import type { Broker } from '../../../../src/adapters/brokers/port.js';
import type { ExitDeps } from '../../../../src/trading/execution/exits.js';
import { makeWorld, wrapBroker, type World } from './setup.js';

/** Instants in New York sessions used by the exit tests (all 2025, EDT = UTC−4). */
export const AT = {
  /** Tue 2025-07-08 13:00 EDT: open, before the time-stop window. */
  midday: new Date('2025-07-08T17:00:00Z'),
  /** Tue 2025-07-08 15:50 EDT: inside the 15-minute time-stop window. */
  nearClose: new Date('2025-07-08T19:50:00Z'),
  /** Mon 2025-07-07 15:50 EDT. */
  dayBeforeNearClose: new Date('2025-07-07T19:50:00Z'),
  /** Fri 2025-07-04: Independence Day, closed. */
  holiday: new Date('2025-07-04T15:00:00Z'),
} as const;

export interface ExitsWorld extends World {
  exitDeps(over?: Partial<ExitDeps>): ExitDeps;
  /** Sets the book of a symbol (sizes default to plenty). */
  quote(symbol: string, bid: number, ask?: number, bidSize?: number): void;
  /**
   * A position as an executed entry leaves it: bought at the paper broker
   * (IOC at `price`) and the matching `positions` row in our books.
   */
  hold(p: { symbol: string; qty: number; price: number; stop?: number | null; timeStopDate?: string | null; strategy?: string }): Promise<void>;
  /** Orders the paper broker holds, optionally only one side. */
  brokerOrders(side?: 'buy' | 'sell'): Promise<number>;
  position(symbol: string, strategy?: string): Promise<{ qty: number; realized_pnl: number; avg_cost: number } | null>;
  actions(): Promise<string[]>;
}

export async function makeExitsWorld(): Promise<ExitsWorld> {
  const w = await makeWorld();
  const quote = (symbol: string, bid: number, ask = Math.round((bid + 0.01) * 100) / 100, bidSize = 10_000) => {
    w.quotes.set(symbol, { bid, ask, bidSize, askSize: 10_000, time: '2025-07-08T17:00:00Z' });
  };
  return Object.assign(w, {
    quote,
    exitDeps: (over: Partial<ExitDeps> = {}): ExitDeps => ({
      db: w.uow(),
      broker: w.paper(),
      quotes: w.quoteProvider,
      killSwitch: w.killSwitch,
      audit: w.audit,
      waitTimeoutMs: 2_000,
      ...over,
    }),
    async hold(p: { symbol: string; qty: number; price: number; stop?: number | null; timeStopDate?: string | null; strategy?: string }) {
      const before = w.quotes.get(p.symbol);
      quote(p.symbol, Math.round((p.price - 0.01) * 100) / 100, p.price);
      const b = await w.paper().submitOrder({ clientOrderId: `seed-${randomUUID()}`, symbol: p.symbol, side: 'buy', qty: p.qty, type: 'limit', limitPrice: p.price, timeInForce: 'ioc' });
      if (b.filledQty !== p.qty) throw new Error(`seed buy of ${p.symbol} did not fill: ${b.status}`);
      if (before) w.quotes.set(p.symbol, before);
      await w.ds.query(
        `INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop, time_stop_date, updated_at) VALUES ($1, $2, $3, $4, now(), $5, $6, now())`,
        [p.symbol, p.strategy ?? 'donchian', p.qty, p.price, p.stop === undefined ? 9 : p.stop, p.timeStopDate ?? null],
      );
    },
    brokerOrders: (side?: 'buy' | 'sell') =>
      side ? w.count(`SELECT count(*)::int AS n FROM paper_orders WHERE side = $1`, [side]) : w.count(`SELECT count(*)::int AS n FROM paper_orders`),
    async position(symbol: string, strategy = 'donchian') {
      const r = (await w.ds.query(`SELECT qty, realized_pnl::float8 AS realized_pnl, avg_cost::float8 AS avg_cost FROM positions WHERE symbol = $1 AND strategy = $2`, [
        symbol,
        strategy,
      ])) as { qty: number; realized_pnl: number; avg_cost: number }[];
      return r[0] ?? null;
    },
    async actions() {
      return ((await w.ds.query(`SELECT payload->>'action' AS a FROM audit_log ORDER BY seq`)) as { a: string }[]).map((r) => r.a);
    },
  });
}

/** A broker whose submit reaches the real broker (which accepts the order) and then dies, like kill -9 before our commit. */
export function crashAfterSubmit(inner: Broker): Broker {
  return wrapBroker(inner, { submitOrder: async (req) => {
    await inner.submitOrder(req);
    throw new Error('simulated kill -9 after the broker accepted');
  } });
}

/** Same broker, counting submits. */
export function countingSubmits(inner: Broker): { broker: Broker; submits: () => number } {
  let n = 0;
  return {
    broker: wrapBroker(inner, { submitOrder: (req) => {
      n++;
      return inner.submitOrder(req);
    } }),
    submits: () => n,
  };
}
