/**
 * Approve taps through the real bot (token mode: Bot API emulator, real Postgres and Redis,
 * bot + worker roles in this process, paper broker quoting from stored bars):
 * 50 concurrent taps, replayed and forged callbacks, and approvals of expired picks.
 */
import type { Update } from 'telegraf/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bar } from '../../../src/engine/bars.js';
import { REDIS_URL } from '../../helpers/env.js';
import { textOf } from '../../helpers/harness.js';
import {
  answersTo,
  approvalOf,
  approvalSettled,
  buttonData,
  command,
  count,
  insertPick,
  macSigned,
  messagesMatching,
  pickState,
  postCard,
  seedBars,
  sleep,
  until,
  waitMessage,
} from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { waitForQuiescence } from '../../helpers/quiescence.js';
import { probeQueues, type QueueProbe } from '../resilience/support.js';
import { CALLBACK_ACTIONS } from '../../../src/bot/callback-data.js';

/** A group chat where the whole desk sees the cards. */
const GROUP = -100_500;
const TRADERS = [1, 2, 3, 4, 5];

let h: Harness;
let q: QueueProbe;
let bars: Map<string, Bar[]>;

beforeAll(async () => {
  h = await startHarness({
    mode: 'token',
    roles: ['bot', 'worker'],
    env: {
      TELEGRAM_ALLOWED_USER_IDS: '1:admin,2:trader,3:trader,4:trader,5:trader,9:viewer',
      EXEC_PER_ORDER_BUDGET: '5000',
      EXEC_DAILY_BUDGET: '100000',
    },
  });
  q = probeQueues(REDIS_URL, h.prefix);
  h.emulator.registerChat({ id: GROUP, type: 'group', title: 'Trading desk' });
  bars = await seedBars(h.running.app, { TAPS: 50, REPL: 40, FORG: 30, EXPA: 20, EXPB: 25, EXPC: 35 });
}, 60_000);

afterAll(async () => {
  await q?.close();
  await h?.stop();
});

const ds = () => h.running.app.ds;
const key = () => h.running.app.config.telegram.callbackKey;
const brokerOrders = () => count(ds(), `SELECT count(*)::int AS n FROM paper_orders`);

describe('approve taps through the bot', () => {
  it('50 concurrent taps on one Approve by five users: one approval, one broker order, one position, everyone answered', async () => {
    const em = h.emulator;
    const pickId = await insertPick(ds(), { symbol: 'TAPS', entry: 50, stop: 47.5, qty: 20 });
    const card = await postCard(h.running.app, em, GROUP, pickId, bars.get('TAPS')!);
    const after = em.lastSeq;
    const ordersBefore = await brokerOrders();

    const presses = Array.from({ length: 50 }, (_, i) => {
      const userId = TRADERS[i % TRADERS.length]!;
      return em.pressButton({ userId, chatId: GROUP, messageId: card.messageId, data: card.approve, firstName: `User${userId}` });
    });

    const answers = await until('an answer to each of the 50 taps', async () => {
      const a = await answersTo(em, GROUP, after);
      return a.length >= 50 ? a : undefined;
    }, 30_000);
    // Each tap (callback query) is answered exactly once.
    const byQuery = new Map<string, number>();
    for (const a of answers) byQuery.set(a.callback_query_id!, (byQuery.get(a.callback_query_id!) ?? 0) + 1);
    expect([...byQuery.keys()].sort()).toEqual(presses.map((p) => p.callback_query_id).sort());
    expect([...byQuery.values()].every((n) => n === 1)).toBe(true);

    const won = answers.filter((a) => /^Approved TAPS: placing the order now/.test(a.text ?? ''));
    expect(won, answers.map((a) => a.text).join('\n')).toHaveLength(1);
    const lost = answers.filter((a) => a !== won[0]);
    for (const a of lost) expect(a.text).toMatch(/^Already (approved|executing|executed) by (you|user [1-5]) at \d\d:\d\d ET/);

    const approval = await approvalSettled(ds(), pickId, 30_000);
    expect(approval.state).toBe('filled');
    expect(await count(ds(), `SELECT count(*)::int AS n FROM approvals WHERE pick_id = $1`, [pickId])).toBe(1);
    expect(await brokerOrders()).toBe(ordersBefore + 1);
    expect(await count(ds(), `SELECT count(*)::int AS n FROM paper_orders WHERE client_order_id = $1`, [`cs-${approval.id}`])).toBe(1);
    expect(await count(ds(), `SELECT count(*)::int AS n FROM orders WHERE approval_id = $1 AND booked_at IS NOT NULL`, [approval.id])).toBe(1);
    const [pos] = (await ds().query(`SELECT qty FROM positions WHERE symbol = 'TAPS'`)) as { qty: number }[];
    const [paperPos] = (await ds().query(`SELECT qty FROM paper_positions WHERE symbol = 'TAPS'`)) as { qty: number }[];
    expect(pos?.qty).toBe(20);
    expect(paperPos?.qty).toBe(20);

    // One execution job; one confirmation, then its chart, in the group; the card shows the outcome.
    await waitMessage(em, GROUP, after, /Bought TAPS/, 20_000);
    await until('the execution job to complete', async () => ((await q.state('executions', `exec-${approval.id}`)) === 'completed' ? true : undefined), 10_000);
    expect((await q.queues.executions.getJobs(['completed', 'active', 'waiting', 'delayed', 'failed'])).filter((j) => j.name === 'execution.run')).toHaveLength(1);
    // The chart follows the confirmation as its own, delayed photo (rendered after a pause): wait
    // for it, then for the notify and execution queues to drain and the outbox to go idle before
    // counting — a second confirmation or chart would have been sent by then.
    await em.waitFor((e) => e.method === 'sendPhoto' && /TAPS · bought 20 @/.test(textOf(e)), 20_000, { afterSeq: after });
    await waitForQuiescence({ queues: [q.queues.notify, q.queues.executions], outbox: em });
    const confirmations = await messagesMatching(em, GROUP, after, /Bought TAPS/);
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]!.method).toBe('sendMessage');
    const charts = (await em.events({ chatId: GROUP, afterSeq: after })).filter((e) => e.method === 'sendPhoto' && /TAPS · bought 20 @/.test(textOf(e)));
    expect(charts).toHaveLength(1);
    const cardNow = em.chatState(GROUP)!.messages.get(card.messageId)!;
    expect(cardNow.caption).toMatch(/✅ Filled 20 @/);
    expect(cardNow.reply_markup?.inline_keyboard.flat() ?? []).toHaveLength(0);
  }, 60_000);

  it('a replayed update and a later re-tap of the same button change nothing; forged buttons are refused as not valid', async () => {
    const em = h.emulator;
    const bot = h.running.bot!.bot;
    const pickId = await insertPick(ds(), { symbol: 'REPL', entry: 40, qty: 10 });
    const card = await postCard(h.running.app, em, GROUP, pickId, bars.get('REPL')!);
    const after = em.lastSeq;

    const first = em.pressButton({ userId: 2, chatId: GROUP, messageId: card.messageId, data: card.approve, firstName: 'User2' });
    const approval = await approvalSettled(ds(), pickId, 30_000);
    expect(approval.state).toBe('filled');
    await waitMessage(em, GROUP, after, /Bought REPL/, 20_000);
    // The chart follows the confirmation as its own photo; let it land before pressing more buttons.
    await em.waitFor((e) => e.method === 'sendPhoto' && /REPL · bought/.test(textOf(e)), 20_000, { afterSeq: after });
    await sleep(300);
    const ordersAfterFirst = await brokerOrders();

    // 1. Telegram delivers the very same update again (e.g. after a restart before the offset was confirmed).
    const message = em.chatState(GROUP)!.messages.get(card.messageId)!;
    const replay = {
      update_id: first.update_id,
      callback_query: { id: first.callback_query_id, from: { id: 2, is_bot: false, first_name: 'User2' }, message, chat_instance: '-77', data: card.approve },
    } as unknown as Update;
    await bot.handleUpdate(replay);
    expect(h.logs.some((l) => l.includes('duplicate update ignored') && l.includes(`"updateId":${first.update_id}`))).toBe(true);

    // 2. The same button pressed again later (a new callback query, e.g. from another device; the
    //    emulator no longer shows the button, so it is sent as a client could send it).
    const again = await h.press(3, card.messageId, card.approve, { chatId: GROUP, forged: true });
    expect(again[0]?.method).toBe('answerCallbackQuery');
    expect(again[0]?.text).toMatch(/^Already executed by user 2 at \d\d:\d\d ET\. Nothing changed\./);

    // 3. Forged data, pressed on another pick's card (still PENDING).
    const target = await insertPick(ds(), { symbol: 'FORG', entry: 30, qty: 10 });
    const targetCard = await postCard(h.running.app, em, GROUP, target, bars.get('FORG')!);
    const [, , exp, mac] = targetCard.approve.split('.') as [string, string, string, string];
    const flipped = mac.slice(0, -1) + (mac.endsWith('A') ? 'B' : 'A');
    const [, replArg, replExp, replMac] = card.approve.split('.') as [string, string, string, string];
    expect(replArg).toBe(pickId);
    const forgeries: Record<string, string> = {
      'bad HMAC': `ap.${target}.${exp}.${flipped}`,
      'HMAC of another key': buttonData(Buffer.alloc(32, 7), CALLBACK_ACTIONS.approvePick, target, Date.now() + 600_000),
      'unknown action with a valid HMAC': macSigned(key(), `zz.${target}.${exp}`),
      'tampered pick id (another card’s MAC)': `ap.${target}.${replExp}.${replMac}`,
      'reject turned into approve': `ap.${target}.${exp}.${targetCard.reject.split('.')[3]!}`,
      'not even the format': `ap.${target}`,
    };
    for (const [what, data] of Object.entries(forgeries)) {
      const [answer] = await h.press(4, targetCard.messageId, data, { chatId: GROUP, forged: true });
      expect(answer?.method, what).toBe('answerCallbackQuery');
      expect(answer?.text, what).toBe('This button is not valid. Send the command again.');
      expect(answer?.show_alert, what).toBe(true);
    }
    await sleep(300);
    expect(await pickState(ds(), target)).toBe('PENDING');
    expect(await approvalOf(ds(), target)).toBeUndefined();
    expect(await count(ds(), `SELECT count(*)::int AS n FROM approvals WHERE pick_id = $1`, [pickId])).toBe(1);
    expect(await brokerOrders()).toBe(ordersAfterFirst);
    expect(await count(ds(), `SELECT count(*)::int AS n FROM audit_log WHERE payload->>'action' = 'callback.rejected' AND (payload->>'actor')::bigint = 4`)).toBe(
      Object.keys(forgeries).length,
    );
    // Exactly one confirmation for the one order, and the replay was not answered a second time.
    expect(await messagesMatching(em, GROUP, after, /Bought REPL/)).toHaveLength(1);
    expect((await answersTo(em, GROUP, after)).filter((a) => a.callback_query_id === first.callback_query_id)).toHaveLength(1);
    const runs = (await q.queues.executions.getJobs(['completed', 'active', 'waiting', 'delayed', 'failed'])).filter((j) => j.name === 'execution.run');
    expect(runs).toHaveLength(2);
  }, 60_000);

  it('approving an expired pick is refused ("expired") and orders nothing: by command, by an expired button, and by a button that outlived its pick', async () => {
    const em = h.emulator;
    const ordersBefore = await brokerOrders();

    // a) /approve of a pick that expired a minute ago.
    const stale = await insertPick(ds(), { symbol: 'EXPA', entry: 20, expiresAt: new Date(Date.now() - 60_000) });
    await command(h, 2, `/approve ${stale}`, /^This pick expired at \d\d:\d\d ET; nothing was ordered\. Run \/scan for fresh picks\./);
    expect(await pickState(ds(), stale)).toBe('EXPIRED');

    // b) A card whose pick (and so its buttons) expire while it is on screen.
    const soon = await insertPick(ds(), { symbol: 'EXPB', entry: 25, expiresAt: new Date(Date.now() + 1_500) });
    const cardB = await postCard(h.running.app, em, GROUP, soon, bars.get('EXPB')!);
    const expSeconds = parseInt(cardB.approve.split('.')[2]!, 36);
    await until('the button to expire', () => (Date.now() > expSeconds * 1000 + 50 ? true : undefined), 10_000, 50);
    const [answerB] = await h.press(3, cardB.messageId, cardB.approve, { chatId: GROUP });
    expect(answerB?.text).toBe('This button has expired. Send the command again.');
    expect(answerB?.show_alert).toBe(true);

    // c) A button still valid after its pick expired (the pick decides).
    const shortExpiry = new Date(Date.now() + 1_000);
    const shortPick = await insertPick(ds(), { symbol: 'EXPC', entry: 35, expiresAt: shortExpiry });
    const cardC = await postCard(h.running.app, em, GROUP, shortPick, bars.get('EXPC')!, { buttonExpiresAt: new Date(Date.now() + 600_000) });
    await sleep(Math.max(0, shortExpiry.getTime() - Date.now() + 100));
    const [answerC] = await h.press(3, cardC.messageId, cardC.approve, { chatId: GROUP, count: 2 }).then((evs) => evs.filter((e) => e.method === 'answerCallbackQuery'));
    expect(answerC?.text).toMatch(/^This pick expired at \d\d:\d\d ET; nothing was ordered\. Run \/scan for fresh picks\./);
    expect(answerC?.show_alert).toBe(true);
    await until('the card to show the expiry', () => (/⌛ Expired at \d\d:\d\d ET: nothing was ordered/.test(em.chatState(GROUP)!.messages.get(cardC.messageId)!.caption ?? '') ? true : undefined), 5_000);
    expect(em.chatState(GROUP)!.messages.get(cardC.messageId)!.reply_markup?.inline_keyboard.flat() ?? []).toHaveLength(0);
    expect(await pickState(ds(), shortPick)).toBe('EXPIRED');

    await sleep(500);
    for (const id of [stale, soon, shortPick]) expect(await approvalOf(ds(), id), id).toBeUndefined();
    expect(await brokerOrders()).toBe(ordersBefore);
    expect(await count(ds(), `SELECT count(*)::int AS n FROM orders o JOIN approvals a ON a.id = o.approval_id WHERE a.pick_id = ANY($1)`, [[stale, soon, shortPick]])).toBe(0);
  }, 60_000);
});
