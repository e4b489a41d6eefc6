/**
 * `/close SYMBOL [qty]` and the Close button on /positions (issue 13, item 1), through the real
 * bot, workers and paper broker against the Bot API emulator, the app's clock set
 * (tests/helpers/market-time.ts) so the session is open (or closed) when each step needs it.
 *
 * - usage errors: unknown symbol (closest held ones named), qty ≤ 0, non-integer, more than held;
 * - outside the session: refused, saying when the next open is (New York time);
 * - a trader's bound confirm; a double tap sells once; the fill confirmation shows qty, average,
 *   realized P&L that recomputes from the numbers shown, and a chart;
 * - /positions has a Close button per row; a button for a position that changed since is refused;
 * - under the kill switch traders are refused; a trader's confirm from before the kill is stale;
 *   an admin sells one position with "Sell under kill";
 * - /orders names each flatten order unambiguously (item 13).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../../src/dev/telegram/outbox.js';
import { buttonsOfEvent, pressAnswer, replyTo, holdPosition, seedBars, sleep, textOf, until, waitMessage } from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { realTime, setMarketTime } from '../../helpers/market-time.js';

const ADMIN = 1;
const TRADER = 2;
const VIEWER = 3;
const SATURDAY = '2026-12-12T17:00:00Z'; // Sat 12:00 ET
const MONDAY = '2026-12-14T16:00:00Z'; // Mon 11:00 ET

let h: Harness;

beforeAll(async () => {
  setMarketTime(SATURDAY);
  h = await startHarness({ mode: 'token', env: { TELEGRAM_ALLOWED_USER_IDS: `${ADMIN}:admin,${TRADER}:trader,${VIEWER}:viewer`, MARKET_HOURS: 'exchange' } });
  await seedBars(h.running.app, { CLOSA: 25, CLOSB: 30, CLOSC: 12 }, { endDate: '2026-12-11' });
  await hold('CLOSA', 40, 20.5);
  await hold('CLOSB', 10, 28.25);
  await hold('CLOSC', 30, 11.125);
  // Telegram delivers to a private chat only after its user wrote to the bot.
  for (const u of [ADMIN, TRADER, VIEWER]) await h.say(u, '/start');
}, 60_000);

afterAll(async () => {
  await h?.stop();
  realTime();
});

/** A position as an executed entry leaves it: held at the paper broker and in our books. */
const hold = (symbol: string, qty: number, cost: number) => holdPosition(h.running.app.ds, symbol, qty, cost);

type Button = { text: string; callback_data: string };
const buttons = buttonsOfEvent;

const say = (user: number, text: string, re: RegExp) => replyTo(h, user, text, re);
/** Presses a button and returns the callback answer. */
const press = (user: number, messageId: number, data: string) => pressAnswer(h, user, messageId, data);

const sells = async (symbol: string) =>
  (await h.running.app.ds.query(`SELECT client_order_id, qty, status, filled_qty FROM paper_orders WHERE symbol = $1 AND side = 'sell' ORDER BY submitted_at`, [symbol])) as {
    client_order_id: string;
    qty: number;
    status: string;
    filled_qty: number;
  }[];
const held = async (symbol: string) => ((await h.running.app.ds.query(`SELECT qty FROM positions WHERE symbol = $1`, [symbol])) as { qty: number }[])[0]?.qty;

/** Numbers of a fill confirmation, parsed back out of its text. */
function fillNumbers(text: string) {
  const m = /Realized: (\d+) × \(\$?([\d.]+) − \$?([\d.]+)\) = ([+−-]?)\$([\d,.]+)/.exec(text);
  if (!m) throw new Error(`no realized P&L line in:\n${text}`);
  const sign = m[4] === '-' || m[4] === '−' ? -1 : 1;
  return { qty: Number(m[1]), exit: Number(m[2]), entry: Number(m[3]), pnl: sign * Number(m[5]!.replaceAll(',', '')) };
}

describe('/close outside the session', () => {
  it('refuses, saying when the next open is (New York time) and that /close works then; /help lists /close', async () => {
    const help = await say(TRADER, '/help', /Commands/);
    expect(textOf(help)).toMatch(/\/close SYMBOL \[qty\]/);
    const r = await say(TRADER, '/close CLOSA', /Market closed/);
    expect(textOf(r)).toMatch(/Mon Dec 14.*09:30 ET/);
    expect(textOf(r)).toMatch(/\/close works then/);
    expect(buttons(r).filter((b) => /Confirm/.test(b.text))).toEqual([]);
    expect(await sells('CLOSA')).toEqual([]);
  }, 30_000);
});

describe('/close in the session', () => {
  beforeAll(() => setMarketTime(MONDAY));

  it('answers usage errors: unknown symbol with the closest held ones, qty ≤ 0, not a whole number, more than held; viewers are refused', async () => {
    expect(textOf(await say(TRADER, '/close CLOSX', /CLOSX/))).toMatch(/No open position in CLOSX.*CLOSA.*CLOSB.*CLOSC/s);
    expect(textOf(await say(TRADER, '/close CLOSA 0', /qty/))).toMatch(/whole number of shares above 0/);
    expect(textOf(await say(TRADER, '/close CLOSA 2.5', /qty/))).toMatch(/whole number of shares above 0/);
    expect(textOf(await say(TRADER, '/close CLOSA 41', /hold/))).toMatch(/You hold 40 CLOSA.*at most 40/s);
    expect(textOf(await say(TRADER, '/close', /Usage/))).toMatch(/\/close SYMBOL \[qty\]/);
    expect(textOf(await say(VIEWER, '/close CLOSA', /trader/i))).not.toMatch(/Confirm/);
    expect(await sells('CLOSA')).toEqual([]);
  }, 30_000);

  it('a trader confirms; a double tap sells once; the confirmation shows qty, average and a realized P&L that recomputes, with a chart', async () => {
    const ask = await say(TRADER, '/close CLOSA 15', /Sell 15 of 40 CLOSA\?/);
    const confirm = buttons(ask).find((b) => /Confirm/.test(b.text))!;
    expect(confirm).toBeDefined();
    const after = h.emulator.lastSeq;
    const [a1, a2] = await Promise.all([press(TRADER, ask.message_id!, confirm.callback_data), press(TRADER, ask.message_id!, confirm.callback_data)]);
    expect([a1.text, a2.text].filter((t) => /already used/.test(t ?? ''))).toHaveLength(1);
    const done = await waitMessage(h.emulator, TRADER, after, /Closed 15 CLOSA/, 20_000);
    expect(done.method).toBe('sendPhoto');
    const text = textOf(done);
    const n = fillNumbers(text);
    expect(n.qty).toBe(15);
    expect(n.entry).toBe(20.5);
    expect(Math.abs(n.qty * (n.exit - n.entry) - n.pnl)).toBeLessThanOrEqual(0.005 + 1e-6);
    expect(text).toMatch(new RegExp(`Sold 15/15 @ \\$?${n.exit.toFixed(2)}`));
    expect(text).toMatch(/25 shares still held/);
    // One sell at the broker; the books moved once.
    await sleep(500);
    const s = await sells('CLOSA');
    expect(s.map((o) => [o.qty, o.status])).toEqual([[15, 'filled']]);
    expect(await held('CLOSA')).toBe(25);
    const booked = (await h.running.app.ds.query(`SELECT realized_pnl::float8 AS pnl, exit_reason FROM orders WHERE kind = 'exit' AND symbol = 'CLOSA'`)) as { pnl: number; exit_reason: string }[];
    expect(booked).toHaveLength(1);
    expect(booked[0]!.exit_reason).toBe('close');
    expect(booked[0]!.pnl).toBeCloseTo(n.pnl, 2);
    // Every step is on the audit chain.
    const audit = ((await h.running.app.ds.query(`SELECT payload->>'action' AS action FROM audit_log WHERE payload->>'action' LIKE 'close.%' OR payload->>'action' LIKE 'exit.%' ORDER BY seq`)) as { action: string }[]).map((r) => r.action);
    expect(audit).toEqual(expect.arrayContaining(['close.asked', 'close.confirmed', 'exit.created', 'exit.submitting', 'exit.filled']));
    // A trader's close with the switch off is not a kill-switch bypass on the audit chain.
    const bypass = (await h.running.app.ds.query(`SELECT count(*)::int AS n FROM audit_log WHERE payload->>'action' = 'exit.created' AND (payload->>'killSwitchBypass')::boolean AND payload->>'symbol' = 'CLOSA'`)) as { n: number }[];
    expect(bypass[0]!.n).toBe(0);
  }, 40_000);

  it('/positions has a Close button per row; a button or confirm for a position that changed since is refused and sells nothing', async () => {
    const list = await say(TRADER, '/positions', /CLOSB/);
    const closeB = buttons(list).find((b) => /Close CLOSB/.test(b.text))!;
    expect(buttons(list).map((b) => b.text)).toEqual(expect.arrayContaining(['Close CLOSA', 'Close CLOSB', 'Close CLOSC']));
    // The row's button asks the same bound confirm as /close.
    let after = h.emulator.lastSeq;
    await press(TRADER, list.message_id!, closeB.callback_data);
    const ask = await waitMessage(h.emulator, TRADER, after, /Sell 10 of 10 CLOSB\?/, 10_000);
    // The position changes (a fill elsewhere) before the confirm: both buttons are now stale.
    await h.running.app.ds.query(`UPDATE positions SET qty = 8 WHERE symbol = 'CLOSB'`);
    await h.running.app.ds.query(`UPDATE paper_positions SET qty = 8 WHERE symbol = 'CLOSB'`);
    const stale = await press(TRADER, ask.message_id!, buttons(ask).find((b) => /Confirm/.test(b.text))!.callback_data);
    expect(stale.text).toMatch(/CLOSB changed since.*8 shares now/);
    after = h.emulator.lastSeq;
    const staleRow = await press(TRADER, list.message_id!, closeB.callback_data);
    expect(staleRow.text).toMatch(/CLOSB changed since.*\/positions/);
    expect(await sells('CLOSB')).toEqual([]);
    expect(await held('CLOSB')).toBe(8);
  }, 30_000);

  it('under the kill switch: a trader is refused and a confirm from before the kill is stale; an admin sells one position with "Sell under kill"', async () => {
    const early = await say(TRADER, '/close CLOSC', /Sell 30 of 30 CLOSC\?/);
    await say(ADMIN, '/kill desk review', /KILL SWITCH ON/);
    expect(textOf(await say(TRADER, '/close CLOSC', /kill switch/i))).toMatch(/refused.*admin/is);
    const stale = await press(TRADER, early.message_id!, buttons(early).find((b) => /Confirm/.test(b.text))!.callback_data);
    expect(stale.text).toMatch(/kill switch changed/i);
    const ask = await say(ADMIN, '/close CLOSC', /kill switch is ON/i);
    const underKill = buttons(ask).find((b) => /Sell under kill/.test(b.text))!;
    expect(underKill).toBeDefined();
    const after = h.emulator.lastSeq;
    await press(ADMIN, ask.message_id!, underKill.callback_data);
    const done = await waitMessage(h.emulator, ADMIN, after, /Closed 30 CLOSC/, 20_000);
    const n = fillNumbers(textOf(done));
    expect(n.entry).toBe(11.125);
    expect(Math.abs(n.qty * (n.exit - n.entry) - n.pnl)).toBeLessThanOrEqual(0.005 + 1e-6);
    expect(textOf(done)).toMatch(/Position closed/);
    expect((await sells('CLOSC')).map((o) => o.status)).toEqual(['filled']);
    const bypass = (await h.running.app.ds.query(`SELECT count(*)::int AS n FROM audit_log WHERE payload->>'action' = 'exit.created' AND (payload->>'killSwitchBypass')::boolean AND payload->>'symbol' = 'CLOSC'`)) as { n: number }[];
    expect(bypass[0]!.n).toBe(1);
  }, 40_000);

  it('/orders names each flatten order unambiguously', async () => {
    const ask = await say(ADMIN, '/kill flatten', /Sell every open position\?/);
    const after = h.emulator.lastSeq;
    await press(ADMIN, ask.message_id!, buttons(ask).find((b) => /Confirm/.test(b.text))!.callback_data);
    await waitMessage(h.emulator, ADMIN, after, /Flatten/, 20_000);
    await until('two flatten orders', async () => {
      const n = (await h.running.app.ds.query(`SELECT count(*)::int AS n FROM orders WHERE exit_reason = 'flatten' AND booked_at IS NOT NULL`)) as { n: number }[];
      return n[0]!.n >= 2 ? true : undefined;
    }, 10_000, 100);
    const orders = textOf(await say(ADMIN, '/orders', /Last \d+ order/));
    const flattenIds = orders
      .split('\n')
      .filter((l) => /exit \(flatten\)/.test(l))
      .map((l) => l.split(' · ').at(-1)!.trim());
    expect(flattenIds.length).toBeGreaterThanOrEqual(2);
    expect(new Set(flattenIds).size).toBe(flattenIds.length);
    for (const id of flattenIds) expect(id).not.toMatch(/…/);
    expect(orders).toMatch(/exit \(close\)/);
  }, 40_000);
});
