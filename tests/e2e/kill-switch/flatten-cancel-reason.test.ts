/**
 * Cancelling a flatten keeps the kill switch's true reason (issue 13, item 13): "flatten" is what
 * to do, not why. Real bot and worker against the Bot API emulator, the market open (the app's
 * clock set, tests/helpers/market-time.ts) so /kill flatten asks its confirm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../../src/dev/telegram/outbox.js';
import { textOf, waitMessage } from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { realTime, setMarketTime } from '../../helpers/market-time.js';

const USER = 1;
let h: Harness;

beforeAll(async () => {
  setMarketTime('2026-12-14T16:00:00Z'); // Mon 11:00 ET
  h = await startHarness({ mode: 'local', roles: ['bot', 'worker'], env: { MARKET_HOURS: 'exchange' } });
  await h.say(USER, '/start');
}, 60_000);

afterAll(async () => {
  await h?.stop();
  realTime();
});

async function say(text: string, re: RegExp): Promise<OutboxEvent> {
  const after = h.emulator.lastSeq;
  h.emulator.sendUserMessage({ userId: USER, text, firstName: 'Ada' });
  return waitMessage(h.emulator, USER, after, re, 10_000);
}

/** /kill flatten, then its Cancel button; returns the /status line about the switch. */
async function flattenThenCancel(): Promise<string> {
  const ask = await say('/kill flatten', /Sell every open position\?/);
  const cancel = (ask.message!.reply_markup!.inline_keyboard.flat() as { text: string; callback_data: string }[]).find((b) => b.text === '✖ Cancel')!;
  const after = h.emulator.lastSeq;
  h.emulator.pressButton({ userId: USER, chatId: USER, messageId: ask.message_id!, data: cancel.callback_data, firstName: 'Ada' });
  await h.emulator.waitFor((e) => e.method === 'editMessageText' && /Flatten cancelled/.test(textOf(e)), 10_000, { afterSeq: after });
  return textOf(await say('/status', /Kill switch/)).split('\n').find((l) => /Kill switch/.test(l)) ?? '';
}

describe('cancelling a flatten', () => {
  it('keeps the reason of the kill it was asked under, and says "manual /kill" when it started the kill itself', async () => {
    expect(await flattenThenCancel()).toMatch(/Kill switch: ON — manual \/kill/);
    expect(textOf(await say('/kill earnings at 14:00', /KILL SWITCH ON/))).toMatch(/Reason: earnings at 14:00/);
    const status = await flattenThenCancel();
    expect(status).toMatch(/Kill switch: ON — earnings at 14:00/);
    expect(status).not.toMatch(/flatten/);
  }, 60_000);
});
