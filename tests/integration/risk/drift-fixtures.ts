/**
 * Fixtures of the drift tests (issue 21, part 3): a finished risk-sized backtest run whose trades
 * have known R multiples, and live round trips (pick → approval → filled entry → booked exit)
 * whose R and slippage are known. Shared by the integration and end-to-end tests.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { mulberry32 } from '../../../src/engine/backtest/prng.js';

/** A skewed trend-follower's R distribution: many small losers near −1, a few big winners. */
export function referenceR(n: number, seed: number): number[] {
  const rnd = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const u = rnd();
    return u < 0.6 ? -1 + 0.2 * rnd() : u < 0.9 ? 0.5 + rnd() : 2 + 4 * rnd();
  });
}

/** `n` draws (with replacement) from `ref`: in distribution by construction. */
export function drawFrom(ref: readonly number[], n: number, seed: number): number[] {
  const rnd = mulberry32(seed);
  return Array.from({ length: n }, () => ref[Math.floor(rnd() * ref.length)]!);
}

/** The backtest's equity stays at this, so one R of every trade is 1 % of it: $1,000. */
const BT_EQUITY = 100_000;

/**
 * A finished backtest run, risk-sized at 1 %, whose `strategy` trades have exactly the R multiples
 * `rs` (flat equity curve: one R = $1,000). `finishedAt` defaults to a day ago.
 */
export async function plantBacktest(ds: DataSource, strategy: string, rs: readonly number[], finishedAt = new Date(Date.now() - 86_400_000)): Promise<string> {
  const id = randomUUID();
  const dates = Array.from({ length: rs.length + 2 }, (_, i) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
  const request = { strategies: [{ id: strategy, params: {} }], sizing: { kind: 'risk', pct: 0.01 }, initialCash: BT_EQUITY, walkForward: null };
  await ds.query(
    `INSERT INTO backtest_runs (id, request_hash, request, data_fingerprint, status, metrics, report, curves, trade_count, requested_by, started_at, finished_at)
     VALUES ($1, $2, $3::jsonb, $4, 'done', '{}'::jsonb, '{}'::json, $5::json, $6, 'drift-test', $7, $7)`,
    [id, randomUUID().replace(/-/g, '').padEnd(64, '0'), JSON.stringify(request), 'f'.repeat(64), JSON.stringify({ dates, equity: dates.map(() => BT_EQUITY), benchmark: null }), rs.length, finishedAt],
  );
  for (let i = 0; i < rs.length; i++) {
    const entry = dates[i + 1]!;
    await ds.query(
      `INSERT INTO backtest_trades (run_id, seq, symbol, strategy, signal_date, entry_date, entry_price, exit_date, exit_price, qty, pnl, pnl_pct, bars_held, exit_reason, commission)
       VALUES ($1, $2, 'BT', $3, $4, $5, 100, $5, 100, 1, $6, 0, 1, 'stop', 0)`,
      [id, i, strategy, dates[i]!, entry, rs[i]! * 0.01 * BT_EQUITY],
    );
  }
  return id;
}

/** One live round trip: card entry 100, stop 95 (one R = $5 a share), 10 shares. */
export interface RoundTrip {
  strategy: string;
  symbol: string;
  /** R of the exit; null: the entry only (no exit yet). */
  r: number | null;
  /** Fill vs the card's 100, in bps (default 0). */
  slipBps?: number;
  /** When the exit (or the entry) was booked. */
  at: Date;
}

let scanRun = false;

/** Inserts the round trip's pick, approval, filled entry order (with its fill) and booked exit order. */
export async function plantRoundTrip(ds: DataSource, t: RoundTrip): Promise<void> {
  if (!scanRun) {
    await ds.query(
      `INSERT INTO scan_runs (id, requested_by, chat_id, as_of, strategies, status, symbols, demo) VALUES ('drift-run', 1, 1, CURRENT_DATE, '{donchian,turtle_soup}', 'done', 1, false) ON CONFLICT (id) DO NOTHING`,
    );
  }
  const pick = randomUUID();
  const approval = randomUUID();
  const session = new Date(t.at.getTime() - 2 * 86_400_000).toISOString().slice(0, 10);
  await ds.query(
    `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, target, atr, score, qty, dollar_risk, reasons, demo, state, expires_at)
     VALUES ($1, 'drift-run', $2, $3, $4, 100, 95, NULL, 1, 1, 10, 50, '[]', false, 'EXECUTED', now())`,
    [pick, session, t.symbol, t.strategy],
  );
  await ds.query(`INSERT INTO approvals (id, pick_id, approved_by, approved_at, expires_at, state) VALUES ($1, $2, 1, now(), now(), 'filled')`, [approval, pick]);
  const fill = Math.round(100 * (1 + (t.slipBps ?? 0) / 10_000) * 10_000) / 10_000;
  const entryAt = new Date(t.at.getTime() - 3_600_000);
  const entryId = randomUUID();
  await ds.query(
    `INSERT INTO orders (id, approval_id, kind, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force, state, filled_qty, avg_fill_price, budget_date, reserved_amount, booked_at)
     VALUES ($1, $2, 'entry', $3, 'paper', $4, $5, 'buy', 10, 100.5, 'day', 'filled', 10, $6, $7::timestamptz::date, 0, $7)`,
    [entryId, approval, randomUUID().slice(0, 30), t.symbol, t.strategy, fill, entryAt],
  );
  await ds.query(`INSERT INTO fills (order_id, symbol, side, qty, price, filled_at, seq) VALUES ($1, $2, 'buy', 10, $3, $4, 0)`, [entryId, t.symbol, fill, entryAt]);
  if (t.r === null) return;
  await ds.query(
    `INSERT INTO orders (id, kind, exit_reason, realized_pnl, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force, state, filled_qty, avg_fill_price, budget_date, reserved_amount, booked_at)
     VALUES ($1, 'exit', 'stop', $2, $3, 'paper', $4, $5, 'sell', 10, 90, 'day', 'filled', 10, 95, $6::timestamptz::date, 0, $6)`,
    [randomUUID(), Math.round(t.r * 5 * 10 * 100) / 100, randomUUID().slice(0, 30), t.symbol, t.strategy, t.at],
  );
}

/** Live trades of `strategy` with R multiples `rs`, one an hour ending two days before `end`. */
export async function plantLiveTrades(ds: DataSource, strategy: string, rs: readonly number[], end = new Date(Date.now() - 2 * 86_400_000), slipBps = 0): Promise<void> {
  for (let i = 0; i < rs.length; i++) {
    await plantRoundTrip(ds, { strategy, symbol: `${strategy.slice(0, 2).toUpperCase()}${i}`, r: rs[i]!, slipBps, at: new Date(end.getTime() - (rs.length - i) * 3_600_000) });
  }
}
