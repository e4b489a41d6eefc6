import type { DataSource } from 'typeorm';
import { Backtests1764100000000 } from '../../../../migrations/1764100000000-Backtests.js';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';

/**
 * Opens a test database and makes sure the backtest tables exist: applied by
 * the template once the migration is registered in migrations/index.ts, applied
 * here directly until then.
 */
export async function openWithBacktestSchema(url: string): Promise<DataSource> {
  const ds = createDataSource(url, { poolSize: 4 });
  await ds.initialize();
  const [row] = (await ds.query(`SELECT to_regclass('backtest_runs') IS NOT NULL AS ok`)) as { ok: boolean }[];
  if (!row?.ok) {
    const qr = ds.createQueryRunner();
    try {
      await new Backtests1764100000000().up(qr);
    } finally {
      await qr.release();
    }
  }
  return ds;
}
