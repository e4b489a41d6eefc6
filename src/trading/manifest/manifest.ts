import { createHash } from 'node:crypto';
import type { SymbolDigest } from './dataset-hash.js';

/** What kind of result a manifest describes. */
export type ManifestKind = 'backtest' | 'walk_forward' | 'incubation';

/** One key figure of a result, by name (`metrics.sharpe`, `trades.digest`, …); null where the result has none. */
export type KeyFigure = [name: string, value: number | string | null];

/**
 * Everything needed to re-run a result and check it: the input bars' content
 * hash (and per-series digests to say where they changed), the code version,
 * the full effective parameters and the seed, plus the result's key figures.
 */
export interface RunManifest {
  /** SHA-256 (hex) of the canonical inputs (kind, dataset hash, code version, parameters, seed): see {@link manifestId}. */
  id: string;
  kind: ManifestKind;
  datasetHash: string;
  symbols: SymbolDigest[];
  codeVersion: string;
  /** The run's full effective parameters (for a backtest: the normalised request and how its bars were loaded). */
  params: Record<string, unknown>;
  /** The seed of any randomness (Monte Carlo); null when the run drew none. */
  seed: number | null;
  figures: KeyFigure[];
}

/** Length of the short hash cards and reports show. */
export const SHORT_HASH_LENGTH = 12;

/** The short hash a card shows: the id's first 12 hex digits. */
export function shortHash(id: string): string {
  return id.slice(0, SHORT_HASH_LENGTH);
}

/**
 * The manifest id: SHA-256 over the canonical JSON (keys sorted) of its
 * inputs. The same inputs always give the same id, so an identical re-run
 * finds its manifest rather than adding one; the figures are not part of it
 * (they are what a replay checks).
 */
export function manifestId(m: Pick<RunManifest, 'kind' | 'datasetHash' | 'codeVersion' | 'params' | 'seed'>): string {
  return createHash('sha256')
    .update(canonicalJson({ kind: m.kind, datasetHash: m.datasetHash, codeVersion: m.codeVersion, params: m.params, seed: m.seed }))
    .digest('hex');
}

/** JSON with object keys sorted at every depth (arrays keep their order). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/**
 * Flattens a JSON-safe value into named figures, depth first in key order
 * (`metrics.sharpe`, `walkForward.0.metrics.cagr`): numbers, strings,
 * booleans (as strings) and nulls.
 */
export function flattenFigures(prefix: string, value: unknown, out: KeyFigure[] = []): KeyFigure[] {
  if (value === null || value === undefined) out.push([prefix, null]);
  else if (typeof value === 'number' || typeof value === 'string') out.push([prefix, value]);
  else if (typeof value === 'boolean') out.push([prefix, String(value)]);
  else if (Array.isArray(value)) value.forEach((v, i) => flattenFigures(`${prefix}.${i}`, v, out));
  else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) flattenFigures(`${prefix}.${k}`, v, out);
  return out;
}

/** The first figure whose value differs between two lists (a figure present on one side only counts), or null. */
export function firstFigureDifference(stored: readonly KeyFigure[], now: readonly KeyFigure[]): { name: string; stored: KeyFigure[1] | undefined; now: KeyFigure[1] | undefined } | null {
  const cur = new Map(now.map(([k, v]) => [k, v]));
  for (const [k, v] of stored) {
    if (!cur.has(k)) return { name: k, stored: v, now: undefined };
    const n = cur.get(k);
    // Plain equality: figures are JSON-safe (no NaN), and a stored -0 comes back as 0.
    if (n !== v) return { name: k, stored: v, now: n };
  }
  const known = new Set(stored.map(([k]) => k));
  for (const [k, v] of now) if (!known.has(k)) return { name: k, stored: undefined, now: v };
  return null;
}
