/**
 * The kill -9 matrix of worker-kill-exits.test.ts, run against `/close` (issue 13, item 1): a
 * confirmed close job (`execution.close`) is stopped dead at each step of its sell order — the
 * execution worker PROCESS is killed — and a new worker process takes the stalled job over.
 * Afterwards there is exactly one broker order per close (one POST, never re-sent), booked once,
 * the position closed on both sides, and one confirmation in the chat.
 *
 *  A. before submit: the job waits for the live quote (the tap holds the data API request);
 *  B. after submit, before our DB learned the answer: the POST reached the broker, which
 *     created the order, but the answer never comes (emulator `accept_then_timeout`);
 *  C. while polling: the order is accepted (`pending_new`, filled 8 s later) and the worker
 *     polls it in waitForTerminal.
 * BullMQ hands a stalled job to the new worker once the dead one's lock (30 s) has expired and
 * a stalled check (every 15 s) has seen it, so each round takes ~30–60 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlpacaBroker } from '../../../src/adapters/brokers/alpaca/alpaca-broker.js';
import { startAlpacaDataEmulator, type AlpacaDataEmulator } from '../../../src/dev/alpaca-data/server.js';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator } from '../../../src/dev/alpaca-trading/server.js';
import { REDIS_URL } from '../../helpers/env.js';
import { alpacaPaperEnv, ALPACA_KEY_ID, ALPACA_SECRET, command, messagesMatching, sleep, spawnExecWorker, startHttpTap, until, waitMessage, execWorkerReady, type ExecWorker, type HttpTap } from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { probeQueues, type QueueProbe } from '../resilience/support.js';
import { nyLocalParts } from '../../../src/engine/calendar/index.js';

const USER = 1;
const ALLOWED = '1:admin';
const QTY = 50;
const COST = 20;
const STOP = 19;
/** Above the stop: the position holds. */
const HOLD = { bid: 19.99, ask: 20 };
/** At or below the stop: the stop exit is due; the sell executes at the bid. */
const FALLEN = { bid: 18, ask: 18.01 };
const DEEP = { bidSize: 100_000, askSize: 100_000 };

let trading: AlpacaTradingEmulator;
let data: AlpacaDataEmulator;
let tap: HttpTap;
let h: Harness;
let q: QueueProbe;
const workers: ExecWorker[] = [];
let brokerEnv: Record<string, string>;

beforeAll(async () => {
  trading = await startAlpacaTradingEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, cash: 100_000, fillDelayMs: 8_000 });
  data = await startAlpacaDataEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET });
  tap = await startHttpTap(data.url);
  brokerEnv = {
    ...alpacaPaperEnv(trading.url, tap.url),
    EXEC_WAIT_TIMEOUT_MS: '60000',
    // The close (like the stop exits) runs whenever the test runs, not only in a New York session.
    EXIT_REQUIRE_OPEN_SESSION: 'false',
  };
  h = await startHarness({ mode: 'token', roles: ['bot'], env: { TELEGRAM_ALLOWED_USER_IDS: ALLOWED, ...brokerEnv } });
  q = probeQueues(REDIS_URL, h.prefix);
  // Telegram delivers to a private chat only after its user wrote to the bot.
  await command(h, USER, '/help', /./);
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGKILL').catch(() => undefined)));
  await q?.close();
  await h?.stop();
  await tap?.close();
  await data?.close();
  await trading?.close();
});

function worker(): ExecWorker {
  const w = spawnExecWorker({ dbUrl: h.dbUrl, redisUrl: REDIS_URL, prefix: h.prefix, apiRoot: h.emulator.url, allowed: ALLOWED, env: brokerEnv });
  workers.push(w);
  return w;
}

function quote(symbol: string, q: { bid: number; ask: number }): void {
  data.setQuote(symbol, { ...q, ...DEEP });
  trading.setQuote(symbol, { ...q, ...DEEP });
}

/** A position as an executed entry leaves it: held at the broker and in our books, with its stop. */
async function hold(symbol: string): Promise<void> {
  quote(symbol, HOLD);
  trading.setPosition(symbol, QTY, COST);
  await h.running.app.ds.query(
    `INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop, time_stop_date, updated_at) VALUES ($1, 'donchian', $2, $3, now(), $4, NULL, now())`,
    [symbol, QTY, COST, STOP],
  );
}

interface ExitRow {
  client_order_id: string;
  state: string;
  broker_order_id: string | null;
  submit_attempted_at: Date | null;
  booked_at: Date | null;
  filled_qty: number;
}
async function exitOrders(symbol: string): Promise<ExitRow[]> {
  return (await h.running.app.ds.query(
    `SELECT client_order_id, state, broker_order_id, submit_attempted_at, booked_at, filled_qty FROM orders WHERE kind = 'exit' AND symbol = $1 ORDER BY created_at`,
    [symbol],
  )) as ExitRow[];
}

const posts = (cid: string) => trading.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders' && r.clientOrderId === cid);
const lookups = (cid: string) => trading.requests.filter((r) => r.method === 'GET' && r.path === '/v2/orders:by_client_order_id' && r.query['client_order_id'] === cid);
const brokerSells = (symbol: string) => trading.orders().filter((o) => o['symbol'] === symbol && o['side'] === 'sell');

type Step = 'before submit' | 'after submit' | 'while polling';

/**
 * One round: the position's exit is made due, the job is started and stopped dead at `step`
 * (kill -9 of the worker process), then `next` (a fresh worker) takes the job over. Checks
 * that the kill really cut the order off at that step, and that afterwards there is one
 * broker order, booked once, the position closed on both sides.
 */
async function round(cur: ExecWorker, next: () => Promise<ExecWorker>, symbol: string, step: Step, start: () => Promise<string>): Promise<ExecWorker> {
  const ds = h.running.app.ds;
  const diag = () => `worker:\n${cur.output()}\ntrading requests: ${JSON.stringify(trading.requests.map((r) => [r.method, r.path, r.status, r.fault ?? '', r.clientOrderId ?? '']))}`;
  if (step === 'before submit') tap.hold((_m, path) => path.includes(`/${symbol}/`));
  if (step === 'after submit') trading.injectFaults({ kind: 'accept_then_timeout', method: 'POST', path: '/v2/orders' });
  const jobId = await start();

  if (step === 'before submit') {
    await until(`the ${symbol} quote request to be held`, () => (tap.heldCount() >= 1 ? true : undefined), 20_000, 50, diag);
  } else {
    const cid = await until(`the ${symbol} exit order to be written`, async () => (await exitOrders(symbol))[0]?.client_order_id, 20_000, 50, diag);
    if (step === 'after submit') await until(`the ${symbol} POST to be accepted and left unanswered`, () => (posts(cid)[0]?.fault === 'accept_then_timeout' ? true : undefined), 20_000, 50, diag);
    else await until(`the ${symbol} exit order to be polled after its POST was answered`, () => (posts(cid)[0]?.status === 200 && lookups(cid).length >= 1 ? true : undefined), 20_000, 50, diag);
  }
  const exit = await cur.kill('SIGKILL');
  expect(exit.signal).toBe('SIGKILL');

  // The order really was cut off at this step.
  const rows = await exitOrders(symbol);
  if (step === 'before submit') {
    expect(rows).toEqual([]);
    expect(brokerSells(symbol)).toEqual([]);
  } else if (step === 'after submit') {
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'new', broker_order_id: null, booked_at: null });
    expect(rows[0]!.submit_attempted_at).not.toBeNull();
    expect(posts(rows[0]!.client_order_id)[0]?.status).toBeNull();
    expect(brokerSells(symbol)).toHaveLength(1);
  } else {
    expect(rows).toHaveLength(1);
    expect(rows[0]!.broker_order_id).not.toBeNull();
    expect(rows[0]!.booked_at).toBeNull();
    expect(rows[0]!.filled_qty).toBe(0);
  }
  expect(await q.state('executions', jobId)).toBe('active');

  tap.release();
  const w = await next();
  const diag2 = () => `${diag()}\nnext worker:\n${w.output()}`;
  await until(`the stalled job ${jobId} to complete on the new worker`, async () => ((await q.state('executions', jobId)) === 'completed' ? true : undefined), 100_000, 200, diag2);

  // One broker order and one POST, booked once; the position is closed on both sides.
  const after = await exitOrders(symbol);
  expect(after, diag2()).toHaveLength(1);
  expect(after[0]).toMatchObject({ state: 'filled', filled_qty: QTY });
  expect(after[0]!.booked_at).not.toBeNull();
  expect(posts(after[0]!.client_order_id)).toHaveLength(1);
  expect(brokerSells(symbol).map((o) => [o['client_order_id'], o['status']])).toEqual([[after[0]!.client_order_id, 'filled']]);
  expect((await ds.query(`SELECT count(*)::int AS n FROM fills WHERE symbol = $1 AND side = 'sell'`, [symbol]))[0].n).toBe(1);
  expect(await ds.query(`SELECT qty, realized_pnl::float8 AS pnl FROM positions WHERE symbol = $1`, [symbol])).toEqual([{ qty: 0, pnl: (FALLEN.bid - COST) * QTY }]);
  return w;
}

/** After the rounds: the broker holds nothing, and exactly one sale line per position reached the chat. */
async function settled(symbols: string[], after: number, line: (s: string) => RegExp, w: ExecWorker): Promise<void> {
  const broker = new AlpacaBroker({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, baseUrl: trading.url });
  expect((await broker.listPositions()).filter((p) => symbols.includes(p.symbol))).toEqual([]);
  for (const s of symbols) {
    await waitMessage(h.emulator, USER, after, line(s), 20_000).catch(async (e: Error) => {
      const failed = (await q.queues.notify.getFailed()).map((j) => `${j.id}: ${j.failedReason}`);
      const counts = await q.counts('notify');
      throw new Error(`${e.message}\nnotify failed: ${failed.join('; ')}\nnotify counts: ${JSON.stringify(counts)}\nworker:\n${w.output()}`);
    });
  }
  // Quiescence: the last round's job is complete; give its notify job a moment before counting.
  await sleep(500);
  for (const s of symbols) expect(await messagesMatching(h.emulator, USER, after, line(s)), s).toHaveLength(1);
}

describe('kill -9 of the execution worker process during a /close', () => {
  it('a close killed before submit, after submit (answer lost) and while polling: one broker order per close, positions closed', async () => {
    const ds = h.running.app.ds;
    const after = h.emulator.lastSeq;
    const symbols = ['CKA', 'CKB', 'CKC'];
    for (const s of symbols) await hold(s);
    let w = worker();
    await execWorkerReady(w, ds);
    const steps: Step[] = ['before submit', 'after submit', 'while polling'];
    for (const [i, step] of steps.entries()) {
      const symbol = symbols[i]!;
      w = await round(
        w,
        async () => {
          const n = worker();
          await execWorkerReady(n, ds);
          return n;
        },
        symbol,
        step,
        async () => {
          quote(symbol, FALLEN);
          // What the Confirm button enqueues: the spent token fixes the order's client id; the kill epoch it was confirmed at.
          const requestId = `e2e-token-${symbol}`;
          const jobId = `close-${requestId}`;
          const epoch = (await h.running.app.killSwitch.state()).epoch ?? 0;
          await h.running.app.jobs.add(
            'execution.close',
            { updateId: 950 + i, chatId: USER, userId: USER, role: 'trader', symbol, strategy: 'donchian', qty: QTY, requestId, day: nyLocalParts(Date.now()).date, epoch, underKill: false },
            { jobId },
          );
          return jobId;
        },
      );
    }
    await settled(symbols, after, (s) => new RegExp(`Closed ${QTY} ${s}`), w);
    expect(w.alive, w.output()).toBe(true);
    expect(await w.kill('SIGTERM'), w.output()).toEqual({ code: 0, signal: null });
  }, 330_000);
});
