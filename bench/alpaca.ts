/**
 * Section `alpaca` — issue 19's row: Alpaca requests a minute per API key with 10 pending orders
 * (≤ ALPACA_MAX_RPM) and the /kill proof time under that load (≤ 5 s), with the shared request
 * budget (ours) and without it (the old behaviour) side by side, in one run.
 *
 * Real pieces, no app: the Alpaca trading emulator (its own per-key limiter, Alpaca's 200 a minute),
 * two AlpacaBroker instances standing for two worker processes, and — for our column — one
 * RedisRequestBudget per instance on the local Redis, sharing one key (as trading-deps.ts builds it).
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { AlpacaBroker } from '../src/adapters/brokers/alpaca/alpaca-broker.js';
import { alpacaKeyTag, RedisRequestBudget } from '../src/adapters/brokers/alpaca/rate-budget.js';
import { isBrokerError } from '../src/adapters/brokers/errors.js';
import { isTerminal, type BrokerOrder } from '../src/adapters/brokers/port.js';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator } from '../src/dev/alpaca-trading/server.js';
import { CANCEL_OWED_POLL_MS } from '../src/trading/kill-switch/cancel-owed.js';
import { busiestWindow, countingBudget, RequestLog, type BudgetCounts } from './lib/alpaca-rig.js';
import { REDIS_URL } from './lib/resources.js';
import { mark, ms, type Cell, type Table, type Target } from './lib/table.js';
import type { Benchmark } from './lib/types.js';

/** ALPACA_MAX_RPM and ALPACA_RESERVED_RPM at their defaults (src/app/config/env-schema.ts). */
const MAX_RPM = 180;
const RESERVED_RPM = 30;
/** Alpaca's own limit per key, and the emulator's. */
const ALPACA_LIMIT = 200;
const ORDERS = 10;
const MINUTE = 60_000;
/** EXEC_WAIT_TIMEOUT_MS's default: how long one execution job waits for its order. */
const DEFAULT_WAIT_S = 30;
/** BullMQ's retry of an execution job whose order is still working (EXECUTION_JOB_OPTIONS: exponential, 1 s). */
const RETRY_BASE_MS = 1_000;
/** How long the bench keeps retrying a /kill that did not prove before it reports "not proven". */
const KILL_GIVE_UP_MS = 120_000;

const TARGET_RPM: Target = { label: `≤ ${MAX_RPM} (ALPACA_MAX_RPM)`, met: (v) => v <= MAX_RPM };
const TARGET_429: Target = { label: '0', met: (v) => v === 0 };
const TARGET_PROOF: Target = { label: '≤ 5 s', met: (v) => v <= 5_000 };

const sleep = (msec: number) => new Promise<void>((r) => setTimeout(r, msec));
const seconds = (msec: number) => `${(msec / 1000).toFixed(msec < 10_000 ? 2 : 1)} s`;

interface KillOutcome {
  /** Call → the cancelAllOrders() that returned stillOpen === 0; null when never proven. */
  proofMs: number | null;
  attempts: number;
  /** What each attempt before the proving one ended with. */
  failures: string[];
  cancelled: number;
}

interface ScenarioResult {
  label: string;
  log: RequestLog;
  emu: { requests: number; rateLimited: number; openAtEnd: number };
  budgets: BudgetCounts[] | null;
  t0: number;
  windowMs: number;
  killAt: number;
  kill: KillOutcome;
  /** Requests sent in [t0, t0 + windowMs). */
  inWindow: number;
  peak: { count: number; startsAt: number | null };
  /** Order POSTs that were refused or failed (the order was then not pending). */
  submitFailures: string[];
  waits: number;
  waitErrors: number;
  /** Wall time of each waitForTerminal call that returned (the budget's acquire may hold a poll past timeoutMs). */
  waitDurations: number[];
  waitMs: number;
}

interface ScenarioOptions {
  label: string;
  withBudget: boolean;
  windowMs: number;
  killAtMs: number;
  waitMs: number;
  prefix: string;
  progress(m: string): void;
}

/**
 * One run: 10 resting day limits placed through the two instances, each followed the way an
 * execution job follows it (waitForTerminal, then a retry of the job on either worker: a look-up by
 * client order id and another wait), /kill's cancel-all on instance A at `killAtMs` while the
 * follows go on, and everything each instance sent recorded.
 */
async function scenario(o: ScenarioOptions): Promise<ScenarioResult> {
  const keyId = `PKBENCH${o.withBudget ? 'B' : 'N'}${Date.now().toString(36).toUpperCase()}`;
  const secretKey = 'bench-secret-not-a-real-key';
  const symbols = Array.from({ length: ORDERS }, (_, i) => `BNC${String.fromCharCode(65 + i)}`);
  const emu: AlpacaTradingEmulator = await startAlpacaTradingEmulator({
    keyId,
    secretKey,
    quotes: Object.fromEntries(symbols.map((s) => [s, { bid: 99.9, ask: 100 }])),
    rateLimitPerMinute: ALPACA_LIMIT,
  });
  const log = new RequestLog();
  const redises: Redis[] = [];
  const budgets: BudgetCounts[] = [];
  const keyTag = alpacaKeyTag(keyId);
  const brokers = ['A', 'B'].map((instance) => {
    let budget;
    if (o.withBudget) {
      // One Redis connection per instance, as each worker process has its own.
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      redises.push(redis);
      const counts: BudgetCounts = { normal: 0, urgent: 0, refused: 0, waitedMs: 0 };
      budgets.push(counts);
      budget = countingBudget(new RedisRequestBudget({ redis, prefix: o.prefix, keyTag, maxPerMinute: MAX_RPM, reservedPerMinute: RESERVED_RPM }), counts);
    }
    return new AlpacaBroker({ keyId, secretKey, baseUrl: emu.url, name: 'alpaca-paper', fetch: log.fetchFor(instance), ...(budget ? { budget } : { batchLooks: false }) });
  });
  const [a, b] = brokers as [AlpacaBroker, AlpacaBroker];
  const submitFailures: string[] = [];
  let waits = 0;
  let waitErrors = 0;
  const waitDurations: number[] = [];
  let stop = false;

  try {
    o.progress(`${o.label}: placing ${ORDERS} resting day limits and following them for ${seconds(o.windowMs)} (kill at ${seconds(o.killAtMs)})…`);
    const t0 = Date.now();
    const placed = await Promise.all(
      symbols.map(async (symbol, i) => {
        const cid = `bench-alpaca-${keyId}-${i}`;
        try {
          // Limit at half the ask: accepted, never marketable, so it rests until cancelled.
          await brokers[i % 2]!.submitOrder({ clientOrderId: cid, symbol, side: 'buy', qty: 1, type: 'limit', limitPrice: 50, timeInForce: 'day' });
          return cid;
        } catch (e) {
          submitFailures.push(e instanceof Error ? e.message : String(e));
          return null;
        }
      }),
    );

    const follow = async (cid: string, i: number) => {
      for (let attempt = 0; !stop; attempt++) {
        const broker = brokers[(i + attempt) % 2]!;
        let last: BrokerOrder | null = null;
        try {
          // A re-run of the job looks the order up before it waits again (it never re-sends).
          if (attempt > 0) last = await broker.getOrderByClientId(cid);
          if (!last || !isTerminal(last.status)) {
            waits++;
            const w0 = performance.now();
            last = await broker.waitForTerminal(cid, { timeoutMs: o.waitMs, ...(o.withBudget ? {} : { pollMs: 500 }) });
            waitDurations.push(performance.now() - w0);
          }
        } catch (e) {
          if (!isBrokerError(e)) throw e;
          waitErrors++; // the job fails this attempt and BullMQ runs it again
        }
        if (last && isTerminal(last.status)) return;
        await sleep(Math.min(RETRY_BASE_MS * 2 ** attempt, 30_000));
      }
    };
    const follows = placed.map((cid, i) => (cid === null ? Promise.resolve() : follow(cid, i)));

    await sleep(Math.max(0, t0 + o.killAtMs - Date.now()));
    o.progress(`${o.label}: /kill — cancelAllOrders() on instance A while the follows go on…`);
    const kill: KillOutcome = { proofMs: null, attempts: 0, failures: [], cancelled: 0 };
    const k0 = performance.now();
    while (performance.now() - k0 < KILL_GIVE_UP_MS) {
      kill.attempts++;
      try {
        const res = await a.cancelAllOrders();
        kill.cancelled += res.cancelled;
        if (res.stillOpen === 0) {
          kill.proofMs = performance.now() - k0;
          break;
        }
        kill.failures.push(`stillOpen ${res.stillOpen === null ? 'unknown (the look afterwards failed)' : res.stillOpen}`);
      } catch (e) {
        kill.failures.push(isBrokerError(e) ? `${e.kind}: ${e.message.slice(0, 160)}` : String(e));
      }
      // The worker's owed-cancel runner tries again on its next poll.
      await sleep(CANCEL_OWED_POLL_MS);
    }

    await sleep(Math.max(0, t0 + o.windowMs - Date.now()));
    stop = true;
    // Cancelled orders end every wait at its next look; a follow still waiting ends within waitMs.
    await Promise.race([Promise.all(follows), sleep(o.waitMs + 35_000)]);
    const windowEnd = t0 + o.windowMs;
    const openAtEnd = emu.orders().filter((w) => ['accepted', 'pending_new', 'new', 'held', 'partially_filled', 'pending_cancel'].includes(String(w['status']))).length;
    return {
      label: o.label,
      log,
      emu: { requests: emu.requests.length, rateLimited: emu.requests.filter((r) => r.rateLimited).length, openAtEnd },
      budgets: o.withBudget ? budgets : null,
      t0,
      windowMs: o.windowMs,
      killAt: t0 + o.killAtMs,
      kill,
      inWindow: log.between(t0, windowEnd).length,
      peak: busiestWindow(
        log.sent.map((r) => r.at),
        MINUTE,
      ),
      submitFailures,
      waits,
      waitErrors,
      waitDurations,
      waitMs: o.waitMs,
    };
  } finally {
    stop = true;
    await emu.close().catch(() => undefined);
    if (o.withBudget && redises[0]) {
      // The budget's two keys (window, word) under this prefix and key tag; the prefix sweep at cleanup would find them too.
      const base = `${o.prefix}:alpaca-rate:{${keyTag}}`;
      await redises[0].del(`${base}:window`, `${base}:word`).catch(() => undefined);
    }
    for (const r of redises) r.disconnect();
  }
}

function cellsFor(r: ScenarioResult) {
  const perMin = (r.inWindow * MINUTE) / r.windowMs;
  const sent = r.log.sent;
  const killTail = sent.filter((s) => s.at >= r.killAt);
  const proof = r.kill.proofMs;
  return {
    perMin,
    rows: {
      // Scaling a shorter window up to a minute would invent requests: the first seconds of an order poll fastest.
      inWindow:
        r.windowMs === MINUTE
          ? `${r.inWindow} (${perMin.toFixed(0)} /min)`
          : r.windowMs > MINUTE
            ? `${r.inWindow} in ${seconds(r.windowMs)} (${perMin.toFixed(0)} /min on average)`
            : `${r.inWindow} in ${seconds(r.windowMs)} (not a minute: not scaled)`,
      peak: r.peak.count,
      peakAt: r.peak.startsAt === null ? 'n/a' : `${seconds(r.peak.startsAt - r.t0)} after the first order`,
      emu429: r.emu.rateLimited,
      proof: proof === null ? `not proven in ${seconds(KILL_GIVE_UP_MS)}` : proof < 1000 ? ms(proof) : seconds(proof),
      attempts: `${r.kill.attempts}${r.kill.failures.length ? ` (first failure: ${r.kill.failures[0]})` : ''}`,
      killRequests: `${killTail.length} (${killTail.filter((s) => s.status === 429).length} answered 429)`,
    },
  };
}

function requestMixTable(results: ScenarioResult[]): Table {
  const kinds = [...new Set(results.flatMap((r) => r.log.sent.map((s) => s.kind)))].sort();
  const rows: Cell[][] = kinds.map((k) => [k, ...results.map((r) => {
    const of = r.log.sent.filter((s) => s.kind === k);
    const refused = of.filter((s) => s.status === 429).length;
    return `${of.length}${refused ? ` (${refused} × 429)` : ''}`;
  })]);
  rows.push(['all requests sent (whole run, both instances)', ...results.map((r) => `${r.log.sent.length} (A ${r.log.sent.filter((s) => s.instance === 'A').length}, B ${r.log.sent.filter((s) => s.instance === 'B').length})`)]);
  rows.push(['requests the emulator saw (cross-check)', ...results.map((r) => r.emu.requests)]);
  rows.push([
    'budget grants normal / urgent; refused (nothing sent); time waited for a slot',
    ...results.map((r) => (r.budgets ? r.budgets.map((c, i) => `${'AB'[i]}: ${c.normal} / ${c.urgent}; ${c.refused}; ${seconds(c.waitedMs)}`).join(' · ') : 'no budget')),
  ]);
  rows.push(['waitForTerminal calls; follow attempts that failed (BrokerError)', ...results.map((r) => `${r.waits}; ${r.waitErrors}`)]);
  rows.push([
    `longest waitForTerminal call (timeoutMs ${seconds(results[0]!.waitMs)}) that returned; calls past timeoutMs + 1 s`,
    ...results.map((r) => (r.waitDurations.length ? `${seconds(Math.max(...r.waitDurations))}; ${r.waitDurations.filter((d) => d > r.waitMs + 1000).length} of ${r.waitDurations.length}` : 'none returned')),
  ]);
  rows.push(['orders placed; still open at the end (emulator)', ...results.map((r) => `${ORDERS - r.submitFailures.length} of ${ORDERS}; ${r.emu.openAtEnd}`)]);
  return {
    title: 'Alpaca requests by kind (whole run, kill included)',
    columns: ['request', ...results.map((r) => r.label)],
    rows,
    notes: [
      'Counted by a fetch wrapper given to each AlpacaBroker (only requests that left the process); "× 429" are answers of the emulator\'s limiter. A budget refusal sends nothing (AlpacaHttp makes up a local 429 that callers treat as "not sent").',
      ...results.filter((r) => r.submitFailures.length > 0).map((r) => `${r.label}: ${r.submitFailures.length} order POSTs failed, e.g. ${r.submitFailures[0]}`),
    ],
  };
}

export const alpacaBenchmark: Benchmark = {
  name: 'alpaca',
  summary:
    'Alpaca requests a minute per API key with 10 pending orders followed by two workers (target ≤ ALPACA_MAX_RPM = 180, no 429s) and the /kill proof time under that load (≤ 5 s): shared Redis request budget and batched looks vs the adapter before (no budget, one look per order every 0.5 s), same run, Alpaca trading emulator.',
  options: {
    '--alpaca-seconds=60': 'measured window per column, from the first order (env BENCH_ALPACA_SECONDS; --quick 20; 600 for the 10-minute soak). Use the = form.',
    '--alpaca-kill-at=S': 'seconds after the first order at which /kill runs (default 3/4 of the window: 45 s of 60)',
    '--alpaca-wait=30': 'timeoutMs of each waitForTerminal, seconds (EXEC_WAIT_TIMEOUT_MS default)',
    '--no-alpaca-peer': 'skip the "before" column',
  },
  async run(ctx) {
    const o = ctx.options;
    const envSeconds = process.env.BENCH_ALPACA_SECONDS !== undefined ? Number(process.env.BENCH_ALPACA_SECONDS) : undefined;
    if (envSeconds !== undefined && !(envSeconds > 0)) throw new Error(`BENCH_ALPACA_SECONDS must be a positive number of seconds, got "${process.env.BENCH_ALPACA_SECONDS}"`);
    const windowS = o.number('alpaca-seconds', envSeconds ?? (o.quick ? 20 : 60));
    if (!(windowS >= 5)) throw new Error('--alpaca-seconds must be at least 5');
    const killAtS = o.number('alpaca-kill-at', windowS * 0.75);
    if (killAtS <= 0 || killAtS >= windowS) throw new Error(`--alpaca-kill-at must lie inside the window (0 < S < ${windowS})`);
    const waitS = o.number('alpaca-wait', DEFAULT_WAIT_S);
    if (!(waitS > 0)) throw new Error('--alpaca-wait must be positive');
    const withPeer = o.flag('alpaca-peer', true);
    const prefix = ctx.resources.redisPrefix();
    const common = { windowMs: windowS * 1000, killAtMs: killAtS * 1000, waitMs: waitS * 1000, prefix, progress: ctx.progress };

    const ours = await scenario({ ...common, label: 'ours: shared budget + batched looks', withBudget: true });
    const peer = withPeer ? await scenario({ ...common, label: 'before: no budget, one look per order every 0.5 s', withBudget: false }) : null;
    const results = [ours, ...(peer ? [peer] : [])];
    const cells = results.map(cellsFor);
    // A longer window (a soak: --alpaca-seconds=600) is the target window and more; only a shorter one is a smoke run.
    const fullWindow = windowS >= 60;

    const col = (pick: (c: ReturnType<typeof cellsFor>, r: ScenarioResult) => [Cell, string]): Cell[] => results.flatMap((r, i) => pick(cells[i]!, r));
    const headline: Table = {
      title: `Alpaca requests per key with ${ORDERS} pending orders, and /kill under that load — ${windowS} s window${fullWindow ? '' : ' (SHORTENED: not the target window; smoke run)'}, kill at ${killAtS} s`,
      columns: ['measure', 'target', ...results.flatMap((r) => [r.label, 'ok'])],
      rows: [
        ['requests sent in the window (both instances, one key)', '', ...col((c) => [c.rows.inWindow, ''])],
        ['most requests in any 60 s sliding window (whole run)', TARGET_RPM.label, ...col((c, r) => [c.rows.peak, mark(r.peak.count, TARGET_RPM)])],
        ['… that busiest window starts', '', ...col((c) => [c.rows.peakAt, ''])],
        ["429s from the emulator's limiter (Alpaca: 200 a minute)", TARGET_429.label, ...col((c, r) => [c.rows.emu429, mark(r.emu.rateLimited, TARGET_429)])],
        ['/kill proof: cancelAllOrders() on A called → it returns stillOpen 0', TARGET_PROOF.label, ...col((c, r) => [c.rows.proof, r.kill.proofMs === null ? '✗' : mark(r.kill.proofMs, TARGET_PROOF)])],
        ['cancelAllOrders() calls until proven', '', ...col((c) => [c.rows.attempts, ''])],
        ['requests sent from the kill on (both instances)', '', ...col((c) => [c.rows.killRequests, ''])],
      ],
      notes: [
        `Real pieces, no app: the Alpaca trading emulator (src/dev/alpaca-trading, its per-key limiter at Alpaca's ${ALPACA_LIMIT} a minute, fixed windows from the key's first request, X-RateLimit-* on every answer), two AlpacaBroker instances A and B standing for two worker processes (default retry policy, pollMs 500 → waitForTerminal polls by order age: 0.5 s for 5 s, then 2 s, then 5 s after a minute). Ours: each instance has its own RedisRequestBudget (own ioredis connection) on one key tag in the local Redis, maxPerMinute ${MAX_RPM}, reservedPerMinute ${RESERVED_RPM} (the ALPACA_MAX_RPM / ALPACA_RESERVED_RPM defaults), as src/app/trading-deps.ts builds it. Peer ("before"): the same instances without the budget, each order looked up by its own id every 0.5 s (batchLooks false, pollMs 500) — how the adapter polled before issue 19. Ours also reads several pending orders with ONE GET /v2/orders?status=all&after=… per tick (OrderWatch), on ticks aligned to the clock by order age.`,
        `Scenario (each column its own emulator, so its own fresh rate window): ${ORDERS} buy limits at 50 with the ask at 100, time in force day (they rest, never fill), POSTed at once, alternately through A and B. Each is followed as an execution job follows it: waitForTerminal(cid, { timeoutMs: ${waitS} s }); while still working, the job is re-run after BullMQ's exponential backoff (1 s, 2 s, …) on the other instance: getOrderByClientId, then another wait.`,
        `/kill at ${killAtS} s after the first order, inside the window on purpose: the emulator's window starts with the first request, so a kill at exactly ${windowS} s would land in a fresh window and prove nothing about a saturated key. cancelAllOrders() runs on A (urgent priority: cancel-all and its open-orders looks may use the reserved share) while every follow keeps polling on both instances; a call that throws or does not prove is repeated after CANCEL_OWED_POLL_MS (${CANCEL_OWED_POLL_MS / 1000} s), as the worker's owed-cancel runner does, for up to ${KILL_GIVE_UP_MS / 1000} s. Proof time includes cancelAllOrders' own look at open orders (every 200 ms for up to 3 s).`,
        `Requests per minute: sent in [first order, +${windowS} s) (the window includes the kill; after it the cancelled orders end every follow); the sliding-window row is the strict check of "≤ ALPACA_MAX_RPM per minute". Times are Date.now() at the fetch call in this process (the emulator counts on arrival, the same clock).`,
      ],
    };
    return [headline, requestMixTable(results)];
  },
};
