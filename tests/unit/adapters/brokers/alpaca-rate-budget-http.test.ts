import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { AlpacaHttp } from '../../../../src/adapters/brokers/alpaca/http.js';
import { BudgetExhaustedError, MemoryRequestBudget, RedisRequestBudget, type BudgetPriority, type RateHeaders, type RequestBudget } from '../../../../src/adapters/brokers/alpaca/rate-budget.js';
import { isBrokerError } from '../../../../src/adapters/brokers/errors.js';

/** A budget that records what the HTTP layer asks of it; `refuse` makes acquire fail like an exhausted budget. */
class RecordingBudget implements RequestBudget {
  events: string[] = [];
  observed: RateHeaders[] = [];
  refuse = false;
  observeFails = false;
  async acquire(priority: BudgetPriority): Promise<void> {
    this.events.push(`acquire:${priority}`);
    if (this.refuse) throw new BudgetExhaustedError('alpaca-paper', 'local request budget exhausted for normal requests: the next one may go in 42 s', 42_000);
  }
  async observe(h: RateHeaders): Promise<void> {
    this.observed.push(h);
    if (this.observeFails) throw new Error('redis went away');
  }
}

function setup(responses: (() => Response)[], budget: RequestBudget | undefined) {
  const events: string[] = budget instanceof RecordingBudget ? budget.events : [];
  let calls = 0;
  const fetch = (async (_url: string | URL | Request, init?: RequestInit) => {
    events.push(`fetch:${init?.method}`);
    const r = responses[Math.min(calls, responses.length - 1)]!;
    calls++;
    return r();
  }) as typeof globalThis.fetch;
  const http = new AlpacaHttp({
    broker: 'alpaca-paper',
    baseUrl: 'https://paper.example',
    headers: { 'APCA-API-KEY-ID': 'KEYID', 'APCA-API-SECRET-KEY': 'SECRET' },
    secrets: ['SECRET', 'KEYID'],
    fetch,
    policy: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 10_000, timeoutMs: 5000 },
    sleep: async () => undefined,
    random: () => 0,
    ...(budget === undefined ? {} : { budget }),
  });
  return { http, calls: () => calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('AlpacaHttp with a request budget', () => {
  it('acquires before every request (normal unless told), then reports the rate headers of the response', async () => {
    const budget = new RecordingBudget();
    const { http } = setup([json(200, { ok: true }, { 'X-RateLimit-Limit': '200', 'X-RateLimit-Remaining': '17', 'X-RateLimit-Reset': '1700000060' })], budget);
    await http.once('GET', '/v2/orders');
    await http.once('DELETE', '/v2/orders', undefined, undefined, 'urgent');
    await http.readJson('DELETE', '/v2/orders', { priority: 'urgent' });
    await http.readJson('GET', '/v2/account');
    expect(budget.events).toEqual(['acquire:normal', 'fetch:GET', 'acquire:urgent', 'fetch:DELETE', 'acquire:urgent', 'fetch:DELETE', 'acquire:normal', 'fetch:GET']);
    expect(budget.observed[0]).toEqual({ status: 200, limit: 200, remaining: 17, resetAtMs: 1_700_000_060_000 });
    expect(budget.observed).toHaveLength(4);
  });

  it("reports a 429's Retry-After, and a response without rate headers as just its status", async () => {
    const budget = new RecordingBudget();
    const { http } = setup([json(429, { message: 'rate limit exceeded' }, { 'Retry-After': '3', 'X-RateLimit-Remaining': '0' }), json(200, {}, { 'X-RateLimit-Remaining': 'soon' })], budget);
    const out = await http.once('POST', '/v2/orders', { symbol: 'AAPL' });
    expect(out).toMatchObject({ kind: 'response', status: 429, retryAfterMs: 3000 });
    await http.once('GET', '/v2/clock');
    expect(budget.observed).toEqual([{ status: 429, remaining: 0, retryAfterMs: 3000 }, { status: 200 }]);
  });

  it('an exhausted budget sends nothing and answers like a broker 429, so order logic treats it as not placed', async () => {
    const budget = new RecordingBudget();
    budget.refuse = true;
    const { http, calls } = setup([json(200, {})], budget);
    const out = await http.once('POST', '/v2/orders', { symbol: 'AAPL' });
    expect(calls()).toBe(0);
    expect(out).toMatchObject({ kind: 'response', status: 429, retryAfterMs: 42_000 });
    expect(out.kind === 'response' && JSON.parse(out.text)).toEqual({ code: 42910000, message: 'local request budget exhausted' });
    expect(budget.observed).toEqual([]);
    const err = http.errorFor('POST', '/v2/orders', out);
    expect(err.kind).toBe('rate_limited');
  });

  it('readJson fails fast with rate_limited, saying the local budget is exhausted, and sends nothing', async () => {
    const budget = new RecordingBudget();
    budget.refuse = true;
    const { http, calls } = setup([json(200, {})], budget);
    const err = await http.readJson('GET', '/v2/orders?status=open').catch((e: unknown) => e);
    expect(isBrokerError(err, 'rate_limited')).toBe(true);
    expect((err as Error).message).toMatch(/local request budget/);
    expect(calls()).toBe(0);
  });

  it('a budget whose observe fails does not fail the request', async () => {
    const budget = new RecordingBudget();
    budget.observeFails = true;
    const { http } = setup([json(200, { id: 1 }, { 'X-RateLimit-Remaining': '3' })], budget);
    await expect(http.readJson('GET', '/v2/account')).resolves.toEqual({ status: 200, body: { id: 1 } });
  });

  it('with the in-memory budget, a 429 from the broker holds back the next request for its Retry-After', async () => {
    let t = 1_700_000_000_000;
    const slept: number[] = [];
    const budget = new MemoryRequestBudget({
      maxPerMinute: 10,
      reservedPerMinute: 2,
      now: () => t,
      sleep: async (ms) => {
        slept.push(ms);
        t += ms;
      },
    });
    const { http } = setup([json(429, {}, { 'Retry-After': '2' }), json(200, {})], budget);
    await http.once('GET', '/v2/account');
    await http.once('GET', '/v2/account');
    expect(slept.reduce((a, b) => a + b, 0)).toBe(2000);
  });
});

describe('RedisRequestBudget when Redis cannot be used', () => {
  const warned: unknown[][] = [];
  const logger = { warn: (...a: unknown[]) => warned.push(a), info: () => undefined } as never;

  it('counts in this process with the same limits, warns once, and never hangs', async () => {
    warned.length = 0;
    let t = 1_700_000_000_000;
    const evals: number[] = [];
    // Connected as far as ioredis knows, but no answer ever comes.
    const redis = { status: 'ready', eval: () => (evals.push(1), new Promise(() => undefined)) } as unknown as Redis;
    const budget = new RedisRequestBudget({ redis, prefix: 'p', keyTag: 'k', maxPerMinute: 5, reservedPerMinute: 1, now: () => t, sleep: async (ms) => void (t += ms), logger, redisTimeoutMs: 20 });
    for (let i = 0; i < 4; i++) await budget.acquire('normal');
    const err = await budget.acquire('normal', { maxWaitMs: 1000 }).catch((e: unknown) => e);
    expect(isBrokerError(err, 'rate_limited')).toBe(true);
    await budget.acquire('urgent');
    expect(warned).toHaveLength(1);
    expect(JSON.stringify(warned[0])).toMatch(/Redis unreachable/);
    // Once known down, no further command is queued while the connection is not ready;
    // here it reports ready, so each call is tried (bounded by the timeout).
    expect(evals.length).toBeGreaterThan(1);
  });

  it('a closed connection is not waited for at all', async () => {
    warned.length = 0;
    const redis = { status: 'end', eval: () => Promise.reject(new Error('must not be called')) } as unknown as Redis;
    const budget = new RedisRequestBudget({ redis, prefix: 'p', keyTag: 'k', maxPerMinute: 3, reservedPerMinute: 1, logger });
    await budget.acquire('normal');
    await budget.acquire('normal');
    await budget.observe({ status: 429, retryAfterMs: 60_000 });
    await expect(budget.acquire('urgent', { maxWaitMs: 100 })).rejects.toSatisfy((e) => isBrokerError(e, 'rate_limited'));
    expect(warned).toHaveLength(1);
  });

  it('rejects limits that leave nothing for normal requests', () => {
    expect(() => new MemoryRequestBudget({ maxPerMinute: 30, reservedPerMinute: 30 })).toThrow(/reservedPerMinute/);
  });
});
