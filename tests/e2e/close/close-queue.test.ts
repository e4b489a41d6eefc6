/**
 * `/close` outside the session offers "Queue for the open" (issue 13, item 2's last sentence), through
 * the real bot, workers and paper broker against the Bot API emulator, the app's clock set
 * (tests/helpers/market-time.ts):
 *
 * - Saturday: /close SYMBOL [qty] and the /positions Close button say the market is closed (next
 *   open, sent at open + 1 min, expiring at open + 30 min) and offer "⏰ Queue sell for the open" and
 *   "✖ Cancel"; a double tap queues once, as a Postgres row only (nothing at the broker);
 * - stale presses are refused with what to do next: the position changed, the offer was cancelled
 *   or expired, the market opened meanwhile, the kill switch moved;
 * - /cancel <id> and the queued message's Cancel button remove a queued sale; /kill cancels it;
 * - the open queue at open + 1 min sells a queued close once (running it again sells nothing more);
 * - under the kill switch traders are refused; an admin queues the sale under the kill, bound to
 *   its epoch, and it sells at the open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../../src/dev/telegram/outbox.js';
import { buttonsOfEvent, pressAnswer, replyTo, count, holdPosition, seedBars, sleep, textOf, until, waitMessage } from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { jobResult, realTime, setMarketTime } from '../../helpers/market-time.js';

const ADMIN = 1;
const TRADER = 2;
const SATURDAY = '2026-12-12T17:00:00Z'; // Sat 12:00 ET
const SATURDAY_LATER = '2026-12-12T17:06:30Z'; // 6.5 minutes on: a 5-minute offer has expired
const MONDAY_0927 = '2026-12-14T14:27:00Z'; // Mon 09:27 ET, before the open
const MONDAY_0931 = '2026-12-14T14:31:05Z'; // Mon 09:31:05 ET, open + 1 min
const MONDAY_AFTER_CLOSE = '2026-12-14T21:30:00Z'; // Mon 16:30 ET
const TUESDAY_0931 = '2026-12-15T14:31:05Z';

const QUEUE = '⏰ Queue sell for the open';
const QUEUE_UNDER_KILL = '⏰ Queue sell under kill for the open';

let h: Harness;

beforeAll(async () => {
  setMarketTime(SATURDAY);
  h = await startHarness({ mode: 'token', env: { TELEGRAM_ALLOWED_USER_IDS: `${ADMIN}:admin,${TRADER}:trader`, MARKET_HOURS: 'exchange' } });
  await seedBars(h.running.app, { QCA: 25, QCB: 30, QCC: 12, QCD: 15 }, { endDate: '2026-12-11' });
  await hold('QCA', 40, 20.5);
  await hold('QCB', 10, 28.25);
  await hold('QCC', 30, 11.125);
  await hold('QCD', 20, 14);
  // Telegram delivers to a private chat only after its user wrote to the bot.
  for (const u of [ADMIN, TRADER]) await h.say(u, '/start');
}, 60_000);

afterAll(async () => {
  await h?.stop();
  realTime();
});

/** A position as an executed entry leaves it: held at the paper broker and in our books. */
const hold = (symbol: string, qty: number, cost: number) => holdPosition(h.running.app.ds, symbol, qty, cost);

type Button = { text: string; callback_data: string };
const buttons = buttonsOfEvent;
const button = (e: OutboxEvent, text: string) => {
  const b = buttons(e).find((x) => x.text === text);
  if (!b) throw new Error(`no "${text}" button on: ${textOf(e)} [${buttons(e).map((x) => x.text).join(' | ')}]`);
  return b.callback_data;
};

const say = (user: number, text: string, re: RegExp) => replyTo(h, user, text, re);
/** Presses a button and returns the callback answer. */
const press = (user: number, messageId: number, data: string) => pressAnswer(h, user, messageId, data);

/** The message as the chat shows it now (text and buttons after edits). */
function messageNow(user: number, messageId: number) {
  const m = h.emulator.chatState(user)!.messages.get(messageId)!;
  return { text: m.text ?? m.caption ?? '', buttons: (m.reply_markup?.inline_keyboard.flat() ?? []) as Button[] };
}

const sells = async (symbol: string) =>
  (await h.running.app.ds.query(`SELECT qty, status FROM paper_orders WHERE symbol = $1 AND side = 'sell' ORDER BY submitted_at`, [symbol])) as { qty: number; status: string }[];
const held = async (symbol: string) => ((await h.running.app.ds.query(`SELECT qty FROM positions WHERE symbol = $1`, [symbol])) as { qty: number }[])[0]?.qty;
const queued = async (symbol: string) =>
  (await h.running.app.ds.query(
    `SELECT id, kind, state, side, qty, kill_epoch::text AS kill_epoch, to_char(session_date, 'YYYY-MM-DD') AS day FROM queued_orders WHERE symbol = $1 ORDER BY created_at`,
    [symbol],
  )) as { id: string; kind: string; state: string; side: string; qty: number; kill_epoch: string | null; day: string }[];
const idIn = (text: string | undefined) => /\((q[0-9a-z]{8})\)/.exec(text ?? '')?.[1];

describe('/close outside the session offers the queue', () => {
  it('Saturday: explains the closed market and offers Queue and Cancel; a double tap queues once, a Postgres row only', async () => {
    const offer = await say(TRADER, '/close QCA 15', /Market closed/);
    const text = textOf(offer);
    expect(text).toMatch(/selling QCA now cannot fill/);
    expect(text).toMatch(/Mon Dec 14 09:30 ET/);
    expect(text).toMatch(/sell 15 QCA at Mon Dec 14 09:31 ET/);
    expect(text).toMatch(/expires at 10:00 ET/);
    expect(buttons(offer).map((b) => b.text)).toEqual([QUEUE, '✖ Cancel']);

    const data = button(offer, QUEUE);
    const [a1, a2] = await Promise.all([press(TRADER, offer.message_id!, data), press(TRADER, offer.message_id!, data)]);
    const answers = [a1.text ?? '', a2.text ?? ''];
    expect(answers.filter((t) => /^Queued sell 15 QCA for Mon Dec 14 09:31 ET/.test(t))).toHaveLength(1);
    expect(answers.filter((t) => /already used/.test(t))).toHaveLength(1);
    const id = idIn(answers.find((t) => t.startsWith('Queued')));
    expect(id).toBeDefined();
    expect(await queued('QCA')).toEqual([{ id, kind: 'close', state: 'QUEUED', side: 'sell', qty: 15, kill_epoch: null, day: '2026-12-14' }]);
    await until('the offer to show the queued sale', () => (messageNow(TRADER, offer.message_id!).text.includes(`/cancel ${id}`) ? true : undefined), 10_000);
    const shown = messageNow(TRADER, offer.message_id!);
    expect(shown.text).toMatch(new RegExp(`Sale queued for the open \\(${id}\\).*sell 15 QCA at Mon Dec 14 09:31 ET.*expires Mon Dec 14 10:00 ET`, 's'));
    expect(shown.buttons.map((b) => b.text)).toEqual([`✖ Cancel ${id}`]);

    // Nothing is at the broker before the open, and the open queue sends nothing while closed.
    await h.running.app.jobs.add('execution.open_queue', {}, { jobId: 'e2e-close-queue-saturday' });
    expect(await jobResult(h.running.app, 'executions', 'e2e-close-queue-saturday')).toEqual({ expired: [], sent: [] });
    expect(await sells('QCA')).toEqual([]);
    expect(await count(h.running.app.ds, `SELECT count(*)::int AS n FROM orders WHERE symbol = 'QCA'`)).toBe(0);
  }, 40_000);

  it('the /positions Close button gets the same offer', async () => {
    const list = await say(TRADER, '/positions', /QCB/);
    const after = h.emulator.lastSeq;
    await press(TRADER, list.message_id!, button(list, 'Close QCB'));
    const offer = await waitMessage(h.emulator, TRADER, after, /Market closed/, 10_000);
    expect(textOf(offer)).toMatch(/sell 10 QCB at Mon Dec 14 09:31 ET/);
    expect(buttons(offer).map((b) => b.text)).toEqual([QUEUE, '✖ Cancel']);
    // Declined: nothing queued, and its Queue button does nothing afterwards.
    const no = await press(TRADER, offer.message_id!, button(offer, '✖ Cancel'));
    expect(no.text).toMatch(/Not queued/);
    const late = await press(TRADER, offer.message_id!, button(offer, QUEUE));
    expect(late.text).toMatch(/cancelled.*Send \/close again/);
    expect(await queued('QCB')).toEqual([]);
  }, 30_000);

  it('stale presses are refused with what to do next: position changed, offer expired', async () => {
    const changed = await say(TRADER, '/close QCB', /Market closed/);
    await h.running.app.ds.query(`UPDATE positions SET qty = 8 WHERE symbol = 'QCB'`);
    await h.running.app.ds.query(`UPDATE paper_positions SET qty = 8 WHERE symbol = 'QCB'`);
    const r = await press(TRADER, changed.message_id!, button(changed, QUEUE));
    expect(r.text).toMatch(/QCB changed since.*8 shares now.*nothing was queued.*Send \/close again/s);
    await until('the stale offer to lose its buttons', () => (messageNow(TRADER, changed.message_id!).buttons.length === 0 ? true : undefined), 10_000);

    const old = await say(TRADER, '/close QCB', /Market closed/);
    setMarketTime(SATURDAY_LATER);
    const expired = await press(TRADER, old.message_id!, button(old, QUEUE));
    expect(expired.text).toMatch(/expired.*Send the command again|expired.*send \/close again/is);
    expect(await queued('QCB')).toEqual([]);
  }, 30_000);

  it('/cancel <id> and the Cancel button remove a queued sale', async () => {
    const one = await say(TRADER, '/close QCB 5', /Market closed/);
    const id1 = idIn((await press(TRADER, one.message_id!, button(one, QUEUE))).text)!;
    expect(id1).toBeDefined();
    expect(textOf(await say(TRADER, '/cancel', /Queued for the open/))).toMatch(new RegExp(`QUEUED ${id1} · sell 5 QCB · goes Mon Dec 14 09:31 ET`));
    expect(textOf(await say(TRADER, `/cancel ${id1}`, /Cancelled/))).toMatch(new RegExp(`✖ Cancelled ${id1}: sell 5 QCB will not be sent at the open`));

    const two = await say(TRADER, '/close QCB', /Market closed/);
    const id2 = idIn((await press(TRADER, two.message_id!, button(two, QUEUE))).text)!;
    await until('the Cancel button', () => (messageNow(TRADER, two.message_id!).buttons.some((b) => b.text === `✖ Cancel ${id2}`) ? true : undefined), 10_000);
    const c = await press(TRADER, two.message_id!, messageNow(TRADER, two.message_id!).buttons[0]!.callback_data);
    expect(c.text).toMatch(new RegExp(`Cancelled ${id2}`));
    expect((await queued('QCB')).map((q) => [q.id, q.state])).toEqual([
      [id1, 'CANCELLED'],
      [id2, 'CANCELLED'],
    ]);
  }, 30_000);

  it('at open + 1 min the queued close sells once; an offer pressed after the open is refused', async () => {
    setMarketTime(MONDAY_0927);
    const early = await say(TRADER, '/close QCB', /Market closed/);
    expect(textOf(early)).toMatch(/sell 8 QCB at Mon Dec 14 09:31 ET/);

    setMarketTime(MONDAY_0931);
    const open = await press(TRADER, early.message_id!, button(early, QUEUE));
    expect(open.text).toMatch(/market is open now.*nothing was queued.*send \/close QCB again to sell at once/is);
    expect((await queued('QCB')).filter((q) => q.state === 'QUEUED')).toEqual([]);

    const [row] = await queued('QCA');
    const after = h.emulator.lastSeq;
    await h.running.app.jobs.add('execution.open_queue', { sessionDate: '2026-12-14' }, { jobId: 'e2e-close-queue-0931' });
    expect(await jobResult(h.running.app, 'executions', 'e2e-close-queue-0931')).toEqual({ expired: [], sent: [row!.id] });
    const done = await waitMessage(h.emulator, TRADER, after, /Closed 15 QCA/, 20_000);
    expect(textOf(done)).toMatch(/25 shares still held/);
    // Run again (a second replica, a restart): nothing more reaches the broker.
    await h.running.app.jobs.add('execution.open_queue', { sessionDate: '2026-12-14' }, { jobId: 'e2e-close-queue-0931-again' });
    await jobResult(h.running.app, 'executions', 'e2e-close-queue-0931-again');
    await sleep(500);
    expect((await sells('QCA')).map((o) => [o.qty, o.status])).toEqual([[15, 'filled']]);
    expect(await held('QCA')).toBe(25);
    expect((await queued('QCA')).map((q) => q.state)).toEqual(['SENT']);
  }, 60_000);

  it('/kill cancels a queued sale and makes an earlier offer stale; traders are refused, an admin queues under the kill and it sells at the open', async () => {
    setMarketTime(MONDAY_AFTER_CLOSE);
    const d = await say(TRADER, '/close QCD', /Market closed/);
    const idD = idIn((await press(TRADER, d.message_id!, button(d, QUEUE))).text)!;
    expect(textOf(d)).toMatch(/Tue Dec 15 09:31 ET/);
    const early = await say(TRADER, '/close QCC', /Market closed/);

    const kill = await say(ADMIN, '/kill desk review', /KILL SWITCH ON/);
    expect(textOf(kill)).toMatch(new RegExp(`Queued for the open, now cancelled: ${idD} \\(sell 20 QCD\\)`));
    expect((await queued('QCD')).map((q) => q.state)).toEqual(['CANCELLED']);

    const stale = await press(TRADER, early.message_id!, button(early, QUEUE));
    expect(stale.text).toMatch(/kill switch changed.*nothing was queued/is);
    expect(textOf(await say(TRADER, '/close QCC', /kill switch/i))).toMatch(/refused.*admin/is);
    expect(await queued('QCC')).toEqual([]);

    const offer = await say(ADMIN, '/close QCC', /Market closed/);
    expect(textOf(offer)).toMatch(/kill switch is ON/i);
    expect(buttons(offer).map((b) => b.text)).toEqual([QUEUE_UNDER_KILL, '✖ Cancel']);
    const q = await press(ADMIN, offer.message_id!, button(offer, QUEUE_UNDER_KILL));
    expect(q.text).toMatch(/^Queued sell 30 QCC for Tue Dec 15 09:31 ET/);
    const [row] = await queued('QCC');
    expect(row).toMatchObject({ state: 'QUEUED', qty: 30 });
    expect(row!.kill_epoch).not.toBeNull();

    setMarketTime(TUESDAY_0931);
    const after = h.emulator.lastSeq;
    await h.running.app.jobs.add('execution.open_queue', { sessionDate: '2026-12-15' }, { jobId: 'e2e-close-queue-tue-0931' });
    expect(await jobResult(h.running.app, 'executions', 'e2e-close-queue-tue-0931')).toEqual({ expired: [], sent: [row!.id] });
    const done = await waitMessage(h.emulator, ADMIN, after, /Closed 30 QCC/, 20_000);
    expect(textOf(done)).toMatch(/sold under the kill switch/);
    expect((await sells('QCC')).map((o) => o.status)).toEqual(['filled']);
    expect(await sells('QCD')).toEqual([]);
  }, 60_000);
});
