/**
 * Issue 19, item 3: no outcome is ever dropped. Real bot + worker roles against the Alpaca trading
 * emulator (its limit 30 requests per 10 s window: Alpaca's minute scaled down). The entry fills at
 * Alpaca 3 s after its POST, but for a while another client on the same key (the trader's own
 * tool) spends every window's allowance, so every look of ours is refused with 429. The trader hears "still
 * checking — nothing will be sent twice" once the outcome is unknown past EXEC_TELL_PENDING_AFTER_MS,
 * and then the fill, booked once from what Alpaca says happened: one POST, the position, the budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlpacaTradingEmulator } from '../../../src/dev/alpaca-trading/server.js';
import { startAlpacaRig, type AlpacaRig } from '../../helpers/alpaca-harness.js';
import { ALPACA_KEY_ID, ALPACA_SECRET, approvalOf, command, count, insertPick, textOf, until, waitMessage } from '../../helpers/execution.js';
import type { Harness } from '../../helpers/harness.js';

const ADMIN = 1;

let rig: AlpacaRig;
let trading: AlpacaTradingEmulator;
let h: Harness;

beforeAll(async () => {
  rig = await startAlpacaRig({
    symbols: { HIDN: 25 },
    // Alpaca's minute scaled down to 10 s, so a 429's reset comes within the test.
    emulator: { fillDelayMs: 3_000, rateWindowMs: 10_000, rateLimitPerMinute: 30 },
    env: { EXEC_TELL_PENDING_AFTER_MS: '3000', EXEC_WAIT_TIMEOUT_MS: '4000', EXEC_RESOLVE_AFTER_MS: '3000', EXEC_RESOLVE_EVERY_MS: '1000' },
  });
  ({ trading, h } = rig);
}, 60_000);

afterAll(async () => {
  await rig?.stop();
});

describe('a fill hidden behind 429s', () => {
  it('is announced as still being checked, then booked once and announced when Alpaca answers again', async () => {
    const ds = h.running.app.ds;
    const pickId = await insertPick(ds, { symbol: 'HIDN', entry: 25, qty: 4 });
    const after = h.emulator.lastSeq;
    await command(h, ADMIN, `/approve ${pickId}`, /^Approved HIDN: placing the order now/);
    await until('at Alpaca', () => (trading.orders().some((o) => o['symbol'] === 'HIDN') ? true : undefined), 10_000);
    // From now another client on the key spends every window for 15 s: our looks meet 429 while the
    // order fills at Alpaca (3 s after it arrived).
    const headers = { 'APCA-API-KEY-ID': ALPACA_KEY_ID, 'APCA-API-SECRET-KEY': ALPACA_SECRET };
    const greedyUntil = Date.now() + 15_000;
    const greedy = (async () => {
      while (Date.now() < greedyUntil) await fetch(`${trading.url}/v2/account`, { headers }).then((r) => r.text(), () => undefined);
    })();

    const checking = textOf(await waitMessage(h.emulator, ADMIN, after, /[Ss]till checking/, 20_000));
    expect(checking).toMatch(/nothing will be sent twice|never sent twice|not sent again/i);
    const told = textOf(await waitMessage(h.emulator, ADMIN, after, /Bought HIDN — 4\/4 shares filled/, 90_000));
    expect(told).toContain('HIDN');
    await greedy;
    expect(trading.orders().find((o) => o['symbol'] === 'HIDN')!['status']).toBe('filled');
    // Refused looks there were (429 from the limiter), and the booking came from what Alpaca said after.
    expect(trading.requests.filter((r) => r.rateLimited === true && r.path.startsWith('/v2/orders')).length).toBeGreaterThan(0);
    await until('booked', async () => ((await approvalOf(ds, pickId))?.state === 'filled' ? true : undefined), 10_000);
    expect(trading.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders')).toHaveLength(1);
    expect(await count(ds, `SELECT count(*)::int AS n FROM positions WHERE symbol = 'HIDN' AND qty = 4`)).toBe(1);
    expect(await count(ds, `SELECT count(*)::int AS n FROM fills`)).toBe(1);
  }, 120_000);
});
