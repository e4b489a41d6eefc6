/**
 * Issue 19, items 4 and 7, for EXIT orders. Real bot + worker roles, BROKER=alpaca-paper against
 * the Alpaca trading and data emulators, Postgres and Redis.
 *
 * - A stop exit whose IOC sell ends unfilled at Alpaca (nothing offered at the bid) says who ended
 *   it — the IOC — in the chat and in /orders, and the order row records it (`ioc_ended`).
 * - On an account that refuses IOC, with ALPACA_ENTRY_TIF=day, exits follow the setting: a stop
 *   exit goes as a DAY limit, rests unfilled, is cancelled by Courtside after
 *   ALPACA_DAY_CANCEL_AFTER_S and the chat says so; a /close that fills part at once is booked
 *   once, and its unfilled rest is said to be cancelled by Courtside.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlpacaRig, type AlpacaRig } from '../../helpers/alpaca-harness.js';
import { buttonsOfEvent, command, count, pressAnswer, sleep, textOf, until, waitMessage } from '../../helpers/execution.js';

const ADMIN = 1;
const QTY = 10;
const COST = 20;
const STOP = 19;

/** A position as an executed entry leaves it: held at Alpaca and in our books, with its stop. */
async function hold(s: AlpacaRig, symbol: string): Promise<void> {
  s.trading.setPosition(symbol, QTY, COST);
  await s.h.running.app.ds.query(
    `INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop, time_stop_date, updated_at) VALUES ($1, 'donchian', $2, $3, now(), $4, NULL, now())`,
    [symbol, QTY, COST, STOP],
  );
}

/** The quote both emulators show; `bidSize` is how many shares Alpaca's book offers at the bid. */
function quote(s: AlpacaRig, symbol: string, bid: number, bidSize: number): void {
  s.data.setQuote(symbol, { bid, ask: bid + 0.01, bidSize: 100_000, askSize: 100_000 });
  s.trading.setQuote(symbol, { bid, ask: bid + 0.01, bidSize, askSize: 100_000 });
}

/** Runs the exits job once (as the scheduler would), under a fresh job id. */
async function runExitsJob(s: AlpacaRig, tag: string): Promise<void> {
  await s.h.running.app.jobs.add('execution.exits', { slotKey: tag }, { jobId: `e2e-exits-${tag}` });
}

interface ExitRow {
  client_order_id: string;
  state: string;
  time_in_force: string;
  filled_qty: number;
  reject_detail: unknown;
  booked_at: Date | null;
}

async function exitRows(s: AlpacaRig, symbol: string): Promise<ExitRow[]> {
  return (await s.h.running.app.ds.query(
    `SELECT client_order_id, state, time_in_force, filled_qty, reject_detail, booked_at FROM orders WHERE kind = 'exit' AND symbol = $1 ORDER BY created_at`,
    [symbol],
  )) as ExitRow[];
}

describe('a stop exit whose IOC sell ends unfilled at Alpaca', () => {
  let s: AlpacaRig;
  beforeAll(async () => {
    s = await startAlpacaRig({ symbols: { EXNF: COST }, env: { EXIT_REQUIRE_OPEN_SESSION: 'false' } });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it('says the IOC ended it unfilled, in the chat and in /orders, and records it on the order row', async () => {
    await hold(s, 'EXNF');
    // Fallen through the stop, and nobody bids for a share at Alpaca: the IOC sell ends canceled, nothing sold.
    quote(s, 'EXNF', 18, 0);
    const after = s.h.emulator.lastSeq;
    await runExitsJob(s, 'exnf');
    const told = textOf(await waitMessage(s.h.emulator, ADMIN, after, /Stop exit EXNF/, 20_000));
    expect(told).toMatch(/the IOC order ended canceled with nothing filled/);
    expect(told).toMatch(/The position is still open/);

    const rows = await exitRows(s, 'EXNF');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.time_in_force).toBe('ioc');
    expect(rows[0]!.state).toBe('canceled');
    expect(rows[0]!.reject_detail).toMatchObject({ code: 'ioc_ended', status: 'canceled', endedBy: 'ioc' });

    const orders = textOf(await command(s.h, ADMIN, '/orders', /Last \d+ order/));
    const line = orders.split('\n').find((l) => /SELL EXNF/.test(l)) ?? '';
    expect(line).toMatch(/0\/10 · the IOC order ended canceled with nothing filled/);
  }, 40_000);
});

describe('exits on an account that refuses IOC, with ALPACA_ENTRY_TIF=day', () => {
  let s: AlpacaRig;
  beforeAll(async () => {
    s = await startAlpacaRig({ symbols: { EXDN: COST, EXDP: 25 }, env: { ALPACA_ENTRY_TIF: 'day', ALPACA_DAY_CANCEL_AFTER_S: '2', EXIT_REQUIRE_OPEN_SESSION: 'false' } });
    s.trading.refuseTimeInForce(['ioc']);
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it('a stop exit goes as a DAY limit, is cancelled by Courtside after the delay unfilled, and the chat says so', async () => {
    await hold(s, 'EXDN');
    quote(s, 'EXDN', 18, 0);
    const after = s.h.emulator.lastSeq;
    await runExitsJob(s, 'exdn');
    const told = textOf(await waitMessage(s.h.emulator, ADMIN, after, /Stop exit EXDN/, 30_000));
    expect(told).toMatch(/cancelled by Courtside: the DAY limit order was still unfilled after ALPACA_DAY_CANCEL_AFTER_S/);
    expect(told).not.toMatch(/immediate-or-cancel|ALPACA_ENTRY_TIF/);

    const sells = s.trading.orders().filter((o) => o['symbol'] === 'EXDN' && o['side'] === 'sell');
    expect(sells).toHaveLength(1);
    expect(sells[0]!['time_in_force']).toBe('day');
    expect(sells[0]!['status']).toBe('canceled');
    expect(s.trading.requests.filter((r) => r.method === 'DELETE' && r.path === `/v2/orders/${String(sells[0]!['id'])}`).length).toBeGreaterThanOrEqual(1);
    const rows = await exitRows(s, 'EXDN');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.time_in_force).toBe('day');
    expect(rows[0]!.reject_detail).toMatchObject({ code: 'ioc_ended', endedBy: 'day_timeout' });
    expect(await count(s.h.running.app.ds, `SELECT count(*)::int AS n FROM broker_cancels WHERE cause = 'day_timeout'`)).toBe(1);
    expect(await count(s.h.running.app.ds, `SELECT count(*)::int AS n FROM positions WHERE symbol = 'EXDN' AND qty = $1`, [QTY])).toBe(1);

    const orders = textOf(await command(s.h, ADMIN, '/orders', /Last \d+ order/));
    expect(orders.split('\n').find((l) => /SELL EXDN/.test(l)) ?? '').toMatch(/cancelled by Courtside/);
  }, 45_000);

  it('a /close that fills part at once is booked once, and its unfilled rest is said to be cancelled by Courtside', async () => {
    await hold(s, 'EXDP');
    // Only 4 shares bid for at Alpaca: the DAY sell of 10 fills 4 at once and rests for the other 6.
    quote(s, 'EXDP', 25, 4);
    const ask = await command(s.h, ADMIN, '/close EXDP', /Sell 10 of 10 EXDP\?/);
    // The confirm says how the sale will rest: a DAY limit on this account, not an IOC.
    expect(textOf(ask)).toMatch(/One DAY sell limit at the bid less the exit buffer, cancelled by Courtside if still unfilled after \d+ s/);
    const confirm = buttonsOfEvent(ask).find((b) => /Confirm/.test(b.text))!;
    const after = s.h.emulator.lastSeq;
    await pressAnswer(s.h, ADMIN, ask.message_id!, confirm.callback_data);
    const told = textOf(await waitMessage(s.h.emulator, ADMIN, after, /Closed 4 of 10 EXDP/, 30_000));
    expect(told).toMatch(/The other 6: cancelled by Courtside/);
    expect(told).not.toMatch(/IOC/);
    expect(told).toMatch(/6 shares still held/);

    // Booked once: one POST, one booking, one fill row, the position down by what sold.
    await sleep(1_000);
    const posts = s.trading.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders');
    const rows = await exitRows(s, 'EXDP');
    expect(rows).toHaveLength(1);
    expect(posts.filter((p) => p.clientOrderId === rows[0]!.client_order_id)).toHaveLength(1);
    expect(rows[0]!.time_in_force).toBe('day');
    expect(rows[0]!.filled_qty).toBe(4);
    expect(rows[0]!.reject_detail).toMatchObject({ code: 'ioc_ended', endedBy: 'day_timeout' });
    const sell = s.trading.orders().find((o) => o['symbol'] === 'EXDP' && o['side'] === 'sell')!;
    expect(sell['time_in_force']).toBe('day');
    expect(sell['status']).toBe('canceled');
    expect(sell['filled_qty']).toBe('4');
    const ds = s.h.running.app.ds;
    await until('the position booked down', async () => ((await count(ds, `SELECT count(*)::int AS n FROM positions WHERE symbol = 'EXDP' AND qty = 6`)) === 1 ? true : undefined), 5_000);
    expect(await count(ds, `SELECT count(*)::int AS n FROM fills f JOIN orders o ON o.id = f.order_id WHERE o.symbol = 'EXDP' AND o.kind = 'exit'`)).toBe(1);
    expect(await count(ds, `SELECT count(*)::int AS n FROM audit_log WHERE payload->>'action' = 'exit.partially_filled' AND payload->>'symbol' = 'EXDP'`)).toBe(1);
  }, 45_000);
});
