import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/** Unlocks the full /readyz detail (without it /readyz says only {ready}). */
const ADMIN_TOKEN = 'bot-flow-admin-token-0123456789';

/** The chat flow a new user tries first, in local mode (no token: the app runs its own emulator). */
describe('local mode chat flow', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ mode: 'local', env: { HTTP_ADMIN_TOKEN: ADMIN_TOKEN } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('answers /start and /help listing every command', async () => {
    const [start] = await h.say(1, '/start');
    expect(textOf(start)).toMatch(/Courtside/);
    expect(textOf(start)).toMatch(/admin/);
    const [help] = await h.say(1, '/help');
    for (const c of ['/start', '/help', '/status', '/kill', '/resume']) expect(textOf(help)).toContain(c);
  });

  it('/status reports mode, kill switch, queues, health and uptime through the worker', async () => {
    const [status] = await h.say(1, '/status');
    const t = textOf(status);
    expect(t).toMatch(/Kill switch: off/);
    expect(t).toMatch(/Mode: local/);
    expect(t).toMatch(/Postgres: ok/);
    expect(t).toMatch(/Redis: ok/);
    expect(t).toMatch(/commands: \d+\/\d+\/\d+\/\d+/);
    expect(t).toMatch(/up \d+/);
  });

  it('/kill engages the switch, /status shows it, /resume needs a confirm tap', async () => {
    // The switch answers at once; the worker then cancels open broker orders and replies with the proof.
    const killEvents = await h.say(1, '/kill flash crash', { count: 2 });
    const kill = killEvents.find((e) => /KILL SWITCH ON/.test(textOf(e)));
    expect(textOf(kill)).toMatch(/flash crash/);
    expect(killEvents.map(textOf).join('\n')).toMatch(/open orders now 0/);
    const [status] = await h.say(1, '/status');
    expect(textOf(status)).toMatch(/Kill switch: ON — flash crash/);
    expect((await h.running.app.killSwitch.state()).engaged).toBe(true);

    const [ask] = await h.say(1, '/resume');
    expect(textOf(ask)).toMatch(/Resume trading\?/);
    const buttons = ask!.message!.reply_markup!.inline_keyboard.flat();
    expect(buttons.map((b) => b.text)).toEqual(['✅ Confirm resume', '✖ Cancel']);
    // Asking alone changes nothing.
    expect((await h.running.app.killSwitch.state()).engaged).toBe(true);

    const confirm = buttons[0] as { callback_data: string };
    const events = await h.press(1, ask!.message!.message_id, confirm.callback_data, { count: 2 });
    expect(events.map((e) => e.method).sort()).toEqual(['answerCallbackQuery', 'editMessageText']);
    expect(textOf(events.find((e) => e.method === 'editMessageText'))).toMatch(/Trading resumed/);
    expect((await h.running.app.killSwitch.state()).engaged).toBe(false);
    const [after] = await h.say(1, '/status');
    expect(textOf(after)).toMatch(/Kill switch: off/);

    // A second tap on the same button (a double tap that raced the edit) does not flip anything back.
    const again = await h.press(1, ask!.message!.message_id, confirm.callback_data, { count: 2, forged: true });
    expect(textOf(again[0])).toMatch(/already off/);
    expect((await h.running.app.killSwitch.state()).engaged).toBe(false);
  });

  it('unknown commands and plain text get the /help hint', async () => {
    expect(textOf((await h.say(1, '/frobnicate'))[0])).toMatch(/Unknown command \/frobnicate.*\/help/);
    expect(textOf((await h.say(1, 'buy everything'))[0])).toMatch(/commands only.*\/help/);
    expect(textOf((await h.say(1, '/status please'))[0])).toMatch(/Usage: \/status/);
  });

  it('every command and its outcome is on the audit chain, which verifies', async () => {
    const rows = await h.running.app.audit.recent(200);
    const actions = rows.map((r) => r.payload.action);
    expect(actions).toContain('command.received');
    expect(actions).toContain('killswitch.engaged');
    expect(actions).toContain('killswitch.resumed');
    expect((await h.running.app.audit.verify()).ok).toBe(true);
  });

  it('serves /healthz, /readyz and Prometheus /metrics', async () => {
    const base = `http://127.0.0.1:${h.running.httpPort}`;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    const minimal = await fetch(`${base}/readyz`);
    expect(minimal.status).toBe(200);
    expect(await minimal.json()).toEqual({ ready: true });
    const ready = await fetch(`${base}/readyz`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; postgres: { ok: boolean }; redis: { ok: boolean } };
    expect(body.status).toBe('ready');
    expect(body.postgres.ok && body.redis.ok).toBe(true);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/courtside_commands_total\{command="status",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/courtside_job_duration_seconds_count\{queue="commands",job="command.status",result="ok"\} [1-9]/);
    expect(metrics).toMatch(/courtside_queue_jobs\{queue="notify",state="waiting"\} 0/);
    expect(metrics).toMatch(/courtside_kill_switch_engaged 0/);
  });
});
