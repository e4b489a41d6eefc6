/**
 * Issue 12, item 5: an approval left "executing" by a worker killed (kill -9) right after the
 * attempt mark is resolved by ANOTHER worker's recovery pass (Postgres rows, not BullMQ jobs),
 * within EXEC_RESOLVE_AFTER_MS + 60 s, without the killed worker ever coming back:
 *
 *  - the POST never reached the broker (held at a tap in front of the trading emulator, dropped
 *    when the worker died) → failed (`lost_after_crash`), budget released, trader told, card edited;
 *  - the POST reached the broker (emulator `accept_then_timeout`) → booked, ONE broker order;
 *  - both again after FLUSHALL of the (private) Redis, which removes the BullMQ jobs;
 *  - a slow LIVE executor (its POST held, its lock held) is never resolved behind its back.
 *
 * Set-up copied from worker-kill.test.ts: bot role in this process (token mode, Bot API emulator),
 * workers are separate `courtside start --role worker` processes with BROKER=alpaca-paper.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlpacaDataEmulator, type AlpacaDataEmulator } from '../../../src/dev/alpaca-data/server.js';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator } from '../../../src/dev/alpaca-trading/server.js';
import type { Bar } from '../../../src/engine/bars.js';
import {
  alpacaPaperEnv,
  ALPACA_KEY_ID,
  ALPACA_SECRET,
  approvalOf,
  approvalSettled,
  command,
  count,
  execWorkerReady,
  insertPick,
  messagesMatching,
  postCard,
  seedBars,
  sleep,
  spawnExecWorker,
  startHttpTap,
  until,
  waitMessage,
  type ExecWorker,
  type HttpTap,
} from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { startPrivateRedis, type PrivateRedis } from '../../helpers/services.js';

const USER = 1;
const ALLOWED = '1:admin';
const RESOLVE_AFTER_MS = 3_000;
/** The bound: the attempt mark's age limit plus a minute. */
const RESOLVE_BOUND_MS = RESOLVE_AFTER_MS + 60_000;
const QUOTES = { AAA: { bid: 19.99, ask: 20 }, BBB: { bid: 29.99, ask: 30 }, CCC: { bid: 39.99, ask: 40 }, DDD: { bid: 49.99, ask: 50 }, EEE: { bid: 9.99, ask: 10 } } as const;
type Sym = keyof typeof QUOTES;
const QTY = 10;

let trading: AlpacaTradingEmulator;
let data: AlpacaDataEmulator;
let tap: HttpTap;
let redis: PrivateRedis;
let h: Harness;
let bars: Map<string, Bar[]>;
const workers: ExecWorker[] = [];
let brokerEnv: Record<string, string>;

beforeAll(async () => {
  const q = Object.fromEntries(Object.entries(QUOTES).map(([s, v]) => [s, { ...v, bidSize: 100_000, askSize: 100_000 }]));
  trading = await startAlpacaTradingEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, cash: 100_000, fillDelayMs: 200, quotes: q });
  data = await startAlpacaDataEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, quotes: q });
  // Order POSTs go through a tap that can hold them: a held POST never reaches the broker if its worker dies.
  tap = await startHttpTap(trading.url);
  redis = await startPrivateRedis();
  brokerEnv = {
    ...alpacaPaperEnv(tap.url, data.url),
    EXEC_PER_ORDER_BUDGET: '5000',
    EXEC_DAILY_BUDGET: '50000',
    EXEC_WAIT_TIMEOUT_MS: '20000',
    EXEC_RESOLVE_AFTER_MS: String(RESOLVE_AFTER_MS),
    EXEC_RESOLVE_EVERY_MS: '1000',
  };
  h = await startHarness({ mode: 'token', roles: ['bot'], env: { TELEGRAM_ALLOWED_USER_IDS: ALLOWED, REDIS_URL: redis.url, ...brokerEnv } });
  bars = await seedBars(h.running.app, Object.fromEntries(Object.entries(QUOTES).map(([s, v]) => [s, v.ask])));
  // The emulator knows a private chat once its user wrote to the bot: cards can be posted to it after this.
  h.emulator.sendUserMessage({ userId: USER, text: 'hello', firstName: `User${USER}` });
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGKILL').catch(() => undefined)));
  await h?.stop();
  await redis?.dispose();
  await tap?.close();
  await data?.close();
  await trading?.close();
});

function worker(): ExecWorker {
  const w = spawnExecWorker({ dbUrl: h.dbUrl, redisUrl: redis.url, prefix: h.prefix, apiRoot: h.emulator.url, allowed: ALLOWED, env: brokerEnv });
  workers.push(w);
  return w;
}

const posts = (cid: string) => trading.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders' && r.clientOrderId === cid);
const brokerOrders = (cid: string) => trading.orders().filter((o) => o['client_order_id'] === cid);
const ordersPost = (m: string, p: string) => m === 'POST' && p === '/v2/orders';

interface OrderRow {
  client_order_id: string;
  state: string;
  broker_order_id: string | null;
  submit_attempted_at: Date | null;
  booked_at: Date | null;
  budget_date: string;
  reserved_amount: string;
}
async function orderOf(approvalId: string): Promise<OrderRow | undefined> {
  const r = (await h.running.app.ds.query(
    `SELECT client_order_id, state, broker_order_id, submit_attempted_at, booked_at, budget_date::text AS budget_date, reserved_amount FROM orders WHERE approval_id = $1`,
    [approvalId],
  )) as OrderRow[];
  return r[0];
}
async function spent(): Promise<number> {
  const r = (await h.running.app.ds.query(`SELECT coalesce(sum(spent), 0)::float8 AS s FROM daily_budget`)) as { s: number }[];
  return r[0]?.s ?? 0;
}

interface Staged {
  sym: Sym;
  pickId: string;
  approvalId: string;
  cid: string;
  cardMessageId: number;
}

/** Inserts a pick, posts its card (message ref `pick:<id>`), approves it with /approve. */
async function stage(sym: Sym, diag: () => string): Promise<Omit<Staged, 'approvalId' | 'cid'> & { approve(): Promise<Staged> }> {
  const ds = h.running.app.ds;
  const q = QUOTES[sym];
  const pickId = await insertPick(ds, { symbol: sym, entry: q.ask, stop: Math.round(q.ask * 0.95 * 100) / 100, qty: QTY });
  const card = await postCard(h.running.app, h.emulator, USER, pickId, bars.get(sym)!).catch((err: Error) => {
    throw new Error(`the ${sym} card was not posted: ${err.message}\n${diag()}`);
  });
  return {
    sym,
    pickId,
    cardMessageId: card.messageId,
    async approve() {
      await command(h, USER, `/approve ${pickId}`, new RegExp(`^Approved ${sym}: placing the order now`));
      const a = await approvalOf(ds, pickId);
      if (!a) throw new Error(`no approval for ${pickId}`);
      return { sym, pickId, approvalId: a.id, cid: `cs-${a.id}`, cardMessageId: card.messageId };
    },
  };
}

/**
 * One worker takes two approvals to their attempt marks and is killed there:
 * `reached`: the POST reached the broker (the order exists) but its answer never came;
 * `lost`: the POST was held at the tap, so the broker never saw it (dropped when the worker died).
 */
async function killAfterAttemptMarks(reachedSym: Sym, lostSym: Sym): Promise<{ reached: Staged; lost: Staged; killedAt: number; diag: () => string }> {
  const ds = h.running.app.ds;
  const w1 = worker();
  await execWorkerReady(w1, ds);
  const diag = () => `worker 1:\n${w1.output()}\ntrading requests: ${JSON.stringify(trading.requests.map((r) => [r.method, r.path, r.status, r.fault ?? '']))}`;
  const r = await stage(reachedSym, diag);
  const l = await stage(lostSym, diag);

  trading.injectFaults({ kind: 'accept_then_timeout', method: 'POST', path: '/v2/orders' });
  const reached = await r.approve();
  await until('the POST to be accepted and left unanswered', () => (posts(reached.cid)[0]?.fault === 'accept_then_timeout' ? true : undefined), 20_000, 50, diag);

  tap.hold(ordersPost);
  const lost = await l.approve();
  await until('the second POST to be held at the tap', () => (tap.heldCount() >= 1 ? true : undefined), 20_000, 50, diag);

  const exit = await w1.kill('SIGKILL');
  const killedAt = Date.now();
  expect(exit.signal).toBe('SIGKILL');
  // The held POST's client is gone: releasing drops it (the tap forwards only live requests).
  await sleep(300);
  tap.release();

  // Both were cut off right after the attempt mark, neither booked.
  for (const s of [reached, lost]) {
    const o = await orderOf(s.approvalId);
    expect(o, s.sym).toMatchObject({ client_order_id: s.cid, state: 'new', broker_order_id: null, booked_at: null });
    expect(o?.submit_attempted_at, s.sym).not.toBeNull();
    expect((await approvalOf(ds, s.pickId))?.state, s.sym).toBe('executing');
  }
  expect(brokerOrders(reached.cid)).toHaveLength(1);
  expect(brokerOrders(lost.cid)).toHaveLength(0);
  return { reached, lost, killedAt, diag };
}

/** What the issue requires once a second worker ran: booked once / failed with the budget released and the trader told. */
async function expectResolved(reached: Staged, lost: Staged, killedAt: number, budgetBefore: number, opts: { cardKnown: boolean; afterSeq: number; diag: () => string }): Promise<void> {
  const ds = h.running.app.ds;
  const em = h.emulator;
  const a = await approvalSettled(ds, reached.pickId, RESOLVE_BOUND_MS - (Date.now() - killedAt), undefined, opts.diag);
  expect(a.state).toBe('filled');
  const b = await approvalSettled(ds, lost.pickId, RESOLVE_BOUND_MS - (Date.now() - killedAt), undefined, opts.diag);
  expect(b.state).toBe('failed');
  expect(b.reason_detail).toMatchObject({ code: 'lost_after_crash', markedBy: null });
  expect(typeof b.reason_detail?.['attemptedAt']).toBe('string');

  // Never a second POST; the lost one never reached the broker at all.
  expect(posts(reached.cid)).toHaveLength(1);
  expect(brokerOrders(reached.cid)).toHaveLength(1);
  expect(brokerOrders(lost.cid)).toHaveLength(0);
  expect(await orderOf(reached.approvalId)).toMatchObject({ state: 'filled' });
  const lostRow = await orderOf(lost.approvalId);
  expect(lostRow?.booked_at).not.toBeNull();
  expect(lostRow?.state).toBe('rejected');
  expect(await count(ds, `SELECT count(*)::int AS n FROM fills f JOIN orders o ON o.id = f.order_id WHERE o.approval_id = $1`, [reached.approvalId])).toBe(1);

  // Budget: the filled one is spent, the lost one's reservation is released.
  expect(await spent()).toBeCloseTo(budgetBefore + QTY * QUOTES[reached.sym].ask, 6);

  // Audited.
  expect(await count(ds, `SELECT count(*)::int AS n FROM audit_log WHERE payload->>'action' = 'execution.lost_after_crash' AND payload->>'approvalId' = $1`, [lost.approvalId])).toBe(1);

  // The trader is told, once, in their chat; the card no longer says "placing order…".
  await waitMessage(em, USER, opts.afterSeq, new RegExp(`Bought ${reached.sym}`), 30_000);
  const told = await until(
    `the trader to be told about ${lost.sym}`,
    async () => {
      const evs = await em.events({ chatId: USER, afterSeq: opts.afterSeq, limit: 10_000 });
      const hits = evs.filter((e) => /worker stopped \(crash\)/.test(JSON.stringify(e)) && JSON.stringify(e).includes(`${lost.sym} order`));
      return hits.length > 0 ? hits : undefined;
    },
    30_000,
    200,
    opts.diag,
  );
  expect(told.length).toBeGreaterThan(0);
  if (opts.cardKnown) {
    const edits = (await em.events({ chatId: USER, afterSeq: opts.afterSeq, limit: 10_000 })).filter(
      (e) => e.method.startsWith('editMessage') && e.message_id === lost.cardMessageId,
    );
    expect(edits.length, JSON.stringify(told)).toBeGreaterThan(0);
  }
  await sleep(1_500);
  expect(await messagesMatching(em, USER, opts.afterSeq, new RegExp(`Bought ${reached.sym}`))).toHaveLength(1);
}

describe('approvals stuck in "executing" after a kill -9 right after the attempt mark', () => {
  it('a second worker resolves them: POST reached → booked once; POST lost → failed, budget released, trader told, card edited', async () => {
    const ds = h.running.app.ds;
    const budgetBefore = await spent();
    const afterSeq = h.emulator.lastSeq;
    const { reached, lost, killedAt, diag } = await killAfterAttemptMarks('AAA', 'BBB');
    const w2 = worker();
    await execWorkerReady(w2, ds);
    await expectResolved(reached, lost, killedAt, budgetBefore, { cardKnown: true, afterSeq, diag: () => `${diag()}\nworker 2:\n${w2.output()}` });
    expect(w2.alive, w2.output()).toBe(true);
    await w2.kill('SIGTERM');
  }, 150_000);

  it('after FLUSHALL of Redis (the BullMQ jobs are gone) the pass still resolves both from Postgres', async () => {
    const ds = h.running.app.ds;
    const budgetBefore = await spent();
    const afterSeq = h.emulator.lastSeq;
    const { reached, lost, killedAt, diag } = await killAfterAttemptMarks('CCC', 'DDD');
    const r = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      await r.flushall();
    } finally {
      r.disconnect();
    }
    const w2 = worker();
    await execWorkerReady(w2, ds);
    // The card's message ref lived in Redis: only the chat message can be checked now.
    await expectResolved(reached, lost, killedAt, budgetBefore, { cardKnown: false, afterSeq, diag: () => `${diag()}\nworker 2:\n${w2.output()}` });
    await w2.kill('SIGTERM');
  }, 150_000);

  it('a slow LIVE executor holding the approval lock is never resolved behind its back', async () => {
    const ds = h.running.app.ds;
    // Two workers: whichever runs the job, the other's pass (and its own) sees an ageing mark.
    const w3 = worker();
    const w4 = worker();
    await Promise.all([execWorkerReady(w3, ds), execWorkerReady(w4, ds)]);
    const diag = () => `worker 3:\n${w3.output()}\nworker 4:\n${w4.output()}`;
    const st = await stage('EEE', diag);
    tap.hold(ordersPost);
    const s = await st.approve();
    await until('the POST to be held at the tap', () => (tap.heldCount() >= 1 ? true : undefined), 20_000, 50, diag);
    const o = await orderOf(s.approvalId);
    expect(o?.submit_attempted_at).not.toBeNull();
    // The POST hangs (under the adapter's 10 s submit timeout) while the mark ages past
    // EXEC_RESOLVE_AFTER_MS several times over and the passes run every second.
    const heldUntil = Date.now() + RESOLVE_AFTER_MS * 2 + 1_500;
    while (Date.now() < heldUntil) {
      expect((await approvalOf(ds, s.pickId))?.state).toBe('executing');
      expect((await orderOf(s.approvalId))?.booked_at).toBeNull();
      await sleep(250);
    }
    tap.release();
    const a = await approvalSettled(ds, s.pickId, 40_000, undefined, diag);
    expect(a.state).toBe('filled');
    expect(posts(s.cid)).toHaveLength(1);
    expect(brokerOrders(s.cid)).toHaveLength(1);
    expect(await count(ds, `SELECT count(*)::int AS n FROM audit_log WHERE payload->>'action' = 'execution.lost_after_crash' AND payload->>'approvalId' = $1`, [s.approvalId])).toBe(0);
    await Promise.all([w3.kill('SIGTERM'), w4.kill('SIGTERM')]);
  }, 90_000);
});
