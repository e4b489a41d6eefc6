import { deflateSync } from 'node:zlib';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { bold, fmt } from 'telegraf/format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../helpers/env.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/** A valid 4×3 PNG built by hand, to send as a photo. */
function tinyPng(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(4, 0);
  ihdr.writeUInt32BE(3, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.alloc(3 * (1 + 4 * 3), 200);
  for (let y = 0; y < 3; y++) raw[y * 13] = 0;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

describe('notify queue delivery', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ mode: 'local', env: { NOTIFY_CHAT_PER_SEC: '2', NOTIFY_CHAT_BURST: '2' } });
    for (const id of [501, 502, 503, 504, 505, 506, 507]) h.emulator.registerChat({ id });
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function waitEvents(chatId: number, n: number, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const evs = (await h.emulator.events({ chatId, afterSeq: 0 })).filter((e) => e.method !== 'sendChatAction');
      if (evs.length >= n || Date.now() > deadline) return evs;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('splits a long formatted message at 4096 characters, in order, entities intact', async () => {
    const para = (i: number) => fmt`${bold`Section ${String(i)}`}\n${'lorem ipsum dolor sit amet '.repeat(30)}`;
    let msg = fmt``;
    for (let i = 0; i < 14; i++) msg = fmt`${msg}${para(i)}\n\n`;
    expect(msg.text.length).toBeGreaterThan(10_000);
    await h.running.app.notifier.text(501, msg, { origin: 'test' });
    // Each section is ~820 characters and cuts prefer blank lines: 4 sections per message, so 4 messages.
    const evs = await waitEvents(501, 4);
    await new Promise((r) => setTimeout(r, 200));
    expect((await waitEvents(501, 5, 0)).length).toBe(4);
    for (const e of evs) expect(textOf(e).length).toBeLessThanOrEqual(4096);
    expect(evs.map((e) => textOf(e)).join('\n\n').replace(/\s+/g, ' ')).toBe(msg.text.trim().replace(/\s+/g, ' '));
    const bolds = evs.flatMap((e) => (e.message?.entities ?? []).filter((x) => x.type === 'bold').map((x) => textOf(e).slice(x.offset, x.offset + x.length)));
    expect(bolds).toEqual(Array.from({ length: 14 }, (_, i) => `Section ${i}`));
  });

  it('honours 429 retry_after and delivers exactly once', async () => {
    h.emulator.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', retry_after: 1 });
    const t0 = Date.now();
    await h.running.app.notifier.text(502, 'after the rate limit', { origin: 'test' });
    const evs = await waitEvents(502, 1, 8_000);
    expect(evs.map(textOf)).toEqual(['after the rate limit']);
    expect(evs[0]!.at - t0).toBeGreaterThanOrEqual(950);
    await new Promise((r) => setTimeout(r, 300));
    expect((await waitEvents(502, 2, 200)).length).toBe(1);
  });

  it('falls back to plain text when Telegram rejects the formatting', async () => {
    h.emulator.failNext('sendMessage', { error_code: 400, description: "Bad Request: can't parse entities: unsupported start tag" });
    await h.running.app.notifier.text(503, fmt`${bold`Bold`} claim`, { origin: 'test' });
    const evs = await waitEvents(503, 1);
    expect(evs).toHaveLength(1);
    expect(textOf(evs[0])).toBe('Bold claim');
    expect(evs[0]!.message?.entities ?? []).toEqual([]);
  });

  it('paces each chat (2/s, burst 2) without slowing other chats', async () => {
    const t0 = Date.now();
    for (let i = 0; i < 6; i++) await h.running.app.notifier.text(504, `paced ${i}`, { origin: 'test' });
    await h.running.app.notifier.text(505, 'other chat', { origin: 'test' });
    const other = await waitEvents(505, 1, 3_000);
    expect(other[0]!.at - t0).toBeLessThan(1_000);
    const evs = await waitEvents(504, 6, 10_000);
    expect(evs.map(textOf).sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `paced ${i}`));
    // 2 immediately, then 4 more at 2 per second: at least ~1.5 s for the last.
    expect(evs[5]!.at - t0).toBeGreaterThanOrEqual(1_400);
  });

  it('sends a photo, moving an over-long caption into a follow-up message, with the keyboard last', async () => {
    const caption = 'Chart notes. ' + 'x'.repeat(1500);
    const op = await h.running.app.notifier.photoOp(tinyPng(), caption, [[{ text: 'OK', callback_data: 'ok' }]]);
    await h.running.app.notifier.deliver(506, [op], 'test');
    const evs = await waitEvents(506, 2);
    expect(evs.map((e) => e.method)).toEqual(['sendPhoto', 'sendMessage']);
    expect(evs[0]!.message!.photo![0]).toMatchObject({ width: 4, height: 3 });
    expect((evs[0]!.message!.caption ?? '').length).toBeLessThanOrEqual(1024);
    expect(evs[0]!.message!.reply_markup).toBeUndefined();
    expect(evs[1]!.message!.reply_markup?.inline_keyboard[0]![0]!.text).toBe('OK');
  });

  it('discards (does not retry forever) a message to a chat that blocked the bot', async () => {
    h.emulator.blockChat(507, true);
    await h.running.app.notifier.text(507, 'you blocked me', { origin: 'test' });
    const r = new Redis(REDIS_URL);
    const q = new Queue('notify', { connection: r, prefix: h.prefix });
    try {
      const deadline = Date.now() + 5_000;
      let failed = 0;
      while (Date.now() < deadline && failed === 0) {
        failed = (await q.getJobCounts('failed')).failed ?? 0;
        await new Promise((res) => setTimeout(res, 100));
      }
      expect(failed).toBe(1);
      const [job] = await q.getFailed();
      expect(job!.attemptsMade).toBe(1);
      expect(job!.failedReason).toMatch(/blocked|Forbidden/i);
    } finally {
      await q.close();
      r.disconnect();
    }
  });
});
