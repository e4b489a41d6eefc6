import type { OrderSummary } from '../../../../src/trading/execution/execute.js';
import { totalsOf } from '../../../../src/trading/portfolio/positions.js';
import type { OpenPosition, PnlReport, PositionsSnapshot, RecentOrder } from '../../../../src/trading/portfolio/types.js';

/** A priced position; override anything. Unrealized fields follow price/avgCost/qty unless given. */
export function position(over: Partial<OpenPosition> & { symbol: string }): OpenPosition {
  const qty = over.qty ?? 10;
  const avgCost = over.avgCost ?? 100;
  const price = over.price === undefined ? 110 : over.price;
  return {
    strategy: 'donchian',
    qty,
    avgCost,
    openedAt: new Date('2025-01-06T15:00:00Z'),
    stop: 95,
    target: null,
    timeStopDate: '2025-01-13',
    realizedPnl: 0,
    price,
    priceSource: price === null ? 'none' : 'mark',
    priceAsOf: price === null ? null : '2025-01-09',
    costBasis: qty * avgCost,
    marketValue: price === null ? null : qty * price,
    unrealizedPnl: price === null ? null : (price - avgCost) * qty,
    unrealizedPct: price === null ? null : price / avgCost - 1,
    ...over,
  };
}

/** A snapshot in the given order (as the read model would sort it). */
export function snapshot(positions: OpenPosition[]): PositionsSnapshot {
  return { positions, totals: totalsOf(positions) };
}

export function order(over: Partial<RecentOrder> & { symbol: string }): RecentOrder {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    kind: 'entry',
    exitReason: null,
    strategy: 'donchian',
    side: 'buy',
    qty: 10,
    filledQty: 10,
    avgFillPrice: 100.25,
    limitPrice: 100.5,
    state: 'filled',
    clientOrderId: 'cs-1a2b3c4d-0000-4000-8000-000000000001',
    shortId: 'cs-1a2b3c4d',
    broker: 'paper',
    realizedPnl: null,
    rejectReason: null,
    brokerReason: null,
    // 14:05 New York (EST) on Friday 2025-01-10.
    createdAt: new Date('2025-01-10T19:05:00Z'),
    bookedAt: new Date('2025-01-10T19:05:01Z'),
    ...over,
  };
}

export function pnl(over: Partial<PnlReport> = {}): PnlReport {
  return {
    range: { period: 'week', from: '2025-01-03', to: '2025-01-10', today: '2025-01-10', baseline: '2025-01-02', sessions: 5 },
    realized: { total: 120, trades: 3, wins: 2, losses: 1 },
    unrealized: { total: -20, positions: 2, unpriced: 0 },
    equity: {
      points: [
        { date: '2025-01-02', equity: 100_000, live: false },
        { date: '2025-01-03', equity: 100_050, live: false },
        { date: '2025-01-10', equity: 100_100, live: true },
      ],
      change: 100,
      since: '2025-01-02',
    },
    ...over,
  };
}

export function summary(over: Partial<OrderSummary> = {}): OrderSummary {
  return {
    approvalId: '1a2b3c4d-0000-4000-8000-000000000001',
    pickId: 'p1a2b3c',
    symbol: 'ABC',
    strategy: 'donchian',
    side: 'buy',
    qty: 7,
    limitPrice: 10.02,
    filledQty: 7,
    avgFillPrice: 10,
    filledNotional: 70,
    clientOrderId: 'cs-1a2b3c4d-0000-4000-8000-000000000001',
    brokerOrderId: 'b-1',
    broker: 'paper',
    orderState: 'filled',
    ...over,
  };
}

/** The text an entity covers. */
export function covered(msg: { text: string; entities?: readonly { type: string; offset: number; length: number }[] | undefined }, type: string): string[] {
  return (msg.entities ?? []).filter((e) => e.type === type).map((e) => msg.text.slice(e.offset, e.offset + e.length));
}
