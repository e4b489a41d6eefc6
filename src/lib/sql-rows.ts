/**
 * The one way a hand-written SQL statement's rows become typed values: every
 * row is parsed by the schema written next to the statement, never cast. A row
 * of the wrong shape (a migration not run, a column renamed, a numeric where a
 * text was expected) stops with a {@link RowShapeError} naming the statement
 * and the field, instead of travelling on as a wrong value.
 *
 * Postgres through node-postgres returns `numeric` and `bigint` as strings,
 * `integer` as numbers, `timestamptz` as Date, `jsonb` as parsed JSON and
 * NULL as null: write the schema for what the driver returns, and convert in
 * the schema (`z.string().transform(Number)`) or after it.
 */
import type { z } from 'zod';
import { CourtsideError } from './errors.js';

/** Anything that runs one statement and returns its raw rows: the UnitOfWork port or a transaction's session. */
export interface RawRowSource {
  rows(sql: string, params?: readonly unknown[]): Promise<unknown[]>;
}

/** A row did not have the shape its statement's schema promises. Not retried: the code or the schema is wrong. */
export class RowShapeError extends CourtsideError {
  constructor(
    /** The statement's first words (enough to find it, never its parameters). */
    readonly statement: string,
    /** Index of the offending row. */
    readonly rowIndex: number,
    /** Each problem as `path: message`. */
    readonly problems: readonly string[],
  ) {
    super(
      `row ${rowIndex} of "${statement}" has the wrong shape (${problems.join('; ')}); the statement and its row schema disagree — ` +
        'run `courtside migrate` if a migration is pending, otherwise fix the schema next to the statement',
      'discard',
    );
  }
}

const HEAD_CHARS = 80;

/** The first words of a statement, whitespace folded, for error messages and logs. */
export function statementHead(sql: string): string {
  const folded = sql.replace(/\s+/g, ' ').trim();
  return folded.length > HEAD_CHARS ? `${folded.slice(0, HEAD_CHARS)}…` : folded;
}

/** Parses rows already fetched (e.g. a one-trip transaction's results) with `schema`. */
export function parseRows<S extends z.ZodType>(schema: S, rows: readonly unknown[], sql: string): z.output<S>[] {
  const out: z.output<S>[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = schema.safeParse(rows[i]);
    if (!r.success) {
      throw new RowShapeError(
        statementHead(sql),
        i,
        r.error.issues.map((p) => `${p.path.length ? p.path.join('.') : '(row)'}: ${p.message}`),
      );
    }
    out[i] = r.data;
  }
  return out;
}

/** Runs `sql` on `db` and parses every row with `schema`. */
export async function rowsOf<S extends z.ZodType>(db: RawRowSource, schema: S, sql: string, params: readonly unknown[] = []): Promise<z.output<S>[]> {
  return parseRows(schema, await db.rows(sql, params), sql);
}

/** Like {@link rowsOf} for a statement that returns at most one row: that row, or undefined. */
export async function rowOf<S extends z.ZodType>(db: RawRowSource, schema: S, sql: string, params: readonly unknown[] = []): Promise<z.output<S> | undefined> {
  const rows = await rowsOf(db, schema, sql, params);
  return rows[0];
}
