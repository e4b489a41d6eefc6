import pg from 'pg';
import { postgresConnectError } from '../../lib/service-unreachable.js';
import type { DebugLog } from './sql.js';

/**
 * Creates the target database if it does not exist yet, connecting to the
 * server's `postgres` database. Safe when two processes race (duplicate errors are ignored).
 * A server that cannot be reached throws ServiceUnreachableError naming `setting`.
 */
export async function ensureDatabase(url: string, setting = 'DATABASE_URL', log?: DebugLog): Promise<{ created: boolean }> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error(`${setting} names no database: add one, e.g. postgres://postgres@127.0.0.1:5432/courtside`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch((endErr: unknown) => log?.debug({ err: endErr }, 'closing a client that never connected failed; the connect error is what is reported'));
    throw postgresConnectError(err, url, setting);
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return { created: false };
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
      return { created: true };
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === '42P04' || code === '23505') return { created: false };
      throw err;
    }
  } finally {
    // The answer is known by now; a failed goodbye to the admin database changes nothing.
    await client.end().catch((err: unknown) => log?.debug({ err }, 'closing the admin connection failed after its work was done'));
  }
}

function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}
