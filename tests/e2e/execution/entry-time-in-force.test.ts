/**
 * Issue 19, item 7: every order is a whole-share IOC, and Alpaca enables time-in-force values per
 * account. Real bot + worker roles, BROKER=alpaca-paper against the Alpaca trading emulator.
 *
 * - An account that refuses IOC: the trader is told so, with the fix (ALPACA_ENTRY_TIF=day).
 * - ALPACA_ENTRY_TIF=day: the entry goes as a DAY limit; what fills at once is kept, and the rest,
 *   still resting after ALPACA_DAY_CANCEL_AFTER_S, is cancelled by Courtside and booked as a
 *   partial fill — one POST, one cancel, nothing left at the broker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlpacaRig, type AlpacaRig } from '../../helpers/alpaca-harness.js';
import { approvalOf, command, count, insertPick, textOf, until, waitMessage } from '../../helpers/execution.js';

const ADMIN = 1;

describe('an Alpaca account that refuses IOC', () => {
  let s: AlpacaRig;
  beforeAll(async () => {
    s = await startAlpacaRig({ symbols: { TIFR: 20 } });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it('tells the trader it was refused and names ALPACA_ENTRY_TIF=day', async () => {
    const { h, trading } = s;
    trading.refuseTimeInForce(['ioc']);
    const pickId = await insertPick(h.running.app.ds, { symbol: 'TIFR', entry: 20, qty: 5 });
    const after = h.emulator.lastSeq;
    await command(h, ADMIN, `/approve ${pickId}`, /^Approved TIFR: placing the order now/);
    const told = textOf(await waitMessage(h.emulator, ADMIN, after, /Not ordered: TIFR/, 15_000));
    expect(told).toMatch(/time_in_force ioc is not allowed for this account/);
    expect(told).toMatch(/refuses immediate-or-cancel orders: set ALPACA_ENTRY_TIF=day/);
    expect(told).toMatch(/It was sent to alpaca-paper and refused there: nothing was placed/);
    expect((await approvalOf(h.running.app.ds, pickId))!.state).toBe('refused');
    expect(trading.orders()).toHaveLength(0);
  }, 30_000);
});

describe('ALPACA_ENTRY_TIF=day', () => {
  let s: AlpacaRig;
  beforeAll(async () => {
    // Only 4 shares offered at the ask: a DAY limit for 10 fills 4 and rests for the other 6.
    s = await startAlpacaRig({ symbols: { TIFD: 30 }, env: { ALPACA_ENTRY_TIF: 'day', ALPACA_DAY_CANCEL_AFTER_S: '2' }, askSize: 4 });
    s.trading.refuseTimeInForce(['ioc']);
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it('sends a DAY limit, cancels the unfilled rest after ALPACA_DAY_CANCEL_AFTER_S and books the part that filled', async () => {
    const { h, trading } = s;
    const ds = h.running.app.ds;
    const pickId = await insertPick(ds, { symbol: 'TIFD', entry: 30, qty: 10 });
    const after = h.emulator.lastSeq;
    await command(h, ADMIN, `/approve ${pickId}`, /^Approved TIFD: placing the order now/);
    const told = textOf(await waitMessage(h.emulator, ADMIN, after, /Partly filled: bought TIFD — 4 of 10 shares/, 20_000));
    expect(told).toMatch(/The other 6 shares were not filled: cancelled by Courtside: the DAY limit order was still partly unfilled after ALPACA_DAY_CANCEL_AFTER_S\. Nothing more will fill/);
    expect(told).not.toMatch(/Not filled/);
    const posts = trading.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders');
    expect(posts).toHaveLength(1);
    const order = trading.orders().find((o) => o['symbol'] === 'TIFD')!;
    expect(order['time_in_force']).toBe('day');
    expect(order['status']).toBe('canceled');
    expect(order['filled_qty']).toBe('4');
    expect(trading.requests.filter((r) => r.method === 'DELETE' && r.path === `/v2/orders/${String(order['id'])}`).length).toBeGreaterThanOrEqual(1);
    await until('booked', async () => ((await approvalOf(ds, pickId))?.state === 'partially_filled' ? true : undefined), 10_000);
    expect(await count(ds, `SELECT count(*)::int AS n FROM positions WHERE symbol = 'TIFD' AND qty = 4`)).toBe(1);
    expect(await count(ds, `SELECT count(*)::int AS n FROM broker_cancels WHERE cause = 'day_timeout'`)).toBe(1);
  }, 40_000);
});
