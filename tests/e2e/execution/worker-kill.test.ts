/**
 * kill -9 of the execution worker PROCESS at three steps of three approvals at once, then a
 * new worker process: still exactly one broker order per approval and the right positions.
 *
 * The bot role runs in this test process (token mode, Bot API emulator); workers are separate
 * `courtside start --role worker` processes with BROKER=alpaca-paper pointed at the Alpaca
 * trading emulator and (through a tap that can hold requests) the Alpaca data emulator.
 *
 * One worker lifetime holds all three approvals, each stuck at a different step when it dies:
 *  A. before submit: waiting for the live quote (the tap holds the data API request);
 *  B. after submit, before our DB learned the answer: the POST reached the broker, which
 *     created the order, but the answer never comes (emulator `accept_then_timeout`);
 *  C. while polling: the order is accepted (`pending_new`, the emulator fills it 8 s later)
 *     and the worker is polling it in waitForTerminal.
 * BullMQ hands the stalled jobs to the new worker once the dead one's lock (30 s) has expired
 * and a stalled check (every 15 s) has seen them, so this takes ~30–60 s.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AlpacaBroker } from '../../../src/adapters/brokers/alpaca/alpaca-broker.js';
import { ALPACA_KEY_ID, ALPACA_SECRET, approvalOf, approvalSettled, command, count, insertPick, messagesMatching, seedBars, sleep, until, waitMessage } from '../../helpers/execution.js';
import { brokerWorkersPerFile, ORDER_ROW_COLUMNS, type OrderRow } from '../support/broker-workers.js';

const USER = 1;
const QUOTES = { AAA: { bid: 19.99, ask: 20 }, BBB: { bid: 29.99, ask: 30 }, CCC: { bid: 39.99, ask: 40 } } as const;
const QTY = { AAA: 50, BBB: 40, CCC: 30 } as const;

const stage = brokerWorkersPerFile({
  quotes: QUOTES,
  env: { EXEC_PER_ORDER_BUDGET: '5000', EXEC_DAILY_BUDGET: '50000', EXEC_WAIT_TIMEOUT_MS: '60000' },
});
const { posts, lookups } = stage;

beforeAll(async () => {
  // Stored bars only feed the LiquidityGate's average dollar volume; quotes are live (emulator).
  await seedBars(stage.h.running.app, { AAA: 20, BBB: 30, CCC: 40 });
});

async function orderOf(approvalId: string): Promise<OrderRow | undefined> {
  const r = (await stage.h.running.app.ds.query(`SELECT ${ORDER_ROW_COLUMNS} FROM orders WHERE approval_id = $1`, [approvalId])) as OrderRow[];
  return r[0];
}

async function approve(pickId: string, symbol: string): Promise<string> {
  await command(stage.h, USER, `/approve ${pickId}`, new RegExp(`^Approved ${symbol}: placing the order now`));
  const a = await approvalOf(stage.h.running.app.ds, pickId);
  if (!a) throw new Error(`no approval for ${pickId}`);
  return a.id;
}

describe('kill -9 of the execution worker process', () => {
  it('killed before submit, after submit (answer lost) and while polling: the restarted worker ends with ONE broker order per approval and the right positions', async () => {
    const { h, trading, tap, q } = stage;
    const ds = h.running.app.ds;
    const em = h.emulator;
    const w1 = await stage.readyWorker();
    const after = em.lastSeq;
    const picks = {
      AAA: await insertPick(ds, { symbol: 'AAA', entry: 20, stop: 19, qty: QTY.AAA }),
      BBB: await insertPick(ds, { symbol: 'BBB', entry: 30, stop: 28.5, qty: QTY.BBB }),
      CCC: await insertPick(ds, { symbol: 'CCC', entry: 40, stop: 38, qty: QTY.CCC }),
    };
    const diag = () => `worker 1:\n${w1.output()}\ntrading requests: ${stage.requestLog()}`;

    // A: the quote request is held at the tap: the job waits before any order row exists.
    tap.hold((_m, path) => path.includes('/AAA/'));
    const approvalA = await approve(picks.AAA, 'AAA');
    await until('the AAA quote request to be held', () => (tap.heldCount() >= 1 ? true : undefined), 20_000, 50, diag);

    // C: submitted and acknowledged (pending_new); the worker polls it.
    const approvalC = await approve(picks.CCC, 'CCC');
    const cidC = `cs-${approvalC}`;
    await until('CCC to be polled after its POST was answered', () => (posts(cidC)[0]?.status === 200 && lookups(cidC).length >= 1 ? true : undefined), 20_000, 50, diag);

    // B: the POST reaches the broker (the order is created) but its answer never comes back.
    trading.injectFaults({ kind: 'accept_then_timeout', method: 'POST', path: '/v2/orders' });
    const approvalB = await approve(picks.BBB, 'BBB');
    const cidB = `cs-${approvalB}`;
    await until('the BBB POST to be accepted and left unanswered', () => (posts(cidB)[0]?.fault === 'accept_then_timeout' ? true : undefined), 20_000, 50, diag);

    const exit = await w1.kill('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');

    // Each approval really was cut off at its step.
    expect(await orderOf(approvalA)).toBeUndefined();
    expect((await approvalOf(ds, picks.AAA))?.state).toBe('approved');
    const b = await orderOf(approvalB);
    expect(b).toMatchObject({ client_order_id: cidB, state: 'new', broker_order_id: null, booked_at: null });
    expect(b?.submit_attempted_at).not.toBeNull();
    expect(posts(cidB)[0]?.status).toBeNull();
    const c = await orderOf(approvalC);
    expect(c?.broker_order_id).not.toBeNull();
    expect(c?.booked_at).toBeNull();
    expect(c?.filled_qty).toBe(0);
    for (const id of [approvalA, approvalB, approvalC]) expect(await q.state('executions', `exec-${id}`)).toBe('active');
    expect(trading.orders().map((o) => o['client_order_id']).sort()).toEqual([cidB, cidC].sort());

    tap.release();
    const w2 = await stage.readyWorker();
    const diag2 = () => `${diag()}\nworker 2:\n${w2.output()}`;
    for (const [sym, pickId] of Object.entries(picks)) {
      const a = await approvalSettled(ds, pickId, 100_000, undefined, diag2);
      expect(a.state, sym).toBe('filled');
    }

    // Exactly one broker order and one POST per approval, whatever the kill interrupted.
    const ids = { AAA: `cs-${approvalA}`, BBB: cidB, CCC: cidC };
    expect(trading.orders().map((o) => o['client_order_id']).sort()).toEqual(Object.values(ids).sort());
    for (const [sym, cid] of Object.entries(ids)) expect(posts(cid), sym).toHaveLength(1);
    expect(trading.orders().every((o) => o['status'] === 'filled')).toBe(true);

    // Booked once: one order row and one fill each; positions match the broker's.
    expect(await count(ds, `SELECT count(*)::int AS n FROM orders WHERE booked_at IS NOT NULL AND state = 'filled'`)).toBe(3);
    expect(await count(ds, `SELECT count(*)::int AS n FROM fills`)).toBe(3);
    const ours = (await ds.query(`SELECT symbol, qty, avg_cost::float8 AS avg FROM positions ORDER BY symbol`)) as { symbol: string; qty: number; avg: number }[];
    expect(ours).toEqual([
      { symbol: 'AAA', qty: QTY.AAA, avg: QUOTES.AAA.ask },
      { symbol: 'BBB', qty: QTY.BBB, avg: QUOTES.BBB.ask },
      { symbol: 'CCC', qty: QTY.CCC, avg: QUOTES.CCC.ask },
    ]);
    const broker = new AlpacaBroker({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, baseUrl: trading.url });
    const theirs = (await broker.listPositions()).map((p) => ({ symbol: p.symbol, qty: p.qty, avg: p.avgEntryPrice })).sort((x, y) => x.symbol.localeCompare(y.symbol));
    expect(theirs).toEqual(ours);
    const spent = Number(((await ds.query(`SELECT spent FROM daily_budget`)) as { spent: string }[])[0]!.spent);
    expect(spent).toBeCloseTo(QTY.AAA * 20 + QTY.BBB * 30 + QTY.CCC * 40, 6);

    // One confirmation per fill reached the chat.
    for (const sym of Object.keys(picks)) await waitMessage(em, USER, after, new RegExp(`Bought ${sym}`), 20_000);
    await sleep(500);
    for (const sym of Object.keys(picks)) expect(await messagesMatching(em, USER, after, new RegExp(`Bought ${sym}`)), sym).toHaveLength(1);
    expect(w2.alive, w2.output()).toBe(true);
    const stop = await w2.kill('SIGTERM');
    expect(stop, w2.output()).toEqual({ code: 0, signal: null });
  }, 170_000);
});
