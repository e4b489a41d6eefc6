import { z } from 'zod';

/** One aggregate bar as Polygon returns it (`t` = window start, Unix ms). */
export const PolygonAgg = z.object({
  t: z.number(),
  o: z.number(),
  h: z.number(),
  l: z.number(),
  c: z.number(),
  v: z.number(),
  vw: z.number().optional(),
  n: z.number().optional(),
});

/**
 * `GET /v2/aggs/ticker/{ticker}/range/{multiplier}/{timespan}/{from}/{to}`.
 * `results` is absent when there is no data; `next_url` only when more pages exist.
 */
export const PolygonAggsResponse = z.object({
  ticker: z.string().optional(),
  status: z.string(),
  adjusted: z.boolean().optional(),
  queryCount: z.number().optional(),
  resultsCount: z.number().optional(),
  request_id: z.string().optional(),
  results: z.array(PolygonAgg).optional(),
  next_url: z.string().optional(),
});
export type PolygonAggsResponse = z.infer<typeof PolygonAggsResponse>;

/** Error bodies: `{ status: 'ERROR', error }` or `{ status: 'NOT_AUTHORIZED', message }`. */
export function polygonErrorText(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const m = b['error'] ?? b['message'];
  return typeof m === 'string' ? m : undefined;
}
