import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source.js';
import type { DebugLog } from './sql.js';

/** Arbitrary but fixed: every Courtside process agrees on this advisory lock key. */
const MIGRATION_LOCK_KEY = 774_219_001;

/**
 * Applies pending migrations while holding a Postgres advisory lock on a
 * dedicated connection, so two processes starting together never migrate at
 * once: the second waits, then finds nothing left to do. The DataSource's
 * pool needs at least two connections (one holds the lock).
 */
export async function migrateWithLock(ds: DataSource, log?: DebugLog): Promise<string[]> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch((err: unknown) =>
      // Only a connection that is gone fails the unlock: Postgres frees a session's locks when it ends.
      log?.debug({ err }, 'migration unlock failed on a lost connection; the lock went with it'),
    );
    await runner.release();
  }
}

/**
 * Applies pending migrations as the migration role (MIGRATION_DATABASE_URL): on `ds` when
 * both URLs are the same (local mode, one role), else on a short-lived DataSource of its own,
 * since the app's role may not change the schema.
 */
export async function migrateAs(db: { url: string; migrationUrl: string }, ds: DataSource, log?: DebugLog): Promise<string[]> {
  if (db.migrationUrl === db.url) return migrateWithLock(ds, log);
  const owner = createDataSource(db.migrationUrl, { poolSize: 2, applicationName: 'courtside-migrate' });
  await owner.initialize();
  try {
    return await migrateWithLock(owner, log);
  } finally {
    await owner.destroy();
  }
}
