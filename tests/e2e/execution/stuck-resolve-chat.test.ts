/**
 * Issue 12, item 5, in the chat: /stuck lists approvals stuck after their attempt mark that the
 * recovery pass left ambiguous, /resolve <id> shows the broker's evidence with Mark failed /
 * Book fill buttons bound (confirmations) to the approval's state version: a press for a state
 * that changed is refused, Mark failed is refused while the broker shows the order live and
 * releases the budget when it has none, Book fill books the broker's final answer once.
 *
 * Bot + worker roles in this process, BROKER=alpaca-paper against the trading and data
 * emulators. The pass runs at start-up only (EXEC_RESOLVE_EVERY_MS is an hour), so the rows
 * written afterwards are left to the admin.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlpacaBroker } from '../../../src/adapters/brokers/alpaca/alpaca-broker.js';
import { startAlpacaDataEmulator, type AlpacaDataEmulator } from '../../../src/dev/alpaca-data/server.js';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator } from '../../../src/dev/alpaca-trading/server.js';
import type { OutboxEvent } from '../../../src/dev/telegram/outbox.js';
import { alpacaPaperEnv, ALPACA_KEY_ID, ALPACA_SECRET, command, insertPick, textOf, waitMessage } from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const USER = 1;
const QUOTE = { bid: 19.99, ask: 20, bidSize: 100_000, askSize: 100_000 };

let trading: AlpacaTradingEmulator;
let data: AlpacaDataEmulator;
let h: Harness;
let broker: AlpacaBroker;

beforeAll(async () => {
  trading = await startAlpacaTradingEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, cash: 100_000, quotes: { STK: QUOTE, NOB: QUOTE } });
  data = await startAlpacaDataEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, quotes: { STK: QUOTE, NOB: QUOTE } });
  h = await startHarness({
    mode: 'token',
    roles: ['bot', 'worker'],
    env: { TELEGRAM_ALLOWED_USER_IDS: '1:admin,2:trader', ...alpacaPaperEnv(trading.url, data.url), EXEC_RESOLVE_AFTER_MS: '60000', EXEC_RESOLVE_EVERY_MS: '3600000' },
  });
  broker = new AlpacaBroker({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, baseUrl: trading.url, name: 'alpaca-paper' });
  await command(h, USER, '/help', /./);
  await command(h, 2, '/help', /./);
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await data?.close();
  await trading?.close();
});

const spent = async () => Number(((await h.running.app.ds.query(`SELECT coalesce(sum(spent), 0) AS s FROM daily_budget`)) as { s: string }[])[0]!.s);
const approvalState = async (id: string) => ((await h.running.app.ds.query(`SELECT state, reason_detail FROM approvals WHERE id = $1`, [id])) as { state: string; reason_detail: { code: string } | null }[])[0]!;
const submits = () => trading.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders').length;

/** The rows a worker killed right after the attempt mark leaves: approval executing, order attempted 5 min ago, budget reserved. */
async function stuckRows(symbol: string, qty: number, limit: number): Promise<{ approvalId: string; cid: string }> {
  const ds = h.running.app.ds;
  const pickId = await insertPick(ds, { symbol, entry: 20, stop: 19, qty });
  const approvalId = randomUUID();
  const cid = `cs-${approvalId}`;
  const reserved = qty * limit;
  await ds.query(`UPDATE picks SET state = 'EXECUTING' WHERE id = $1`, [pickId]);
  await ds.query(
    `INSERT INTO approvals (id, pick_id, approved_by, approved_at, expires_at, state, updated_at) VALUES ($1, $2, $3, now() - interval '6 minutes', now() + interval '10 minutes', 'executing', now() - interval '6 minutes')`,
    [approvalId, pickId, USER],
  );
  await ds.query(
    `INSERT INTO orders (id, approval_id, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force, state, budget_date, reserved_amount, submit_attempted_at, created_at, updated_at)
     VALUES ($1, $2, $3, 'alpaca-paper', $4, 'donchian', 'buy', $5, $6, 'ioc', 'new', CURRENT_DATE, $7, now() - interval '5 minutes', now() - interval '6 minutes', now() - interval '5 minutes')`,
    [randomUUID(), approvalId, cid, symbol, qty, limit, reserved],
  );
  await ds.query(`INSERT INTO daily_budget AS b (date, spent) VALUES (CURRENT_DATE, $1) ON CONFLICT (market, date) DO UPDATE SET spent = b.spent + EXCLUDED.spent`, [reserved]);
  return { approvalId, cid };
}

interface Ask {
  messageId: number;
  text: string;
  markFailed: string;
  bookFill: string;
}

async function resolveAsk(approvalId: string): Promise<Ask> {
  const after = h.emulator.lastSeq;
  h.emulator.sendUserMessage({ userId: USER, text: `/resolve ${approvalId}`, firstName: 'Admin' });
  const msg = await waitMessage(h.emulator, USER, after, /Stuck approval/, 15_000);
  const buttons = msg.message!.reply_markup!.inline_keyboard.flat() as { text: string; callback_data: string }[];
  expect(buttons.map((b) => b.text)).toEqual(['✖ Mark failed', '📗 Book fill']);
  return { messageId: msg.message!.message_id, text: textOf(msg), markFailed: buttons[0]!.callback_data, bookFill: buttons[1]!.callback_data };
}

async function press(messageId: number, data: string): Promise<string> {
  const after = h.emulator.lastSeq;
  const events: OutboxEvent[] = await h.press(USER, messageId, data, { count: 1, timeoutMs: 15_000, forged: true });
  // The answer and the edit of the message may arrive in either order.
  const answer = events.find((e) => e.method === 'answerCallbackQuery') ?? (await h.emulator.waitFor((e) => e.method === 'answerCallbackQuery', 15_000, { afterSeq: after }));
  return textOf(answer);
}

describe('/stuck and /resolve (admin)', () => {
  it('lists, shows the evidence, refuses a stale press and Mark failed on a live order, then Book fill books once', async () => {
    // The POST reached the broker (a day order far under the ask: it stays open) before the worker died.
    // Its row says the same limit: an order under our id with other terms would be someone else's.
    const live = await stuckRows('STK', 5, 1);
    await broker.submitOrder({ clientOrderId: live.cid, symbol: 'STK', side: 'buy', qty: 5, type: 'limit', limitPrice: 1, timeInForce: 'day' });
    const posted = submits();
    // The POST never reached the broker.
    const lost = await stuckRows('NOB', 4, 20.02);
    const before = await spent();

    const list = await command(h, USER, '/stuck', /Stuck orders/, 15_000);
    expect(textOf(list)).toContain(live.approvalId);
    expect(textOf(list)).toContain(lost.approvalId);

    // A press for a state that changed since it was shown: refused, nothing changes.
    const a1 = await resolveAsk(live.approvalId);
    expect(a1.text).toMatch(/alpaca-paper has this order: (new|submitted)/);
    await h.running.app.ds.query(`UPDATE orders SET updated_at = now() WHERE approval_id = $1`, [live.approvalId]);
    expect(await press(a1.messageId, a1.markFailed)).toMatch(/out of date/);
    expect((await approvalState(live.approvalId)).state).toBe('executing');

    // Mark failed while the broker shows the order live: refused with the evidence.
    const a2 = await resolveAsk(live.approvalId);
    expect(await press(a2.messageId, a2.markFailed)).toMatch(/cannot be marked failed/);
    expect((await approvalState(live.approvalId)).state).toBe('executing');

    // The broker ends it (canceled, nothing filled): Book fill books that once, the budget is released.
    await broker.cancelAllOrders();
    const a3 = await resolveAsk(live.approvalId);
    expect(a3.text).toMatch(/has this order: canceled, 0\/5 filled/);
    expect(await press(a3.messageId, a3.bookFill)).toMatch(/Booked from the broker's answer/);
    expect((await approvalState(live.approvalId)).state).toBe('not_filled');
    expect(await press(a3.messageId, a3.bookFill)).toMatch(/already used/);
    expect(await spent()).toBeCloseTo(before - 5 * 1, 6);

    // No order at the broker: Mark failed closes it and releases its budget.
    const b = await resolveAsk(lost.approvalId);
    expect(b.text).toContain('has NO order with this client order id');
    expect(await press(b.messageId, b.markFailed)).toMatch(/Marked failed; the budget is released/);
    const failed = await approvalState(lost.approvalId);
    expect(failed.state).toBe('failed');
    expect(failed.reason_detail).toMatchObject({ code: 'lost_after_crash', markedBy: String(USER) });
    expect(await spent()).toBeCloseTo(before - 5 * 1 - 4 * 20.02, 6);
    expect(await press(b.messageId, b.bookFill)).toMatch(/out of date/);

    expect(textOf(await command(h, USER, '/stuck', /Nothing stuck|Stuck orders/, 15_000))).toMatch(/Nothing stuck/);
    // Never an order POST on this path.
    expect(submits()).toBe(posted);
  }, 120_000);

  it('is admin only', async () => {
    const r = await command(h, 2, '/stuck', /./, 10_000);
    expect(textOf(r)).toMatch(/needs the admin role; you are a trader/);
    const r2 = await command(h, 2, `/resolve ${randomUUID()}`, /./, 10_000);
    expect(textOf(r2)).toMatch(/needs the admin role; you are a trader/);
  });
});
