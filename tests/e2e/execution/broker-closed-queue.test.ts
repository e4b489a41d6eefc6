/**
 * Issue 19, item 1: our calendar says open (Monday 11:00 ET, MARKET_HOURS=exchange, the app's clock
 * set) but Alpaca's own clock says closed — an unscheduled closure our calendar cannot know. Real bot
 * + worker roles, BROKER=alpaca-paper against the Alpaca trading emulator.
 *
 * The Approve tap sends nothing and the card offers "⏰ Queue for the open" for the open Alpaca names
 * (its clock's next_open, Tuesday 09:30 ET); queued, the order is a Postgres row only; at that open
 * + 1 minute the open queue sends it once through the one order lifecycle, and it fills.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../../src/dev/telegram/outbox.js';
import { startAlpacaRig, type AlpacaRig } from '../../helpers/alpaca-harness.js';
import { count, insertPick, pickState, postCard, seedBars, until, waitMessage } from '../../helpers/execution.js';
import { jobResult, realTime, setMarketTime } from '../../helpers/market-time.js';

const ADMIN = 1;
const MONDAY_11 = '2026-12-14T16:00:00Z'; // Mon Dec 14 2026 11:00 ET: our calendar says open
const TUESDAY_0931 = '2026-12-15T14:31:05Z'; // Tue 09:31:05 ET: Alpaca's next open + 1 min

let rig: AlpacaRig;

beforeAll(async () => {
  setMarketTime(MONDAY_11);
  rig = await startAlpacaRig({ symbols: { BCQA: 25 }, env: { MARKET_HOURS: 'exchange' } });
}, 60_000);

afterAll(async () => {
  await rig?.stop();
  realTime();
});

/** Forgets the shared clock answer, as a minute passing would. */
async function forgetClock(): Promise<void> {
  const app = rig.h.running.app;
  const keys = await app.redis.keys(`${app.config.redis.prefix}:broker:*:clock`);
  if (keys.length > 0) await app.redis.del(...keys);
}

async function press(messageId: number, data: string): Promise<OutboxEvent> {
  const em = rig.h.emulator;
  const after = em.lastSeq;
  const { callback_query_id } = em.pressButton({ userId: ADMIN, chatId: ADMIN, messageId, data, firstName: 'Ada' });
  return em.waitFor((e) => e.method === 'answerCallbackQuery' && e.callback_query_id === callback_query_id, 10_000, { afterSeq: after });
}

function cardNow(messageId: number) {
  const m = rig.h.emulator.chatState(ADMIN)!.messages.get(messageId)!;
  return { caption: m.caption ?? '', buttons: (m.reply_markup?.inline_keyboard.flat() ?? []) as { text: string; callback_data: string }[] };
}

describe("Alpaca's clock says closed while our calendar says open", () => {
  it('offers Queue for the open at the open Alpaca names, sends nothing until then, and sends it once at that open', async () => {
    const { h, trading } = rig;
    const app = h.running.app;
    const ds = app.ds;
    trading.setMarketOpen(false);
    await forgetClock();
    const bars = (await seedBars(app, { BCQA: 25 }, { endDate: '2026-12-11' })).get('BCQA')!;
    const pickId = await insertPick(ds, { symbol: 'BCQA', entry: 25, qty: 4, expiresAt: new Date(Date.now() + 60 * 60_000) });
    const card = await postCard(app, h.emulator, ADMIN, pickId, bars);

    const answer = await press(card.messageId, card.approve);
    expect(answer.show_alert).toBe(true);
    expect(answer.text).toMatch(/alpaca-paper says the market is closed now/);
    await until('the card to offer the queue', () => (cardNow(card.messageId).buttons.some((b) => b.text === '⏰ Queue for the open') ? true : undefined), 10_000);
    expect(cardNow(card.messageId).caption).toMatch(/alpaca-paper says closed: not ordered\. Queue it for its open \(goes Tue Dec 15 09:31 ET, expires Tue Dec 15 10:00 ET\)/);
    expect(await pickState(ds, pickId)).toBe('PENDING');

    const queue = cardNow(card.messageId).buttons.find((b) => b.text === '⏰ Queue for the open')!;
    const queued = await press(card.messageId, queue.callback_data);
    expect(queued.text).toMatch(/^Queued buy 4 BCQA for Tue Dec 15 09:31 ET/);
    const rows = (await ds.query(`SELECT state, kind, to_char(session_date, 'YYYY-MM-DD') AS day FROM queued_orders WHERE pick_id = $1`, [pickId])) as { state: string; kind: string; day: string }[];
    expect(rows).toEqual([{ state: 'QUEUED', kind: 'entry', day: '2026-12-15' }]);
    // Due at Alpaca's open, not now: the open queue run now (our calendar says open) sends nothing.
    await app.jobs.add('execution.open_queue', {}, { jobId: 'e2e-bcq-open-queue-now' });
    expect(await jobResult(app, 'executions', 'e2e-bcq-open-queue-now')).toEqual({ expired: [], sent: [] });
    expect(trading.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders')).toHaveLength(0);

    // Tuesday 09:31: Alpaca is open again; the open queue sends it once and it fills.
    setMarketTime(TUESDAY_0931);
    trading.setMarketOpen(true);
    await forgetClock();
    const after = h.emulator.lastSeq;
    await app.jobs.add('execution.open_queue', { sessionDate: '2026-12-15' }, { jobId: 'e2e-bcq-open-queue-tuesday' });
    const sent = (await jobResult(app, 'executions', 'e2e-bcq-open-queue-tuesday')) as { sent: string[] };
    expect(sent.sent).toHaveLength(1);
    await waitMessage(h.emulator, ADMIN, after, /Bought BCQA/, 20_000);
    expect(trading.orders().filter((o) => o['symbol'] === 'BCQA')).toHaveLength(1);
    expect(await count(ds, `SELECT count(*)::int AS n FROM approvals WHERE pick_id = $1 AND state = 'filled'`, [pickId])).toBe(1);
  }, 90_000);
});
