import type { Redis } from 'ioredis';
import { z } from 'zod';
import { seedDefaultData } from '../adapters/bars/seed.js';
import type { BarsStore } from '../adapters/bars/store.js';
import { SampleCsvProvider } from '../adapters/market-data/csv/sample-csv-provider.js';
import { loadDefaultUniverse } from '../adapters/market-data/universe/default-universe.js';
import { normalizeSymbol } from '../adapters/bars/symbols.js';
import { lastCompletedSession } from '../trading/market-clock.js';
import type { SeedingState } from '../trading/scan/data-port.js';
import type { SeedingProgress, SeedingProgressSource } from '../trading/seeding/progress.js';
import type { AppContext } from './context.js';
import { demoRegeneratedText } from '../bot/views/demo-data-view.js';

/** How long the seeding flag outlives its last progress write (a worker killed mid-seed must not block scans forever). */
const FLAG_TTL_S = 15 * 60;

/** Redis flag scans check so a /scan during the first load says so instead of scanning half a universe. */
export function seedingKey(prefix: string): string {
  return `${prefix}:bars:seeding`;
}

const progressSchema = z.object({ startedAt: z.number(), at: z.number(), done: z.number().int().nonnegative(), total: z.number().int().nonnegative() });

/** Stores the load's measured progress in the seeding flag (which it also sets). */
export async function recordSeedingProgress(redis: Pick<Redis, 'set'>, prefix: string, p: SeedingProgress): Promise<void> {
  await redis.set(seedingKey(prefix), JSON.stringify(p), 'EX', FLAG_TTL_S);
}

/**
 * The seeding flag as scans and backtests see it (the SeedingState port): set
 * while a worker loads the default data, with the progress it measured.
 */
export function seedingState(redis: Pick<Redis, 'exists' | 'get'>, prefix: string): SeedingState & SeedingProgressSource {
  const key = seedingKey(prefix);
  return {
    isSeeding: async () => (await redis.exists(key)) > 0,
    progress: async () => {
      const raw = await redis.get(key);
      if (!raw) return null;
      try {
        const parsed = progressSchema.safeParse(JSON.parse(raw));
        return parsed.success ? parsed.data : null;
      } catch {
        // A flag written by an older version (a date string): loading, progress unknown.
        return null;
      }
    },
  };
}

/**
 * The bars store, counting the symbols the seed writes: `onStored(n)` after
 * each write with the number of symbols it stored. The seed writes samples in
 * one import and the synthetic universe in chunks, so progress moves with
 * every chunk.
 */
export function countingStore(store: BarsStore, onStored: (symbols: number) => void): BarsStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'writeColumnar') {
        return async (chunk: readonly unknown[], ...rest: unknown[]) => {
          const r = await (target.writeColumnar as (...a: unknown[]) => Promise<unknown>).call(target, chunk, ...rest);
          onStored(chunk.length);
          return r;
        };
      }
      if (prop === 'importBars') {
        return async (items: readonly unknown[], ...rest: unknown[]) => {
          const r = await (target.importBars as (...a: unknown[]) => Promise<unknown>).call(target, items, ...rest);
          onStored(items.length);
          return r;
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Symbols a full default seed writes: the bundled universe and the real samples. */
async function defaultSeedSymbols(): Promise<number> {
  const samples = (await new SampleCsvProvider().symbols()).map(normalizeSymbol);
  return new Set([...samples, ...loadDefaultUniverse().entries.map((e) => normalizeSymbol(e.symbol))]).size;
}

/**
 * Loads the embedded default data (real samples + the synthetic DEMO universe)
 * in the background when a worker starts. Idempotent and cheap once done;
 * several workers starting together seed once (the seed takes an advisory lock).
 * While it runs, the flag carries the measured progress (symbols stored of the
 * total, since when), from which a /scan meanwhile says about how long is left.
 */
export function seedDefaultDataInBackground(app: AppContext): Promise<void> {
  const log = app.log.child({ component: 'seed' });
  const prefix = app.config.redis.prefix;
  return (async () => {
    const endDate = lastCompletedSession(Date.now());
    const progress: SeedingProgress = { startedAt: Date.now(), at: Date.now(), done: 0, total: await defaultSeedSymbols().catch(() => 0) };
    await recordSeedingProgress(app.redis, prefix, progress).catch(() => undefined);
    // Writes are chained so the last one lands before the flag is deleted (never after).
    let writing: Promise<void> = Promise.resolve();
    const store = countingStore(app.bars, (n) => {
      progress.done = Math.min(progress.total, progress.done + n);
      progress.at = Date.now();
      const snapshot = { ...progress };
      writing = writing.then(() => recordSeedingProgress(app.redis, prefix, snapshot).catch(() => undefined));
    });
    try {
      const r = await seedDefaultData(store, { endDate });
      if (!r.upToDate) log.info({ endDate, demoSymbols: r.demoSymbols, samples: r.sampleSymbols, ms: Math.round(r.ms) }, 'default data seeded');
      // Announced (on a terminal as a chat-style line): the DEMO bars a trader saw before were replaced.
      if (r.regenerated) log.warn({ userAction: true, demoGenerator: r.demoGenerator }, demoRegeneratedText(r.demoGenerator));
    } catch (err) {
      log.error({ err, userAction: true }, 'could not load the default market data; /scan will say so. Run `npx courtside data seed` to retry.');
    } finally {
      await writing;
      await app.redis.del(seedingKey(prefix)).catch(() => undefined);
    }
  })();
}
