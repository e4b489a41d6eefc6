/**
 * Throughput sanity check for the e2e benchmark (300+ commands/s). Measured locally at about
 * 1,500 command→reply round trips per second with bot and emulator sharing one process; the
 * bound here is deliberately loose so it only catches pathological slowdowns (e.g. an O(n²)
 * outbox scan), not machine noise.
 */
import { Telegraf } from 'telegraf';
import { expect, it, vi } from 'vitest';
import { startTelegramEmulator } from '../../../../src/dev/telegram/index.js';

it('round-trips 1,500 commands through a polling telegraf bot within 15 s', async () => {
  const emu = await startTelegramEmulator();
  const bot = new Telegraf(emu.token, { telegram: { apiRoot: emu.url } });
  try {
    bot.on('text', (ctx) =>
      ctx.reply(`ok ${ctx.message.text}`, { reply_markup: { inline_keyboard: [[{ text: 'x', callback_data: 'x' }]] } }),
    );
    void bot.launch().catch(() => {});
    await vi.waitFor(() => expect(emu.longPollActive).toBe(true));

    const total = 1500;
    const started = Date.now();
    for (let i = 0; i < total; i++) emu.sendUserMessage({ userId: 1 + (i % 50), text: `/cmd ${i}` });
    await emu.waitFor((e) => e.method === 'sendMessage' && e.message?.text === `ok /cmd ${total - 1}`, 15_000);
    const elapsed = Date.now() - started;

    const replies = (await emu.events({ limit: 10_000 })).filter((e) => e.method === 'sendMessage');
    expect(replies).toHaveLength(total);
    // Per-chat lookups stay cheap with a full outbox (index by chat + binary search on seq).
    const lookupStart = Date.now();
    for (let i = 0; i < 2000; i++) await emu.events({ chatId: 7, afterSeq: i });
    expect(Date.now() - lookupStart).toBeLessThan(2000);
    expect(elapsed).toBeLessThan(15_000);
  } finally {
    bot.stop();
    await emu.close();
  }
}, 30_000);
