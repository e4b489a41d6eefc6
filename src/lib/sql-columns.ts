/**
 * Column schemas for what node-postgres returns (no custom type parsers are
 * installed): the building blocks of the row schemas next to each statement
 * (see ./sql-rows.ts). Row schemas keep the driver's types — a `numeric`
 * stays a string until the code that computes with it converts it — so a
 * parsed row has exactly the type the old cast claimed, checked.
 */
import { z } from 'zod';

/** `numeric` and `bigint` (also `count(*)`, `sum(bigint)`): the driver returns text so nothing is rounded. */
export const pgNumeric = z.string();
/** A `numeric`/`bigint` read as a JS number (for counts and figures the code computes with). */
export const pgNumber = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = Number(v);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `expected a finite number, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return n;
});
/** `integer`, `smallint`, `real`, `double precision`: already numbers. */
export const pgInt = z.number();
/** `timestamptz` / `timestamp` / `date` without a `::text` cast: a Date. */
export const pgTimestamp = z.date();
/** `boolean`. */
export const pgBool = z.boolean();
/** `text`, `uuid`, `varchar`, and any column cast `::text` in the statement. */
export const pgText = z.string();
/** `json` / `jsonb`: already parsed; its own schema (if any) checks it further. */
export const pgJson = z.unknown();
/** `text[]`. */
export const pgTextArray = z.array(z.string());
