/**
 * The Telegram emulator driven by the real telegraf client: update flow, callback queries,
 * photo uploads, edits, getUpdates semantics (offsets, 409 conflicts) and injected faults.
 */
import { crc32 as zlibCrc32, deflateSync } from 'node:zlib';
import { Telegraf, TelegramError, type Context } from 'telegraf';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTelegramEmulator, type TelegramEmulator, type Update } from '../../../../src/dev/telegram/index.js';

/** A valid RGB PNG of the given size, built by hand (signature, IHDR, IDAT, IEND). */
function makePng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlibCrc32(body) >>> 0, 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit depth, RGB, deflate, no filter, no interlace
  const row = Buffer.alloc(1 + width * 3, 0x7f);
  row[0] = 0; // filter type "none"
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Runs `fn` and returns the TelegramError it rejects with. */
async function telegramError(fn: () => Promise<unknown>): Promise<TelegramError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof TelegramError) return err;
    throw err;
  }
  throw new Error('expected a TelegramError');
}

const USER = 4242;

let emu: TelegramEmulator;
let bots: Telegraf[];

/** A telegraf bot against the emulator; stopped after each test. */
function newBot(): Telegraf {
  const bot = new Telegraf(emu.token, { telegram: { apiRoot: emu.url } });
  bots.push(bot);
  return bot;
}

/** Launches polling and waits until the bot sits in a long poll. */
async function launch(bot: Telegraf): Promise<void> {
  bot.launch().catch(() => {
    // Tests that expect a failed launch assert on it separately.
  });
  await vi.waitFor(() => expect(emu.longPollActive).toBe(true), { timeout: 5000 });
}

beforeEach(async () => {
  emu = await startTelegramEmulator();
  bots = [];
});

afterEach(async () => {
  for (const bot of bots) {
    try {
      bot.stop();
    } catch {
      // not running
    }
  }
  await emu.close();
});

describe('update flow with a polling telegraf bot', () => {
  it('delivers a /command with bot_command entity and records the reply', async () => {
    const bot = newBot();
    const seen: Update[] = [];
    bot.command('start', async (ctx) => {
      seen.push(ctx.update as unknown as Update);
      await ctx.reply(`hi ${ctx.from.first_name}`);
    });
    await launch(bot);

    const sent = emu.sendUserMessage({ userId: USER, text: '/start@courtside_bot now', firstName: 'Ann', username: 'ann' });
    const reply = await emu.waitFor((e) => e.method === 'sendMessage' && e.chat_id === USER);

    expect(seen).toHaveLength(1);
    const msg = seen[0]!.message!;
    expect(seen[0]!.update_id).toBe(sent.update_id);
    expect(msg.message_id).toBe(sent.message_id);
    expect(msg.entities).toEqual([{ type: 'bot_command', offset: 0, length: 20 }]);
    expect(msg.from).toEqual({ id: USER, is_bot: false, first_name: 'Ann', username: 'ann' });
    expect(msg.chat).toEqual({ id: USER, type: 'private', first_name: 'Ann', username: 'ann' });
    expect(Math.abs(msg.date - Date.now() / 1000)).toBeLessThan(5);

    expect(reply.message).toMatchObject({
      message_id: sent.message_id + 1,
      from: { id: emu.bot.id, is_bot: true, first_name: 'Courtside', username: 'courtside_bot' },
      chat: { id: USER, type: 'private' },
      text: 'hi Ann',
    });
    expect(emu.chatState(USER)!.messages.get(reply.message_id!)!.text).toBe('hi Ann');
  });

  it('getMe answers with the configured bot', async () => {
    const custom = await startTelegramEmulator({ bot: { id: 777, username: 'other_bot', first_name: 'Other' } });
    try {
      const bot = new Telegraf('777:AAAAAAAAAAAAAAAAAAAAAAAAAAAA', { telegram: { apiRoot: custom.url } });
      expect(await bot.telegram.getMe()).toMatchObject({ id: 777, is_bot: true, username: 'other_bot', first_name: 'Other' });
    } finally {
      await custom.close();
    }
  });

  it('answers a waiting long poll as soon as an update arrives', async () => {
    const tg = newBot().telegram;
    const started = Date.now();
    const poll = tg.callApi('getUpdates', { timeout: 30 });
    await vi.waitFor(() => expect(emu.longPollActive).toBe(true));
    emu.sendUserMessage({ userId: USER, text: 'ping' });
    const updates = await poll;
    expect(updates).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a restarted bot receives only updates it has not acknowledged', async () => {
    const first = newBot();
    const texts: string[] = [];
    first.on('text', (ctx) => {
      texts.push(`first:${ctx.message.text}`);
    });
    await launch(first);
    emu.sendUserMessage({ userId: USER, text: 'one' });
    await vi.waitFor(() => expect(texts).toEqual(['first:one']));
    first.stop();

    emu.sendUserMessage({ userId: USER, text: 'two' });
    const second = newBot();
    second.on('text', (ctx) => {
      texts.push(`second:${ctx.message.text}`);
    });
    await launch(second);
    await vi.waitFor(() => expect(texts).toEqual(['first:one', 'second:two']));
  });
});

describe('callback queries', () => {
  it('delivers a button press and accepts one answer', async () => {
    const bot = newBot();
    const queries: Array<Context['callbackQuery']> = [];
    bot.command('menu', (ctx) =>
      ctx.reply('pick', { reply_markup: { inline_keyboard: [[{ text: 'Buy', callback_data: 'buy:AAPL' }]] } }),
    );
    bot.on('callback_query', async (ctx) => {
      queries.push(ctx.callbackQuery);
      await ctx.answerCbQuery('Bought', { show_alert: true });
      await ctx.editMessageText('done');
    });
    await launch(bot);

    emu.sendUserMessage({ userId: USER, text: '/menu' });
    const menu = await emu.waitFor((e) => e.method === 'sendMessage');
    const press = emu.pressButton({ userId: USER, messageId: menu.message_id!, data: 'buy:AAPL' });

    const answer = await emu.waitFor((e) => e.method === 'answerCallbackQuery');
    expect(answer).toMatchObject({ callback_query_id: press.callback_query_id, text: 'Bought', show_alert: true, chat_id: USER });
    const edit = await emu.waitFor((e) => e.method === 'editMessageText');
    expect(edit.message).toMatchObject({ message_id: menu.message_id, text: 'done' });
    expect(edit.message!.reply_markup).toBeUndefined(); // editing text without markup drops the keyboard
    expect(typeof edit.message!.edit_date).toBe('number');

    const q = queries[0]!;
    expect(q).toMatchObject({ id: press.callback_query_id, from: { id: USER, is_bot: false }, message: { message_id: menu.message_id } });
    expect('data' in q! && q.data).toBe('buy:AAPL');
    expect(typeof q!.chat_instance).toBe('string');

    const again = await telegramError(() => bot.telegram.answerCbQuery(press.callback_query_id));
    expect(again.code).toBe(400);
    expect(again.description).toBe('Bad Request: query is too old and response timeout expired or query ID is invalid');
  });

  it('rejects unknown callback query ids', async () => {
    const err = await telegramError(() => newBot().telegram.answerCbQuery('12345'));
    expect(err.description).toBe('Bad Request: query is too old and response timeout expired or query ID is invalid');
  });

  it('refuses to press a button the message does not have, unless told to', async () => {
    emu.registerChat({ id: USER });
    const tg = newBot().telegram;
    const msg = await tg.sendMessage(USER, 'x', { reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] } });
    expect(() => emu.pressButton({ userId: USER, messageId: msg.message_id, data: 'b' })).toThrow(/no button/);
    expect(emu.pressButton({ userId: USER, messageId: msg.message_id, data: 'b', allowUnknownData: true }).callback_query_id).toMatch(
      /^\d+$/,
    );
  });
});

describe('photos and documents', () => {
  it('uploads a PNG over multipart and reports its dimensions', async () => {
    emu.registerChat({ id: USER });
    const tg = newBot().telegram;
    const png = makePng(37, 21);
    const msg = await tg.sendPhoto(
      USER,
      { source: png, filename: 'chart.png' },
      {
        caption: '<b>AAPL</b> $AAPL',
        parse_mode: 'HTML',
        reply_markup: { inline_keyboard: [[{ text: 'More', callback_data: 'more' }]] },
      },
    );
    expect(msg.photo).toHaveLength(1);
    const size = msg.photo.at(-1)!;
    expect(size).toMatchObject({ width: 37, height: 21, file_size: png.length });
    expect(size.file_id).toMatch(/^[A-Za-z0-9_-]{30,}$/);
    expect(msg.caption).toBe('AAPL $AAPL');
    expect(msg.caption_entities).toEqual([
      { type: 'bold', offset: 0, length: 4 },
      { type: 'cashtag', offset: 5, length: 5 },
    ]);
    expect(msg.reply_markup).toEqual({ inline_keyboard: [[{ text: 'More', callback_data: 'more' }]] });

    const event = await emu.waitFor((e) => e.method === 'sendPhoto');
    expect(event.file_id).toBe(size.file_id);
    expect(emu.file(size.file_id)!.data.equals(png)).toBe(true);

    // getFile + download through the real file endpoint.
    const file = await tg.getFile(size.file_id);
    expect(file.file_path).toMatch(/^photos\/file_\d+\.png$/);
    const download = await fetch(`${emu.url}/file/bot${emu.token}/${file.file_path}`);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await download.arrayBuffer()).equals(png)).toBe(true);

    // Re-sending by file_id reuses the stored file.
    const again = await tg.sendPhoto(USER, size.file_id);
    expect(again.photo.at(-1)!.file_unique_id).toBe(size.file_unique_id);
  });

  it('reads JPEG dimensions from the frame header', async () => {
    emu.registerChat({ id: USER });
    // SOI, APP0 (JFIF, 16 bytes), SOF0 with height 480 and width 640, EOI.
    const jpeg = Buffer.from([
      0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
      0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff,
      0xd9,
    ]);
    const msg = await newBot().telegram.sendPhoto(USER, { source: jpeg });
    expect(msg.photo.at(-1)).toMatchObject({ width: 640, height: 480 });
  });

  it('rejects bytes that are not an image, and over-long captions', async () => {
    emu.registerChat({ id: USER });
    const tg = newBot().telegram;
    const notImage = await telegramError(() => tg.sendPhoto(USER, { source: Buffer.from('hello') }));
    expect(notImage.description).toBe('Bad Request: IMAGE_PROCESS_FAILED');
    const longCaption = await telegramError(() => tg.sendPhoto(USER, { source: makePng(2, 2) }, { caption: 'x'.repeat(1025) }));
    expect(longCaption.description).toBe('Bad Request: message caption is too long');
    const unknownId = await telegramError(() => tg.sendPhoto(USER, 'AgACAgQAAxkDAAnope'));
    expect(unknownId.description).toBe('Bad Request: wrong file identifier/HTTP URL specified');
  });

  it('uploads a document with its file name and MIME type', async () => {
    emu.registerChat({ id: USER });
    const csv = Buffer.from('symbol,qty\nAAPL,10\n');
    const msg = await newBot().telegram.sendDocument(USER, { source: csv, filename: 'fills.csv' }, { caption: 'fills' });
    expect(msg.document).toMatchObject({ file_name: 'fills.csv', mime_type: 'text/csv', file_size: csv.length });
    expect(msg.caption).toBe('fills');
    const event = await emu.waitFor((e) => e.method === 'sendDocument');
    expect(emu.file(event.file_id!)!.data.toString()).toBe(csv.toString());
  });
});

describe('edits and deletes', () => {
  it('edits text, caption and markup, rejecting no-op and unknown edits', async () => {
    emu.registerChat({ id: USER });
    const tg = newBot().telegram;
    const kb = { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] };
    const msg = await tg.sendMessage(USER, 'v1', { reply_markup: kb });

    const same = await telegramError(() => tg.editMessageText(USER, msg.message_id, undefined, 'v1', { reply_markup: kb }));
    expect(same.code).toBe(400);
    expect(same.description).toBe(
      'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    );

    const edited = await tg.editMessageText(USER, msg.message_id, undefined, 'v2', { reply_markup: kb });
    expect(edited).toMatchObject({ text: 'v2', reply_markup: kb });

    const newKb = { inline_keyboard: [[{ text: 'B', callback_data: 'b' }]] };
    const remarked = await tg.editMessageReplyMarkup(USER, msg.message_id, undefined, newKb);
    expect(remarked).toMatchObject({ text: 'v2', reply_markup: newKb });
    const sameKb = await telegramError(() => tg.editMessageReplyMarkup(USER, msg.message_id, undefined, newKb));
    expect(sameKb.description).toMatch(/^Bad Request: message is not modified/);
    const removed = await tg.editMessageReplyMarkup(USER, msg.message_id, undefined, undefined);
    expect(removed).not.toHaveProperty('reply_markup');

    const missing = await telegramError(() => tg.editMessageText(USER, 9999, undefined, 'x'));
    expect(missing.description).toBe('Bad Request: message to edit not found');

    const noCaption = await telegramError(() => tg.editMessageCaption(USER, msg.message_id, undefined, 'cap'));
    expect(noCaption.description).toBe('Bad Request: there is no caption in the message to edit');
    const photo = await tg.sendPhoto(USER, { source: makePng(4, 4) }, { caption: 'c1' });
    const recaptioned = await tg.editMessageCaption(USER, photo.message_id, undefined, 'c2');
    expect(recaptioned).toMatchObject({ caption: 'c2' });
    expect(emu.chatState(USER)!.messages.get(photo.message_id)!.caption).toBe('c2');

    expect(emu.chatState(USER)!.messages.get(msg.message_id)).toMatchObject({ text: 'v2' });
    const methods = (await emu.events({ chatId: USER })).map((e) => e.method);
    expect(methods).toEqual([
      'sendMessage',
      'editMessageText',
      'editMessageReplyMarkup',
      'editMessageReplyMarkup',
      'sendPhoto',
      'editMessageCaption',
    ]);
  });

  it('refuses to edit the user’s messages and deletes messages once', async () => {
    const tg = newBot().telegram;
    const { message_id } = emu.sendUserMessage({ userId: USER, text: 'mine' });
    const cant = await telegramError(() => tg.editMessageText(USER, message_id, undefined, 'yours'));
    expect(cant.description).toBe("Bad Request: message can't be edited");

    expect(await tg.deleteMessage(USER, message_id)).toBe(true);
    expect(emu.chatState(USER)!.messages.has(message_id)).toBe(false);
    const twice = await telegramError(() => tg.deleteMessage(USER, message_id));
    expect(twice.description).toBe('Bad Request: message to delete not found');
  });
});

describe('getUpdates semantics', () => {
  it('acknowledges by offset, supports negative offsets and clamps limit', async () => {
    const tg = newBot().telegram;
    const ids = ['a', 'b', 'c', 'd'].map((text) => emu.sendUserMessage({ userId: USER, text }).update_id);

    expect((await tg.callApi('getUpdates', {})).map((u) => u.update_id)).toEqual(ids);
    expect((await tg.callApi('getUpdates', { limit: 2 })).map((u) => u.update_id)).toEqual(ids.slice(0, 2));
    expect(await tg.callApi('getUpdates', { limit: 0 })).toHaveLength(1); // clamped to 1

    // offset = id of b: a is forgotten for good.
    expect((await tg.callApi('getUpdates', { offset: ids[1]! })).map((u) => u.update_id)).toEqual(ids.slice(1));
    expect((await tg.callApi('getUpdates', {})).map((u) => u.update_id)).toEqual(ids.slice(1));

    // offset -1: only the newest, and everything before it is acknowledged.
    expect((await tg.callApi('getUpdates', { offset: -1 })).map((u) => u.update_id)).toEqual([ids[3]]);
    expect((await tg.callApi('getUpdates', {})).map((u) => u.update_id)).toEqual([ids[3]]);

    expect(await tg.callApi('getUpdates', { offset: ids[3]! + 1 })).toEqual([]);
    expect(emu.webhookInfo().pending_update_count).toBe(0);
  });

  it('filters new updates by allowed_updates', async () => {
    const tg = newBot().telegram;
    await tg.callApi('getUpdates', { allowed_updates: ['callback_query'] });
    emu.sendUserMessage({ userId: USER, text: 'ignored' });
    expect(await tg.callApi('getUpdates', {})).toEqual([]);
    await tg.callApi('getUpdates', { allowed_updates: [] }); // back to the default set
    emu.sendUserMessage({ userId: USER, text: 'seen' });
    expect(await tg.callApi('getUpdates', {})).toHaveLength(1);
  });

  it('terminates the older of two concurrent long polls with 409, like the real server', async () => {
    const older = newBot().telegram;
    const newer = newBot().telegram;
    const first = older.callApi('getUpdates', { timeout: 20 });
    await vi.waitFor(() => expect(emu.longPollActive).toBe(true));
    const second = newer.callApi('getUpdates', { timeout: 20 });

    const err = await telegramError(() => first);
    expect(err.code).toBe(409);
    expect(err.description).toBe(
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    );
    emu.sendUserMessage({ userId: USER, text: 'for the newer poller' });
    expect(await second).toHaveLength(1);
  });

  it('makes a launched telegraf bot fail with 409 when a second instance polls', async () => {
    const first = newBot();
    const launched = first.launch();
    await vi.waitFor(() => expect(emu.longPollActive).toBe(true));
    const second = newBot().telegram.callApi('getUpdates', { timeout: 1 });
    await expect(launched).rejects.toMatchObject({ code: 409 });
    await second;
  });

  it('refuses getUpdates while a webhook is set', async () => {
    const tg = newBot().telegram;
    await tg.setWebhook('http://127.0.0.1:9/unused');
    const err = await telegramError(() => tg.callApi('getUpdates', {}));
    expect(err.code).toBe(409);
    expect(err.description).toBe(
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
    await tg.deleteWebhook();
    expect(await tg.callApi('getUpdates', {})).toEqual([]);
  });
});

describe('fault injection', () => {
  it('failNext returns 429 with retry_after, then the method works again', async () => {
    emu.registerChat({ id: USER });
    const tg = newBot().telegram;
    emu.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 7', retry_after: 7 });
    const err = await telegramError(() => tg.sendMessage(USER, 'x'));
    expect(err.code).toBe(429);
    expect(err.parameters).toEqual({ retry_after: 7 });
    expect(err.response).toEqual({
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 7',
      parameters: { retry_after: 7 },
    });
    expect((await tg.sendMessage(USER, 'y')).text).toBe('y');
    expect((await emu.events({ chatId: USER })).map((e) => e.message?.text)).toEqual(['y']);
  });

  it('failNext honours count and matches method names case-insensitively', async () => {
    emu.registerChat({ id: USER });
    const tg = newBot().telegram;
    emu.failNext('SENDMESSAGE', { error_code: 500, description: 'Internal Server Error', count: 2 });
    await expect(tg.sendMessage(USER, 'a')).rejects.toMatchObject({ code: 500 });
    await expect(tg.sendMessage(USER, 'b')).rejects.toMatchObject({ code: 500 });
    await expect(tg.sendMessage(USER, 'c')).resolves.toMatchObject({ text: 'c' });
  });

  it('delayNext answers late but still performs the call', async () => {
    emu.registerChat({ id: USER });
    const tg = newBot().telegram;
    emu.delayNext('sendMessage', 300);
    const started = Date.now();
    const sending = tg.sendMessage(USER, 'slow');
    await emu.waitFor((e) => e.method === 'sendMessage', 250); // recorded before the answer
    await sending;
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('setGlobalRateLimit answers 429 past the per-second budget', async () => {
    emu.registerChat({ id: USER });
    const tg = newBot().telegram;
    emu.setGlobalRateLimit({ maxPerSecond: 2, retryAfter: 3 });
    await tg.sendMessage(USER, '1');
    await tg.sendMessage(USER, '2');
    const err = await telegramError(() => tg.sendMessage(USER, '3'));
    expect(err.code).toBe(429);
    expect(err.parameters).toEqual({ retry_after: 3 });
    emu.setGlobalRateLimit(null);
    await expect(tg.sendMessage(USER, '4')).resolves.toMatchObject({ text: '4' });
  });
});
