import { PreflightBlocked, type PreflightCheck } from '../types.js';
import type { PostgresProbe } from './ports.js';

/** The fix every Postgres-dependent check points at when Postgres is down. */
export const POSTGRES_DOWN_FIX = 'Fix "Postgres reachable" first (start Postgres or correct DATABASE_URL), then run preflight again.';

/** Postgres reachable, and every migration of this build applied. */
export function postgresChecks(pg: PostgresProbe): PreflightCheck[] {
  return [
    {
      id: 'postgres.reachable',
      title: 'Postgres reachable',
      fixOnError: `Start Postgres at ${pg.where} or correct DATABASE_URL, then run preflight again.`,
      run: async () => {
        const version = await pg.ping().catch((err: unknown) => {
          // The reachability check reports the driver's own error, not the "blocked" wording other checks use.
          throw err instanceof PreflightBlocked ? new Error(err.message) : err;
        });
        return { level: 'pass', saw: `${pg.where} answered (${version})` };
      },
    },
    {
      id: 'postgres.migrations',
      title: 'Migrations current',
      run: async () => {
        const pending = await pg.pendingMigrations();
        if (pending.length === 0) return { level: 'pass', saw: 'every migration of this build is applied' };
        return {
          level: 'fail',
          saw: `${pending.length} pending migration${pending.length === 1 ? '' : 's'}: ${pending.join(', ')}`,
          fix: 'Run `courtside migrate` (as the schema owner, MIGRATION_DATABASE_URL when set), then run preflight again.',
        };
      },
    },
  ];
}
