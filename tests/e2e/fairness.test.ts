import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../src/dev/telegram/outbox.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/**
 * One user cannot starve everyone (issue 12, item 7). Under attack a trader
 * sent 500 /status and an admin's command then waited 44 s behind them. The
 * real bot, workers, Redis and Postgres run against the Bot API emulator with
 * the production limits: 20 commands a minute per user, a burst of 5,
 * callbacks included, /kill and /resume exempt, at most 3 queued jobs per user.
 */
const PER_MIN = 20;
const BURST = 5;
const MAX_QUEUED = 3;
/** A token comes back every 3 s: the bound on what a flood can get through grows with the time it took. */
const REFILL_MS = 60_000 / PER_MIN;

const ADMIN = 1;
const TRADER = 2;
const TAPPER = 3;
const QUEUER = 4;
const ADMIN_2 = 5;

const STATUS_ANSWER = /Kill switch:/;
const RATE_NOTICE = /faster than I can take them \(20 a minute\)[\s\S]*\/kill still works/;
const QUEUE_NOTICE = /one of them must finish first/;

describe('fairness: one user cannot starve everyone', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      mode: 'token',
      env: {
        TELEGRAM_ALLOWED_USER_IDS: `${ADMIN}:admin,${TRADER}:trader,${TAPPER}:trader,${QUEUER}:trader,${ADMIN_2}:admin`,
        USER_RATE_PER_MIN: String(PER_MIN),
        USER_RATE_BURST: String(BURST),
        USER_MAX_QUEUED: String(MAX_QUEUED),
      },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** The audit rows of one user, oldest first. */
  async function auditOf(userId: number): Promise<Record<string, unknown>[]> {
    const rows = await h.running.app.uow.rows<{ payload: Record<string, unknown> }>("SELECT payload FROM audit_log WHERE payload->>'actor' = $1 ORDER BY seq", [String(userId)]);
    return rows.map((r) => r.payload);
  }
  const count = (rows: Record<string, unknown>[], action: string) => rows.filter((r) => r.action === action).length;

  /** Every bot event in a chat after `afterSeq`. */
  async function eventsIn(chatId: number, afterSeq: number): Promise<OutboxEvent[]> {
    return h.emulator.events({ chatId, afterSeq, limit: 5000 });
  }
  const messages = (evs: OutboxEvent[]) => evs.filter((e) => e.method === 'sendMessage');

  /** Polls until `check` returns a value (not undefined) or the deadline passes. */
  async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await check();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it("a trader's 500 /status do not delay an admin: the admin is answered before the trader's backlog, the trader hears one polite refusal, every refusal is audited", async () => {
    const after = h.emulator.lastSeq;
    const started = Date.now();
    for (let i = 0; i < 500; i++) h.emulator.sendUserMessage({ userId: TRADER, text: '/status', firstName: 'Flood' });
    // The admin's command arrives after all 500 of them.
    const [adminAnswer] = await h.say(ADMIN, '/status', { timeoutMs: 120_000 });
    expect(textOf(adminAnswer)).toMatch(STATUS_ANSWER);

    // Event order, not timing: at most a burst of the trader's commands was answered before the admin's.
    const traderBeforeAdmin = messages(await eventsIn(TRADER, after)).filter((e) => e.seq < adminAnswer!.seq && STATUS_ANSWER.test(textOf(e)));
    expect(traderBeforeAdmin.length).toBeLessThanOrEqual(BURST);

    // Every one of the 500 updates was either taken (audited as received) or refused (audited as refused).
    const rows = await until('all 500 updates of the trader to be accounted for', async () => {
      const r = await auditOf(TRADER);
      return count(r, 'command.received') + count(r, 'fairness.rate_limited') + count(r, 'fairness.queue_full') >= 500 ? r : undefined;
    });
    const elapsed = Date.now() - started;
    const taken = count(rows, 'command.received') + count(rows, 'fairness.queue_full');
    const rateLimited = count(rows, 'fairness.rate_limited');
    const queueFull = count(rows, 'fairness.queue_full');
    expect(taken + rateLimited).toBe(500);
    // Past the burst, one token per 3 s: the flood got through no more than that.
    expect(taken).toBeGreaterThanOrEqual(BURST);
    expect(taken).toBeLessThanOrEqual(BURST + Math.ceil(elapsed / REFILL_MS));
    // The burst arrived at once: only MAX_QUEUED of it could be queued, the rest were told to wait.
    expect(count(rows, 'command.received')).toBeGreaterThanOrEqual(MAX_QUEUED);
    const refused = rows.filter((r) => r.action === 'fairness.rate_limited');
    expect(refused.every((r) => r.kind === 'message' && r.chatId === TRADER && typeof r.updateId === 'number' && r.text === '/status')).toBe(true);

    // What the trader saw: one answer per command taken, queue refusals, and exactly one rate-limit notice.
    const traderMessages = await until('the trader to be answered for every command taken', async () => {
      const m = messages(await eventsIn(TRADER, after));
      return m.length >= 1 + taken ? m : undefined;
    });
    const texts = traderMessages.map(textOf);
    expect(texts.filter((t) => RATE_NOTICE.test(t))).toHaveLength(1);
    expect(texts.filter((t) => QUEUE_NOTICE.test(t))).toHaveLength(queueFull);
    expect(texts.filter((t) => STATUS_ANSWER.test(t))).toHaveLength(count(rows, 'command.received'));
    // Nothing else: the other refusals were dropped silently.
    expect(traderMessages).toHaveLength(1 + taken);
  }, 180_000);

  it("an admin's /kill and /resume (and the confirm button) get through while that admin is rate limited", async () => {
    const flood = (n: number) => Array.from({ length: n }, () => h.emulator.sendUserMessage({ userId: ADMIN_2, text: '/status', firstName: 'Admin2' }).update_id);
    const refusedIds = async () => (await auditOf(ADMIN_2)).filter((r) => r.action === 'fairness.rate_limited').map((r) => r.updateId as number);

    // /kill in the middle of a flood: the updates around it are refused, it is not.
    let after = h.emulator.lastSeq;
    flood(8);
    const kill = h.emulator.sendUserMessage({ userId: ADMIN_2, text: '/kill fairness drill', firstName: 'Admin2' }).update_id;
    flood(8);
    await until('the kill switch to engage', async () => ((await h.running.app.killSwitch.state()).engaged ? true : undefined), 20_000);
    await until('the updates after /kill to be refused', async () => ((await refusedIds()).some((id) => id > kill) ? true : undefined), 20_000);
    const killed = await until('the kill reply', async () => messages(await eventsIn(ADMIN_2, after)).find((e) => /KILL SWITCH ON/.test(textOf(e))));
    expect(textOf(killed)).toMatch(/Reason: fairness drill/);
    expect(messages(await eventsIn(ADMIN_2, after)).filter((e) => RATE_NOTICE.test(textOf(e)))).toHaveLength(1);

    // /resume and its confirm button, each in the middle of a flood.
    after = h.emulator.lastSeq;
    flood(6);
    const resume = h.emulator.sendUserMessage({ userId: ADMIN_2, text: '/resume', firstName: 'Admin2' }).update_id;
    flood(6);
    const ask = await until('the resume confirmation', async () => messages(await eventsIn(ADMIN_2, after)).find((e) => /Resume trading\?/.test(textOf(e))));
    await until('the updates after /resume to be refused', async () => ((await refusedIds()).some((id) => id > resume) ? true : undefined), 20_000);
    const data = (ask.message!.reply_markup!.inline_keyboard[0]![0] as { callback_data: string }).callback_data;
    after = h.emulator.lastSeq;
    flood(6);
    const press = h.emulator.pressButton({ userId: ADMIN_2, messageId: ask.message!.message_id, data, firstName: 'Admin2' }).update_id;
    flood(6);
    await until('the kill switch to be off', async () => ((await h.running.app.killSwitch.state()).engaged ? undefined : true), 20_000);
    await until('the updates after the press to be refused', async () => ((await refusedIds()).some((id) => id > press) ? true : undefined), 20_000);
    const pressAnswers = await until('the confirm to be answered', async () => {
      const evs = await eventsIn(ADMIN_2, after);
      return evs.some((e) => e.method === 'answerCallbackQuery') && evs.some((e) => /Trading resumed/.test(textOf(e))) ? evs : undefined;
    });
    expect(pressAnswers.find((e) => e.method === 'answerCallbackQuery')?.text).toMatch(/Trading resumed/);
    // None of the three was refused.
    expect(await refusedIds()).not.toEqual(expect.arrayContaining([kill]));
    expect(await refusedIds()).not.toEqual(expect.arrayContaining([resume]));
    expect(await refusedIds()).not.toEqual(expect.arrayContaining([press]));
  }, 90_000);

  it("a trader's /kill can only be refused for its role, so it counts like any command: repeating it floods nobody", async () => {
    const started = Date.now();
    const ids = new Set(Array.from({ length: 30 }, () => h.emulator.sendUserMessage({ userId: TRADER, text: '/kill', firstName: 'Flood' }).update_id));
    const rows = await until('all 30 to be accounted for', async () => {
      const r = (await auditOf(TRADER)).filter((x) => ids.has(x.updateId as number));
      return r.length >= 30 ? r : undefined;
    });
    const elapsed = Date.now() - started;
    const forbidden = rows.filter((r) => r.action === 'auth.forbidden' && r.command === 'kill').length;
    const refused = rows.filter((r) => (r.action === 'fairness.rate_limited' || r.action === 'fairness.queue_full') && r.text === '/kill').length;
    expect(forbidden + refused).toBe(30);
    // At most a (refilled) burst reached the role check; the rest were refused by the limiter.
    expect(forbidden).toBeLessThanOrEqual(BURST + Math.ceil(elapsed / REFILL_MS));
    expect((await h.running.app.killSwitch.state()).engaged).toBe(false);
  }, 60_000);

  it('button presses count against the same limit; every one is still answered so the spinner stops', async () => {
    const [help] = await h.say(TAPPER, '/help');
    const messageId = help!.message!.message_id;
    const after = h.emulator.lastSeq;
    const started = Date.now();
    const presses = 12;
    const ids = new Set<string>();
    for (let i = 0; i < presses; i++) ids.add(h.emulator.pressButton({ userId: TAPPER, messageId, data: `bogus-${i}`, allowUnknownData: true }).callback_query_id);
    const answers = await until('every press to be answered', async () => {
      const a = (await eventsIn(TAPPER, after)).filter((e) => e.method === 'answerCallbackQuery');
      return a.length >= presses ? a : undefined;
    });
    const elapsed = Date.now() - started;
    expect(new Set(answers.map((a) => a.callback_query_id))).toEqual(ids);
    const handled = answers.filter((a) => /not valid/.test(textOf(a)));
    // Presses handled at the same moment also hold work slots: past MAX_QUEUED of them the rest are told to wait.
    const queueRefused = answers.filter((a) => QUEUE_NOTICE.test(textOf(a)));
    const notices = answers.filter((a) => RATE_NOTICE.test(textOf(a)));
    const silent = answers.filter((a) => textOf(a) === '');
    const taken = handled.length + queueRefused.length;
    // /help spent one token of the burst; the presses spent the rest and were then refused.
    expect(taken).toBeGreaterThanOrEqual(BURST - 1);
    expect(taken).toBeLessThanOrEqual(BURST - 1 + Math.ceil(elapsed / REFILL_MS));
    expect(handled.length).toBeGreaterThan(0);
    expect(notices).toHaveLength(1);
    expect(taken + notices.length + silent.length).toBe(presses);
    const rows = await auditOf(TAPPER);
    expect(rows.filter((r) => r.action === 'fairness.rate_limited' && r.kind === 'callback')).toHaveLength(notices.length + silent.length);
    expect(rows.filter((r) => r.action === 'fairness.queue_full' && r.kind === 'callback')).toHaveLength(queueRefused.length);
  }, 60_000);

  it('a fourth queued job is refused politely (and audited) until one of the three finishes', async () => {
    const queue = h.running.app.jobs.queues.commands;
    await queue.pause();
    try {
      const after = h.emulator.lastSeq;
      for (let i = 0; i < MAX_QUEUED; i++) h.emulator.sendUserMessage({ userId: QUEUER, text: '/status', firstName: 'Queuer' });
      await until('three /status to be queued', async () => {
        const c = await queue.getJobCounts('waiting', 'paused');
        return (c.waiting ?? 0) + (c.paused ?? 0) >= MAX_QUEUED ? true : undefined;
      });
      const [refusal] = await h.say(QUEUER, '/status');
      expect(textOf(refusal)).toMatch(QUEUE_NOTICE);
      const rows = await auditOf(QUEUER);
      expect(count(rows, 'command.received')).toBe(MAX_QUEUED);
      expect(rows.filter((r) => r.action === 'fairness.queue_full')).toEqual([expect.objectContaining({ actor: QUEUER, kind: 'message', text: '/status', queued: MAX_QUEUED })]);
      // The queue is paused: none of the three has been answered yet, so they are all still queued.
      expect(messages(await eventsIn(QUEUER, after)).filter((e) => STATUS_ANSWER.test(textOf(e)))).toHaveLength(0);
    } finally {
      await queue.resume();
    }
    const done = await until('the three queued /status to be answered', async () => {
      const m = messages(await eventsIn(QUEUER, 0)).filter((e) => STATUS_ANSWER.test(textOf(e)));
      return m.length >= MAX_QUEUED ? m : undefined;
    });
    expect(done).toHaveLength(MAX_QUEUED);
    // Once they finished, the user is served again.
    const [again] = await h.say(QUEUER, '/status');
    expect(textOf(again)).toMatch(STATUS_ANSWER);
  }, 60_000);
});
