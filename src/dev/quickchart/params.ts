/**
 * Request parameters of the QuickChart `/chart` endpoint, from a POST JSON
 * body or GET query string, with QuickChart's own defaults. Only the subset
 * the bot uses is accepted; anything else is a 400 that says what to change.
 */
import { z } from 'zod';

/** A validated render request. */
export interface ChartRequest {
  readonly chart: object;
  readonly width: number;
  readonly height: number;
  readonly devicePixelRatio: number;
  readonly backgroundColor: string;
  readonly format: 'png';
  readonly version: string;
}

/** Bad request; `message` goes into QuickChart's `X-quickchart-error` header. */
export class ChartRequestError extends Error {
  override readonly name = 'ChartRequestError';
}

// Defaults mirror hosted QuickChart so a client that relies on them sees the same behaviour here.
const schema = z.object({
  chart: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
  width: z.coerce.number().int().min(1).max(3000).default(500),
  height: z.coerce.number().int().min(1).max(3000).default(300),
  devicePixelRatio: z.coerce.number().min(0.5).max(3).default(2),
  backgroundColor: z.string().default('transparent'),
  format: z.string().default('png'),
  version: z.string().default('2.9.4'),
});

/** ~4K × 4K: a bigger canvas costs hundreds of MB and no chat client shows it. */
const MAX_PIXELS = 16_000_000;

/** GET uses QuickChart's short query names. */
const QUERY_ALIASES: Readonly<Record<string, string>> = {
  c: 'chart',
  w: 'width',
  h: 'height',
  bkg: 'backgroundColor',
  f: 'format',
  v: 'version',
};

export function paramsFromQuery(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of query) out[QUERY_ALIASES[k] ?? k] = v;
  return out;
}

/** Validates raw parameters and parses the chart config. Throws {@link ChartRequestError}. */
export function parseChartRequest(raw: unknown): ChartRequest {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ChartRequestError(`invalid ${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'unknown problem'}`);
  }
  const p = parsed.data;
  const pixels = p.width * p.height * p.devicePixelRatio ** 2;
  if (pixels > MAX_PIXELS) {
    throw new ChartRequestError(`${Math.round(pixels)} output pixels is too many (max ${MAX_PIXELS}); lower width, height or devicePixelRatio`);
  }
  if (p.format !== 'png') throw new ChartRequestError(`format "${p.format}" is not supported here; request format png`);
  // Only Chart.js 4 is installed; rendering a v2 config with v4 would silently draw something else.
  if (!/^4(\.|$)/.test(p.version)) {
    throw new ChartRequestError(`Chart.js version "${p.version}" is not available; this emulator renders Chart.js 4, send version "4"`);
  }
  return { ...p, format: 'png', chart: parseChart(p.chart) };
}

function parseChart(chart: string | Record<string, unknown>): object {
  if (typeof chart !== 'string') return chart;
  let value: unknown;
  try {
    value = JSON.parse(chart);
  } catch {
    // Hosted QuickChart evaluates JavaScript configs in a sandbox; an emulator has no business running code.
    throw new ChartRequestError('chart must be JSON; this emulator does not evaluate JavaScript chart configs');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ChartRequestError('chart must be a JSON object with "type" and "data"');
  }
  return value;
}
