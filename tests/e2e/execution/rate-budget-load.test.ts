/**
 * Issue 19, item 2: one request budget per API key across every process. The bot role in this test
 * process and TWO worker processes (`courtside start --role worker`) share one Alpaca key against
 * the trading emulator, which enforces its own limit (110 a minute here, Alpaca's rule scaled down)
 * with X-RateLimit-* headers and 429. Ten entries rest at the broker (DAY limits below the ask, as
 * ALPACA_ENTRY_TIF=day sends them) and the workers keep following them, for longer than the budget
 * needs to be exhausted by polling (ALPACA_MAX_RPM=100, ALPACA_RESERVED_RPM=20).
 *
 * Several pending orders are read with one GET /v2/orders per tick, so following them costs little;
 * to exhaust the budget's normal share anyway, a third client on the same key and the same Redis
 * budget (a tool of the trader's, or a runaway poller) reads as fast as the budget lets it.
 *
 * What must hold: the broker never answers 429 for the limit, no minute holds more than
 * ALPACA_MAX_RPM requests, and /kill's proof (cancel-all + a fresh look, on the reserved share)
 * comes within 5 s while the normal share is used up.
 */
import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { AlpacaBroker } from '../../../src/adapters/brokers/alpaca/alpaca-broker.js';
import { alpacaKeyTag, RedisRequestBudget } from '../../../src/adapters/brokers/alpaca/rate-budget.js';
import { REDIS_URL } from '../../helpers/env.js';
import { ALPACA_KEY_ID, ALPACA_SECRET } from '../../helpers/execution.js';
import { command, insertPick, seedBars, sleep, textOf, waitMessage } from '../../helpers/execution.js';
import { brokerWorkersPerFile } from '../support/broker-workers.js';

const USER = 1;
const SYMBOLS = Array.from({ length: 10 }, (_, i) => `RB${String.fromCharCode(65 + i)}`);
const PRICE = 20;

const stage = brokerWorkersPerFile({
  quotes: Object.fromEntries(SYMBOLS.map((s) => [s, { bid: PRICE - 0.01, ask: PRICE }])),
  env: {
    EXEC_PER_ORDER_BUDGET: '5000',
    EXEC_DAILY_BUDGET: '50000',
    EXEC_WAIT_TIMEOUT_MS: '5000',
    ALPACA_ENTRY_TIF: 'day',
    ALPACA_DAY_CANCEL_AFTER_S: '3600',
    ALPACA_MAX_RPM: '100',
    ALPACA_RESERVED_RPM: '20',
  },
  emulator: { rateLimitPerMinute: 110, fillDelayMs: 0 },
});

beforeAll(async () => {
  await seedBars(stage.h.running.app, Object.fromEntries(SYMBOLS.map((s) => [s, PRICE])));
});

describe('ten entries resting at Alpaca, followed by two worker processes', () => {
  it('never meets a 429, stays within ALPACA_MAX_RPM a minute, and /kill proves 0 open within 5 s', async () => {
    const { h, trading } = stage;
    await Promise.all([stage.readyWorker(), stage.readyWorker()]);
    // The trading venue's ask moves up: our DAY limits (priced from the data feed's ask) rest there unfilled.
    for (const s of SYMBOLS) trading.setQuote(s, { bid: PRICE + 4.99, ask: PRICE + 5, bidSize: 100_000, askSize: 100_000 });
    // How many requests the broker has seen, sampled over time: the busiest minute is read from it.
    const samples: { at: number; n: number }[] = [];
    const sampler = setInterval(() => samples.push({ at: Date.now(), n: trading.requests.length }), 200);
    try {
      for (const s of SYMBOLS) {
        const pickId = await insertPick(h.running.app.ds, { symbol: s, entry: PRICE, qty: 5 });
        await command(h, USER, `/approve ${pickId}`, new RegExp(`^Approved ${s}: placing the order now`), 15_000);
      }
      const resting = () => trading.orders().filter((o) => SYMBOLS.includes(String(o['symbol'])) && o['status'] === 'new').length;
      const deadline = Date.now() + 60_000;
      while (resting() < SYMBOLS.length && Date.now() < deadline) await sleep(200);
      expect(resting(), stage.requestLog().slice(-3000)).toBe(SYMBOLS.length);
      const polled = trading.requests.length;
      // Polling goes on for a while; a greedy client on the same key takes every normal request left.
      const redis = new Redis(REDIS_URL);
      const greedy = new AlpacaBroker({
        keyId: ALPACA_KEY_ID,
        secretKey: ALPACA_SECRET,
        baseUrl: trading.url,
        budget: new RedisRequestBudget({ redis, prefix: h.prefix, keyTag: alpacaKeyTag(ALPACA_KEY_ID), maxPerMinute: 100, reservedPerMinute: 20 }),
      });
      let greedyOn = true;
      const greedyLoop = (async () => {
        while (greedyOn) await greedy.listOpenOrders().catch(() => sleep(100));
      })();
      await sleep(25_000);

      const after = h.emulator.lastSeq;
      const t0 = Date.now();
      await command(h, USER, '/kill load drill', /./, 10_000);
      const proof = textOf(await waitMessage(h.emulator, USER, after, /Broker orders cancelled at alpaca-paper/, 15_000));
      const proofMs = Date.now() - t0;
      console.log(`requests: ${trading.requests.length}, polling ${trading.requests.length - polled} in 25 s; proof ${proofMs} ms`);
      expect(proof).toMatch(/alpaca-paper: 10 cancelled, open orders now 0/);
      expect(proofMs).toBeLessThan(5_000);
      greedyOn = false;
      await greedyLoop;
      redis.disconnect();
    } finally {
      clearInterval(sampler);
    }
    const limited = trading.requests.filter((r) => r.rateLimited === true);
    expect(limited, stage.requestLog()).toHaveLength(0);
    let busiest = 0;
    for (const s of samples) {
      const before = samples.findLast((x) => x.at <= s.at - 60_000);
      busiest = Math.max(busiest, s.n - (before?.n ?? 0));
    }
    expect(busiest).toBeGreaterThanOrEqual(80); // the normal share (100 − 20) was used up…
    expect(busiest).toBeLessThanOrEqual(100); // …and no minute held more than ALPACA_MAX_RPM
  }, 150_000);
});
