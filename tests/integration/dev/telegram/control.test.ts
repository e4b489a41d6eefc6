/**
 * Webhook delivery (with a real telegraf webhook handler) and the HTTP control API under
 * /_emulator/ that a terminal client in another process uses.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Telegraf, TelegramError } from 'telegraf';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTelegramEmulator, type OutboxEvent, type TelegramEmulator, type Update } from '../../../../src/dev/telegram/index.js';

const USER = 2002;

let emu: TelegramEmulator;
const cleanups: Array<() => unknown> = [];

beforeEach(async () => {
  emu = await startTelegramEmulator({ webhook: { retryDelayMs: 20 } });
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  await emu.close();
});

/** An HTTP server on 127.0.0.1:0, closed after the test. */
async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** JSON request against the control API. */
async function control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${emu.url}/_emulator/${path}`, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: await res.json() };
}

function newBot(): Telegraf {
  const bot = new Telegraf(emu.token, { telegram: { apiRoot: emu.url } });
  cleanups.push(() => {
    try {
      bot.stop();
    } catch {
      // not launched
    }
  });
  return bot;
}

describe('webhook delivery', () => {
  it('POSTs updates with the secret token header to a telegraf webhook bot', async () => {
    const bot = newBot();
    bot.command('start', (ctx) =>
      ctx.reply('menu', { reply_markup: { inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] } }),
    );
    // answerCbQuery goes back as a webhook reply (telegraf's default), which the API executes.
    bot.on('callback_query', (ctx) => ctx.answerCbQuery('going'));
    const secret = 'S3cret_token-1';
    const seenSecrets: Array<string | undefined> = [];
    const callback = bot.webhookCallback('/hook', { secretToken: secret });
    const base = await listen((req, res) => {
      seenSecrets.push(req.headers['x-telegram-bot-api-secret-token'] as string | undefined);
      void callback(req, res);
    });
    bot.botInfo = await bot.telegram.getMe();
    await bot.telegram.setWebhook(`${base}/hook`, { secret_token: secret });
    expect(emu.webhookInfo()).toMatchObject({ url: `${base}/hook`, pending_update_count: 0 });

    emu.sendUserMessage({ userId: USER, text: '/start' });
    const menu = await emu.waitFor((e) => e.method === 'sendMessage');
    emu.pressButton({ userId: USER, messageId: menu.message_id!, data: 'go' });
    const answer = await emu.waitFor((e) => e.method === 'answerCallbackQuery');
    expect(answer.text).toBe('going');
    expect(seenSecrets).toEqual([secret, secret]);
  });

  it('retries non-2xx answers and reports the last error', async () => {
    const bodies: Update[] = [];
    let calls = 0;
    const base = await listen((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        calls++;
        if (calls <= 2) {
          res.writeHead(500).end();
          return;
        }
        expect(req.headers['content-type']).toBe('application/json');
        bodies.push(JSON.parse(raw) as Update);
        res.writeHead(200).end();
      });
    });
    const tg = newBot().telegram;
    await tg.setWebhook(base);
    const { update_id } = emu.sendUserMessage({ userId: USER, text: 'persist' });
    await vi.waitFor(() => expect(bodies).toHaveLength(1));
    expect(calls).toBe(3);
    expect(bodies[0]).toMatchObject({ update_id, message: { text: 'persist', chat: { id: USER } } });
    const info = await tg.getWebhookInfo();
    expect(info.pending_update_count).toBe(0);
    expect(info.last_error_message).toMatch(/500/);
  });

  it('delivers one chat in order while the receiver is slow', async () => {
    const order: string[] = [];
    const base = await listen((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const text = (JSON.parse(raw) as Update).message!.text!;
        setTimeout(() => {
          order.push(text);
          res.writeHead(200).end();
        }, 5);
      });
    });
    await newBot().telegram.setWebhook(base);
    for (let i = 0; i < 10; i++) emu.sendUserMessage({ userId: USER, text: `m${i}` });
    await vi.waitFor(() => expect(order).toHaveLength(10));
    expect(order).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
  });

  it('setWebhook terminates a pending long poll; drop_pending_updates clears the queue', async () => {
    const tg = newBot().telegram;
    const poll = tg.callApi('getUpdates', { timeout: 20 }).catch((e: unknown) => e);
    await vi.waitFor(() => expect(emu.longPollActive).toBe(true));
    await tg.setWebhook('http://127.0.0.1:9/never');
    const err = (await poll) as TelegramError;
    expect(err.code).toBe(409);
    expect(err.description).toBe('Conflict: terminated by setWebhook request');

    await tg.deleteWebhook();
    emu.sendUserMessage({ userId: USER, text: 'stale' });
    expect((await tg.getWebhookInfo()).pending_update_count).toBe(1);
    await tg.deleteWebhook({ drop_pending_updates: true });
    expect(await tg.callApi('getUpdates', {})).toEqual([]);
  });

  it('answers setWebhook/deleteWebhook with the real descriptions', async () => {
    const post = async (method: string, body: object) =>
      (
        await fetch(`${emu.url}/bot${emu.token}/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).json();
    expect(await post('setWebhook', { url: 'http://127.0.0.1:9/x' })).toEqual({ ok: true, result: true, description: 'Webhook was set' });
    expect(await post('setWebhook', { url: 'http://127.0.0.1:9/x' })).toEqual({
      ok: true,
      result: true,
      description: 'Webhook is already set',
    });
    expect(await post('deleteWebhook', {})).toEqual({ ok: true, result: true, description: 'Webhook was deleted' });
    expect(await post('deleteWebhook', {})).toEqual({ ok: true, result: true, description: 'Webhook is already deleted' });
  });
});

describe('HTTP control API', () => {
  it('drives a polling bot: messages in, events out (long-polled)', async () => {
    const bot = newBot();
    bot.on('text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    void bot.launch().catch(() => {});

    const sent = await control('POST', 'messages', { userId: USER, text: 'hello', firstName: 'Term' });
    expect(sent.status).toBe(200);
    expect(sent.json).toEqual({ ok: true, result: { update_id: expect.any(Number), message_id: 1 } });

    const polled = await control('GET', `events?chat_id=${USER}&after=0&wait=5000`);
    expect(polled.json.result.events).toHaveLength(1);
    const event = polled.json.result.events[0] as OutboxEvent;
    expect(event).toMatchObject({ method: 'sendMessage', chat_id: USER, message: { text: 'echo: hello', message_id: 2 } });
    expect(polled.json.result.last_seq).toBe(event.seq);

    // Nothing new: a short wait comes back empty.
    const empty = await control('GET', `events?chat_id=${USER}&after=${event.seq}&wait=50`);
    expect(empty.json.result.events).toEqual([]);

    // A waiting poll returns as soon as the next event exists, well before its deadline.
    const started = Date.now();
    const waiting = control('GET', `events?chat_id=${USER}&after=${event.seq}&wait=20000`);
    await control('POST', 'messages', { userId: USER, text: 'again' });
    const next = await waiting;
    expect(next.json.result.events[0].message.text).toBe('echo: again');
    expect(Date.now() - started).toBeLessThan(5000);

    const chat = await control('GET', `chats/${USER}`);
    expect(chat.json.result.chat).toEqual({ id: USER, type: 'private', first_name: 'Term' });
    expect(chat.json.result.messages.map((m: { text: string }) => m.text)).toEqual(['hello', 'echo: hello', 'again', 'echo: again']);
  });

  it('presses buttons, injects raw updates, serves files', async () => {
    await control('POST', 'chats', { id: USER, firstName: 'Pat' });
    const tg = newBot().telegram;
    const msg = await tg.sendMessage(USER, 'pick', { reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'y' }]] } });
    const pressed = await control('POST', 'callbacks', { userId: USER, messageId: msg.message_id, data: 'y' });
    expect(pressed.json.result).toEqual({ update_id: expect.any(Number), callback_query_id: expect.stringMatching(/^\d+$/) });
    const missing = await control('POST', 'callbacks', { userId: USER, messageId: msg.message_id, data: 'n' });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toMatch(/no button/);

    const raw = await control('POST', 'updates', { weird_payload: { x: 1 } });
    const updates = await tg.callApi('getUpdates', {});
    expect(updates.map((u) => u.update_id)).toEqual([pressed.json.result.update_id, raw.json.result.update_id]);
    expect(updates[1]).toEqual({ update_id: raw.json.result.update_id, weird_payload: { x: 1 } });
    expect((updates[0] as { callback_query: { data: string } }).callback_query.data).toBe('y');

    const doc = await tg.sendDocument(USER, { source: Buffer.from('abc'), filename: 'a.txt' });
    const file = await fetch(`${emu.url}/_emulator/files/${doc.document.file_id}`);
    expect(file.headers.get('content-type')).toBe('text/plain');
    expect(await file.text()).toBe('abc');
    expect((await fetch(`${emu.url}/_emulator/files/nope`)).status).toBe(404);
  });

  it('injects faults, validates bodies and resets', async () => {
    await control('POST', 'chats', { id: USER });
    const tg = newBot().telegram;
    expect((await control('POST', 'faults/fail', { method: 'sendMessage', error_code: 429, description: 'Too Many Requests: retry after 2', retry_after: 2 })).status).toBe(200);
    const err = await tg.sendMessage(USER, 'x').catch((e: unknown) => e as TelegramError);
    expect(err).toMatchObject({ code: 429, parameters: { retry_after: 2 } });

    const bad = await control('POST', 'messages', { userId: 'me', text: 5 });
    expect(bad.status).toBe(400);
    expect(bad.json.ok).toBe(false);
    expect((await control('GET', 'nothing-here')).status).toBe(404);

    const before = emu.sendUserMessage({ userId: USER, text: 'before reset' }).update_id;
    expect((await control('POST', 'reset')).json).toEqual({ ok: true, result: true });
    expect(emu.chatState(USER)).toBeUndefined();
    expect(await emu.events()).toEqual([]);
    // update ids keep increasing so a running bot's offset stays valid.
    expect(emu.sendUserMessage({ userId: USER, text: 'after reset' }).update_id).toBeGreaterThan(before);
  });
});

describe('outbox', () => {
  it('caps retained events globally and per chat, with seq cursors', async () => {
    const small = await startTelegramEmulator({ limits: { maxEvents: 5 } });
    cleanups.push(() => small.close());
    small.registerChat({ id: 1 });
    small.registerChat({ id: 2 });
    const tg = new Telegraf(small.token, { telegram: { apiRoot: small.url } }).telegram;
    for (let i = 0; i < 8; i++) await tg.sendMessage(1 + (i % 2), `m${i}`);

    const all = await small.events();
    expect(all.map((e) => e.message!.text)).toEqual(['m3', 'm4', 'm5', 'm6', 'm7']);
    expect(all.map((e) => e.seq)).toEqual([4, 5, 6, 7, 8]);
    expect((await small.events({ chatId: 1 })).map((e) => e.message!.text)).toEqual(['m0', 'm2', 'm4', 'm6']);
    expect((await small.events({ chatId: 2, afterSeq: 6 })).map((e) => e.message!.text)).toEqual(['m7']);
    expect(small.lastSeq).toBe(8);
  });

  it('waitFor rejects with recent events when nothing matches', async () => {
    emu.registerChat({ id: USER });
    await newBot().telegram.sendMessage(USER, 'only this');
    await expect(emu.waitFor((e) => e.method === 'sendPhoto', 50)).rejects.toThrow(/timed out after 50 ms.*only this/);
  });
});
