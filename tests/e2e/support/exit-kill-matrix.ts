/**
 * The kill -9 matrix of a sell (not a test file itself), shared by the stop exit, flatten
 * (tests/e2e/execution/worker-kill-exits.test.ts) and /close (tests/e2e/close/worker-kill-close.test.ts).
 *
 * A job that sells positions is stopped dead — the execution worker PROCESS is killed — at each
 * step of its sell order, one step per round (one position per round), and a new worker process
 * takes the stalled job over; the worker that recovers a round serves the next one:
 *  A. before submit: the job waits for the live quote (the tap holds the data API request);
 *  B. after submit, before our DB learned the answer: the POST reached the broker, which
 *     created the order, but the answer never comes (emulator `accept_then_timeout`);
 *  C. while polling: the order is accepted (`pending_new`, filled 8 s later) and the worker
 *     polls it in waitForTerminal.
 * BullMQ hands a stalled job to the new worker once the dead one's lock (30 s) has expired and
 * a stalled check (every 15 s) has seen it, so each round takes ~30–60 s.
 */
import { beforeAll, expect } from 'vitest';
import { AlpacaBroker } from '../../../src/adapters/brokers/alpaca/alpaca-broker.js';
import { ALPACA_KEY_ID, ALPACA_SECRET, command, messagesMatching, sleep, until, waitMessage, type ExecWorker } from '../../helpers/execution.js';
import { brokerWorkersPerFile, deep, ORDER_ROW_COLUMNS, type BrokerWorkers, type OrderRow } from './broker-workers.js';

/** The test user (an admin; chat id = user id). */
export const USER = 1;
export const QTY = 50;
export const COST = 20;
export const STOP = 19;
/** Above the stop: the position holds. */
export const HOLD = { bid: 19.99, ask: 20 };
/** At or below the stop: the stop exit is due; a sell executes at the bid. */
export const FALLEN = { bid: 18, ask: 18.01 };

/** Where the worker is killed, in the order the rounds run. */
export type Step = 'before submit' | 'after submit' | 'while polling';
export const STEPS: readonly Step[] = ['before submit', 'after submit', 'while polling'];

/** How a file's job is started in each round. */
export interface RoundJob {
  /** Runs before the round arms its step (e.g. the one position a flatten will find). */
  before?: (symbol: string, i: number) => Promise<void>;
  /** Enqueues the job that sells `symbol` (the i-th round); returns its BullMQ job id. */
  start: (symbol: string, i: number) => Promise<string>;
}

/** The matrix's stage and steps; see the module comment. */
export interface ExitKillMatrix {
  /** Emulators, harness, queue probe and worker processes. */
  readonly stage: BrokerWorkers;
  /** Sets the quote at both emulators. */
  quote(symbol: string, q: { bid: number; ask: number }): void;
  /** A position as an executed entry leaves it: held at the broker and in our books, with its stop. */
  hold(symbol: string): Promise<void>;
  /** The exit orders for `symbol`, oldest first. */
  exitOrders(symbol: string): Promise<OrderRow[]>;
  /**
   * Starts a worker, then runs one round per step (symbols[i] at STEPS[i]): the job is started,
   * stopped dead at its step, checked to be cut off there, and taken over by a fresh worker;
   * afterwards there is one broker order, posted once, booked once, and the position is closed
   * on both sides at FALLEN.bid. Returns the worker that recovered the last round.
   */
  killAtEachStep(symbols: readonly string[], job: RoundJob): Promise<ExecWorker>;
  /** After the rounds: the broker holds none of `symbols`, and exactly one `line(symbol)` per position reached the chat. */
  settled(symbols: readonly string[], after: number, line: (s: string) => RegExp, w: ExecWorker): Promise<void>;
}

/**
 * Registers the file's stage (see brokerWorkersPerFile) for sells at any hour, and opens the
 * test user's chat. Call it at the top of a test file.
 */
export function exitKillMatrixPerFile(): ExitKillMatrix {
  const stage = brokerWorkersPerFile({
    env: {
      EXEC_WAIT_TIMEOUT_MS: '60000',
      // Stop exits and closes run whenever the test runs, not only in a New York session.
      EXIT_REQUIRE_OPEN_SESSION: 'false',
    },
  });
  const quote = (symbol: string, q: { bid: number; ask: number }): void => {
    stage.data.setQuote(symbol, deep(q));
    stage.trading.setQuote(symbol, deep(q));
  };

  const hold = async (symbol: string): Promise<void> => {
    quote(symbol, HOLD);
    stage.trading.setPosition(symbol, QTY, COST);
    await stage.h.running.app.ds.query(
      `INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop, time_stop_date, updated_at) VALUES ($1, 'donchian', $2, $3, now(), $4, NULL, now())`,
      [symbol, QTY, COST, STOP],
    );
  };

  const exitOrders = async (symbol: string): Promise<OrderRow[]> =>
    (await stage.h.running.app.ds.query(
      `SELECT ${ORDER_ROW_COLUMNS} FROM orders WHERE kind = 'exit' AND symbol = $1 ORDER BY created_at`,
      [symbol],
    )) as OrderRow[];

  const brokerSells = (symbol: string) => stage.trading.orders().filter((o) => o['symbol'] === symbol && o['side'] === 'sell');

  /** One round: see killAtEachStep. */
  async function round(cur: ExecWorker, symbol: string, step: Step, start: () => Promise<string>): Promise<ExecWorker> {
    const { tap, trading, q, posts, lookups } = stage;
    const ds = stage.h.running.app.ds;
    const diag = () => `worker:\n${cur.output()}\ntrading requests: ${stage.requestLog()}`;
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
    const w = await stage.readyWorker();
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

  const killAtEachStep = async (symbols: readonly string[], job: RoundJob): Promise<ExecWorker> => {
    if (symbols.length !== STEPS.length) throw new Error(`killAtEachStep needs one symbol per step (${STEPS.join(', ')}), got ${symbols.length}`);
    let w = await stage.readyWorker();
    for (const [i, step] of STEPS.entries()) {
      const symbol = symbols[i]!;
      await job.before?.(symbol, i);
      w = await round(w, symbol, step, () => job.start(symbol, i));
    }
    return w;
  };

  const settled = async (symbols: readonly string[], after: number, line: (s: string) => RegExp, w: ExecWorker): Promise<void> => {
    const { h, q } = stage;
    const broker = new AlpacaBroker({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, baseUrl: stage.trading.url });
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
  };

  // Telegram delivers to a private chat only after its user wrote to the bot (runs after the stage's beforeAll).
  beforeAll(async () => {
    await command(stage.h, USER, '/help', /./);
  });
  return { stage, quote, hold, exitOrders, killAtEachStep, settled };
}
