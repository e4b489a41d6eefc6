/**
 * Small questions about the database itself (not the trading books), asked
 * by the CLI and the preflight: does a table exist yet, which server is this,
 * what time is it there, which migrations are pending. Written once here so
 * no command sends its own SQL.
 */
import { MigrationExecutor, type DataSource } from 'typeorm';
import { z } from 'zod';
import { pgBool, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowOf, type RawRowSource } from '../../lib/sql-rows.js';

/** One pooled statement on `ds`, its rows unparsed (the caller's schema parses them). */
function source(ds: DataSource): RawRowSource {
  return { rows: (sql, params = []) => ds.query(sql, [...params]) };
}

const TABLE_EXISTS_SQL = `SELECT to_regclass($1) IS NOT NULL AS ok`;
const TableExistsRow = z.object({ ok: pgBool });

/**
 * Whether `table` exists on the search path (`to_regclass`, so a role without
 * rights on it still learns it is there): how a command tells "not migrated
 * yet" from an empty table.
 */
export async function tableExists(ds: DataSource, table: string): Promise<boolean> {
  return (await rowOf(source(ds), TableExistsRow, TABLE_EXISTS_SQL, [table]))?.ok === true;
}

const SERVER_VERSION_SQL = `SELECT current_setting('server_version') AS v`;
const ServerVersionRow = z.object({ v: pgText });

/** The server's version string, e.g. `16.4`. */
export async function serverVersion(ds: DataSource): Promise<string | undefined> {
  return (await rowOf(source(ds), ServerVersionRow, SERVER_VERSION_SQL))?.v;
}

const SERVER_NOW_SQL = `SELECT now() AS now`;
const ServerNowRow = z.object({ now: pgTimestamp });

/** The server's clock. */
export async function serverNow(ds: DataSource): Promise<Date> {
  const row = await rowOf(source(ds), ServerNowRow, SERVER_NOW_SQL);
  if (!row) throw new Error(`${SERVER_NOW_SQL} returned no row`);
  return row.now;
}

/**
 * Names of the DataSource's migrations not applied yet (all of them when the
 * migrations table does not exist), oldest first. Read-only: TypeORM's
 * migration executor looks, it creates nothing.
 */
export async function pendingMigrations(ds: DataSource): Promise<string[]> {
  const pending = await new MigrationExecutor(ds).getPendingMigrations();
  return pending.map((m) => m.name);
}
