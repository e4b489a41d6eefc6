import type { SqlSession } from '../../adapters/db/port.js';
import type { SymbolDigest } from './dataset-hash.js';
import type { KeyFigure, RunManifest } from './manifest.js';
import { z } from 'zod';
import { pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { pgJsonArray, pgJsonObject } from '../../lib/sql-json.js';
import { rowsOf } from '../../lib/sql-rows.js';

/** A stored manifest and when it was first recorded. */
export type StoredManifest = RunManifest & { createdAt: Date };

/** What {@link RunManifestStore.find} found for an id or prefix. */
export type ManifestLookup = { kind: 'found'; manifest: StoredManifest } | { kind: 'none' } | { kind: 'ambiguous'; ids: string[] };

/** A `run_manifests` row (seed read as text: a bigint). */
const ManifestRow = z.object({
  id: pgText,
  kind: z.enum(['backtest', 'walk_forward', 'incubation']),
  dataset_hash: pgText,
  symbols: pgJsonArray<SymbolDigest>(),
  code_version: pgText,
  params: pgJsonObject<Record<string, unknown>>(),
  seed: pgText.nullable(),
  figures: pgJsonArray<KeyFigure>(),
  created_at: pgTimestamp,
});

/** Shortest prefix {@link RunManifestStore.find} accepts: fewer hex digits would match too much to be meant. */
export const MIN_PREFIX = 6;

/** Run manifests in Postgres (`run_manifests`, migration 1765300000014). */
export class RunManifestStore {
  constructor(private readonly db: SqlSession) {}

  /** Records a manifest; one with the same id (the same inputs) is kept as it is. */
  async save(m: RunManifest, tx: SqlSession = this.db): Promise<void> {
    await tx.exec(
      `INSERT INTO run_manifests (id, kind, dataset_hash, symbols, code_version, params, seed, figures)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
      [m.id, m.kind, m.datasetHash, JSON.stringify(m.symbols), m.codeVersion, JSON.stringify(m.params), m.seed, JSON.stringify(m.figures)],
    );
  }

  /**
   * The manifest with this full id or unique hex prefix (at least
   * {@link MIN_PREFIX} digits, any case).
   *
   * @throws RangeError when `idOrPrefix` is not hex or too short
   */
  async find(idOrPrefix: string): Promise<ManifestLookup> {
    const p = idOrPrefix.trim().toLowerCase();
    if (!/^[0-9a-f]+$/.test(p) || p.length < MIN_PREFIX || p.length > 64) {
      throw new RangeError(`a manifest id is ${MIN_PREFIX} to 64 hex digits (the 12 a report shows will do), got "${idOrPrefix}"`);
    }
    const rows = await rowsOf(
      this.db,
      ManifestRow,
      `SELECT id, kind, dataset_hash, symbols, code_version, params, seed::text AS seed, figures, created_at
       FROM run_manifests WHERE id LIKE $1 || '%' ORDER BY id LIMIT 5`,
      [p],
    );
    if (rows.length === 0) return { kind: 'none' };
    if (rows.length > 1) return { kind: 'ambiguous', ids: rows.map((r) => r.id) };
    const r = rows[0]!;
    return {
      kind: 'found',
      manifest: {
        id: r.id,
        kind: r.kind,
        datasetHash: r.dataset_hash,
        symbols: r.symbols,
        codeVersion: r.code_version,
        params: r.params,
        seed: r.seed === null ? null : Number(r.seed),
        figures: r.figures,
        createdAt: r.created_at,
      },
    };
  }
}
