/**
 * Confirmations bound to the kill switch state they confirm (issue 12, items 2 and 3;
 * DESIGN §4.5, §5.2): a Confirm button made for an earlier kill epoch never acts on a later
 * one, and a cancelled one never acts at all.
 *
 * Real bot + worker roles (this process), real Postgres and Redis, the Bot API emulator,
 * BROKER=alpaca-paper against the Alpaca trading and data emulators (positions held there).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlpacaDataEmulator, type AlpacaDataEmulator } from '../../../src/dev/alpaca-data/server.js';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator } from '../../../src/dev/alpaca-trading/server.js';
import type { OutboxEvent } from '../../../src/dev/telegram/outbox.js';
import { alpacaPaperEnv, ALPACA_KEY_ID, ALPACA_SECRET, command, sleep, textOf, waitMessage } from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const USER = 1;
const HOLDINGS = [
  { symbol: 'FLA', qty: 70 },
  { symbol: 'FLB', qty: 120 },
  { symbol: 'FLC', qty: 237 },
];

let trading: AlpacaTradingEmulator;
let data: AlpacaDataEmulator;
let h: Harness;

beforeAll(async () => {
  trading = await startAlpacaTradingEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, cash: 100_000 });
  data = await startAlpacaDataEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET });
  h = await startHarness({ mode: 'token', roles: ['bot', 'worker'], env: { TELEGRAM_ALLOWED_USER_IDS: '1:admin', ...alpacaPaperEnv(trading.url, data.url) } });
  // Telegram delivers to a private chat only after its user wrote to the bot.
  await command(h, USER, '/help', /./);
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await data?.close();
  await trading?.close();
});

/** "HH:MM" in New York, computed here independently of the bot's formatter. */
const etClock = (d: Date) => new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);

interface Ask {
  messageId: number;
  confirm: string;
  cancel: string;
}

/** Sends a command and returns the confirmation message it asks (its two buttons). */
async function ask(text: string, re: RegExp): Promise<Ask> {
  const after = h.emulator.lastSeq;
  h.emulator.sendUserMessage({ userId: USER, text, firstName: 'Admin' });
  const msg = await waitMessage(h.emulator, USER, after, re, 10_000);
  const buttons = msg.message!.reply_markup!.inline_keyboard.flat() as { text: string; callback_data: string }[];
  expect(buttons).toHaveLength(2);
  return { messageId: msg.message!.message_id, confirm: buttons[0]!.callback_data, cancel: buttons[1]!.callback_data };
}

/** Presses a button (also one no longer shown, as a stale client could) and returns the callback answer. */
async function press(messageId: number, data: string): Promise<OutboxEvent> {
  const events = await h.press(USER, messageId, data, { count: 2, timeoutMs: 5_000, forged: true });
  const answer = events.find((e) => e.method === 'answerCallbackQuery');
  expect(answer, `no callback answer; events: ${events.map((e) => `${e.method}: ${textOf(e)}`).join(' | ')}`).toBeDefined();
  return answer!;
}

async function switchRow(): Promise<{ engaged: boolean; reason: string | null; changed_at: Date }> {
  return ((await h.running.app.ds.query(`SELECT engaged, reason, changed_at FROM kill_switch WHERE id = 1`)) as { engaged: boolean; reason: string | null; changed_at: Date }[])[0]!;
}

async function resumeNow(): Promise<void> {
  const r = await ask('/resume', /Resume trading\?/);
  expect(textOf(await press(r.messageId, r.confirm))).toBe('Trading resumed.');
  expect((await switchRow()).engaged).toBe(false);
}

const sellPosts = () => trading.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders');

describe('a /resume Confirm is bound to the kill epoch it was shown for (item 2)', () => {
  it('/kill → /resume (Confirm shown) → /kill → the old Confirm is refused as out of date; the switch stays ON', async () => {
    await command(h, USER, '/kill drill one', /KILL SWITCH ON/);
    const old = await ask('/resume', /Resume trading\?/);
    await command(h, USER, '/kill drill two', /KILL SWITCH ON/);
    const row = await switchRow();

    const answer = await press(old.messageId, old.confirm);
    expect(textOf(answer)).toBe(`This confirmation is out of date: the kill switch changed at ${etClock(row.changed_at)}`);
    expect(await switchRow()).toMatchObject({ engaged: true, reason: 'drill two' });
    expect((await h.running.app.killSwitch.state()).engaged).toBe(true);

    // A Confirm shown for the current state still works.
    await resumeNow();
  });

  it('/resume → Cancel → /resume again: the cancelled Confirm does nothing', async () => {
    await command(h, USER, '/kill drill three', /KILL SWITCH ON/);
    const first = await ask('/resume', /Resume trading\?/);
    expect(textOf(await press(first.messageId, first.cancel))).toBe('Cancelled.');
    const second = await ask('/resume', /Resume trading\?/);

    const answer = await press(first.messageId, first.confirm);
    expect(textOf(answer)).not.toBe('Trading resumed.');
    expect(textOf(answer)).toMatch(/cancelled/i);
    expect(await switchRow()).toMatchObject({ engaged: true, reason: 'drill three' });

    expect(textOf(await press(second.messageId, second.confirm))).toBe('Trading resumed.');
    expect((await switchRow()).engaged).toBe(false);
  });
});

describe('a /kill flatten Confirm is bound to the kill epoch it was shown for (item 3)', () => {
  it('/kill flatten → /resume → /kill flatten: the first Confirm is refused and sells nothing; the current one sells', async () => {
    for (const p of HOLDINGS) {
      data.setQuote(p.symbol, { bid: 20, ask: 20.01, bidSize: 100_000, askSize: 100_000 });
      trading.setQuote(p.symbol, { bid: 20, ask: 20.01, bidSize: 100_000, askSize: 100_000 });
      trading.setPosition(p.symbol, p.qty, 19);
      await h.running.app.ds.query(
        `INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop, time_stop_date, updated_at) VALUES ($1, 'donchian', $2, 19, now(), 18, NULL, now())`,
        [p.symbol, p.qty],
      );
    }
    const stale = await ask('/kill flatten', /Sell every open position\?/);
    await resumeNow();
    const current = await ask('/kill flatten', /Sell every open position\?/);
    const row = await switchRow();
    expect(row.engaged).toBe(true);

    const answer = await press(stale.messageId, stale.confirm);
    expect(textOf(answer)).toBe(`This confirmation is out of date: the kill switch changed at ${etClock(row.changed_at)}`);
    // Give a wrongly enqueued flatten time to reach the broker: it must not.
    await sleep(2_500);
    expect(sellPosts()).toHaveLength(0);
    const held = (await h.running.app.ds.query(`SELECT count(*)::int AS n FROM positions WHERE qty > 0`)) as { n: number }[];
    expect(held[0]!.n).toBe(HOLDINGS.length);

    // The Confirm of the current state sells every position.
    const after = h.emulator.lastSeq;
    expect(textOf(await press(current.messageId, current.confirm))).toMatch(/Selling every open position/);
    const report = await waitMessage(h.emulator, USER, after, /Flatten/, 30_000);
    expect(textOf(report)).toMatch(/Sold 3 position/);
    expect(sellPosts()).toHaveLength(HOLDINGS.length);
  }, 60_000);
});
