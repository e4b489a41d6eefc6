import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createDataSource } from '../../../../../src/adapters/db/data-source.js';
import { TypeOrmUnitOfWork } from '../../../../../src/adapters/db/unit-of-work.js';
import { createTestDatabase } from '../../../../helpers/pg.js';

/** A test file's migrated scratch database: its pool and the unit of work the app would build on it. */
export interface ScratchDb {
  readonly ds: DataSource;
  readonly uow: TypeOrmUnitOfWork;
}

/**
 * Registers the hooks of one table-repository test file: a migrated scratch
 * database for the file (dropped after it), and `emptied` tables cleared
 * before each test, in that order (list children before their parents).
 */
export function useScratchDb(emptied: readonly string[], poolSize = 3): ScratchDb {
  let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let ds: DataSource | undefined;
  let uow: TypeOrmUnitOfWork | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    ds = createDataSource(db.url, { poolSize });
    await ds.initialize();
    uow = new TypeOrmUnitOfWork(ds);
  }, 60_000);
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });
  beforeEach(async () => {
    for (const table of emptied) await ds!.query(`DELETE FROM ${table}`);
  });
  return {
    get ds() {
      if (!ds) throw new Error('the scratch database is only there inside tests (after beforeAll)');
      return ds;
    },
    get uow() {
      if (!uow) throw new Error('the scratch database is only there inside tests (after beforeAll)');
      return uow;
    },
  };
}
