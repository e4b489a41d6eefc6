import { loadConfig, migrationSetting } from '../../app/config/config.js';
import { createDataSource } from '../../adapters/db/data-source.js';
import { ensureDatabase } from '../../adapters/db/ensure-database.js';
import { migrateWithLock } from '../../adapters/db/migrate.js';
import type { CliCommand } from '../command.js';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'Create the database if missing and apply pending migrations',
  usage: 'courtside migrate',
  async run(_args, io) {
    const config = loadConfig();
    // The owning role (MIGRATION_DATABASE_URL, default DATABASE_URL): the app's own role may not change the schema.
    const setting = migrationSetting(config);
    const { created } = await ensureDatabase(config.db.migrationUrl, setting);
    if (created) io.stdout('created database\n');
    const ds = createDataSource(config.db.migrationUrl, { poolSize: 2, setting });
    await ds.initialize();
    try {
      const applied = await migrateWithLock(ds);
      io.stdout(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
      return 0;
    } finally {
      await ds.destroy();
    }
  },
};
