import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { seedingKey, seedingProgressRecorder } from '../../../src/app/seed-on-start.js';
import { estimateSecondsLeft, type SeedingProgress } from '../../../src/trading/seeding/progress.js';

/** A Redis that records every SET of the seeding flag, in order, each answered after `delayMs`. */
function fakeRedis(delayMs = 0) {
  const writes: { key: string; value: SeedingProgress; ttl: number }[] = [];
  const redis = {
    set: async (key: string, value: string, _ex: 'EX', ttl: number) => {
      await new Promise((r) => setTimeout(r, delayMs));
      writes.push({ key, value: JSON.parse(value) as SeedingProgress, ttl });
      return 'OK' as const;
    },
  };
  return { writes, redis: redis as unknown as Pick<Redis, 'set'> };
}

describe('seedingProgressRecorder (the seed’s onProgress → the seeding flag)', () => {
  it('stores the seed’s own counts; the clock starts when the seed knows its plan, so the estimate is the write rate', async () => {
    const { writes, redis } = fakeRedis(5);
    let now = 1_000;
    const rec = seedingProgressRecorder(redis, 'p', () => now);
    await rec.started();
    now = 9_000; // 8 s waiting for the seed lock / the up-to-date check: not loading time
    rec.onProgress(0, 120);
    now = 19_000;
    rec.onProgress(100, 120);
    now = 24_000;
    rec.onProgress(120, 120);
    await rec.flushed();

    expect(writes.map((w) => w.key)).toEqual(Array(4).fill(seedingKey('p')));
    expect(writes.map((w) => w.value)).toEqual([
      { startedAt: 1_000, at: 1_000, done: 0, total: 0 },
      { startedAt: 9_000, at: 9_000, done: 0, total: 120 },
      { startedAt: 9_000, at: 19_000, done: 100, total: 120 },
      { startedAt: 9_000, at: 24_000, done: 120, total: 120 },
    ]);
    // 100 symbols in 10 s: 20 left is about 2 s (not 100 in 18 s → 4 s).
    expect(estimateSecondsLeft(writes[2]!.value, 19_000)).toBe(2);
  });

  it('a re-seed of a few stale symbols estimates from those few, not the universe', async () => {
    const { writes, redis } = fakeRedis();
    let now = 0;
    const rec = seedingProgressRecorder(redis, 'p', () => now);
    rec.onProgress(0, 4);
    now = 1_000;
    rec.onProgress(2, 4);
    await rec.flushed();
    const last = writes.at(-1)!.value;
    expect(last).toMatchObject({ done: 2, total: 4 });
    expect(estimateSecondsLeft(last, 1_000)).toBe(1);
  });
});
