import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../migrations/index.js';
import { postgresConnectError } from '../../lib/service-unreachable.js';
import { TABLE_ENTITIES } from './tables/index.js';

/**
 * A DataSource whose first connection failure says which service, where and
 * what to do (ServiceUnreachableError), not only "connect ECONNREFUSED …":
 * every command and role initialises through this one place.
 */
class CourtsideDataSource extends DataSource {
  constructor(
    options: DataSourceOptions,
    private readonly url: string,
    private readonly setting: string,
  ) {
    super(options);
  }

  override async initialize(): Promise<this> {
    try {
      return await super.initialize();
    } catch (err) {
      throw postgresConnectError(err, this.url, this.setting);
    }
  }
}

/**
 * Builds the TypeORM DataSource. `synchronize` is never on: the schema only
 * changes through migrations (see migrate.ts). `setting` names the variable
 * the URL came from, for the message when the server cannot be reached
 * (default DATABASE_URL).
 */
export function createDataSource(url: string, opts: { poolSize?: number; applicationName?: string; setting?: string } = {}): DataSource {
  return new CourtsideDataSource(
    {
      type: 'postgres',
      url,
      // Plain one-table reads and writes go through these entities' repositories (src/adapters/db/tables);
      // the reviewed atomic statements are SQL with their rows parsed (src/lib/sql-rows.ts).
      entities: [...TABLE_ENTITIES],
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
    },
    url,
    opts.setting ?? 'DATABASE_URL',
  );
}
