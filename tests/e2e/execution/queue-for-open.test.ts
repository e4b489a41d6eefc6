/**
 * Orders outside the session (issue 13, item 2), through the real bot, workers and paper broker
 * against the Bot API emulator, with the app's clock set (tests/helpers/market-time.ts):
 *
 * - Saturday: a card's Approve sends nothing to the broker; the card offers "Queue for the open";
 *   queued, the order is a Postgres row only (no broker order) until the open;
 * - /cancel <id> removes one; /help lists /cancel; /cancel alone lists the queue;
 * - Monday 09:31: the open queue sends it (fresh quote, every check, the one order lifecycle): one
 *   fill, and running the open queue again sends nothing more;
 * - a queued order not sent by open + 30 min expires and its chat is told;
 * - /kill cancels every queued order; /kill flatten outside the session offers the same choice,
 *   and the queued flatten sells at the next open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../../src/dev/telegram/outbox.js';
import { count, insertPick, postCard, seedBars, textOf, until, waitMessage } from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { jobResult, realTime, setMarketTime } from '../../helpers/market-time.js';

const USER = 1; // the local user, an admin
const SATURDAY = '2026-12-12T17:00:00Z'; // Sat 12:00 ET
const MONDAY_0931 = '2026-12-14T14:31:05Z'; // Mon 09:31:05 ET, open + 1 min
const MONDAY_AFTER_CLOSE = '2026-12-14T21:30:00Z'; // Mon 16:30 ET
const TUESDAY_1000 = '2026-12-15T15:00:05Z'; // Tue 10:00:05 ET, open + 30 min
const TUESDAY_AFTER_CLOSE = '2026-12-15T22:00:00Z'; // Tue 17:00 ET
const WEDNESDAY_0931 = '2026-12-16T14:31:05Z';

let h: Harness;

beforeAll(async () => {
  setMarketTime(SATURDAY);
  h = await startHarness({ mode: 'local', env: { MARKET_HOURS: 'exchange' } });
  await seedBars(h.running.app, { QOA: 50, QOB: 40, QOC: 30 }, { endDate: '2026-12-11' });
  // Telegram delivers to a private chat only after its user wrote to the bot.
  await say('/start', /./);
}, 60_000);

afterAll(async () => {
  await h?.stop();
  realTime();
});

const buttons = (e: OutboxEvent | undefined) => (e?.message?.reply_markup?.inline_keyboard.flat() ?? []) as { text: string; callback_data: string }[];

/** Presses a button and returns the callback answer. */
async function press(messageId: number, data: string): Promise<OutboxEvent> {
  const after = h.emulator.lastSeq;
  const { callback_query_id } = h.emulator.pressButton({ userId: USER, chatId: USER, messageId, data, firstName: 'Ada' });
  return h.emulator.waitFor((e) => e.method === 'answerCallbackQuery' && e.callback_query_id === callback_query_id, 10_000, { afterSeq: after });
}

/** Sends a command and returns the reply matching `re`. */
async function say(text: string, re: RegExp): Promise<OutboxEvent> {
  const after = h.emulator.lastSeq;
  h.emulator.sendUserMessage({ userId: USER, text, firstName: 'Ada' });
  return waitMessage(h.emulator, USER, after, re, 10_000);
}

/** The card as the chat shows it now (caption and buttons after edits). */
function cardNow(messageId: number) {
  const m = h.emulator.chatState(USER)!.messages.get(messageId)!;
  return { caption: m.caption ?? '', buttons: (m.reply_markup?.inline_keyboard.flat() ?? []) as { text: string; callback_data: string }[] };
}

/** Posts a pick card and presses Approve on it while the market is closed; returns the card and the answer. */
async function approveWhileClosed(symbol: string, entry: number) {
  const app = h.running.app;
  const bars = (await seedBars(app, { [symbol]: entry }, { endDate: '2026-12-11' })).get(symbol)!;
  const pickId = await insertPick(app.ds, { symbol, entry, qty: 10, expiresAt: new Date(Date.now() + 30 * 60_000) });
  const card = await postCard(app, h.emulator, USER, pickId, bars);
  const answer = await press(card.messageId, card.approve);
  return { pickId, card, answer };
}

async function queuedRow(pickId: string) {
  const rows = (await h.running.app.ds.query(`SELECT id, state, kind, to_char(session_date, 'YYYY-MM-DD') AS day FROM queued_orders WHERE pick_id = $1`, [pickId])) as { id: string; state: string; kind: string; day: string }[];
  return rows[0];
}

describe('outside the session: queue for the open', () => {
  it('Approve on Saturday orders nothing and offers the queue; queued, the order waits in Postgres; the open sends it once', async () => {
    const ds = h.running.app.ds;
    const a = await approveWhileClosed('QOA', 50);
    expect(a.answer.show_alert).toBe(true);
    expect(a.answer.text).toMatch(/Market closed: an order now cannot fill, so nothing was ordered for QOA/);
    expect(a.answer.text).toMatch(/Mon Dec 14 09:31 ET/);
    await until('the card to offer the queue', () => (cardNow(a.card.messageId).buttons.some((b) => b.text === '⏰ Queue for the open') ? true : undefined), 10_000);
    expect(await count(ds, `SELECT count(*)::int AS n FROM approvals`)).toBe(0);
    expect(await count(ds, `SELECT count(*)::int AS n FROM paper_orders`)).toBe(0);

    // The queue button is its own approval.
    const queue = cardNow(a.card.messageId).buttons.find((b) => b.text === '⏰ Queue for the open')!;
    const queued = await press(a.card.messageId, queue.callback_data);
    const id = /\((q[0-9a-z]{8})\)/.exec(queued.text ?? '')?.[1];
    expect(queued.text).toMatch(/^Queued buy 10 QOA for Mon Dec 14 09:31 ET/);
    expect(id).toBeDefined();
    const row = await queuedRow(a.pickId);
    expect(row).toMatchObject({ id, state: 'QUEUED', kind: 'entry', day: '2026-12-14' });
    expect(await count(ds, `SELECT count(*)::int AS n FROM approvals WHERE pick_id = $1 AND state = 'queued'`, [a.pickId])).toBe(1);
    await until('the card to show the queue', () => (/Queued for the open by Ada .*expires Mon Dec 14 10:00 ET/s.test(cardNow(a.card.messageId).caption) ? true : undefined), 10_000);
    expect(cardNow(a.card.messageId).buttons.map((b) => b.text)).toEqual([`✖ Cancel ${id}`]);

    // While closed the open queue sends nothing (nothing is at the broker before the open).
    await h.running.app.jobs.add('execution.open_queue', {}, { jobId: 'e2e-open-queue-saturday' });
    expect(await jobResult(h.running.app, 'executions', 'e2e-open-queue-saturday')).toEqual({ expired: [], sent: [] });
    expect(await count(ds, `SELECT count(*)::int AS n FROM paper_orders`)).toBe(0);

    // /help lists /cancel; /cancel alone lists the queue.
    expect(textOf(await say('/help', /Commands/))).toMatch(/\/cancel \[id\] — Cancel an order queued for the open/);
    expect(textOf(await say('/cancel', /Queued for the open/))).toMatch(new RegExp(`QUEUED ${id} · buy 10 QOA · goes Mon Dec 14 09:31 ET · expires 10:00 ET`));

    // A second card, queued then cancelled with /cancel <id>.
    const b = await approveWhileClosed('QOB', 40);
    const qb = await press(b.card.messageId, cardNow(b.card.messageId).buttons.find((x) => x.text === '⏰ Queue for the open')!.callback_data);
    const idB = /\((q[0-9a-z]{8})\)/.exec(qb.text ?? '')![1]!;
    expect(textOf(await say(`/cancel ${idB}`, /Cancelled|cancel/))).toMatch(new RegExp(`✖ Cancelled ${idB}: buy 10 QOB will not be sent at the open`));
    expect((await queuedRow(b.pickId))?.state).toBe('CANCELLED');
    expect(textOf(await say(`/cancel ${idB}`, /already/))).toMatch(/already cancelled; nothing changed/);

    // Monday 09:31: the open queue sends QOA once, through the approval's order path.
    setMarketTime(MONDAY_0931);
    const after = h.emulator.lastSeq;
    await h.running.app.jobs.add('execution.open_queue', { sessionDate: '2026-12-14' }, { jobId: 'sched-us-open-queue-0931-2026-12-14' });
    expect(await jobResult(h.running.app, 'executions', 'sched-us-open-queue-0931-2026-12-14')).toEqual({ expired: [], sent: [id] });
    await waitMessage(h.emulator, USER, after, /Bought QOA/, 20_000);
    expect(await count(ds, `SELECT count(*)::int AS n FROM approvals WHERE pick_id = $1 AND state = 'filled'`, [a.pickId])).toBe(1);
    // Run again (a second replica, a restart): nothing new reaches the broker.
    await h.running.app.jobs.add('execution.open_queue', { sessionDate: '2026-12-14' }, { jobId: 'e2e-open-queue-again' });
    await jobResult(h.running.app, 'executions', 'e2e-open-queue-again');
    expect(await count(ds, `SELECT count(*)::int AS n FROM paper_orders WHERE symbol = 'QOA'`)).toBe(1);
    expect(await count(ds, `SELECT count(*)::int AS n FROM paper_orders WHERE symbol = 'QOB'`)).toBe(0);
    expect((await queuedRow(a.pickId))?.state).toBe('SENT');
  }, 90_000);

  it('a queued order not sent by open + 30 min expires, and the chat is told', async () => {
    setMarketTime(MONDAY_AFTER_CLOSE);
    const c = await approveWhileClosed('QOC', 30);
    expect(c.answer.text).toMatch(/Tue Dec 15 09:31 ET/);
    const qc = await press(c.card.messageId, cardNow(c.card.messageId).buttons.find((x) => x.text === '⏰ Queue for the open')!.callback_data);
    const id = /\((q[0-9a-z]{8})\)/.exec(qc.text ?? '')![1]!;
    // No run at 09:31 (the worker was down, say); the 10:00 run finds it past its window.
    setMarketTime(TUESDAY_1000);
    const after = h.emulator.lastSeq;
    await h.running.app.jobs.add('execution.open_queue', { sessionDate: '2026-12-15' }, { jobId: 'sched-us-open-queue-1000-2026-12-15' });
    expect(await jobResult(h.running.app, 'executions', 'sched-us-open-queue-1000-2026-12-15')).toEqual({ expired: [id], sent: [] });
    const told = await waitMessage(h.emulator, USER, after, /Queued order expired/, 10_000);
    expect(textOf(told)).toMatch(new RegExp(`buy 10 QOC \\(${id}\\) was not sent by Tue Dec 15 10:00 ET\\. Nothing was ordered\\.`));
    expect(await count(h.running.app.ds, `SELECT count(*)::int AS n FROM paper_orders WHERE symbol = 'QOC'`)).toBe(0);
    // The card no longer offers a Cancel for an order that is gone, and says what became of it.
    await until('the QOC card to lose its buttons', async () => (cardNow(c.card.messageId).buttons.length === 0 ? true : undefined), 10_000);
    expect(cardNow(c.card.messageId).caption).toContain(`Queued order ${id} expired at Tue Dec 15 10:00 ET: nothing was ordered`);
  }, 60_000);

  it('/kill cancels queued orders; /kill flatten after the close offers the queue, and the flatten sells at the next open', async () => {
    const ds = h.running.app.ds;
    setMarketTime(TUESDAY_AFTER_CLOSE);
    const d = await approveWhileClosed('QOD', 20);
    const qd = await press(d.card.messageId, cardNow(d.card.messageId).buttons.find((x) => x.text === '⏰ Queue for the open')!.callback_data);
    const idD = /\((q[0-9a-z]{8})\)/.exec(qd.text ?? '')![1]!;

    const offer = await say('/kill flatten', /Market closed/);
    expect(textOf(offer)).toMatch(/a flatten now cannot fill/);
    expect(buttons(offer).map((b) => b.text)).toEqual(['⏰ Queue flatten for the open', '✖ Cancel']);
    expect((await queuedRow(d.pickId))?.state).toBe('CANCELLED');
    const killReply = (await h.emulator.events({ chatId: USER })).filter((e) => /KILL SWITCH ON/.test(textOf(e))).at(-1);
    expect(textOf(killReply)).toMatch(new RegExp(`Queued for the open, now cancelled: ${idD} \\(buy 10 QOD\\)`));
    expect(cardNow(d.card.messageId).buttons).toEqual([]);
    expect(cardNow(d.card.messageId).caption).toContain(`Queued order ${idD} cancelled by /kill: nothing was ordered`);

    const queued = await press(offer.message!.message_id, buttons(offer)[0]!.callback_data);
    expect(queued.text).toMatch(/^Queued flatten \(sell every open position\) for Wed Dec 16 09:31 ET/);
    expect(await count(ds, `SELECT count(*)::int AS n FROM queued_orders WHERE kind = 'flatten' AND state = 'QUEUED'`)).toBe(1);
    expect(await count(ds, `SELECT count(*)::int AS n FROM positions WHERE symbol = 'QOA' AND qty > 0`)).toBe(1);

    setMarketTime(WEDNESDAY_0931);
    const after = h.emulator.lastSeq;
    await h.running.app.jobs.add('execution.open_queue', { sessionDate: '2026-12-16' }, { jobId: 'sched-us-open-queue-0931-2026-12-16' });
    await jobResult(h.running.app, 'executions', 'sched-us-open-queue-0931-2026-12-16');
    await waitMessage(h.emulator, USER, after, /QOA/, 20_000);
    await until('QOA to be sold', async () => ((await count(ds, `SELECT count(*)::int AS n FROM positions WHERE symbol = 'QOA' AND qty > 0`)) === 0 ? true : undefined), 20_000);
    expect(await count(ds, `SELECT count(*)::int AS n FROM paper_orders WHERE symbol = 'QOA' AND side = 'sell'`)).toBe(1);
  }, 60_000);
});
