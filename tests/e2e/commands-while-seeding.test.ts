/**
 * A /scan or /backtest while the default data is still loading (issue 13, item 11), through the
 * real bot and workers against the Bot API emulator: an expected condition, not an error. The chat
 * says how far the load is and about how long is left (from the measured progress), never
 * "❌ … failed", and nothing is logged as an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSeedingProgress } from '../../src/app/seed-on-start.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

const USER = 1;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ mode: 'local' });
  await h.say(USER, '/start');
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

/** 30 s into the load, 300 of 900 symbols stored: 10 symbols a second, 600 to go. */
async function loadingThirdDone(): Promise<void> {
  const now = Date.now();
  await recordSeedingProgress(h.running.app.redis, h.prefix, { startedAt: now - 30_000, at: now, done: 300, total: 900 });
}

/** The answer says the load is not done, how far it is and about how long is left; nothing failed or was logged as an error. */
function expectStillLoading(text: string): void {
  expect(text).not.toMatch(/failed|❌/);
  const m = /still loading: (\d+) of (\d+) symbols stored, about (\d+) s left/.exec(text);
  expect(m, text).not.toBeNull();
  expect([Number(m![1]), Number(m![2])]).toEqual([300, 900]);
  // 600 symbols at the measured 10 a second: at most 60 s, less the time since the last measure.
  expect(Number(m![3])).toBeGreaterThan(0);
  expect(Number(m![3])).toBeLessThanOrEqual(60);
  expect(h.logs.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
}

describe('commands while the default data loads', () => {
  it('/scan says how far the load is and about how long is left', async () => {
    await loadingThirdDone();
    const after = h.emulator.lastSeq;
    h.emulator.sendUserMessage({ userId: USER, text: '/scan' });
    // The scan's "queued" message becomes the answer (an edit), as a finished scan's does.
    const msg = await h.emulator.waitFor((e) => e.chat_id === USER && /still loading|Scan failed/.test(e.message?.text ?? ''), 15_000, { afterSeq: after });
    expectStillLoading(msg.message?.text ?? '');
  }, 30_000);

  it('/backtest says the same, and its ack loses the Cancel button', async () => {
    await loadingThirdDone();
    const [ack] = await h.say(USER, '/backtest donchian SPY');
    const ackId = ack!.message!.message_id;
    const final = await h.emulator.waitFor((e) => e.method === 'editMessageText' && e.message_id === ackId && /still loading|failed/.test(textOf(e)), 20_000);
    expectStillLoading(textOf(final));
    expect(textOf(final)).toMatch(/Nothing was backtested; send \/backtest again once it is loaded\./);
    expect(final.message?.reply_markup?.inline_keyboard ?? []).toEqual([]);
  }, 30_000);
});
