import { z } from 'zod';

/** One bar from `GET /v2/stocks/{symbol}/bars` (`t` = RFC 3339 start of the bar). */
export const AlpacaBar = z.object({
  t: z.string(),
  o: z.number(),
  h: z.number(),
  l: z.number(),
  c: z.number(),
  v: z.number(),
  n: z.number().optional(),
  vw: z.number().optional(),
});

/** Single-symbol bars page; `bars` can be `null` when there is no data. */
export const AlpacaBarsResponse = z.object({
  bars: z.array(AlpacaBar).nullable(),
  symbol: z.string().optional(),
  next_page_token: z.string().nullable().optional(),
});

/** `GET /v2/stocks/{symbol}/quotes/latest`. */
export const AlpacaLatestQuoteResponse = z.object({
  symbol: z.string(),
  quote: z.object({
    t: z.string(),
    ap: z.number(),
    as: z.number(),
    bp: z.number(),
    bs: z.number(),
    ax: z.string().optional(),
    bx: z.string().optional(),
    c: z.array(z.string()).optional(),
    z: z.string().optional(),
  }),
});

/** Alpaca error bodies are `{ "message": "..." }` (sometimes with a numeric `code`). */
export function alpacaErrorText(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const m = (body as Record<string, unknown>)['message'];
  return typeof m === 'string' ? m : undefined;
}
