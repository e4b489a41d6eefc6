/**
 * A second /scan (issue 13, item 5) and what every card says about stops (item 9), through the
 * real bot, workers and paper broker against the Bot API emulator, the market open (the app's
 * clock set, tests/helpers/market-time.ts):
 *
 * - a re-scan posts no second live card for a pick already shown, executed or rejected: one
 *   message without buttons sums them up;
 * - the deadline a card shows never changes (the re-scan does not extend it);
 * - /picks never lists an expired pick as pending;
 * - every card says the stop is checked once a day near the close, with no stop order at the broker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../src/dev/telegram/outbox.js';
import { approvalSettled, waitMessage } from '../helpers/execution.js';
import { textOf, type Harness } from '../helpers/harness.js';
import { setMarketTime } from '../helpers/market-time.js';
import { startOpenMarketScan, stopOpenMarketScan } from './support/open-market-scan.js';

const SYMBOLS = Array.from({ length: 200 }, (_, i) => `RSC${String(i).padStart(3, '0')}`);
const USER = 1;

let h: Harness;

beforeAll(async () => {
  h = await startOpenMarketScan({ symbols: SYMBOLS, chunkSize: 50, topN: 3, userId: USER });
}, 60_000);

afterAll(() => stopOpenMarketScan(h));

/** Sends /scan and returns the events up to its "Scan done" and (when `cards`) that many cards, plus a settle pause's worth. */
async function scan(cards: number): Promise<OutboxEvent[]> {
  const after = h.emulator.lastSeq;
  h.emulator.sendUserMessage({ userId: USER, text: '/scan' });
  await h.emulator.waitFor((e) => e.method === 'editMessageText' && /Scan done/.test(textOf(e)), 45_000, { afterSeq: after });
  if (cards > 0) {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && (await h.emulator.events({ chatId: USER, afterSeq: after })).filter((e) => e.method === 'sendPhoto').length < cards) await new Promise((r) => setTimeout(r, 100));
  }
  return h.emulator.events({ chatId: USER, afterSeq: after });
}

const pickIdOf = (card: OutboxEvent) => /pick (p[0-9a-z]+)/.exec(textOf(card))![1]!;
const buttonsOf = (card: OutboxEvent) => card.message!.reply_markup!.inline_keyboard.flat() as { text: string; callback_data: string }[];

async function expiresAt(pickId: string): Promise<number> {
  const r = (await h.running.app.ds.query(`SELECT expires_at FROM picks WHERE id = $1`, [pickId])) as { expires_at: Date }[];
  return r[0]!.expires_at.getTime();
}

describe('a second /scan', () => {
  it('posts no second card for shown, executed or rejected picks, keeps the card deadline, and /picks never calls an expired pick pending', async () => {
    const first = (await scan(3)).filter((e) => e.method === 'sendPhoto');
    expect(first).toHaveLength(3);
    for (const card of first) expect(textOf(card)).toContain('Stop is checked once a day, near the close, on daily bars: no stop order is placed at the broker.');
    const [c1, c2, c3] = first as [OutboxEvent, OutboxEvent, OutboxEvent];
    const [p1, p2, p3] = [pickIdOf(c1), pickIdOf(c2), pickIdOf(c3)];
    const deadline3 = await expiresAt(p3);
    expect(textOf(c3)).toContain('approve by 10:30 ET');

    // Approve the first (filled: executed), reject the second, leave the third pending.
    h.emulator.pressButton({ userId: USER, chatId: USER, messageId: c1.message_id!, data: buttonsOf(c1)[0]!.callback_data });
    expect((await approvalSettled(h.running.app.ds, p1, 30_000)).state).toBe('filled');
    const rejected = h.emulator.lastSeq;
    h.emulator.pressButton({ userId: USER, chatId: USER, messageId: c2.message_id!, data: buttonsOf(c2)[1]!.callback_data });
    await h.emulator.waitFor((e) => e.method === 'answerCallbackQuery' && /Rejected/.test(textOf(e)), 10_000, { afterSeq: rejected });

    // Five minutes later, the same scan again.
    setMarketTime('2026-12-14T15:05:00Z');
    const again = await scan(0);
    const held = await waitMessage(h.emulator, USER, again.at(0)!.seq - 1, /Already shown or decided/, 20_000);
    const after = await h.emulator.events({ chatId: USER, afterSeq: again.at(0)!.seq - 1 });
    expect(after.filter((e) => e.method === 'sendPhoto' && /pick p/.test(textOf(e)))).toHaveLength(0);
    expect(held.message?.reply_markup?.inline_keyboard.flat() ?? []).toHaveLength(0);
    const text = textOf(held);
    expect(text).toMatch(new RegExp(`executed · ${p1}`));
    expect(text).toMatch(new RegExp(`rejected · ${p2}`));
    expect(text).toMatch(new RegExp(`card already shown · approve by 10:30 ET · ${p3}`));
    expect(await expiresAt(p3)).toBe(deadline3);

    // After the deadline: /picks says expired, never pending.
    setMarketTime('2026-12-14T15:31:00Z');
    const picksAfter = h.emulator.lastSeq;
    h.emulator.sendUserMessage({ userId: USER, text: '/picks' });
    const picks = textOf(await waitMessage(h.emulator, USER, picksAfter, /Picks for/, 15_000));
    const line3 = picks.split('\n').find((l) => l.includes(p3));
    expect(line3).toMatch(/· expired ·/);
    // Any pick still listed pending is one whose deadline has not passed (never shown on a card: a later scan may renew it).
    for (const line of picks.split('\n').filter((l) => /· pending ·/.test(l))) {
      const id = /(p[0-9a-z]+)$/.exec(line)![1]!;
      expect(await expiresAt(id)).toBeGreaterThan(Date.now());
    }
  }, 120_000);
});
