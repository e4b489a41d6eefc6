/**
 * An entry that reaches the order path after the close (issue 13, item 2), through the real bot,
 * workers and paper broker against the Bot API emulator, with MARKET_HOURS=exchange and the app's
 * clock set (tests/helpers/market-time.ts).
 *
 * Approved at Fri 15:59:59 ET (the market open: the bot's own check lets it through), the
 * `execution.run` job starts at 16:00:02 ET — a slow queue, a retry, a worker back late. The order
 * path refuses it with the typed `market_closed` reason before anything is sent: no broker order,
 * no order row, no reservation, no position; the approval records the gate and the next open; the
 * chat hears it in words (the next open, the queue for the open) and the card shows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvePick } from '../../../src/trading/execution/approve-pick.js';
import { approvalOf, count, insertPick, pickState, postCard, seedBars, textOf, until, waitMessage } from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { jobResult, realTime, setMarketTime } from '../../helpers/market-time.js';

const USER = 1; // the local user, an admin
const FRIDAY_155959 = '2026-12-11T20:59:59Z'; // Fri Dec 11 2026 15:59:59 ET: in session
const FRIDAY_160002 = '2026-12-11T21:00:02Z'; // 16:00:02 ET: the session has closed

let h: Harness;

beforeAll(async () => {
  setMarketTime(FRIDAY_155959);
  h = await startHarness({ mode: 'local', env: { MARKET_HOURS: 'exchange' } });
  // Telegram delivers to a private chat only after its user wrote to the bot.
  const after = h.emulator.lastSeq;
  h.emulator.sendUserMessage({ userId: USER, text: '/start', firstName: 'Ada' });
  await waitMessage(h.emulator, USER, after, /./, 10_000);
}, 60_000);

afterAll(async () => {
  await h?.stop();
  realTime();
});

describe('an entry whose execution starts after the close', () => {
  it('is refused as market_closed before the broker: nothing sent, nothing booked, the next open and the queue in words', async () => {
    const app = h.running.app;
    const ds = app.ds;
    const bars = (await seedBars(app, { MCE: 50 }, { endDate: '2026-12-10' })).get('MCE')!;
    const pickId = await insertPick(ds, { symbol: 'MCE', entry: 50, qty: 10, expiresAt: new Date(Date.now() + 60 * 60_000) });
    const card = await postCard(app, h.emulator, USER, pickId, bars);

    // Approved at 15:59:59 (in session), as the Approve button does.
    const approved = await approvePick(app.uow, { pickId, userId: USER, role: 'admin', now: new Date() }, { executionWindowMs: 15 * 60_000 });
    expect(approved.kind).toBe('approved');
    const approvalId = approved.kind === 'approved' ? approved.approvalId : '';

    // Its job starts at 16:00:02.
    setMarketTime(FRIDAY_160002);
    const after = h.emulator.lastSeq;
    await app.jobs.add('execution.run', { approvalId, pickId, chatId: USER, userId: USER, cardMessageId: card.messageId }, { jobId: `exec-${approvalId}` });
    const result = await jobResult(app, 'executions', `exec-${approvalId}`);
    expect(result).toMatchObject({ kind: 'refused' });

    // Recorded like every gate refusal: the gate, and the reason with the next open (Mon Dec 14 09:30 ET).
    const a = await approvalOf(ds, pickId);
    expect(a).toMatchObject({ state: 'refused', refused_gate: 'market_closed' });
    expect(a?.reason_detail).toEqual({ code: 'market_closed', order: 'entry', at: expect.stringMatching(/^2026-12-11T21:00:0\d\.\d{3}Z$/), nextOpen: '2026-12-14T14:30:00.000Z' });
    expect(await pickState(ds, pickId)).toBe('FAILED');

    // Nothing reached the broker and nothing was booked or reserved.
    expect(await count(ds, `SELECT count(*)::int AS n FROM paper_orders`)).toBe(0);
    expect(await count(ds, `SELECT count(*)::int AS n FROM orders`)).toBe(0);
    expect(await count(ds, `SELECT count(*)::int AS n FROM fills`)).toBe(0);
    expect(await count(ds, `SELECT count(*)::int AS n FROM positions WHERE qty > 0`)).toBe(0);
    expect(await count(ds, `SELECT count(*)::int AS n FROM daily_budget WHERE spent > 0`)).toBe(0);
    const audited = (await ds.query(`SELECT payload FROM audit_log WHERE payload->>'action' = 'execution.refused' AND payload->>'pickId' = $1`, [pickId])) as { payload: Record<string, unknown> }[];
    expect(audited.map((r) => r.payload['gate'])).toEqual(['market_closed']);

    // The trader hears it in plain words: what happened, the next open, the queue for the open.
    const told = textOf(await waitMessage(h.emulator, USER, after, /Not ordered: MCE/, 10_000));
    expect(told).toMatch(/refused by the market hours/);
    expect(told).toMatch(/The market was closed when this order was due to go \(Fri Dec 11 16:00 ET\)/);
    expect(told).toMatch(/nothing was sent to the broker and nothing was booked/);
    expect(told).toMatch(/The next session opens Mon Dec 14 09:30 ET/);
    expect(told).toMatch(/Queue for the open/);
    // The card says so too, its buttons gone.
    await until(
      'the card to show the refusal',
      () => {
        const m = h.emulator.chatState(USER)!.messages.get(card.messageId)!;
        return /Refused by the market hours: nothing was ordered/.test(m.caption ?? '') && (m.reply_markup?.inline_keyboard.flat().length ?? 0) === 0 ? true : undefined;
      },
      10_000,
    );

    // A retry of the same job later re-reads the stored outcome: still nothing at the broker.
    await app.jobs.add('execution.run', { approvalId, pickId, chatId: USER, userId: USER }, { jobId: `exec-${approvalId}-again` });
    expect(await jobResult(app, 'executions', `exec-${approvalId}-again`)).toMatchObject({ kind: 'refused' });
    expect(await count(ds, `SELECT count(*)::int AS n FROM paper_orders`)).toBe(0);
  }, 60_000);
});
