/**
 * The same Telegram update delivered twice.
 *
 * Telegram redelivers every update whose offset the bot had not confirmed when it stopped.
 * The emulator refuses an update_id lower than its next one (update-queue.ts), so a running
 * emulator cannot redeliver; instead the first test plays the real sequence: app 1 handles
 * update N and stops; "Telegram" (a fresh emulator whose next update_id is N) delivers N again
 * to app 2 on the same database and Redis prefix. The second test hands the same update
 * object to the running telegraf bot twice at once (a race on the de-dup key).
 *
 * Proves: exactly one reply, one audited command and one BullMQ job `tg-<update_id>`.
 */
import type { Update } from 'telegraf/types';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelegramEmulator, type TelegramEmulator } from '../../../src/dev/telegram/index.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../helpers/env.js';
import { startHarness, TEST_TOKEN, type Harness } from '../../helpers/harness.js';
import { createTestDatabase } from '../../helpers/pg.js';
import { auditedCommands, IN_FLIGHT_STATES, isStatusReply, nextReply, pollUntil, probeQueues, repliesAfter, sleep, textOf, USER, userSays, type QueueProbe } from './support.js';

const BOT = { id: 555000111, username: 'cs_test_bot' };

/** Teardown steps of the current test, run in reverse order whatever happened. */
let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  const steps = cleanups.reverse();
  cleanups = [];
  for (const step of steps) await step().catch(() => undefined);
});

async function settled(q: QueueProbe, expectedCompleted: number): Promise<void> {
  await pollUntil(
    `both queues to settle with ${expectedCompleted} completed jobs each`,
    async () => {
      for (const name of ['commands', 'notify'] as const) {
        const c = await q.counts(name);
        if (IN_FLIGHT_STATES.some((s) => (c[s] ?? 0) > 0) || c.completed !== expectedCompleted) return undefined;
      }
      return true;
    },
    10_000,
  );
}

describe('redelivered update', () => {
  it('an update redelivered after a restart (same update_id) is answered once', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const prefix = uniquePrefix();
    cleanups.push(() => cleanRedis(prefix));
    const q = probeQueues(REDIS_URL, prefix);
    cleanups.push(() => q.close());

    // App 1 handles /status (update N) normally.
    const em1 = await startTelegramEmulator({ token: TEST_TOKEN, bot: BOT });
    cleanups.push(() => em1.close());
    const h1 = await startHarness({ mode: 'token', dbUrl: db.url, prefix, emulator: em1 });
    cleanups.push(() => h1.stop());
    const s = userSays(em1, '/status');
    const first = await nextReply(em1, s.afterSeq, 10_000);
    expect(isStatusReply(first), textOf(first)).toBe(true);
    await settled(q, 1);
    // The update exactly as Telegram sent it the first time.
    const message = em1.chatState(USER)?.messages.get(s.messageId);
    expect(message?.text).toBe('/status');
    await h1.stop();
    // "Telegram" keeps its address (TELEGRAM_API_ROOT): another would be a configuration change, told to the admin (issue 20).
    const apiPort = Number(new URL(em1.url).port);
    await em1.close();

    // Telegram redelivers N (its offset was, say, never confirmed), followed by a new /status.
    const em2: TelegramEmulator = await startTelegramEmulator({ token: TEST_TOKEN, bot: BOT, firstUpdateId: s.updateId, port: apiPort });
    cleanups.push(() => em2.close());
    em2.registerChat({ id: USER, firstName: `User${USER}` }); // so a duplicate answer could be delivered (and seen)
    expect(em2.injectRawUpdate({ update_id: s.updateId, message: message! })).toEqual({ update_id: s.updateId });
    const fresh = userSays(em2, '/status');
    expect(fresh.updateId).toBe(s.updateId + 1);

    const h2 = await startHarness({ mode: 'token', dbUrl: db.url, prefix, emulator: em2 });
    cleanups.push(() => h2.stop());
    // The barrier: the new update (queued after the redelivered one) is answered.
    const answer = await nextReply(em2, 0, 10_000);
    expect(isStatusReply(answer), textOf(answer)).toBe(true);
    await settled(q, 2);
    await sleep(300);

    expect(await repliesAfter(em2, 0)).toHaveLength(1);
    expect(await auditedCommands(h2.running.app.ds, s.updateId)).toBe(1);
    expect(await auditedCommands(h2.running.app.ds, fresh.updateId)).toBe(1);
    expect(await q.state('commands', `tg-${s.updateId}`)).toBe('completed');
    expect(await q.state('commands', `tg-${fresh.updateId}`)).toBe('completed');
    expect(h2.logs.some((l) => l.includes('duplicate update ignored') && l.includes(`"updateId":${s.updateId}`))).toBe(true);
  });

  it('the same update handled twice at once by the running bot is answered once', async () => {
    const h: Harness = await startHarness({ mode: 'token' });
    cleanups.push(() => h.stop());
    const q = probeQueues(REDIS_URL, h.prefix);
    cleanups.push(() => q.close());
    const em = h.emulator;
    em.registerChat({ id: USER, firstName: `User${USER}` });

    // Far above anything the emulator hands out, so it cannot collide with a polled update.
    const updateId = 900_000_000 + Math.floor(Math.random() * 1_000_000);
    const update = {
      update_id: updateId,
      message: {
        message_id: 4242,
        date: Math.floor(Date.now() / 1000),
        chat: { id: USER, type: 'private', first_name: `User${USER}` },
        from: { id: USER, is_bot: false, first_name: `User${USER}` },
        text: '/status',
        entities: [{ type: 'bot_command', offset: 0, length: 7 }],
      },
    } as Update;
    const bot = h.running.bot!.bot;
    const afterSeq = em.lastSeq;
    await Promise.all([bot.handleUpdate(update), bot.handleUpdate(update)]);

    const reply = await nextReply(em, afterSeq, 10_000);
    expect(isStatusReply(reply), textOf(reply)).toBe(true);
    await settled(q, 1);
    await sleep(300);
    expect(await repliesAfter(em, afterSeq)).toHaveLength(1);
    expect(await auditedCommands(h.running.app.ds, updateId)).toBe(1);
    expect(await q.state('commands', `tg-${updateId}`)).toBe('completed');
    expect(h.logs.filter((l) => l.includes('duplicate update ignored') && l.includes(`"updateId":${updateId}`))).toHaveLength(1);
  });
});
