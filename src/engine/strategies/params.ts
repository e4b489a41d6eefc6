import { z } from 'zod';

/**
 * Thrown for a bad strategy parameter. The message always ends with the full
 * list of valid keys, their types and defaults, because it is shown verbatim
 * to a chat user who mistyped something.
 */
export class StrategyParamError extends Error {
  override readonly name = 'StrategyParamError';
  constructor(
    readonly strategy: string,
    readonly problems: readonly string[],
    readonly help: string,
  ) {
    super(`Invalid ${strategy} parameters: ${problems.join('; ')}. Valid parameters: ${help}`);
  }
}

/** A strict zod object whose fields carry a human description (`.describe('integer >= 1')`). */
export type ParamSchema = z.ZodObject<Record<string, z.ZodType>, z.core.$strict>;

/** Keys match case-insensitively and ignoring `_`/`-`, so `stop_atr_mult=3` works from chat. */
function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

const NUMBER_RE = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** 'null'/'none' -> null, numeric text -> number, anything else stays a string for zod to reject with a type error. */
function parseValue(raw: string): unknown {
  const v = raw.trim();
  const lower = v.toLowerCase();
  if (lower === 'null' || lower === 'none') return null;
  if (NUMBER_RE.test(v)) return Number(v);
  return v;
}

/** "lookback (integer >= 1, default 55), targetR (number > 0 or null, default null), ..." */
export function describeParams(schema: ParamSchema, defaults: object): string {
  const d = defaults as Record<string, unknown>;
  return Object.entries(schema.shape)
    .map(([key, field]) => `${key} (${field.description ?? 'value'}, default ${String(d[key])})`)
    .join(', ');
}

/** Validates a complete params object; throws {@link StrategyParamError} listing every problem. */
export function validateParams<S extends ParamSchema>(
  strategy: string,
  schema: S,
  defaults: z.output<S>,
  candidate: unknown,
  shown: Record<string, string> = {},
): z.output<S> {
  const result = schema.safeParse(candidate);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path[0];
    if (issue.code === 'unrecognized_keys') return `unknown parameter(s) ${issue.keys.join(', ')}`;
    if (typeof key === 'string' && key in schema.shape) {
      if (issue.code === 'custom') return `${key}: ${issue.message}`;
      const value = shown[key] ?? JSON.stringify((candidate as Record<string, unknown>)[key]);
      return `${key}=${value} is invalid (expected ${schema.shape[key]!.description ?? issue.message})`;
    }
    return issue.message;
  });
  throw new StrategyParamError(strategy, problems, describeParams(schema, defaults));
}

/**
 * Parses `k=v` strings (e.g. from a chat command) over the defaults.
 * Unknown or repeated keys, malformed pairs and out-of-range values throw a
 * {@link StrategyParamError}; an empty list returns a copy of the defaults.
 */
export function parseParamPairs<S extends ParamSchema>(
  strategy: string,
  schema: S,
  defaults: z.output<S>,
  pairs: readonly string[],
): z.output<S> {
  const canonical = new Map<string, string>();
  for (const key of Object.keys(schema.shape)) canonical.set(normaliseKey(key), key);
  const overrides: Record<string, unknown> = {};
  const shown: Record<string, string> = {};
  const problems: string[] = [];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      problems.push(`expected key=value, got '${pair}'`);
      continue;
    }
    const rawKey = pair.slice(0, eq).trim();
    const key = canonical.get(normaliseKey(rawKey));
    if (key === undefined) {
      problems.push(`unknown parameter '${rawKey}'`);
    } else if (key in overrides) {
      problems.push(`parameter '${key}' given more than once`);
    } else {
      shown[key] = pair.slice(eq + 1).trim();
      overrides[key] = parseValue(pair.slice(eq + 1));
    }
  }
  if (problems.length > 0) throw new StrategyParamError(strategy, problems, describeParams(schema, defaults));
  return validateParams(strategy, schema, defaults, { ...defaults, ...overrides }, shown);
}
