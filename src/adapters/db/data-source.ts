import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../../migrations/index.js';
import { ENTITIES } from './entities/index.js';

/**
 * Builds the TypeORM DataSource. `synchronize` is never on: the schema only
 * changes through migrations (see migrate.ts).
 */
export function createDataSource(url: string, opts: { poolSize?: number; applicationName?: string } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: {
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: 10_000,
      application_name: opts.applicationName ?? 'courtside',
      // Fail a hung query instead of hanging a command forever.
      statement_timeout: 15_000,
    },
  });
}
