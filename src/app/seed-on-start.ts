import type { Redis } from 'ioredis';
import { seedDefaultData } from '../adapters/bars/seed.js';
import { lastCompletedSession } from '../trading/market-clock.js';
import type { SeedingState } from '../trading/scan/data-port.js';
import type { AppContext } from './context.js';

/** Redis flag scans check so a /scan during the first load says so instead of scanning half a universe. */
export function seedingKey(prefix: string): string {
  return `${prefix}:bars:seeding`;
}

/** The seeding flag as scans and backtests see it (the SeedingState port): set while a worker loads the default data. */
export function seedingState(redis: Pick<Redis, 'exists'>, prefix: string): SeedingState {
  const key = seedingKey(prefix);
  return { isSeeding: async () => (await redis.exists(key)) > 0 };
}

/**
 * Loads the embedded default data (real samples + the synthetic DEMO universe)
 * in the background when a worker starts. Idempotent and cheap once done;
 * several workers starting together seed once (the seed takes an advisory lock).
 */
export function seedDefaultDataInBackground(app: AppContext): Promise<void> {
  const log = app.log.child({ component: 'seed' });
  const key = seedingKey(app.config.redis.prefix);
  return (async () => {
    const endDate = lastCompletedSession(Date.now());
    await app.redis.set(key, endDate, 'EX', 15 * 60).catch(() => undefined);
    try {
      const r = await seedDefaultData(app.bars, { endDate });
      if (!r.upToDate) log.info({ endDate, demoSymbols: r.demoSymbols, samples: r.sampleSymbols, ms: Math.round(r.ms) }, 'default data seeded');
    } catch (err) {
      log.error({ err }, 'could not seed the default data; /scan will say so. Run `npx courtside data seed` to retry.');
    } finally {
      await app.redis.del(key).catch(() => undefined);
    }
  })();
}
