/**
 * Helpers for raw SQL rows: Postgres `numeric` arrives as a string (exact
 * decimal), `float8` and `integer` as numbers.
 */

/** A numeric column as a number; null stays null. */
export function num(v: string | number | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** A NOT NULL numeric column as a number (0 if Postgres ever sent something unparsable). */
export function numOr0(v: string | number | null | undefined): number {
  return num(v) ?? 0;
}

export { round6 } from '../../lib/numbers.js';
