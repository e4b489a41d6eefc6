import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isBrokerError } from '../../../../src/adapters/brokers/errors.js';
import { MemoryRequestBudget, RedisRequestBudget, type RequestBudget } from '../../../../src/adapters/brokers/alpaca/rate-budget.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../../helpers/env.js';

/**
 * One request budget per Alpaca API key, shared by every process through Redis.
 * Two RedisRequestBudget instances on the same prefix and key tag stand for two
 * processes (bot and worker). A fake clock shared by both decides time: it moves
 * only when the test moves it, and only once every acquire in flight has either
 * been granted or gone to sleep, so the time a grant is recorded at is exactly
 * the time the budget granted it.
 */

const WINDOW = 2000;
const MAX = 20;
const RESERVED = 5;
const NORMAL_CAP = MAX - RESERVED;

class FakeClock {
  t = 1_700_000_000_000;
  private sleepers: { at: number; resolve: () => void }[] = [];
  readonly now = (): number => this.t;
  readonly sleep = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      this.sleepers.push({ at: this.t + ms, resolve });
    });
  get sleeping(): number {
    return this.sleepers.length;
  }
  advance(ms: number): void {
    this.t += ms;
    const due = this.sleepers.filter((s) => s.at <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.at > this.t);
    for (const s of due) s.resolve();
  }
}

/** Acquires started by a test, and what became of them. */
class Tracker {
  granted: number[] = [];
  failed: unknown[] = [];
  started = 0;
  constructor(private readonly clock: FakeClock) {}
  start(budget: RequestBudget, priority: 'normal' | 'urgent', maxWaitMs = 60_000): Promise<void> {
    this.started++;
    return budget.acquire(priority, { maxWaitMs }).then(
      () => {
        this.granted.push(this.clock.t);
      },
      (e: unknown) => {
        this.failed.push(e);
      },
    );
  }
  /** Waits (real time) until every acquire is granted, failed or asleep on the fake clock. */
  async settle(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (this.granted.length + this.failed.length + this.clock.sleeping !== this.started) {
      if (Date.now() > deadline) throw new Error(`not settled: ${this.granted.length} granted, ${this.failed.length} failed, ${this.clock.sleeping} asleep of ${this.started}`);
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  /** Moves the clock in steps until `until()` holds, settling after each step. */
  async runUntil(until: () => boolean, stepMs = 50, maxMs = 60_000): Promise<void> {
    const end = this.clock.t + maxMs;
    await this.settle();
    while (!until()) {
      if (this.clock.t > end) throw new Error('ran out of fake time');
      this.clock.advance(stepMs);
      await this.settle();
    }
  }
}

/** The most grants inside any window [g, g + windowMs). */
function mostInAnyWindow(grants: number[], windowMs: number): number {
  const g = [...grants].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < g.length; i++) {
    while (g[j]! + windowMs <= g[i]!) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

let redis: Redis;
let redis2: Redis;
const prefixes: string[] = [];

beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  redis2 = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
});
afterEach(async () => {
  for (const p of prefixes.splice(0)) await cleanRedis(p);
});
afterAll(() => {
  redis.disconnect();
  redis2.disconnect();
});

interface Setup {
  clock: FakeClock;
  /** Two processes' budgets (the same object twice for the in-memory budget). */
  a: RequestBudget;
  b: RequestBudget;
}

const kinds: { name: string; make: () => Setup }[] = [
  {
    name: 'Redis, two processes on one key',
    make: () => {
      const clock = new FakeClock();
      const prefix = uniquePrefix();
      prefixes.push(prefix);
      const common = { prefix, keyTag: 'k1', maxPerMinute: MAX, reservedPerMinute: RESERVED, windowMs: WINDOW, now: clock.now, sleep: clock.sleep };
      return { clock, a: new RedisRequestBudget({ ...common, redis }), b: new RedisRequestBudget({ ...common, redis: redis2 }) };
    },
  },
  {
    name: 'in memory, one process',
    make: () => {
      const clock = new FakeClock();
      const m = new MemoryRequestBudget({ maxPerMinute: MAX, reservedPerMinute: RESERVED, windowMs: WINDOW, now: clock.now, sleep: clock.sleep });
      return { clock, a: m, b: m };
    },
  },
];

describe.each(kinds)('request budget: $name', ({ make }) => {
  it('100 concurrent normal acquires: never more than max − reserved in any window, and no slot left idle', async () => {
    const { clock, a, b } = make();
    const t = new Tracker(clock);
    const start = clock.t;
    const all = Array.from({ length: 100 }, (_, i) => t.start(i % 2 === 0 ? a : b, 'normal'));
    await t.settle();
    expect(t.granted).toHaveLength(NORMAL_CAP);
    await t.runUntil(() => t.granted.length === 100);
    await Promise.all(all);
    expect(t.failed).toEqual([]);
    expect(mostInAnyWindow(t.granted, WINDOW)).toBe(NORMAL_CAP);
    // 100 at 15 a window: batches at 0, 1, ..., 6 windows; waiting is computed from the oldest entry, so no batch is late by more than a step.
    expect(Math.max(...t.granted) - start).toBeLessThanOrEqual(6 * WINDOW + 50);
  });

  it('urgent acquires go at once while normal ones are saturated, up to the full max', async () => {
    const { clock, a, b } = make();
    const t = new Tracker(clock);
    for (let i = 0; i < NORMAL_CAP; i++) void t.start(a, 'normal');
    await t.settle();
    expect(t.granted).toHaveLength(NORMAL_CAP);
    void t.start(b, 'normal');
    await t.settle();
    expect(t.granted).toHaveLength(NORMAL_CAP);
    for (let i = 0; i < RESERVED; i++) void t.start(i % 2 === 0 ? b : a, 'urgent');
    await t.settle();
    expect(t.granted).toHaveLength(MAX);
    expect(new Set(t.granted)).toEqual(new Set([clock.t]));
    // The window now holds max: a further urgent one waits too.
    void t.start(b, 'urgent');
    await t.settle();
    expect(t.granted).toHaveLength(MAX);
    expect(t.failed).toEqual([]);
  });

  it('observe: Remaining at or below the reserve blocks normal requests of every process until the reset; urgent ones still go', async () => {
    const { clock, a, b } = make();
    const t = new Tracker(clock);
    const resetAtMs = clock.t + 1500;
    await b.observe({ status: 200, limit: 200, remaining: RESERVED, resetAtMs });
    void t.start(a, 'normal');
    void t.start(a, 'urgent');
    await t.settle();
    expect(t.granted).toEqual([clock.t]);
    await t.runUntil(() => t.granted.length === 2);
    expect(t.granted[1]).toBe(resetAtMs);
    // Plenty remaining says nothing new: nothing is blocked.
    await b.observe({ status: 200, limit: 200, remaining: 150, resetAtMs: clock.t + 60_000 });
    void t.start(a, 'normal');
    await t.settle();
    expect(t.granted).toHaveLength(3);
  });

  it('observe: a 429 blocks urgent requests until Retry-After and normal ones until the reset', async () => {
    const { clock, a, b } = make();
    const t = new Tracker(clock);
    const t0 = clock.t;
    await b.observe({ status: 429, retryAfterMs: 1000, resetAtMs: t0 + 1800 });
    void t.start(a, 'urgent');
    void t.start(a, 'normal');
    await t.settle();
    expect(t.granted).toEqual([]);
    await t.runUntil(() => t.granted.length === 2);
    expect(t.granted).toEqual([t0 + 1000, t0 + 1800]);
  });

  it('observe: a 429 with only Retry-After blocks both priorities for that long', async () => {
    const { clock, a, b } = make();
    const t = new Tracker(clock);
    const t0 = clock.t;
    await a.observe({ status: 429, retryAfterMs: 700 });
    void t.start(b, 'normal');
    void t.start(b, 'urgent');
    await t.runUntil(() => t.granted.length === 2);
    expect(t.granted).toEqual([t0 + 700, t0 + 700]);
  });

  it('acquire throws rate_limited, counting nothing, when it would wait longer than maxWaitMs', async () => {
    const { clock, a, b } = make();
    const t = new Tracker(clock);
    for (let i = 0; i < NORMAL_CAP; i++) void t.start(a, 'normal');
    await t.settle();
    await expect(b.acquire('normal', { maxWaitMs: 500 })).rejects.toSatisfy((e) => isBrokerError(e, 'rate_limited'));
    // Nothing was counted for it: the reserve is still whole.
    for (let i = 0; i < RESERVED; i++) void t.start(b, 'urgent');
    await t.settle();
    expect(t.granted).toHaveLength(MAX);
    // A 429 asking for longer than an urgent caller may wait fails it at once, too.
    await a.observe({ status: 429, retryAfterMs: 5000 });
    const err = await b.acquire('urgent', { maxWaitMs: 1000 }).catch((e: unknown) => e);
    expect(isBrokerError(err, 'rate_limited')).toBe(true);
    expect(String((err as Error).message)).toMatch(/request budget/);
    expect(clock.sleeping).toBe(0);
  });
});

describe('Redis request budget keys', () => {
  it('live under the prefix with the key tag, expire on their own, and other key tags do not share them', async () => {
    const clock = new FakeClock();
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const common = { redis, prefix, maxPerMinute: MAX, reservedPerMinute: RESERVED, windowMs: WINDOW, now: clock.now, sleep: clock.sleep };
    const k1 = new RedisRequestBudget({ ...common, keyTag: 'k1' });
    const k2 = new RedisRequestBudget({ ...common, keyTag: 'k2' });
    const t = new Tracker(clock);
    for (let i = 0; i < NORMAL_CAP; i++) void t.start(k1, 'normal');
    await k1.observe({ status: 429, retryAfterMs: 1000 });
    void t.start(k2, 'normal');
    await t.settle();
    expect(t.granted).toHaveLength(NORMAL_CAP + 1);
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const k of keys) {
      expect(k).toContain(prefix);
      expect(await redis.pttl(k)).toBeGreaterThan(0);
    }
  });
});

describe('Redis request budget on the real clock', () => {
  it('30 concurrent normal acquires over a 1 s window take at least one window (the 16th waits for the first to expire)', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const common = { prefix, keyTag: 'real', maxPerMinute: MAX, reservedPerMinute: RESERVED, windowMs: 1000 };
    const a = new RedisRequestBudget({ ...common, redis });
    const b = new RedisRequestBudget({ ...common, redis: redis2 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).acquire('normal')));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });
});
