/**
 * A /backtest while the default data is still loading (issue 13, item 11), through the real bot
 * and workers against the Bot API emulator: an expected condition, not a failure. Like a /scan
 * meanwhile, the ack says how far the load is and about how long is left (from the measured
 * progress), loses its Cancel button, and nothing is logged as an error.
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

describe('/backtest while the default data loads', () => {
  it('says how far the load is and about how long is left; no failure, no error log', async () => {
    const now = Date.now();
    // 30 s into the load, 300 of 900 symbols stored: 10 symbols a second, 600 to go.
    await recordSeedingProgress(h.running.app.redis, h.prefix, { startedAt: now - 30_000, at: now, done: 300, total: 900 });
    const [ack] = await h.say(USER, '/backtest donchian SPY');
    const ackId = ack!.message!.message_id;
    const final = await h.emulator.waitFor((e) => e.method === 'editMessageText' && e.message_id === ackId && /still loading|failed/.test(textOf(e)), 20_000);
    const text = textOf(final);
    expect(text).not.toMatch(/failed|❌/);
    const m = /still loading: (\d+) of (\d+) symbols stored, about (\d+) s left/.exec(text);
    expect(m, text).not.toBeNull();
    expect([Number(m![1]), Number(m![2])]).toEqual([300, 900]);
    // 600 symbols at the measured 10 a second: at most 60 s, less the time since the last measure.
    expect(Number(m![3])).toBeGreaterThan(0);
    expect(Number(m![3])).toBeLessThanOrEqual(60);
    expect(text).toMatch(/Nothing was backtested; send \/backtest again once it is loaded\./);
    expect(final.message?.reply_markup?.inline_keyboard ?? []).toEqual([]);
    const errors = h.logs.filter((l) => /"level":(50|60)/.test(l));
    expect(errors).toEqual([]);
  }, 30_000);
});
