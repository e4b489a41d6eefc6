import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { REDIS_URL } from '../helpers/env.js';
import { startHarness, textOf, TEST_TOKEN, type Harness } from '../helpers/harness.js';

/**
 * The real bot with a real-looking token, pointed by TELEGRAM_API_ROOT at a
 * separate Bot API emulator, like production against api.telegram.org.
 */
describe('allow-list and roles (token mode)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ mode: 'token', env: { TELEGRAM_ALLOWED_USER_IDS: '1:admin,2:viewer,3' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function commandJobs(): Promise<number> {
    const r = new Redis(REDIS_URL);
    const q = new Queue('commands', { connection: r, prefix: h.prefix });
    try {
      const c = await q.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
      return Object.values(c).reduce((a, b) => a + b, 0);
    } finally {
      await q.close();
      r.disconnect();
    }
  }

  it('answers the allow-listed admin', async () => {
    const [r] = await h.say(1, '/status');
    expect(textOf(r)).toMatch(/Kill switch: off/);
  });

  it('refuses a stranger politely with their user ID, changes nothing, and audits the attempt', async () => {
    const jobsBefore = await commandJobs();
    const replies = await h.say(777, '/kill', { count: 2, timeoutMs: 1_500 });
    expect(replies).toHaveLength(1);
    expect(textOf(replies[0])).toMatch(/not allowed/);
    expect(textOf(replies[0])).toContain('777');
    expect((await h.running.app.killSwitch.state()).engaged).toBe(false);
    // A stranger's /status enqueues nothing either.
    await h.say(778, '/status', { count: 1, timeoutMs: 1_500 });
    expect(await commandJobs()).toBe(jobsBefore);
    await h.running.bot!.strangers.flush(Date.now() + 2 * 60_000);
    const audit = await h.running.app.audit.recent(50);
    const denied = audit.filter((r) => r.payload.action === 'auth.denied').map((r) => r.payload.actor);
    expect(denied).toEqual(expect.arrayContaining([777, 778]));
  });

  it('a stranger pressing a button gets an alert and nothing happens', async () => {
    const killed = await h.say(1, '/kill test', { count: 2 });
    expect(killed.map(textOf).join('\n')).toMatch(/KILL SWITCH ON[\s\S]*open orders now 0|open orders now 0[\s\S]*KILL SWITCH ON/);
    const [resumeAsk] = await h.say(1, '/resume');
    const data = (resumeAsk!.message!.reply_markup!.inline_keyboard[0]![0] as { callback_data: string }).callback_data;
    // As if the stranger shared a group with the admin and tapped the admin's button.
    const [answer] = await h.press(900, resumeAsk!.message!.message_id, data, { chatId: 1, timeoutMs: 2_000 });
    expect(answer?.method).toBe('answerCallbackQuery');
    expect(textOf(answer)).toMatch(/not allowed/);
    expect((await h.running.app.killSwitch.state()).engaged).toBe(true);
  });

  it('a viewer can read but not kill or resume; a bare ID is a trader', async () => {
    expect(textOf((await h.say(2, '/status'))[0])).toMatch(/Kill switch/);
    expect(textOf((await h.say(2, '/kill'))[0])).toMatch(/needs the admin role; you are a viewer/);
    expect(textOf((await h.say(3, '/resume'))[0])).toMatch(/needs the admin role; you are a trader/);
    const audit = await h.running.app.audit.recent(20);
    expect(audit.some((r) => r.payload.action === 'auth.forbidden' && r.payload.actor === 2)).toBe(true);
  });

  it('forged or tampered button data changes nothing', async () => {
    const [ask] = await h.say(1, '/resume');
    const data = (ask!.message!.reply_markup!.inline_keyboard[0]![0] as { callback_data: string }).callback_data;
    const forged = data.slice(0, -2) + (data.endsWith('AA') ? 'BB' : 'AA');
    const [a] = await h.press(1, ask!.message!.message_id, forged, { forged: true });
    expect(textOf(a)).toMatch(/not valid/);
    const [b] = await h.press(1, ask!.message!.message_id, 'rs..zzzzzz.0123456789abcdef', { forged: true });
    expect(textOf(b)).toMatch(/not valid/);
    expect((await h.running.app.killSwitch.state()).engaged).toBe(true);
    const audit = await h.running.app.audit.recent(20);
    expect(audit.filter((r) => r.payload.action === 'callback.rejected').length).toBeGreaterThanOrEqual(2);
  });

  it('never writes the bot token to the logs, even when the Bot API is unreachable', async () => {
    await h.say(1, '/status');
    // Make the Bot API fail at the network level for a while: polling and sending both error.
    h.emulator.failNext('*', { error_code: 502, description: 'Bad Gateway', count: 5 });
    await h.say(1, '/status', { timeoutMs: 3_000 });
    const all = h.logs.join('');
    expect(all.length).toBeGreaterThan(1000);
    expect(all).not.toContain(TEST_TOKEN);
    expect(all).not.toContain(TEST_TOKEN.split(':')[1]);
  });
});

describe('network errors at start-up', () => {
  it('an unreachable Bot API fails start-up with a clear error and no token in it or in the logs', async () => {
    const { createServer } = await import('node:net');
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    let err: unknown;
    const h = startHarness({ mode: 'token', env: { TELEGRAM_API_ROOT: `http://127.0.0.1:${port}` } });
    try {
      await h;
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Error);
    const text = `${(err as Error).message}\n${(err as Error).stack}`;
    expect(text).toMatch(/ECONNREFUSED|connect|failed/i);
    expect(text).not.toContain(TEST_TOKEN);
  });
});
