import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/app/config/config.js';

describe('MIGRATION_DATABASE_URL', () => {
  it('defaults to DATABASE_URL (local mode: one role does everything)', () => {
    expect(loadConfig({}).db.migrationUrl).toBe('postgres://postgres@127.0.0.1:5432/courtside');
    const c = loadConfig({ DATABASE_URL: 'postgres://app@db:5432/cs', MIGRATION_DATABASE_URL: '' });
    expect(c.db).toEqual({ url: 'postgres://app@db:5432/cs', migrationUrl: 'postgres://app@db:5432/cs' });
  });

  it('is used only for migrations when set, and its password is scrubbed from logs', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://courtside_app:apppass@db:5432/cs', MIGRATION_DATABASE_URL: 'postgres://owner:ownerpass@db:5432/cs' });
    expect(c.db).toEqual({ url: 'postgres://courtside_app:apppass@db:5432/cs', migrationUrl: 'postgres://owner:ownerpass@db:5432/cs' });
    expect(c.secrets).toEqual(expect.arrayContaining(['apppass', 'ownerpass']));
  });

  it('must be a postgres URL', () => {
    expect(() => loadConfig({ MIGRATION_DATABASE_URL: 'mysql://x' })).toThrow(ConfigError);
    expect(() => loadConfig({ MIGRATION_DATABASE_URL: 'mysql://x' })).toThrow(/MIGRATION_DATABASE_URL/);
  });
});
