/**
 * Issue 19, item 5: a duplicate client order id proves nothing until it matches. Real bot + worker
 * roles, BROKER=alpaca-paper against the Alpaca trading emulator, whose book already holds ANOTHER
 * order (a filled sell of 7 OTHR) under the id of the approval's order — as after a database
 * restore, or with a second installation on the same account. Alpaca answers the POST 422
 * "client_order_id must be unique" and GET by that id returns the other order.
 *
 * What must hold: nothing booked (no position, no fill, the order row unbooked), one POST, the
 * recovery pass leaves it alone, admins alerted with the broker's evidence, /stuck lists it and
 * /resolve shows that the broker holds a different order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlpacaDataEmulator, type AlpacaDataEmulator } from '../../../src/dev/alpaca-data/server.js';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator } from '../../../src/dev/alpaca-trading/server.js';
import { alpacaPaperEnv, ALPACA_KEY_ID, ALPACA_SECRET, approvalOf, command, count, insertPick, seedBars, sleep, textOf, waitMessage } from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const ADMIN = 1;
const TRADER = 2;
const SYMBOLS = { TAKN: 20 } as const;

let trading: AlpacaTradingEmulator;
let data: AlpacaDataEmulator;
let h: Harness;

beforeAll(async () => {
  const quotes = Object.fromEntries(Object.entries(SYMBOLS).map(([s, p]) => [s, { bid: p - 0.01, ask: p, bidSize: 100_000, askSize: 100_000 }]));
  trading = await startAlpacaTradingEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, cash: 100_000, quotes });
  data = await startAlpacaDataEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, quotes });
  h = await startHarness({
    mode: 'token',
    roles: ['bot', 'worker'],
    env: {
      TELEGRAM_ALLOWED_USER_IDS: `${ADMIN}:admin,${TRADER}:trader`,
      ...alpacaPaperEnv(trading.url, data.url),
      EXEC_PER_ORDER_BUDGET: '5000',
      EXEC_DAILY_BUDGET: '50000',
      // The recovery pass runs every second on orders attempted over 1.5 s ago: it must leave this one alone.
      EXEC_RESOLVE_AFTER_MS: '1500',
      EXEC_RESOLVE_EVERY_MS: '1000',
    },
  });
  await seedBars(h.running.app, SYMBOLS);
  await command(h, ADMIN, '/help', /./);
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await data?.close();
  await trading?.close();
});

const ds = () => h.running.app.ds;
const posts = (cid: string) => trading.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders' && r.clientOrderId === cid);

describe('a client order id taken by another order at Alpaca', () => {
  it('is ambiguous: nothing booked, one POST, admins alerted with the evidence, /stuck and /resolve show it', async () => {
    trading.injectFaults({ kind: 'id_taken', method: 'POST', path: '/v2/orders', order: { symbol: 'OTHR', side: 'sell', qty: 7, limit: 10 } });
    const pickId = await insertPick(ds(), { symbol: 'TAKN', entry: 20, qty: 5 });
    const after = h.emulator.lastSeq;
    await command(h, TRADER, `/approve ${pickId}`, /^Approved TAKN: placing the order now/);
    const approvalId = (await approvalOf(ds(), pickId))!.id;
    const cid = `cs-${approvalId}`;

    const alert = await waitMessage(h.emulator, ADMIN, after, /DIFFERENT order under client order id/, 20_000);
    expect(textOf(alert)).toContain(cid);
    expect(textOf(alert)).toContain('sell 7 OTHR limit 10, filled');
    expect(textOf(alert)).toMatch(/\/stuck and \/resolve/);
    // The trader who tapped hears it too, at once: not "filled", not "still open".
    const told = textOf(await waitMessage(h.emulator, TRADER, after, /Order not confirmed/, 10_000));
    expect(told).toContain('symbol OTHR, not TAKN');
    expect(told).toMatch(/Nothing was booked from it and nothing is sent again/);

    // Several recovery passes and job retries later: still one POST, nothing booked from the other order.
    await sleep(4_000);
    expect(posts(cid)).toHaveLength(1);
    expect(posts(cid)[0]!.status).toBe(422);
    expect(trading.orders().filter((o) => o['client_order_id'] === cid)).toHaveLength(1);
    expect(await count(ds(), `SELECT count(*)::int AS n FROM positions WHERE qty <> 0`)).toBe(0);
    expect(await count(ds(), `SELECT count(*)::int AS n FROM fills`)).toBe(0);
    expect(await count(ds(), `SELECT count(*)::int AS n FROM orders WHERE client_order_id = $1 AND booked_at IS NULL AND submit_attempted_at IS NOT NULL`, [cid])).toBe(1);
    expect((await approvalOf(ds(), pickId))!.state).toBe('executing');

    const stuck = textOf(await command(h, ADMIN, '/stuck', /Stuck orders|Nothing stuck/, 15_000));
    expect(stuck).toContain('TAKN');
    expect(stuck).toContain(approvalId);
    const ask = h.emulator.lastSeq;
    h.emulator.sendUserMessage({ userId: ADMIN, text: `/resolve ${approvalId}`, firstName: 'Admin' });
    const resolveMsg = await waitMessage(h.emulator, ADMIN, ask, /Stuck approval/, 15_000);
    const resolve = textOf(resolveMsg);
    expect(resolve).toMatch(/holds a DIFFERENT order under this client order id — not ours, nothing was booked from it/);
    expect(resolve).toContain('symbol OTHR, not TAKN');

    // Book fill has nothing of ours to book; Mark failed closes the approval and its alert.
    const buttons = resolveMsg.message!.reply_markup!.inline_keyboard.flat() as { text: string; callback_data: string }[];
    const markFailed = buttons.find((b) => /Mark failed/.test(b.text))!.callback_data;
    const before = h.emulator.lastSeq;
    await h.press(ADMIN, resolveMsg.message!.message_id, markFailed, { count: 1, timeoutMs: 15_000, forged: true });
    expect((await approvalOf(ds(), pickId))!.state).toBe('failed');
    const closed = textOf(await waitMessage(h.emulator, ADMIN, before, /settled by an admin/, 15_000));
    expect(closed).toContain(`Order ${cid} was settled by an admin (${ADMIN}): marked failed, its budget released.`);
    expect(await count(ds(), `SELECT count(*)::int AS n FROM alerts WHERE key = $1 AND resolved_at IS NULL`, [`order.ambiguous:${cid}`])).toBe(0);
    expect(posts(cid)).toHaveLength(1);
  }, 60_000);
});
