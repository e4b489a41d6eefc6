/**
 * The stage of the kill -9 tests (not a test file itself): the bot role in this test process
 * (token mode, Bot API emulator) and execution workers as separate `courtside start --role worker`
 * processes, with BROKER=alpaca-paper pointed at the Alpaca trading emulator and — through a tap
 * that can hold requests — the Alpaca data emulator.
 */
import { afterAll, beforeAll } from 'vitest';
import { startAlpacaDataEmulator, type AlpacaDataEmulator, type AlpacaEmulatorQuote } from '../../../src/dev/alpaca-data/server.js';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator, type AlpacaTradingEmulatorOptions, type AlpacaTradingRecordedRequest } from '../../../src/dev/alpaca-trading/server.js';
import { REDIS_URL } from '../../helpers/env.js';
import { alpacaPaperEnv, ALPACA_KEY_ID, ALPACA_SECRET, execWorkerReady, spawnExecWorker, startHttpTap, type ExecWorker, type HttpTap } from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { probeQueues, type QueueProbe } from '../resilience/support.js';

/** TELEGRAM_ALLOWED_USER_IDS of the stage: the test user (id 1, its chat id too) is an admin. */
export const ALLOWED = '1:admin';

/** What differs between the files that use the stage. */
export interface BrokerWorkersOptions {
  /** Quotes both emulators start with (deep: 100 000 shares each side). */
  quotes?: Record<string, { bid: number; ask: number }>;
  /** More settings for the bot and every worker (EXEC_*, EXIT_*), after the broker's. */
  env: Record<string, string>;
  /** More options of the trading emulator (e.g. its rate limit). */
  emulator?: Partial<AlpacaTradingEmulatorOptions>;
}

/** The running stage; its parts exist once the file's beforeAll has run. */
export interface BrokerWorkers {
  readonly trading: AlpacaTradingEmulator;
  readonly data: AlpacaDataEmulator;
  readonly tap: HttpTap;
  readonly h: Harness;
  readonly q: QueueProbe;
  /** A new worker process (SIGKILLed after the file if still alive). */
  worker(): ExecWorker;
  /** A new worker process whose role has started (its heartbeat is in the database). */
  readyWorker(): Promise<ExecWorker>;
  /** The order POSTs the broker saw for one client order id. */
  posts(cid: string): AlpacaTradingRecordedRequest[];
  /** The lookups by client order id the broker saw for one client order id. */
  lookups(cid: string): AlpacaTradingRecordedRequest[];
  /** The broker's requests on one line, for failure messages. */
  requestLog(): string;
}

/** An order row as the kill tests read it: where the order's life stopped. */
export interface OrderRow {
  client_order_id: string;
  state: string;
  broker_order_id: string | null;
  submit_attempted_at: Date | null;
  booked_at: Date | null;
  filled_qty: number;
}

/** The columns of {@link OrderRow}, for `SELECT ${ORDER_ROW_COLUMNS} FROM orders …`. */
export const ORDER_ROW_COLUMNS = 'client_order_id, state, broker_order_id, submit_attempted_at, booked_at, filled_qty';

const DEEP = { bidSize: 100_000, askSize: 100_000 };

/** A quote with enough size on both sides that no order is ever limited by it. */
export function deep(q: { bid: number; ask: number }): AlpacaEmulatorQuote {
  return { ...q, ...DEEP };
}

/**
 * Registers the file's beforeAll (emulators with an 8 s fill delay, tap, harness, queue probe)
 * and afterAll (every worker SIGKILLed, everything closed). Call it at the top of a test file.
 */
export function brokerWorkersPerFile(opts: BrokerWorkersOptions): BrokerWorkers {
  let trading: AlpacaTradingEmulator | undefined;
  let data: AlpacaDataEmulator | undefined;
  let tap: HttpTap | undefined;
  let h: Harness | undefined;
  let q: QueueProbe | undefined;
  let env: Record<string, string> = {};
  const workers: ExecWorker[] = [];

  beforeAll(async () => {
    const quotes = Object.fromEntries(Object.entries(opts.quotes ?? {}).map(([s, v]) => [s, deep(v)]));
    trading = await startAlpacaTradingEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, cash: 100_000, fillDelayMs: 8_000, quotes, ...opts.emulator });
    data = await startAlpacaDataEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, quotes });
    tap = await startHttpTap(data.url);
    env = { ...alpacaPaperEnv(trading.url, tap.url), ...opts.env };
    h = await startHarness({ mode: 'token', roles: ['bot'], env: { TELEGRAM_ALLOWED_USER_IDS: ALLOWED, ...env } });
    q = probeQueues(REDIS_URL, h.prefix);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL').catch(() => undefined)));
    await q?.close();
    await h?.stop();
    await tap?.close();
    await data?.close();
    await trading?.close();
  });

  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the broker-workers stage is not started: call brokerWorkersPerFile at the top of the test file, outside any test');
    return v;
  };
  const stage: BrokerWorkers = {
    get trading() {
      return started(trading);
    },
    get data() {
      return started(data);
    },
    get tap() {
      return started(tap);
    },
    get h() {
      return started(h);
    },
    get q() {
      return started(q);
    },
    worker() {
      const w = spawnExecWorker({ dbUrl: stage.h.dbUrl, redisUrl: REDIS_URL, prefix: stage.h.prefix, apiRoot: stage.h.emulator.url, allowed: ALLOWED, env });
      workers.push(w);
      return w;
    },
    async readyWorker() {
      const w = stage.worker();
      await execWorkerReady(w, stage.h.running.app.ds);
      return w;
    },
    posts: (cid) => stage.trading.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders' && r.clientOrderId === cid),
    lookups: (cid) => stage.trading.requests.filter((r) => r.method === 'GET' && r.path === '/v2/orders:by_client_order_id' && r.query['client_order_id'] === cid),
    requestLog: () => JSON.stringify(stage.trading.requests.map((r) => [r.method, r.path, r.status, r.fault ?? '', r.clientOrderId ?? ''])),
  };
  return stage;
}
