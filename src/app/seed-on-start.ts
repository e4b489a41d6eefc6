import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { krDemoEndDate, seedDemoDatasets } from '../adapters/bars/seed.js';
import { errText } from '../lib/errors.js';
import { runDataCheck } from '../trading/data-check/check.js';
import { saveDataCheck } from '../trading/data-check/store.js';
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
 * The seed's `onProgress` (SeedOptions) kept in the seeding flag, so a /scan
 * or /backtest meanwhile can say about how long is left. The clock starts
 * when the seed knows its plan (`done` 0), not at start-up: time spent
 * waiting for another process's seed or checking that the store is up to
 * date is not loading time. Writes are chained, so `flushed()` resolves once
 * the last count landed (the flag is deleted after it, never before).
 */
export function seedingProgressRecorder(
  redis: Pick<Redis, 'set'>,
  prefix: string,
  now: () => number = Date.now,
  log?: Pick<Logger, 'debug'>,
): { started(): Promise<void>; onProgress(done: number, total: number): void; flushed(): Promise<void> } {
  const t0 = now();
  const progress: SeedingProgress = { startedAt: t0, at: t0, done: 0, total: 0 };
  let writing: Promise<void> = Promise.resolve();
  const record = () => {
    const snapshot = { ...progress };
    // Progress is advisory (the flag's TTL clears it): a write that fails waits for the next count.
    writing = writing.then(() => recordSeedingProgress(redis, prefix, snapshot).catch((err: unknown) => log?.debug({ err }, 'seeding progress not recorded; the next count tries again')));
    return writing;
  };
  return {
    // Loading, how much not known yet (the view says "just started").
    started: () => record(),
    onProgress(done, total) {
      const t = now();
      if (done === 0) progress.startedAt = t;
      Object.assign(progress, { at: t, done: Math.min(done, total), total });
      void record();
    },
    flushed: () => writing,
  };
}

/**
 * Loads the embedded default data (real samples + the synthetic DEMO universe)
 * in the background when a worker starts. Idempotent and cheap once done;
 * several workers starting together seed once (the seed takes an advisory lock).
 * While it runs, the flag carries the progress the seed reports (symbols
 * written of those it will write, since when), from which a /scan or
 * /backtest meanwhile says about how long is left.
 */
export function seedDefaultDataInBackground(app: AppContext): Promise<void> {
  const log = app.log.child({ component: 'seed' });
  const prefix = app.config.redis.prefix;
  return (async () => {
    const endDate = lastCompletedSession(Date.now());
    const progress = seedingProgressRecorder(app.redis, prefix, Date.now, log);
    await progress.started();
    try {
      // The US DEMO, then the KR DEMO (KRX sessions, in won) up to the last closed KRX session.
      const { us: r } = await seedDemoDatasets(app.bars, { endDate, krEndDate: krDemoEndDate(Date.now()), onProgress: progress.onProgress });
      if (!r.upToDate) log.info({ endDate, demoSymbols: r.demoSymbols, samples: r.sampleSymbols, ms: Math.round(r.ms) }, 'default data seeded');
      // Announced (on a terminal as a chat-style line): the DEMO bars a trader saw before were replaced.
      if (r.regenerated) log.warn({ userAction: true, demoGenerator: r.demoGenerator, removedDemoSymbols: r.removedDemoSymbols.length }, demoRegeneratedText(r.demoGenerator, r.removedDemoSymbols));
    } catch (err) {
      log.error({ err, userAction: true }, 'could not load the default market data; /scan will say so. Run `npx courtside data seed` to retry.');
    } finally {
      await progress.flushed();
      await app.redis.del(seedingKey(prefix)).catch((err: unknown) => log.debug({ err }, 'seeding flag not deleted; it expires by itself'));
    }
    // The calendar check /status reports (issue 21), on the data just loaded: in the background,
    // so it never holds the seed's end; a failure only leaves /status showing the previous check.
    void runDataCheck(app.bars, 'US', Date.now())
      .then((r) => saveDataCheck(app.uow, r))
      .catch((err: unknown) => log.warn({ err: app.scrub(errText(err)) }, 'data check after seeding failed; /status keeps the previous one. Run `npx courtside data check`.'));
  })();
}
