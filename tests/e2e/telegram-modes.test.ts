import { afterEach, describe, expect, it } from 'vitest';
import { startTelegramEmulator, type TelegramEmulator } from '../../src/dev/telegram/index.js';
import { freePort } from '../helpers/services.js';
import { cleanRedis, uniquePrefix } from '../helpers/env.js';
import { createTestDatabase } from '../helpers/pg.js';
import { startHarness, textOf, TEST_TOKEN, type Harness } from '../helpers/harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

describe('webhook mode', () => {
  it('receives updates by webhook and rejects calls without the secret header before parsing', async () => {
    const port = await freePort();
    const secret = 'whsec_0123456789abcdef';
    const h = await startHarness({
      mode: 'token',
      httpPort: port,
      env: { TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/tg/hook`, TELEGRAM_WEBHOOK_SECRET: secret },
    });
    cleanups.push(() => h.stop());
    expect(h.emulator.webhookInfo().url).toBe(`http://127.0.0.1:${port}/tg/hook`);
    const [reply] = await h.say(1, '/status');
    expect(textOf(reply)).toMatch(/Kill switch: off/);
    expect(textOf(reply)).toMatch(/webhook/);

    const forged = { update_id: 999_999, message: { message_id: 1, date: 0, chat: { id: 1, type: 'private' }, from: { id: 1, is_bot: false, first_name: 'x' }, text: '/kill forged' } };
    const noHeader = await fetch(`http://127.0.0.1:${port}/tg/hook`, { method: 'POST', body: JSON.stringify(forged), headers: { 'content-type': 'application/json' } });
    expect(noHeader.status).toBe(403);
    const wrong = await fetch(`http://127.0.0.1:${port}/tg/hook`, {
      method: 'POST',
      body: 'this is not even json',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'wrong-secret-000000' },
    });
    expect(wrong.status).toBe(403);
    expect((await h.running.app.killSwitch.state()).engaged).toBe(false);
  });
});

describe('polling lock', () => {
  it('two instances never poll together; the standby takes over when the holder stops', async () => {
    const emulator: TelegramEmulator = await startTelegramEmulator({ token: TEST_TOKEN, bot: { id: 555000111, username: 'cs_test_bot' } });
    cleanups.push(() => emulator.close());
    const prefix = uniquePrefix();
    cleanups.push(() => cleanRedis(prefix));
    const env = { POLL_LOCK_TTL_MS: '1500' };
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const a: Harness = await startHarness({ mode: 'token', emulator, prefix, env, dbUrl: db.url });
    let aStopped = false;
    cleanups.push(async () => {
      if (!aStopped) await a.stop();
    });
    const b: Harness = await startHarness({ mode: 'token', emulator, prefix, env, dbUrl: db.url, waitReady: false });
    cleanups.push(() => b.stop());
    await new Promise((r) => setTimeout(r, 1_500));
    expect(a.running.bot!.polling).toBe(true);
    expect(b.running.bot!.polling).toBe(false);

    const replies = await a.say(1, '/status', { count: 2, timeoutMs: 1_500 });
    expect(replies).toHaveLength(1);

    await a.stop();
    aStopped = true;
    const deadline = Date.now() + 6_000;
    while (!b.running.bot!.polling && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(b.running.bot!.polling).toBe(true);
    const [r] = await b.say(1, '/status', { timeoutMs: 5_000 });
    expect(textOf(r)).toMatch(/Kill switch/);
    // A 409 Conflict (two getUpdates at once) — as a number of its own, not digits inside a timestamp.
    const conflicts = [...a.logs, ...b.logs].filter((l) => /(?<!\d)409(?!\d)/.test(l));
    expect(conflicts).toEqual([]);
  }, 30_000);
});
