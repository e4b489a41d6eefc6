import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/bot/parse-command.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/** Garbage, oversize and hostile input: every message gets one clear reply and the process keeps running. */
describe('garbage input', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ mode: 'token', env: { TELEGRAM_ALLOWED_USER_IDS: '1:admin,2:viewer' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('1,200 random strings from a user: no crash, one clear reply each', async () => {
    const samples = fc.sample(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.string({ unit: 'grapheme', maxLength: 60 }).map((s) => '/' + s),
        fc.stringMatching(/^\/[a-z_]{1,12}( [^\n]{0,40})?$/),
        fc.string({ minLength: 600, maxLength: 5000 }),
        fc.constantFrom('/status\u0000', '/kill', '/resume', '/\u202e', '/' + 'a'.repeat(40), '/status@cs_test_bot extra', ' ', '\n\n', '/start@other_bot'),
      ),
      { numRuns: 1200, seed: 42 },
    ).filter((s) => s.trim().length > 0);
    const expectReply = samples.filter((s) => parseCommand(s, 'cs_test_bot').kind !== 'other_bot');
    expect(expectReply.length).toBeGreaterThan(1000);
    const after = h.emulator.lastSeq;
    // Sent all at once: the bot sees them in batches of up to 100 per getUpdates.
    for (const text of samples) h.emulator.sendUserMessage({ userId: 2, text });

    const deadline = Date.now() + 60_000;
    let replies: Awaited<ReturnType<typeof h.emulator.events>> = [];
    while (Date.now() < deadline) {
      replies = (await h.emulator.events({ chatId: 2, afterSeq: after, limit: 5000 })).filter((e) => e.method === 'sendMessage');
      if (replies.length >= expectReply.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(replies.length).toBe(expectReply.length);
    for (const r of replies) {
      const t = textOf(r);
      expect(t.length).toBeGreaterThan(0);
      // Every reply is one of the known, helpful answers.
      expect(t).toMatch(/\/help|Usage:|needs the admin role|Kill switch|Courtside|Commands|characters long/);
    }
    // Still alive and answering; nothing changed.
    const [status] = await h.say(1, '/status');
    expect(textOf(status)).toMatch(/Kill switch: off/);
    expect((await h.running.app.audit.verify()).ok).toBe(true);
  }, 90_000);

  it('malformed updates (no text, unknown kinds, missing sender) are ignored without crashing', async () => {
    h.emulator.injectRawUpdate({ message: { message_id: 9001, date: 0, chat: { id: 1, type: 'private' }, from: { id: 1, is_bot: false, first_name: 'A' }, sticker: { file_id: 'x' } } });
    h.emulator.injectRawUpdate({ edited_message: { message_id: 9002, date: 0, chat: { id: 1, type: 'private' }, text: '/kill' } });
    h.emulator.injectRawUpdate({ channel_post: { message_id: 9003, date: 0, chat: { id: -100, type: 'channel' }, text: '/kill' } });
    h.emulator.injectRawUpdate({ something_new: { weird: true } });
    const replies = await h.say(1, '/status', { count: 3, timeoutMs: 2_000 });
    // The sticker got the "commands only" hint, /status its answer, and the others nothing at all.
    const texts = replies.map(textOf);
    expect(texts.filter((t) => /Kill switch: off/.test(t))).toHaveLength(1);
    expect(texts.filter((t) => /commands only/.test(t))).toHaveLength(1);
    expect(replies).toHaveLength(2);
    expect((await h.running.app.killSwitch.state()).engaged).toBe(false);
  });
});
