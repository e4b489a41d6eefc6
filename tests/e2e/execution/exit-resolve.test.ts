/**
 * Issue 19, item 5, for EXIT orders: a stop exit whose client order id another order holds at
 * Alpaca is ambiguous — nothing booked, admins alerted, the position's exits wait. /stuck lists it
 * with how to settle it, `/resolve <exit client order id>` shows the broker's evidence with the
 * buttons that apply, bound to the exit row's state: a press after the row changed is refused,
 * Book fill has nothing of ours to book, Mark failed closes the row unbooked (position still open,
 * alert closed), and the next exit run sends a NEW order under a NEW id, which is booked.
 *
 * Real bot + worker roles, BROKER=alpaca-paper against the trading and data emulators.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../../src/dev/telegram/outbox.js';
import { CALLBACK_ACTIONS, signCallback } from '../../../src/bot/callback-data.js';
import { startAlpacaRig, type AlpacaRig } from '../../helpers/alpaca-harness.js';
import { buttonsOfEvent, command, count, sleep, textOf, until, waitMessage } from '../../helpers/execution.js';

const ADMIN = 1;
const SYMBOL = 'XTKN';
const QTY = 50;

let rig: AlpacaRig;

beforeAll(async () => {
  // The bid (17.99) is under the position's stop (19): every exit run wants to sell.
  rig = await startAlpacaRig({
    symbols: { [SYMBOL]: 18 },
    env: {
      // Stop exits run whenever the test runs, not only in a New York session.
      EXIT_REQUIRE_OPEN_SESSION: 'false',
      // The recovery pass runs every second on orders attempted over 1.5 s ago: it must leave this one alone.
      EXEC_RESOLVE_AFTER_MS: '1500',
      EXEC_RESOLVE_EVERY_MS: '1000',
    },
  });
}, 60_000);

afterAll(async () => {
  await rig?.stop();
});

const ds = () => rig.h.running.app.ds;
const em = () => rig.h.emulator;
const posts = (cid: string) => rig.trading.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders' && r.clientOrderId === cid);
const exitRows = async () =>
  (await ds().query(`SELECT client_order_id, state, booked_at, submit_attempted_at, reject_detail, filled_qty FROM orders WHERE kind = 'exit' AND symbol = $1 ORDER BY created_at`, [SYMBOL])) as {
    client_order_id: string;
    state: string;
    booked_at: Date | null;
    submit_attempted_at: Date | null;
    reject_detail: { code: string; markedBy?: string | null } | null;
    filled_qty: number;
  }[];
const heldQty = async () => Number(((await ds().query(`SELECT qty FROM positions WHERE symbol = $1`, [SYMBOL])) as { qty: number }[])[0]?.qty ?? -1);

async function runExits(jobId: string): Promise<void> {
  await rig.h.running.app.jobs.add('execution.exits', { slotKey: jobId }, { jobId });
}

async function resolveAsk(cid: string): Promise<{ messageId: number; text: string; buttons: { text: string; callback_data: string }[] }> {
  const after = em().lastSeq;
  em().sendUserMessage({ userId: ADMIN, text: `/resolve ${cid}`, firstName: 'Admin' });
  const msg = await waitMessage(em(), ADMIN, after, /Stuck exit order|is not stuck/, 15_000);
  return { messageId: msg.message!.message_id, text: textOf(msg), buttons: buttonsOfEvent(msg) };
}

async function press(messageId: number, data: string): Promise<string> {
  const after = em().lastSeq;
  const events: OutboxEvent[] = await rig.h.press(ADMIN, messageId, data, { count: 1, timeoutMs: 15_000, forged: true });
  const answer = events.find((e) => e.method === 'answerCallbackQuery') ?? (await em().waitFor((e) => e.method === 'answerCallbackQuery', 15_000, { afterSeq: after }));
  return textOf(answer);
}

describe('/resolve <exit client order id> for an exit whose id another order holds', () => {
  it('shows the evidence, refuses a stale press and Book fill, Mark failed settles it, the next run sells under a new id', async () => {
    const { trading } = rig;
    trading.setPosition(SYMBOL, QTY, 20);
    await ds().query(`INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop, time_stop_date, updated_at) VALUES ($1, 'donchian', $2, 20, now(), 19, NULL, now())`, [SYMBOL, QTY]);
    trading.injectFaults({ kind: 'id_taken', method: 'POST', path: '/v2/orders', order: { symbol: 'OTHR', side: 'sell', qty: 7, limit: 10 } });

    const after = em().lastSeq;
    await runExits('e2e-exit-resolve-1');
    await waitMessage(em(), ADMIN, after, /DIFFERENT order under client order id/, 20_000);
    const [first] = await exitRows();
    const cid = first!.client_order_id;
    expect(first!.booked_at).toBeNull();
    expect(first!.submit_attempted_at).not.toBeNull();
    expect(await heldQty()).toBe(QTY);
    const alertKey = `order.ambiguous:${cid}`;
    expect(await count(ds(), `SELECT count(*)::int AS n FROM alerts WHERE key = $1 AND resolved_at IS NULL`, [alertKey])).toBe(1);

    // Past EXEC_RESOLVE_AFTER_MS: stuck, and the recovery pass leaves it alone.
    await sleep(2_500);
    const stuck = textOf(await command(rig.h, ADMIN, '/stuck', /Stuck orders|Nothing stuck/, 15_000));
    expect(stuck).toContain(cid);
    expect(stuck).toContain(`/resolve ${cid}`);

    // The evidence, and only the button that can apply: the order there is not ours, so there is nothing to book.
    const a1 = await resolveAsk(cid);
    expect(a1.text).toContain('Stuck exit order');
    expect(a1.text).toMatch(/holds a DIFFERENT order under this client order id/);
    expect(a1.text).toContain(`symbol OTHR, not ${SYMBOL}`);
    expect(a1.buttons.map((b) => b.text)).toEqual(['✖ Mark failed']);

    // The row changed after it was shown: the press is refused and says so; nothing changes.
    await ds().query(`UPDATE orders SET updated_at = now() WHERE client_order_id = $1`, [cid]);
    expect(await press(a1.messageId, a1.buttons[0]!.callback_data)).toMatch(/out of date: exit order .* changed at/);
    expect((await exitRows())[0]!.booked_at).toBeNull();

    // A Book fill confirmation for the current state (as if offered): refused at the press, the order there is not ours.
    const v = ((await ds().query(`SELECT floor(extract(epoch FROM updated_at) * 1000000)::bigint::text AS v FROM orders WHERE client_order_id = $1`, [cid])) as { v: string }[])[0]!.v;
    const token = randomBytes(16).toString('base64url');
    await ds().query(
      `INSERT INTO confirmations (id, action, subject, version, issued_by, issued_at, expires_at) VALUES ($1, 'execution.book_fill', $2, $3, '1', now(), now() + interval '5 minutes')`,
      [token, `exit:${cid}`, v],
    );
    const key = rig.h.running.app.config.telegram.callbackKey;
    const bookFill = signCallback(key, CALLBACK_ACTIONS.resolveBookFill, token, Date.now() + 300_000);
    expect(await press(a1.messageId, bookFill)).toMatch(/Nothing was changed: .*not ours/);
    expect((await exitRows())[0]!.booked_at).toBeNull();
    expect(await heldQty()).toBe(QTY);

    // Mark failed: the row is closed unbooked, the position stays, the alert closes.
    const a2 = await resolveAsk(cid);
    const before = em().lastSeq;
    expect(await press(a2.messageId, a2.buttons[0]!.callback_data)).toMatch(/Marked failed/);
    const settled = (await exitRows())[0]!;
    expect(settled.booked_at).not.toBeNull();
    expect(settled.state).toBe('rejected');
    expect(settled.reject_detail).toMatchObject({ code: 'lost_after_crash', markedBy: String(ADMIN) });
    expect(await heldQty()).toBe(QTY);
    expect(await count(ds(), `SELECT count(*)::int AS n FROM alerts WHERE key = $1 AND resolved_at IS NULL`, [alertKey])).toBe(0);
    const alertClosed = textOf(await waitMessage(em(), ADMIN, before, /settled by an admin/, 15_000));
    expect(alertClosed).toContain(cid);
    expect(alertClosed).toMatch(/marked failed \(nothing sold\); the position's exits resume under a new order id/);
    expect(await count(ds(), `SELECT count(*)::int AS n FROM audit_log WHERE payload->>'action' = 'exit.marked_failed' AND payload->>'clientOrderId' = $1`, [cid])).toBe(1);
    // A second tap changes nothing.
    expect(await press(a2.messageId, a2.buttons[0]!.callback_data)).toMatch(/already used/);
    expect(textOf(await command(rig.h, ADMIN, '/stuck', /Stuck orders|Nothing stuck/, 15_000))).toMatch(/Nothing stuck/);

    // The position's exits resume: the next run sends a NEW order under a NEW id, and it is booked.
    const next = em().lastSeq;
    await runExits('e2e-exit-resolve-2');
    await waitMessage(em(), ADMIN, next, new RegExp(`Stop exit ${SYMBOL} \\(donchian\\): sold ${QTY}/${QTY}`), 30_000);
    const rows = await exitRows();
    expect(rows).toHaveLength(2);
    const second = rows[1]!;
    expect(second.client_order_id).not.toBe(cid);
    expect(second.booked_at).not.toBeNull();
    expect(second.filled_qty).toBe(QTY);
    expect(posts(second.client_order_id)).toHaveLength(1);
    expect(posts(second.client_order_id)[0]!.status).toBe(200);
    expect(posts(cid)).toHaveLength(1);
    await until('the position to be closed', async () => ((await heldQty()) === 0 ? true : undefined), 10_000, 100);
  }, 120_000);
});
