import pino from 'pino';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import type { UnitOfWork } from '../../../../src/adapters/db/port.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { createTestDatabase } from '../../../helpers/pg.js';

/** A fresh migrated database plus the Scheduling migration (applied by hand until it is registered). */
export interface SchedDb {
  db: Awaited<ReturnType<typeof createTestDatabase>>;
  ds: DataSource;
  /** The use cases' port over `ds`. */
  uow: UnitOfWork;
  /** Another DataSource on the same database (another process / replica). */
  open(): Promise<DataSource>;
  close(): Promise<void>;
}

export async function makeSchedDb(): Promise<SchedDb> {
  const db = await createTestDatabase();
  const all: DataSource[] = [];
  const open = async () => {
    const d = createDataSource(db.url, { poolSize: 10 });
    await d.initialize();
    all.push(d);
    return d;
  };
  const ds = await open();
  return {
    db,
    ds,
    uow: new TypeOrmUnitOfWork(ds),
    open,
    async close() {
      for (const d of all) if (d.isInitialized) await d.destroy().catch(() => undefined);
      await db.drop();
    },
  };
}

export const silentLog = pino({ level: 'silent' });

/** A settable clock. */
export function fakeClock(start: number): { now: () => number; set(t: number): void; advance(ms: number): void; get t(): number } {
  let t = start;
  return {
    now: () => t,
    set(v) {
      t = v;
    },
    advance(ms) {
      t += ms;
    },
    get t() {
      return t;
    },
  };
}
