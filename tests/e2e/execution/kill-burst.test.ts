/**
 * /kill in the middle of a burst of 100 approved executions: after the switch is engaged,
 * nothing reaches the broker.
 *
 * Real bot + worker roles (this process), BROKER=alpaca-paper against the Alpaca trading
 * emulator; quotes come from the Alpaca data emulator through a tap that holds every quote
 * request, so the worker's first executions sit between the first kill-switch check and the
 * order (they passed the check, then wait for the quote) while the rest wait in the queue.
 * The switch is engaged there; then the quotes are let through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlpacaDataEmulator, type AlpacaDataEmulator } from '../../../src/dev/alpaca-data/server.js';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator } from '../../../src/dev/alpaca-trading/server.js';
import { REDIS_URL } from '../../helpers/env.js';
import {
  alpacaPaperEnv, ALPACA_KEY_ID, ALPACA_SECRET, command, count, insertPick, messagesMatching, seedBars, startHttpTap, textOf, until, waitMessage, type HttpTap } from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { probeQueues, type QueueProbe } from '../resilience/support.js';

const USER = 1;
const N = 100;
const CONCURRENCY = 8;

let trading: AlpacaTradingEmulator;
let data: AlpacaDataEmulator;
let tap: HttpTap;
let h: Harness;
let q: QueueProbe;

beforeAll(async () => {
  const quote = { bid: 9.99, ask: 10, bidSize: 1_000_000, askSize: 1_000_000 };
  trading = await startAlpacaTradingEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, cash: 1_000_000, quotes: { BURST: quote } });
  data = await startAlpacaDataEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, quotes: { BURST: quote } });
  tap = await startHttpTap(data.url);
  h = await startHarness({
    mode: 'token',
    roles: ['bot', 'worker'],
    env: {
      TELEGRAM_ALLOWED_USER_IDS: '1:admin',
      ...alpacaPaperEnv(trading.url, tap.url),
      EXEC_PER_ORDER_BUDGET: '5000',
      EXEC_DAILY_BUDGET: '500000',
      WORKER_CONCURRENCY: String(CONCURRENCY),
    },
  });
  q = probeQueues(REDIS_URL, h.prefix);
  await seedBars(h.running.app, { BURST: 10 });
}, 60_000);

afterAll(async () => {
  await q?.close();
  await h?.stop();
  await tap?.close();
  await data?.close();
  await trading?.close();
});

describe('/kill during a burst of queued executions', () => {
  it('100 approvals queued, /kill engaged while the first ones wait for quotes: zero broker orders, every approval refused by the kill switch', async () => {
    const ds = h.running.app.ds;
    const em = h.emulator;
    const picks: string[] = [];
    for (let i = 0; i < N; i++) picks.push(await insertPick(ds, { symbol: 'BURST', entry: 10, stop: 9.5, qty: 10 }));

    tap.hold((_m, path) => path.endsWith('/quotes/latest'));
    const after = em.lastSeq;
    for (const id of picks) em.sendUserMessage({ userId: USER, text: `/approve ${id}`, firstName: 'Admin' });
    await until(`${N} approvals to be acknowledged`, async () => ((await messagesMatching(em, USER, after, /^Approved BURST: placing the order now/)).length >= N ? true : undefined), 30_000, 100);
    expect(await count(ds, `SELECT count(*)::int AS n FROM approvals`)).toBe(N);

    // The worker is busy: every execution slot holds one that passed the first kill-switch check
    // and waits for its quote (WORKER_CONCURRENCY of them); the rest wait in the queue.
    const runs = async (states: ('active' | 'waiting' | 'prioritized')[]) => (await q.queues.executions.getJobs(states)).filter((j) => j.name === 'execution.run').length;
    let last = -1;
    const busy = await until(
      'every busy execution to be waiting for its quote',
      async () => {
        const held = tap.heldCount();
        const stable = held > 0 && held === last && held === (await runs(['active']));
        last = held;
        return stable ? held : undefined;
      },
      20_000,
      300,
    );
    expect(busy).toBeGreaterThanOrEqual(2);
    expect(busy).toBeLessThanOrEqual(CONCURRENCY);
    expect(await runs(['waiting', 'prioritized'])).toBe(N - busy);
    expect(await count(ds, `SELECT count(*)::int AS n FROM orders`)).toBe(0);

    const beforeKill = em.lastSeq;
    em.sendUserMessage({ userId: USER, text: '/kill burst drill', firstName: 'Admin' });
    await waitMessage(em, USER, beforeKill, /KILL SWITCH ON/, 10_000);
    const postsAtKill = trading.requests.filter((r) => r.method === 'POST').length;
    expect(postsAtKill).toBe(0);

    tap.release();
    await until(
      `all ${N} approvals to be refused`,
      async () => ((await count(ds, `SELECT count(*)::int AS n FROM approvals WHERE state IN ('refused', 'filled', 'partially_filled', 'not_filled', 'failed')`)) >= N ? true : undefined),
      60_000,
      200,
    );

    // Nothing reached the broker.
    expect(trading.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    expect(trading.orders()).toHaveLength(0);

    const rows = (await ds.query(`SELECT state, refused_gate, reason, reason_detail FROM approvals`)) as { state: string; refused_gate: string | null; reason: string | null; reason_detail: unknown }[];
    expect(rows.filter((r) => r.state === 'refused' && r.refused_gate === 'kill_switch')).toHaveLength(N);
    // Recorded as a code with its figures (the chat words it: see the refusals below); no stored sentence.
    for (const r of rows) expect(r).toMatchObject({ reason: null, reason_detail: { code: 'kill_switch', order: 'entry', killReason: 'burst drill' } });
    // The executions that were already past the first check had reserved budget and written their
    // order row: the check right before the POST stopped them, closed the row and released the money.
    const orders = (await ds.query(`SELECT state, booked_at, reject_reason, reject_detail FROM orders`)) as { state: string; booked_at: Date | null; reject_reason: string | null; reject_detail: unknown }[];
    expect(orders).toHaveLength(busy);
    for (const o of orders) {
      expect(o.state).toBe('rejected');
      expect(o.booked_at).not.toBeNull();
      expect(o.reject_reason).toBeNull(); // the broker said nothing: the kill switch stopped it first
      expect(o.reject_detail).toEqual({ code: 'kill_switch', order: 'entry', killReason: 'burst drill' });
    }
    expect(Number(((await ds.query(`SELECT COALESCE(SUM(spent), 0) AS s FROM daily_budget`)) as { s: string }[])[0]!.s)).toBe(0);
    expect(await count(ds, `SELECT count(*)::int AS n FROM picks WHERE state = 'FAILED'`)).toBe(N);
    expect(await count(ds, `SELECT count(*)::int AS n FROM positions`)).toBe(0);

    // The chat hears every refusal, and the broker-side proof.
    const proof = await waitMessage(em, USER, beforeKill, /Broker orders cancelled/, 30_000);
    expect(textOf(proof)).toMatch(/open orders now 0/);
    // Each in the words the execution used to store: the chat words the recorded code.
    const refusal = /Not ordered: BURST — refused by the kill switch\nKill switch is ON \(burst drill\): nothing was sent to the broker/;
    await until(`${N} refusals in the chat`, async () => ((await messagesMatching(em, USER, beforeKill, refusal)).length >= N ? true : undefined), 30_000, 200);

    // A further approval is refused at once, by the bot.
    const late = await insertPick(ds, { symbol: 'BURST', entry: 10, qty: 10 });
    await command(h, USER, `/approve ${late}`, /^🛑 Kill switch is ON \(burst drill\): nothing was ordered and the pick stays open/);
    expect(trading.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  }, 150_000);
});
