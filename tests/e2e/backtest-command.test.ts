import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../src/dev/telegram/outbox.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/**
 * /backtest through the real bot, queues and workers against the Bot API
 * emulator (needs the backtest pieces registered: command, `backtests` queue
 * and handler, `bc` callback, migration).
 */
describe('/backtest end to end', () => {
  let h: Harness;
  let db: pg.Client;

  beforeAll(async () => {
    h = await startHarness({ mode: 'token', env: { TELEGRAM_ALLOWED_USER_IDS: '1:admin,2:viewer' } });
    db = new pg.Client({ connectionString: h.dbUrl });
    await db.connect();
  }, 60_000);
  afterAll(async () => {
    await db?.end();
    await h?.stop();
  });

  /** Every output event in `chatId` after `afterSeq` until `done` says so. */
  async function until(chatId: number, afterSeq: number, done: (events: OutboxEvent[]) => boolean, timeoutMs = 45_000): Promise<OutboxEvent[]> {
    const out: OutboxEvent[] = [];
    let seq = afterSeq;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const evs = await h.emulator.events({ chatId, afterSeq: seq, waitMs: Math.max(1, Math.min(1_000, deadline - Date.now())) });
      for (const e of evs) {
        seq = Math.max(seq, e.seq);
        out.push(e);
      }
      if (done(out)) return out;
    }
    throw new Error(`timed out; saw: ${out.map((e) => `${e.method}: ${textOf(e).slice(0, 80)}`).join(' | ')}`);
  }
  const edits = (evs: OutboxEvent[], messageId: number) => evs.filter((e) => e.method === 'editMessageText' && e.message_id === messageId);
  const buttons = (e: OutboxEvent | undefined) => (e?.message?.reply_markup?.inline_keyboard.flat() ?? []) as { text: string; callback_data: string }[];

  it('acks with a Cancel button, then sends the summary and two charts; the run is stored', async () => {
    const after = h.emulator.lastSeq;
    const [ack] = await h.say(1, '/backtest donchian SPY GL RVLV');
    expect(textOf(ack)).toBe('⏳ Backtesting donchian on 3 symbols…');
    expect(buttons(ack).map((b) => b.text)).toEqual(['✖ Cancel']);
    const ackId = ack!.message!.message_id;

    const evs = await until(1, after, (e) => e.filter((x) => x.method === 'sendPhoto').length >= 2);
    const final = edits(evs, ackId).at(-1);
    expect(textOf(final)).toMatch(/^✅ Backtest of donchian on 3 symbols: done/);
    expect(buttons(final)).toEqual([]);
    const summary = evs.find((e) => e.method === 'sendMessage' && /Total return/.test(textOf(e)));
    const s = textOf(summary);
    for (const want of ['Backtest: donchian', 'CAGR', 'Sharpe', 'Max DD', 'Win rate', 'Profit factor', 'Trades', 'vs SPY buy & hold']) expect(s).toContain(want);
    expect(s).not.toContain('DEMO');
    const photos = evs.filter((e) => e.method === 'sendPhoto');
    expect(photos.map((p) => textOf(p))).toEqual([expect.stringMatching(/^Equity and drawdown — donchian vs SPY buy & hold/), expect.stringMatching(/^Monthly returns — donchian/)]);
    expect(photos.indexOf(photos[0]!)).toBeGreaterThanOrEqual(0);
    expect(evs.indexOf(summary!)).toBeLessThan(evs.indexOf(photos[0]!));

    const rows = await db.query(`SELECT status, trade_count, demo, data_source, requested_by, started_at IS NOT NULL AS started FROM backtest_runs`);
    expect(rows.rows).toEqual([{ status: 'done', trade_count: expect.any(Number), demo: false, data_source: 'sample-csv', requested_by: 'telegram:1', started: true }]);
    expect(rows.rows[0].trade_count).toBeGreaterThan(0);
  });

  it('the same request again reuses the stored run instead of recomputing', async () => {
    const after = h.emulator.lastSeq;
    const [ack] = await h.say(1, '/backtest donchian rvlv,gl spy');
    const evs = await until(1, after, (e) => e.filter((x) => x.method === 'sendPhoto').length >= 2);
    expect(textOf(edits(evs, ack!.message!.message_id).at(-1))).toMatch(/already run; here is its stored result/);
    expect(textOf(evs.find((e) => /Total return/.test(textOf(e))))).toMatch(/reused the stored result/);
    const runs = await db.query(`SELECT status FROM backtest_runs`);
    expect(runs.rows).toEqual([{ status: 'done' }]);
  });

  it('bad arguments get the usage line and what was wrong', async () => {
    const [r] = await h.say(1, '/backtest macd SPY');
    expect(textOf(r)).toMatch(/^Usage: \/backtest <donchian\|turtle_soup\|all>/);
    expect(textOf(r)).toMatch(/unknown strategy "macd"/);
    const [d] = await h.say(1, '/backtest donchian SPY 2024-02-30');
    expect(textOf(d)).toMatch(/not a valid YYYY-MM-DD date/);
  });

  it('a second identical request joins the running one; Cancel stops it for both and it is recorded as cancelled', async () => {
    const a1 = h.emulator.lastSeq;
    const [ack1] = await h.say(1, '/backtest all universe');
    expect(textOf(ack1)).toBe('⏳ Backtesting donchian + turtle_soup on the default universe…');
    const a2 = h.emulator.lastSeq;
    const [ack2] = await h.say(2, '/backtest all universe');
    const joined = await until(2, a2, (e) => e.some((x) => x.method === 'editMessageText' && /joined/.test(textOf(x))), 10_000);
    const joinedEdit = joined.find((x) => /joined/.test(textOf(x)))!;
    expect(textOf(joinedEdit)).toMatch(/An identical backtest is already running: you joined it/);
    const cancel = buttons(joinedEdit)[0]!;
    expect(cancel.text).toBe('✖ Cancel');

    // Progress edits may arrive in between: wait for the callback answer itself.
    const beforePress = h.emulator.lastSeq;
    await h.press(2, ack2!.message!.message_id, cancel.callback_data, { count: 0 });
    const pressed = await until(2, beforePress, (e) => e.some((x) => x.method === 'answerCallbackQuery'), 10_000);
    expect(pressed.find((x) => x.method === 'answerCallbackQuery')?.text).toMatch(/Cancelling/);

    const cancelled = /✖ Backtest of donchian \+ turtle_soup on the default universe: cancelled by User2\. Nothing was stored as a result\./;
    await until(1, a1, (e) => edits(e, ack1!.message!.message_id).some((x) => cancelled.test(textOf(x))), 20_000);
    await until(2, a2, (e) => edits(e, ack2!.message!.message_id).some((x) => cancelled.test(textOf(x))), 20_000);

    const rows = await db.query(`SELECT status, error, requested_by FROM backtest_runs WHERE request->'universe'->>'kind' = 'universe'`);
    expect(rows.rows).toEqual([{ status: 'cancelled', error: 'cancelled by User2', requested_by: 'telegram:1' }]);
    // No result message or chart for a cancelled run.
    const after = await h.emulator.events({ chatId: 1, afterSeq: a1 });
    expect(after.some((e) => e.method === 'sendPhoto')).toBe(false);
    // The button is dead now.
    const beforeLate = h.emulator.lastSeq;
    await h.press(1, ack1!.message!.message_id, buttons(ack1)[0]!.callback_data, { count: 0, forged: true });
    const late = await until(1, beforeLate, (e) => e.some((x) => x.method === 'answerCallbackQuery'), 10_000);
    expect(late.find((e) => e.method === 'answerCallbackQuery')?.text).toMatch(/no longer running/);
  });
});
