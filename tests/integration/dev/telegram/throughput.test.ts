/**
 * The emulator under a burst: 1,500 commands from 50 chats through a polling telegraf bot, every
 * one answered, and per-chat lookups right with a full outbox. Its speed is measured by
 * `npm run bench -- command-roundtrip`, not asserted here (the wait below is only a deadline).
 */
import { Telegraf } from 'telegraf';
import { expect, it, vi } from 'vitest';
import { startTelegramEmulator } from '../../../../src/dev/telegram/index.js';

it('round-trips 1,500 commands through a polling telegraf bot, every one answered', async () => {
  const emu = await startTelegramEmulator();
  const bot = new Telegraf(emu.token, { telegram: { apiRoot: emu.url } });
  try {
    bot.on('text', (ctx) =>
      ctx.reply(`ok ${ctx.message.text}`, { reply_markup: { inline_keyboard: [[{ text: 'x', callback_data: 'x' }]] } }),
    );
    void bot.launch().catch(() => {});
    await vi.waitFor(() => expect(emu.longPollActive).toBe(true));

    const total = 1500;
    for (let i = 0; i < total; i++) emu.sendUserMessage({ userId: 1 + (i % 50), text: `/cmd ${i}` });
    await emu.waitFor((e) => e.method === 'sendMessage' && e.message?.text === `ok /cmd ${total - 1}`, 15_000);

    const replies = (await emu.events({ limit: 10_000 })).filter((e) => e.method === 'sendMessage');
    expect(replies).toHaveLength(total);
    // Per-chat lookups with a full outbox (index by chat + binary search on seq) give that chat's messages after the seq.
    const chat7 = await emu.events({ chatId: 7, afterSeq: 0 });
    expect(chat7.length).toBe(replies.filter((e) => e.chat_id === 7).length);
    expect(chat7.every((e) => e.chat_id === 7)).toBe(true);
  } finally {
    bot.stop();
    await emu.close();
  }
}, 30_000);
