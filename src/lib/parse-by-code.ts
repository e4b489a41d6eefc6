import type { z } from 'zod';

/**
 * Reads back a stored `{ code, ...figures }` value with the schema of its
 * code. Never throws: a value without a known code, or whose figures do not
 * fit it (a row from a newer release), becomes `fallback(raw)`, so a face
 * still shows what was stored.
 */
export function parseByCode<T, F>(schemas: Readonly<Record<string, z.ZodType<T, unknown>>>, raw: unknown, fallback: (raw: unknown) => F): T | F {
  const code = typeof raw === 'object' && raw !== null && 'code' in raw ? raw.code : undefined;
  const schema = typeof code === 'string' && Object.hasOwn(schemas, code) ? schemas[code] : undefined;
  const parsed = schema?.safeParse(raw);
  return parsed?.success ? parsed.data : fallback(raw);
}
