/**
 * "Queue for the open" as a card's own choice (issue 13, item 2), through the real bot, scan
 * workers, open queue and Bot API emulator, the app's clock set (tests/helpers/market-time.ts):
 *
 * - a card /scan posts while the market is closed has a third button, ⏰ Queue for the open, and
 *   says when the order would go (open + 1 min) and expire (open + 30 min); the terminal chat's
 *   numbered line names the card ("[8] ⏰ Queue for the open XLK");
 * - pressing it queues the order (a Postgres row; nothing at the broker);
 * - Approve on such a card keeps its behaviour: nothing ordered, the card offers the queue;
 * - a card posted in session has Approve / Reject only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticSeries } from '../../src/adapters/market-data/synthetic/generate-bars.js';
import { weekdaySessions } from '../../src/adapters/market-data/synthetic/sessions.js';
import { buttonLine } from '../../src/cli/chat/card-name.js';
import type { EmulatorMessage } from '../../src/dev/telegram/client.js';
import type { OutboxEvent } from '../../src/dev/telegram/outbox.js';
import { count, insertPick, textOf, until } from '../helpers/execution.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { realTime, setMarketTime } from '../helpers/market-time.js';

const AS_OF = '2026-11-20'; // Fri: the scan on Saturday is as of its close
const SATURDAY = '2026-11-21T17:00:00Z'; // Sat 12:00 ET: the market is closed
const MONDAY_1100 = '2026-11-23T16:00:00Z'; // Mon 11:00 ET: in session
const SYMBOLS = Array.from({ length: 120 }, (_, i) => `CQB${String(i).padStart(3, '0')}`);
const USER = 1; // the local user, an admin
const QUEUE = '⏰ Queue for the open';

let h: Harness;

beforeAll(async () => {
  setMarketTime(SATURDAY);
  h = await startHarness({ mode: 'local', env: { SCAN_CHUNK_SIZE: '40', SCAN_TOP_N: '2', PICK_TTL_MINUTES: '30', MARKET_HOURS: 'exchange' } });
  const sessions = weekdaySessions(AS_OF, 600);
  await h.running.app.bars.writeBars(
    SYMBOLS.map((symbol) => ({ symbol, series: generateSyntheticSeries({ symbol, sessions, dollarAdv: 5e7 }) })),
    { source: 'synthetic', demo: true },
  );
  await h.say(USER, '/start');
}, 60_000);

afterAll(async () => {
  await h?.stop();
  realTime();
});

type Button = { text: string; callback_data: string };
const buttonsOf = (e: OutboxEvent) => (e.message?.reply_markup?.inline_keyboard.flat() ?? []) as Button[];
const pickIdOf = (e: OutboxEvent) => /pick (p[0-9a-z]+)/.exec(textOf(e))![1]!;
const symbolOf = (e: OutboxEvent) => /📈 (\S+) ·/.exec(textOf(e))![1]!;

/** The card as the chat shows it now (caption and buttons after edits). */
function cardNow(messageId: number) {
  const m = h.emulator.chatState(USER)!.messages.get(messageId)!;
  return { caption: m.caption ?? '', buttons: (m.reply_markup?.inline_keyboard.flat() ?? []) as Button[] };
}

/** Presses a button and returns the callback answer. */
async function press(messageId: number, data: string): Promise<OutboxEvent> {
  const after = h.emulator.lastSeq;
  const { callback_query_id } = h.emulator.pressButton({ userId: USER, chatId: USER, messageId, data, firstName: 'Ada' });
  return h.emulator.waitFor((e) => e.method === 'answerCallbackQuery' && e.callback_query_id === callback_query_id, 10_000, { afterSeq: after });
}

let cards: OutboxEvent[] = [];

describe('a card posted outside the session', () => {
  it('has ⏰ Queue for the open as a third button and says when the order would go and expire; the numbered line names the card', async () => {
    const start = h.emulator.lastSeq;
    h.emulator.sendUserMessage({ userId: USER, text: '/scan', firstName: 'Ada' });
    cards = await until(
      'two pick cards',
      async () => {
        const photos = (await h.emulator.events({ chatId: USER, afterSeq: start })).filter((e) => e.method === 'sendPhoto' && /pick p/.test(textOf(e)));
        return photos.length >= 2 ? photos : undefined;
      },
      45_000,
      200,
    );
    for (const card of cards) {
      const t = textOf(card);
      expect(buttonsOf(card).map((b) => b.text), t).toEqual(['✅ Approve', '✖ Reject', QUEUE]);
      // Saturday: the next open is Monday 09:30 ET; the order would go at 09:31 and expire at 10:00.
      expect(t).toMatch(/⏰ Queue for the open sends it at Mon Nov 23 09:31 ET .*not sent by Mon Nov 23 10:00 ET, it expires\./);
      // The terminal chat's line for the button names its card, as for Approve.
      const numbered = h.emulator.numberedButtons(USER).filter((b) => b.message_id === card.message_id);
      const lines = numbered.map((b) => buttonLine(b, b.message as unknown as EmulatorMessage));
      const queueLine = lines.find((l) => l.includes(QUEUE));
      expect(queueLine, lines.join(' | ')).toMatch(new RegExp(`^\\[\\d+\\] ${QUEUE} ${symbolOf(card)}$`));
      expect(lines.find((l) => l.includes('Approve'))).toMatch(new RegExp(`^\\[\\d+\\] ✅ Approve ${symbolOf(card)}$`));
    }
    // Numbers are unique: three per card.
    const numbers = h.emulator.numberedButtons(USER).filter((b) => cards.some((c) => c.message_id === b.message_id)).map((b) => b.number);
    expect(new Set(numbers).size).toBe(cards.length * 3);
  }, 60_000);

  it('pressing ⏰ Queue for the open queues the order for the open: a Postgres row, nothing at the broker', async () => {
    const ds = h.running.app.ds;
    const card = cards[0]!;
    const pickId = pickIdOf(card);
    const queued = await press(card.message_id!, buttonsOf(card).find((b) => b.text === QUEUE)!.callback_data);
    expect(queued.text).toMatch(new RegExp(`^Queued buy \\d+ ${symbolOf(card)} for Mon Nov 23 09:31 ET`));
    const rows = (await ds.query(`SELECT state, kind, to_char(session_date, 'YYYY-MM-DD') AS day, send_at FROM queued_orders WHERE pick_id = $1`, [pickId])) as { state: string; kind: string; day: string; send_at: Date }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'QUEUED', kind: 'entry', day: '2026-11-23' });
    expect(new Date(rows[0]!.send_at).toISOString()).toBe('2026-11-23T14:31:00.000Z');
    expect(await count(ds, `SELECT count(*)::int AS n FROM approvals WHERE pick_id = $1 AND state = 'queued'`, [pickId])).toBe(1);
    expect(await count(ds, `SELECT count(*)::int AS n FROM paper_orders`)).toBe(0);
    await until('the card to show the queued order', () => (/Queued for the open by Ada/.test(cardNow(card.message_id!).caption) ? true : undefined), 10_000);
    expect(cardNow(card.message_id!).buttons.map((b) => b.text)).toEqual([expect.stringMatching(/^✖ Cancel q[0-9a-z]{8}$/)]);
  }, 30_000);

  it('Approve on it keeps its behaviour: nothing is ordered and the card offers the queue', async () => {
    const ds = h.running.app.ds;
    const card = cards[1]!;
    const answer = await press(card.message_id!, buttonsOf(card).find((b) => b.text === '✅ Approve')!.callback_data);
    expect(answer.show_alert).toBe(true);
    expect(answer.text).toMatch(new RegExp(`Market closed: an order now cannot fill, so nothing was ordered for ${symbolOf(card)}`));
    await until('the card to offer the queue', () => (/Market closed: not ordered/.test(cardNow(card.message_id!).caption) ? true : undefined), 10_000);
    const now = cardNow(card.message_id!);
    expect(now.caption).toMatch(/Queue it for the open \(goes Mon Nov 23 09:31 ET, expires Mon Nov 23 10:00 ET\), or let it expire\./);
    expect(now.buttons.map((b) => b.text)).toEqual([QUEUE, '✖ Reject']);
    expect(await count(ds, `SELECT count(*)::int AS n FROM approvals WHERE pick_id = $1`, [pickIdOf(card)])).toBe(0);
    expect(await count(ds, `SELECT count(*)::int AS n FROM paper_orders`)).toBe(0);
  }, 30_000);
});

describe('a card posted in session', () => {
  it('has Approve / Reject only, and no queue line', async () => {
    setMarketTime(MONDAY_1100);
    const app = h.running.app;
    const symbol = SYMBOLS[5]!;
    const pickId = await insertPick(app.ds, { symbol, entry: 50, qty: 10, expiresAt: new Date(Date.now() + 30 * 60_000) });
    const pick = (await app.picks.get(pickId))!;
    const series = (await app.scanData.load([symbol])).get(symbol)!;
    const after = h.emulator.lastSeq;
    // The scan's own notice, through the app's publisher (the renderer, the outbox, the notify worker).
    await app.publisher.publish(USER, { kind: 'scan.cards', cards: [{ pick, series }] }, { key: `e2e-in-session-${pickId}` });
    const card = await h.emulator.waitFor((e) => e.method === 'sendPhoto' && textOf(e).includes(`pick ${pickId}`), 20_000, { afterSeq: after });
    expect(buttonsOf(card).map((b) => b.text)).toEqual(['✅ Approve', '✖ Reject']);
    expect(textOf(card)).not.toMatch(/Queue/);
  }, 30_000);
});
