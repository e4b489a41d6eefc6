import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { sessionsBetween } from '../../../../src/engine/calendar/index.js';

/** Friday 2025-01-10, 15:00 New York. Thursday 2025-01-09 was a market closure. */
export const NOW = new Date('2025-01-10T20:00:00Z');

/** A scan run for picks to hang off. */
export async function seedRun(ds: DataSource): Promise<void> {
  await ds.query(`INSERT INTO scan_runs (id, as_of, strategies, status, symbols, demo) VALUES ('run-1', '2025-01-10', '{donchian}', 'done', 3, false)`);
}

/** Daily bars for `symbol` on the last `n` sessions up to `last`, closes from `close(i)` (i = 0 oldest). */
export async function seedBars(ds: DataSource, symbol: string, last: string, n: number, close: (i: number) => number): Promise<string[]> {
  const dates = sessionsBetween('2024-01-02', last).slice(-n);
  await ds.query(
    `INSERT INTO bars_daily (symbol, date, open, high, low, close, volume, source)
     SELECT $1, d, c, c * 1.01, c * 0.99, c, 1000000, 'test' FROM unnest($2::date[], $3::float8[]) AS t(d, c)`,
    [symbol, dates, dates.map((_, i) => close(i))],
  );
  return dates;
}

export interface PositionSeed {
  symbol: string;
  strategy?: string;
  qty: number;
  avgCost: number;
  stop?: number | null;
  timeStopDate?: string | null;
  lastPrice?: number | null;
  lastPriceAt?: Date | null;
  /** `positions.last_price_source`: `close`, `broker:<name>`, or null (recorded before sources were kept). */
  lastPriceSource?: string | null;
}

export async function seedPosition(ds: DataSource, p: PositionSeed): Promise<void> {
  await ds.query(
    `INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop, time_stop_date, last_price, last_price_at, last_price_source)
     VALUES ($1, $2, $3, $4, '2025-01-06T15:00:00Z', $5, $6, $7, $8, $9)`,
    [p.symbol, p.strategy ?? 'donchian', p.qty, p.avgCost, p.stop ?? null, p.timeStopDate ?? null, p.lastPrice ?? null, p.lastPriceAt ?? null, p.lastPriceSource ?? null],
  );
}

export async function seedPick(ds: DataSource, p: { id: string; symbol: string; entry: number; stop: number; demo?: boolean }): Promise<void> {
  await ds.query(
    `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, atr, score, qty, dollar_risk, reasons, demo, expires_at)
     VALUES ($1, 'run-1', '2025-01-10', $2, 'donchian', $3, $4, 1, 1, 10, 10, '[]', $5, '2025-01-10T21:00:00Z')`,
    [p.id, p.symbol, p.entry, p.stop, p.demo ?? false],
  );
}

export interface OrderSeed {
  kind?: 'entry' | 'exit';
  symbol: string;
  side?: 'buy' | 'sell';
  qty?: number;
  filledQty?: number;
  avgFillPrice?: number | null;
  limitPrice?: number;
  state?: string;
  realizedPnl?: number | null;
  bookedAt?: Date | null;
  createdAt: Date;
  clientOrderId?: string;
  /** Entries need a pick (the approval is made here). */
  pickId?: string;
}

/** Inserts an order (and for entries its approval); returns the order id. */
export async function seedOrder(ds: DataSource, o: OrderSeed): Promise<string> {
  const id = randomUUID();
  const kind = o.kind ?? 'exit';
  let approvalId: string | null = null;
  if (kind === 'entry') {
    approvalId = randomUUID();
    await ds.query(`INSERT INTO approvals (id, pick_id, approved_by, approved_at, expires_at, state) VALUES ($1, $2, 1, $3, $3, 'filled')`, [approvalId, o.pickId, o.createdAt]);
  }
  await ds.query(
    `INSERT INTO orders (id, approval_id, kind, exit_reason, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force, state,
                         filled_qty, avg_fill_price, realized_pnl, budget_date, reserved_amount, booked_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, 'paper', $6, 'donchian', $7, $8, $9, 'ioc', $10, $11, $12, $13, '2025-01-10', 0, $14, $15, $15)`,
    [
      id,
      approvalId,
      kind,
      kind === 'exit' ? 'stop' : null,
      o.clientOrderId ?? `${kind === 'entry' ? 'cs' : 'cx'}-${approvalId ?? id}`,
      o.symbol,
      o.side ?? (kind === 'entry' ? 'buy' : 'sell'),
      o.qty ?? 10,
      o.limitPrice ?? 10,
      o.state ?? 'filled',
      o.filledQty ?? o.qty ?? 10,
      o.avgFillPrice === undefined ? 10 : o.avgFillPrice,
      o.realizedPnl ?? null,
      o.bookedAt === undefined ? o.createdAt : o.bookedAt,
      o.createdAt,
    ],
  );
  return id;
}

export async function seedFill(ds: DataSource, orderId: string, f: { side: 'buy' | 'sell'; qty: number; price: number; at: Date; seq?: number }): Promise<void> {
  await ds.query(`INSERT INTO fills (order_id, symbol, side, qty, price, filled_at, seq) SELECT $1, symbol, $2, $3, $4, $5, $6 FROM orders WHERE id = $1`, [
    orderId,
    f.side,
    f.qty,
    f.price,
    f.at,
    f.seq ?? 0,
  ]);
}

export async function seedMark(ds: DataSource, m: { date: string; equity: number; cash: number; markedAt?: Date }): Promise<void> {
  await ds.query(
    `INSERT INTO equity_marks (date, equity, cash, market_value, realized_pnl, unrealized_pnl, marked_at) VALUES ($1, $2, $3, $2::numeric - $3::numeric, 0, 0, $4)`,
    [m.date, m.equity, m.cash, m.markedAt ?? new Date(`${m.date}T22:00:00Z`)],
  );
}
