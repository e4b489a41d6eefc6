/**
 * Issue 19, item 5: once an admin settles a stuck ENTRY through /resolve, the trader who approved
 * it is told — in the chat the approval came from (here a group, not the admin's chat nor the
 * trader's private one), what was settled and by whom, exactly once even when the button is
 * tapped twice.
 *
 * Real bot + worker roles, BROKER=alpaca-paper against the emulators; the approval's order id is
 * taken at Alpaca by another order, so the entry is ambiguous until the admin marks it failed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlpacaRig, type AlpacaRig } from '../../helpers/alpaca-harness.js';
import { approvalOf, buttonsOfEvent, insertPick, messagesMatching, sleep, textOf, waitMessage } from '../../helpers/execution.js';

const ADMIN = 1;
const TRADER = 2;
const GROUP = -100_777;

let rig: AlpacaRig;

beforeAll(async () => {
  rig = await startAlpacaRig({
    symbols: { TELL: 20 },
    users: `${ADMIN}:admin,${TRADER}:trader`,
    env: { EXEC_RESOLVE_AFTER_MS: '1500', EXEC_RESOLVE_EVERY_MS: '1000' },
  });
}, 60_000);

afterAll(async () => {
  await rig?.stop();
});

const em = () => rig.h.emulator;
const ds = () => rig.h.running.app.ds;

async function pressAnswer(messageId: number, data: string): Promise<string> {
  const after = em().lastSeq;
  const events = await rig.h.press(ADMIN, messageId, data, { count: 1, timeoutMs: 15_000, forged: true });
  const answer = events.find((e) => e.method === 'answerCallbackQuery') ?? (await em().waitFor((e) => e.method === 'answerCallbackQuery', 15_000, { afterSeq: after }));
  return textOf(answer);
}

describe('/resolve of an entry tells its approver', () => {
  it('in the chat the approval came from, what was settled and by whom, once', async () => {
    rig.trading.injectFaults({ kind: 'id_taken', method: 'POST', path: '/v2/orders', order: { symbol: 'OTHR', side: 'sell', qty: 7, limit: 10 } });
    const pickId = await insertPick(ds(), { symbol: 'TELL', entry: 20, qty: 5 });
    const start = em().lastSeq;
    em().sendUserMessage({ userId: TRADER, chatId: GROUP, text: `/approve ${pickId}`, firstName: 'Trader' });
    await waitMessage(em(), GROUP, start, /^Approved TELL: placing the order now/, 15_000);
    await waitMessage(em(), ADMIN, start, /DIFFERENT order under client order id/, 20_000);
    const approvalId = (await approvalOf(ds(), pickId))!.id;
    await sleep(2_500);

    const ask = em().lastSeq;
    em().sendUserMessage({ userId: ADMIN, text: `/resolve ${approvalId}`, firstName: 'Admin' });
    const msg = await waitMessage(em(), ADMIN, ask, /Stuck approval/, 15_000);
    const markFailed = buttonsOfEvent(msg).find((b) => /Mark failed/.test(b.text))!.callback_data;
    const before = em().lastSeq;
    expect(await pressAnswer(msg.message!.message_id, markFailed)).toMatch(/Marked failed/);
    expect((await approvalOf(ds(), pickId))!.state).toBe('failed');

    const told = textOf(await waitMessage(em(), GROUP, before, /settled by an admin/, 15_000));
    expect(told).toContain('TELL');
    expect(told).toContain(approvalId);
    expect(told).toMatch(/marked failed: nothing was bought or booked/);
    expect(told).toContain(`(${ADMIN})`);

    // A second tap is refused as used and tells nobody again.
    expect(await pressAnswer(msg.message!.message_id, markFailed)).toMatch(/already used/);
    await sleep(1_500);
    expect(await messagesMatching(em(), GROUP, before, /settled by an admin/)).toHaveLength(1);
    expect(await messagesMatching(em(), TRADER, before, /settled by an admin/)).toHaveLength(0);
  }, 90_000);
});
