/**
 * Wire format and validation errors of the Telegram emulator: transports, auth, unknown
 * methods, and the 400s the real Bot API answers for bad text, entities, markup and chats.
 * Raw HTTP (fetch) is used where the status code or transport is the point; telegraf otherwise.
 */
import { Telegraf, TelegramError } from 'telegraf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTelegramEmulator, type TelegramEmulator } from '../../../../src/dev/telegram/index.js';

const USER = 1001;

let emu: TelegramEmulator;
let bot: Telegraf;

beforeEach(async () => {
  emu = await startTelegramEmulator();
  emu.registerChat({ id: USER, firstName: 'Val' });
  bot = new Telegraf(emu.token, { telegram: { apiRoot: emu.url } });
});

afterEach(async () => {
  await emu.close();
});

/** The parsed body of a Bot API response (shape asserted by each test). */
async function readJson(res: Response): Promise<any> {
  return res.json();
}

/** A JSON-body call returning the HTTP status and the parsed envelope. */
async function call(method: string, body: unknown, token = emu.token): Promise<{ status: number; json: any }> {
  const res = await fetch(`${emu.url}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await readJson(res) };
}

/** Expects a 400 with exactly this description. */
async function expectBadRequest(method: string, body: unknown, description: string): Promise<void> {
  const { status, json } = await call(method, body);
  expect(status).toBe(400);
  expect(json).toEqual({ ok: false, error_code: 400, description });
}

describe('transport and routing', () => {
  it('rejects malformed and wrong tokens with 401 Unauthorized', async () => {
    const bad = await call('getMe', {}, 'not-a-token');
    expect(bad.status).toBe(401);
    expect(bad.json).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });

    const fixed = await startTelegramEmulator({ token: '123:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    try {
      const other = await fetch(`${fixed.url}/bot123:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB/getMe`);
      expect(other.status).toBe(401);
      const ok = await fetch(`${fixed.url}/bot123:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/getMe`);
      expect(await readJson(ok)).toMatchObject({ ok: true, result: { id: 123, is_bot: true } });
      const err = await new Telegraf('123:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB', { telegram: { apiRoot: fixed.url } }).telegram
        .getMe()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TelegramError);
      expect((err as TelegramError).code).toBe(401);
    } finally {
      await fixed.close();
    }
  });

  it('answers unknown methods and paths with 404 Not Found', async () => {
    const res = await call('sendTelepathy', {});
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
    const path = await fetch(`${emu.url}/nowhere`);
    expect(path.status).toBe(404);
  });

  it('treats method names case-insensitively', async () => {
    expect((await call('GETME', {})).json).toMatchObject({ ok: true, result: { username: 'courtside_bot' } });
    expect((await call('sendmessage', { chat_id: USER, text: 'lower' })).json.result.text).toBe('lower');
  });

  it('accepts query-string parameters on GET', async () => {
    const res = await fetch(`${emu.url}/bot${emu.token}/sendMessage?chat_id=${USER}&text=${encodeURIComponent('via GET')}`);
    expect((await readJson(res)).result).toMatchObject({ text: 'via GET', chat: { id: USER } });
  });

  it('accepts form-urlencoded bodies with JSON-encoded complex fields', async () => {
    const form = new URLSearchParams({
      chat_id: String(USER),
      text: 'form',
      reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] }),
      entities: JSON.stringify([{ type: 'bold', offset: 0, length: 4 }]),
    });
    const res = await fetch(`${emu.url}/bot${emu.token}/sendMessage`, { method: 'POST', body: form });
    const json = await readJson(res);
    expect(json.result).toMatchObject({
      text: 'form',
      entities: [{ type: 'bold', offset: 0, length: 4 }],
      reply_markup: { inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] },
    });
  });

  it('accepts multipart bodies without files', async () => {
    const form = new FormData();
    form.set('chat_id', String(USER));
    form.set('text', 'multipart');
    form.set('reply_markup', JSON.stringify({ inline_keyboard: [[{ text: 'X', callback_data: 'x' }]] }));
    const res = await fetch(`${emu.url}/bot${emu.token}/sendMessage`, { method: 'POST', body: form });
    expect((await readJson(res)).result).toMatchObject({ text: 'multipart', reply_markup: { inline_keyboard: [[{ text: 'X' }]] } });
  });

  it('rejects a JSON reply_markup string that is not JSON', async () => {
    const form = new URLSearchParams({ chat_id: String(USER), text: 'x', reply_markup: '{nope' });
    const res = await fetch(`${emu.url}/bot${emu.token}/sendMessage`, { method: 'POST', body: form });
    expect(res.status).toBe(400);
    expect((await readJson(res)).description).toBe("Bad Request: can't parse reply keyboard markup JSON object");
  });
});

describe('sendMessage validation', () => {
  it('rejects empty and whitespace-only text', async () => {
    await expectBadRequest('sendMessage', { chat_id: USER, text: '' }, 'Bad Request: message text is empty');
    await expectBadRequest('sendMessage', { chat_id: USER }, 'Bad Request: message text is empty');
    await expectBadRequest('sendMessage', { chat_id: USER, text: ' \n ' }, 'Bad Request: message text is empty');
  });

  it('limits text to 4096 UTF-16 code units', async () => {
    expect((await call('sendMessage', { chat_id: USER, text: 'x'.repeat(4096) })).status).toBe(200);
    await expectBadRequest('sendMessage', { chat_id: USER, text: 'x'.repeat(4097) }, 'Bad Request: message is too long');
    // Each emoji is two UTF-16 code units: 2048 fit exactly, 2049 do not.
    expect((await call('sendMessage', { chat_id: USER, text: '📈'.repeat(2048) })).status).toBe(200);
    await expectBadRequest('sendMessage', { chat_id: USER, text: '📈'.repeat(2049) }, 'Bad Request: message is too long');
    // The limit applies after markup is parsed away.
    const html = `<b>${'y'.repeat(4096)}</b>`;
    expect((await call('sendMessage', { chat_id: USER, text: html, parse_mode: 'HTML' })).status).toBe(200);
  });

  it('rejects unknown chats and a missing chat_id', async () => {
    await expectBadRequest('sendMessage', { chat_id: 555, text: 'hi' }, 'Bad Request: chat not found');
    await expectBadRequest('sendMessage', { chat_id: '@someone', text: 'hi' }, 'Bad Request: chat not found');
    await expectBadRequest('sendMessage', { text: 'hi' }, 'Bad Request: chat_id is empty');
  });

  it('accepts chats first seen as a user message', async () => {
    emu.sendUserMessage({ userId: 556, text: 'hello' });
    expect((await call('sendMessage', { chat_id: 556, text: 'hi' })).status).toBe(200);
  });

  it('answers 403 when the user blocked the bot', async () => {
    emu.blockChat(USER);
    const res = await call('sendMessage', { chat_id: USER, text: 'hi' });
    expect(res.status).toBe(403);
    expect(res.json.description).toBe('Forbidden: bot was blocked by the user');
  });

  it('validates explicit entities', async () => {
    const ok = await call('sendMessage', {
      chat_id: USER,
      text: 'bold link',
      entities: [
        { type: 'bold', offset: 0, length: 4 },
        { type: 'text_link', offset: 5, length: 4, url: 'https://example.com' },
      ],
    });
    expect(ok.json.result.entities).toEqual([
      { type: 'bold', offset: 0, length: 4 },
      { type: 'text_link', offset: 5, length: 4, url: 'https://example.com' },
    ]);
    const outOfRange = await call('sendMessage', { chat_id: USER, text: 'abc', entities: [{ type: 'bold', offset: 2, length: 5 }] });
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.json.description).toMatch(/^Bad Request: can't parse entities: /);
    const unknownType = await call('sendMessage', { chat_id: USER, text: 'abc', entities: [{ type: 'sparkle', offset: 0, length: 1 }] });
    expect(unknownType.status).toBe(400);
    expect(unknownType.json.description).toBe(`Bad Request: can't parse entities: Unsupported entity type "sparkle"`);
  });

  it('parses HTML into entities with UTF-16 offsets', async () => {
    const { json } = await call('sendMessage', {
      chat_id: USER,
      text: '📈 <b>up</b> &amp; <a href="https://x.test/a?b=1&amp;c=2">link</a> <pre><code class="language-ts">x</code></pre>',
      parse_mode: 'HTML',
    });
    expect(json.result.text).toBe('📈 up & link x');
    expect(json.result.entities).toEqual([
      { type: 'bold', offset: 3, length: 2 },
      { type: 'text_link', offset: 8, length: 4, url: 'https://x.test/a?b=1&c=2' },
      { type: 'pre', offset: 13, length: 1, language: 'ts' },
    ]);
  });

  it('reports HTML errors like the real API', async () => {
    await expectBadRequest(
      'sendMessage',
      { chat_id: USER, text: 'a <blink>b</blink>', parse_mode: 'HTML' },
      `Bad Request: can't parse entities: Unsupported start tag "blink" at byte offset 2`,
    );
    await expectBadRequest(
      'sendMessage',
      { chat_id: USER, text: '<b>open', parse_mode: 'HTML' },
      `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`,
    );
    await expectBadRequest(
      'sendMessage',
      { chat_id: USER, text: '<b><i>x</b></i>', parse_mode: 'HTML' },
      `Bad Request: can't parse entities: Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`,
    );
  });

  it('parses MarkdownV2 and rejects unescaped reserved characters', async () => {
    const { json } = await call('sendMessage', {
      chat_id: USER,
      text: '*bold* _it_ __u__ ~s~ ||sp|| `c` [l](https://x.test) 1\\.5',
      parse_mode: 'MarkdownV2',
    });
    expect(json.result.text).toBe('bold it u s sp c l 1.5');
    expect(json.result.entities.map((e: { type: string }) => e.type)).toEqual([
      'bold',
      'italic',
      'underline',
      'strikethrough',
      'spoiler',
      'code',
      'text_link',
    ]);
    await expectBadRequest(
      'sendMessage',
      { chat_id: USER, text: 'price 1.5', parse_mode: 'MarkdownV2' },
      `Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'`,
    );
    await expectBadRequest(
      'sendMessage',
      { chat_id: USER, text: 'ab *open', parse_mode: 'MarkdownV2' },
      `Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 3`,
    );
    await expectBadRequest('sendMessage', { chat_id: USER, text: 'x', parse_mode: 'BBCode' }, 'Bad Request: unsupported parse_mode');
  });

  it('auto-detects commands, mentions, hashtags, cashtags and URLs in bot text', async () => {
    const { json } = await call('sendMessage', { chat_id: USER, text: 'Try /buy @ann #fomo $TSLA https://x.test/p.' });
    expect(json.result.entities).toEqual([
      { type: 'bot_command', offset: 4, length: 4 },
      { type: 'mention', offset: 9, length: 4 },
      { type: 'hashtag', offset: 14, length: 5 },
      { type: 'cashtag', offset: 20, length: 5 },
      { type: 'url', offset: 26, length: 16 }, // trailing '.' is not part of the URL
    ]);
  });

  it('checks inline keyboard buttons', async () => {
    const kb = (button: object) => ({ chat_id: USER, text: 'k', reply_markup: { inline_keyboard: [[button]] } });
    expect((await call('sendMessage', kb({ text: 'ok', callback_data: 'x'.repeat(64) }))).status).toBe(200);
    await expectBadRequest('sendMessage', kb({ text: 'long', callback_data: 'x'.repeat(65) }), 'Bad Request: BUTTON_DATA_INVALID');
    // 22 three-byte characters = 66 bytes, although only 22 UTF-16 units.
    await expectBadRequest('sendMessage', kb({ text: 'utf8', callback_data: '€'.repeat(22) }), 'Bad Request: BUTTON_DATA_INVALID');
    await expectBadRequest(
      'sendMessage',
      kb({ text: 'no action' }),
      "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    );
  });

  it('links replies through reply_parameters and rejects missing targets', async () => {
    const first = await call('sendMessage', { chat_id: USER, text: 'first' });
    const reply = await call('sendMessage', {
      chat_id: USER,
      text: 'second',
      reply_parameters: { message_id: first.json.result.message_id },
      link_preview_options: { is_disabled: true },
    });
    expect(reply.json.result.reply_to_message).toMatchObject({ message_id: first.json.result.message_id, text: 'first' });
    expect(reply.json.result.link_preview_options).toEqual({ is_disabled: true });
    await expectBadRequest(
      'sendMessage',
      { chat_id: USER, text: 'x', reply_parameters: { message_id: 999 } },
      'Bad Request: message to be replied not found',
    );
    const allowed = await call('sendMessage', {
      chat_id: USER,
      text: 'x',
      reply_parameters: { message_id: 999, allow_sending_without_reply: true },
    });
    expect(allowed.json.result).not.toHaveProperty('reply_to_message');
  });
});

describe('other methods', () => {
  it('stores commands per scope and records chat actions', async () => {
    const commands = [
      { command: 'buy', description: 'Buy a symbol' },
      { command: 'sell', description: 'Sell a symbol' },
    ];
    expect(await bot.telegram.setMyCommands(commands)).toBe(true);
    expect(await bot.telegram.getMyCommands()).toEqual(commands);
    expect(await bot.telegram.getMyCommands({ scope: { type: 'all_private_chats' } })).toEqual([]);
    await expectBadRequest('setMyCommands', { commands: [{ command: 'Bad-Name', description: 'x' }] }, 'Bad Request: BOT_COMMAND_INVALID');

    expect(await bot.telegram.sendChatAction(USER, 'typing')).toBe(true);
    await expectBadRequest('sendChatAction', { chat_id: USER, action: 'dancing' }, 'Bad Request: wrong parameter action in request');

    const events = await emu.events();
    expect(events.map((e) => [e.method, e.chat_id])).toEqual([
      ['setMyCommands', null],
      ['sendChatAction', USER],
    ]);
    expect(events[0]!.commands).toEqual(commands);
    expect(events[1]!.action).toBe('typing');
  });

  it('getFile rejects unknown file ids and setWebhook validates its URL', async () => {
    await expectBadRequest('getFile', { file_id: 'nope' }, 'Bad Request: invalid file_id');
    await expectBadRequest('setWebhook', { url: 'not a url' }, 'Bad Request: invalid webhook URL specified');
  });
});
