/**
 * Column schemas for `jsonb` columns whose value the code itself wrote (a
 * definition, a report, figures): the row schema checks the value's kind (an
 * object, an array) and types it as what the writer stored. The inner shape
 * is the writer's contract and is not re-checked on every read: a stored
 * value may hold what JSON made of it (NaN and Infinity become null), which a
 * strict inner schema would refuse where the code reading it copes today.
 */
import { z } from 'zod';

/** A `jsonb` column holding an object of type `T` (never an array). */
export function pgJsonObject<T extends object>() {
  return z.custom<T>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'expected a JSON object');
}

/** A `jsonb` column holding an array of `T`. */
export function pgJsonArray<T>() {
  return z.custom<T[]>((v) => Array.isArray(v), 'expected a JSON array');
}
