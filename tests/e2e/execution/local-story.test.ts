/**
 * The local-mode story, end to end through the real bot: `courtside start` without a token
 * (in-process Bot API emulator, paper broker quoting from stored bars, local demo budgets),
 * /scan over stored bars → ✅ Approve on a card → fill confirmation with a chart → /positions
 → /kill → a second Approve is refused by the kill switch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS_BY_NAME } from '../../../src/bot/commands/index.js';
import type { OutboxEvent } from '../../../src/dev/telegram/outbox.js';
import { generateSyntheticSeries } from '../../../src/adapters/market-data/synthetic/generate-bars.js';
import { weekdaySessions } from '../../../src/adapters/market-data/synthetic/sessions.js';
import { approvalOf, approvalSettled, command, count, pickState, sleep, textOf, until, waitMessage } from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

/** Fixed data: these 40 synthetic symbols give six signals as of this date (two cards shown). */
const AS_OF = '2026-11-20';
const SYMBOLS = Array.from({ length: 40 }, (_, i) => `LOC${String(i).padStart(3, '0')}`);
const USER = 1; // the local user (LOCAL_USER_ID), an admin

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ mode: 'local', env: { SCAN_CHUNK_SIZE: '20', SCAN_TOP_N: '2' } });
  const sessions = weekdaySessions(AS_OF, 260);
  await h.running.app.bars.writeBars(
    SYMBOLS.map((symbol) => ({ symbol, series: generateSyntheticSeries({ symbol, sessions, dollarAdv: 5e7 }) })),
    { source: 'synthetic', demo: true },
  );
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

const pickIdOf = (card: OutboxEvent) => /pick (p[0-9a-z]+)/.exec(textOf(card))?.[1];
const buttonsOf = (card: OutboxEvent) => card.message!.reply_markup!.inline_keyboard.flat() as { text: string; callback_data: string }[];

describe('local mode: scan, approve, fill, kill', () => {
  it('/scan → Approve → filled (photo) → /positions → /kill → the next Approve is refused by the kill switch', async () => {
    const em = h.emulator;
    const ds = h.running.app.ds;
    expect(h.running.app.config.local.enabled).toBe(true);
    expect(h.running.app.config.broker.kind).toBe('paper');

    // /scan posts two pick cards with Approve / Reject buttons.
    const start = em.lastSeq;
    em.sendUserMessage({ userId: USER, text: '/scan' });
    const cards = await until(
      'two pick cards',
      async () => {
        const photos = (await em.events({ chatId: USER, afterSeq: start })).filter((e) => e.method === 'sendPhoto' && /pick p/.test(textOf(e)));
        return photos.length >= 2 ? photos : undefined;
      },
      45_000,
      200,
    );
    const [card1, card2] = cards as [OutboxEvent, OutboxEvent];
    const pick1 = pickIdOf(card1)!;
    const pick2 = pickIdOf(card2)!;
    expect(buttonsOf(card1).map((b) => b.text)).toEqual(['✅ Approve', '✖ Reject']);
    const symbol1 = /📈 (\S+)/.exec(textOf(card1))![1]!;

    // Approve the first card.
    const tapped = em.lastSeq;
    const { callback_query_id: tap1 } = em.pressButton({ userId: USER, messageId: card1.message_id!, data: buttonsOf(card1)[0]!.callback_data });
    // The tap is answered and the card shows the decision (buttons gone).
    const answer1 = await em.waitFor((e) => e.method === 'answerCallbackQuery' && e.callback_query_id === tap1, 10_000, { afterSeq: tapped });
    expect(answer1.text).toMatch(new RegExp(`^Approved ${symbol1}: placing the order now`));
    const decided = await em.waitFor((e) => e.method === 'editMessageCaption' && e.message_id === card1.message_id, 10_000, { afterSeq: tapped });
    expect(textOf(decided)).toMatch(/✅ Approved by .+ — placing order…/);

    const approval = await approvalSettled(ds, pick1, 30_000);
    expect(approval.state, JSON.stringify(approval.reason_detail)).toBe('filled');
    const confirmation = await waitMessage(em, USER, tapped, new RegExp(`Bought ${symbol1}`), 20_000);
    expect(confirmation.method).toBe('sendMessage');
    const filled = /— (\d+)\/(\d+) shares filled/.exec(textOf(confirmation));
    expect(filled).not.toBeNull();
    expect(filled![1]).toBe(filled![2]);
    expect(textOf(confirmation)).toMatch(/paper · DEMO data/);
    const qty = Number(filled![1]);
    // The chart follows the confirmation as its own photo.
    const chart = await em.waitFor((e) => e.method === 'sendPhoto' && new RegExp(`${symbol1} · bought ${qty} @`).test(textOf(e)), 20_000, { afterSeq: tapped });
    const png = em.file(chart.message!.photo!.at(-1)!.file_id)!;
    expect(Buffer.from(png.data).subarray(1, 4).toString()).toBe('PNG');
    await until(
      'the card to show the fill',
      () => (new RegExp(`✅ Filled ${qty} @ \\d+\\.\\d\\d \\(paper\\)`).test(em.chatState(USER)!.messages.get(card1.message_id!)!.caption ?? '') ? true : undefined),
      10_000,
    );
    expect(em.chatState(USER)!.messages.get(card1.message_id!)!.reply_markup?.inline_keyboard.flat() ?? []).toHaveLength(0);
    expect(await count(ds, `SELECT count(*)::int AS n FROM paper_orders`)).toBe(1);
    expect(await count(ds, `SELECT count(*)::int AS n FROM positions WHERE symbol = $1 AND qty = $2`, [symbol1, qty])).toBe(1);

    // /positions shows the new position with its size.
    expect(COMMANDS_BY_NAME.has('positions')).toBe(true);
    const beforePositions = em.lastSeq;
    em.sendUserMessage({ userId: USER, text: '/positions' });
    const shown = await waitMessage(em, USER, beforePositions, /Open positions: 1/, 20_000);
    expect(textOf(shown)).toMatch(new RegExp(`${symbol1} · ${qty} sh`));

    // /kill: the switch is on, the broker proves nothing is open.
    const killed = em.lastSeq;
    await command(h, USER, '/kill', /KILL SWITCH ON/);
    const proof = await waitMessage(em, USER, killed, /Broker orders cancelled/, 20_000);
    expect(textOf(proof)).toMatch(/open orders now 0/);

    // The second card's Approve is refused with the kill switch's reason; nothing is ordered.
    const beforeTap2 = em.lastSeq;
    const { callback_query_id: tap2 } = em.pressButton({ userId: USER, messageId: card2.message_id!, data: buttonsOf(card2)[0]!.callback_data });
    const answer = await em.waitFor((e) => e.method === 'answerCallbackQuery' && e.callback_query_id === tap2, 10_000, { afterSeq: beforeTap2 });
    expect(answer.text).toMatch(/^🛑 Kill switch is ON \(manual \/kill\): nothing was ordered and the pick stays open\. An admin can \/resume\./);
    expect(answer.show_alert).toBe(true);
    await sleep(500);
    expect(await approvalOf(ds, pick2)).toBeUndefined();
    expect(await pickState(ds, pick2)).toBe('PENDING');
    expect(await count(ds, `SELECT count(*)::int AS n FROM paper_orders`)).toBe(1);
    expect(await count(ds, `SELECT count(*)::int AS n FROM audit_log WHERE payload->>'action' = 'pick.approve_refused' AND payload->>'reason' = 'kill_switch'`)).toBe(1);
  }, 90_000);
});
