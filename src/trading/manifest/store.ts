import type { TableSession } from '../../adapters/db/port.js';
import type { SymbolDigest } from './dataset-hash.js';
import type { KeyFigure, RunManifest } from './manifest.js';

/** A stored manifest and when it was first recorded. */
export type StoredManifest = RunManifest & { createdAt: Date };

/** What {@link RunManifestStore.find} found for an id or prefix. */
export type ManifestLookup = { kind: 'found'; manifest: StoredManifest } | { kind: 'none' } | { kind: 'ambiguous'; ids: string[] };

/** Shortest prefix {@link RunManifestStore.find} accepts: fewer hex digits would match too much to be meant. */
export const MIN_PREFIX = 6;

/** Run manifests in Postgres (`run_manifests`, migration 1765300000014), through its typed table. */
export class RunManifestStore {
  constructor(private readonly db: TableSession) {}

  /** Records a manifest (inside `tx` when given); one with the same id (the same inputs) is kept as it is. */
  async save(m: RunManifest, tx: TableSession = this.db): Promise<void> {
    await tx.tables.manifests.runManifests.insertIfAbsent(m);
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
    // A few rows are enough to tell "one" from "several" and to list some of them.
    const rows = await this.db.tables.manifests.runManifests.findByIdPrefix<SymbolDigest, KeyFigure>(p, 5);
    if (rows.length === 0) return { kind: 'none' };
    if (rows.length > 1) return { kind: 'ambiguous', ids: rows.map((r) => r.id) };
    return { kind: 'found', manifest: rows[0]! };
  }
}
