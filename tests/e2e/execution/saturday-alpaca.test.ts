/**
 * Issue 19, item 1: a Saturday approval against Alpaca. Real bot + worker roles, BROKER=alpaca-paper
 * against the Alpaca trading emulator, MARKET_HOURS=exchange and the app's clock set to Saturday
 * 11:00 ET (tests/helpers/market-time.ts). Alpaca would keep such an order `accepted` for Monday's
 * open; Courtside must send nothing, tell the trader within 5 s, and offer the queue for the open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlpacaRig, type AlpacaRig } from '../../helpers/alpaca-harness.js';
import { command, count, insertPick, pickState, textOf } from '../../helpers/execution.js';
import { realTime, setMarketTime } from '../../helpers/market-time.js';

const ADMIN = 1;
const SATURDAY_11 = '2026-12-12T16:00:00Z'; // Sat Dec 12 2026 11:00 ET

let rig: AlpacaRig;

beforeAll(async () => {
  setMarketTime(SATURDAY_11);
  rig = await startAlpacaRig({ symbols: { SATA: 20 }, env: { MARKET_HOURS: 'exchange' } });
}, 60_000);

afterAll(async () => {
  await rig?.stop();
  realTime();
});

describe('Approve on a Saturday with BROKER=alpaca-paper', () => {
  it('sends nothing to Alpaca, tells the trader within 5 s, and offers the queue for the open', async () => {
    const { h, trading } = rig;
    const ds = h.running.app.ds;
    const pickId = await insertPick(ds, { symbol: 'SATA', entry: 20, qty: 5, expiresAt: new Date(Date.now() + 60 * 60_000) });
    const t0 = Date.now();
    const answer = textOf(await command(h, ADMIN, `/approve ${pickId}`, /Market closed/, 5_000));
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(answer).toMatch(/nothing was ordered for SATA and the pick stays open/);
    expect(answer).toMatch(/Queue for the open/);
    expect(answer).toMatch(/Mon Dec 14 09:31 ET/);
    expect(await pickState(ds, pickId)).toBe('PENDING');
    expect(trading.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders')).toHaveLength(0);
    expect(trading.orders()).toHaveLength(0);
    expect(await count(ds, `SELECT count(*)::int AS n FROM orders`)).toBe(0);
  }, 30_000);
});
