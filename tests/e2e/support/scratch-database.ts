/** A database and a Redis prefix of their own for the tests of one describe block (not a test file itself). */
import { afterAll, beforeAll } from 'vitest';
import { cleanRedis, uniquePrefix } from '../../helpers/env.js';
import { createTestDatabase } from '../../helpers/pg.js';

/** The block's fresh, migrated database (once its beforeAll has run) and its Redis key prefix. */
export interface ScratchDatabase {
  readonly db: Awaited<ReturnType<typeof createTestDatabase>>;
  readonly prefix: string;
}

/**
 * Registers beforeAll (a fresh database copied from the run's template) and afterAll (the
 * prefix's Redis keys deleted, the database dropped). Call it inside a describe block, for a
 * CLI child started with DATABASE_URL=db.url and REDIS_PREFIX=prefix.
 */
export function scratchDatabasePerDescribe(): ScratchDatabase {
  let db: ScratchDatabase['db'] | undefined;
  const prefix = uniquePrefix();
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await cleanRedis(prefix);
    await db?.drop();
  });
  return {
    get db() {
      if (!db) throw new Error('the scratch database is not created yet: use it inside a test, not in the describe body');
      return db;
    },
    prefix,
  };
}
