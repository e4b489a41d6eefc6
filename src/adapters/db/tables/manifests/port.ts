/**
 * Typed repositories of run_manifests, data-check gaps and heartbeats: the plain one-table reads and writes the
 * use cases need, as methods (the use cases import this file's types only).
 */

/** What kind of result a run manifest describes (the `run_manifests.kind` check). */
export type RunManifestKind = 'backtest' | 'walk_forward' | 'incubation';

/**
 * A run manifest as its writer stores it. `S` and `F` are the writer's own
 * types of the `symbols` and `figures` jsonb arrays: on a read they are checked
 * to be arrays, their items are the writer's contract (src/lib/sql-json.ts).
 */
export interface RunManifestRecord<S extends object = object, F extends object = object> {
  /** SHA-256 (hex) of the manifest's inputs: the primary key. */
  id: string;
  kind: RunManifestKind;
  datasetHash: string;
  symbols: S[];
  codeVersion: string;
  params: Record<string, unknown>;
  /** A bigint column, read as a number (seeds are far below 2^53); null when the run drew no randomness. */
  seed: number | null;
  figures: F[];
}

/** A stored run manifest and when it was first recorded. */
export interface StoredRunManifestRecord<S extends object = object, F extends object = object> extends RunManifestRecord<S, F> {
  createdAt: Date;
}

/** `run_manifests` (migration 1765300000014). */
export interface RunManifestsTable {
  /** Inserts the manifest; one with the same id (the same inputs) is kept as it is. */
  insertIfAbsent(m: RunManifestRecord): Promise<void>;
  /**
   * The manifests whose id starts with `prefix` (taken literally: `%` and `_`
   * are not wildcards), in id order, at most `limit`.
   *
   * @throws RowShapeError when a row is not what the writer stores (a kind, jsonb of the wrong kind)
   */
  findByIdPrefix<S extends object, F extends object>(prefix: string, limit: number): Promise<StoredRunManifestRecord<S, F>[]>;
}

/** One calendar check of a market's data, as `data_checks` keeps it (migration 1765300000016). */
export interface DataCheckRecord {
  market: string;
  checkedAt: Date;
  /** The last completed session then, `YYYY-MM-DD`. */
  lastCompleted: string;
  symbols: number;
  symbolsFlagged: number;
  missingSession: number;
  missingSessions: number;
  stale: number;
  ms: number;
  /** The findings kept with the check (the writer caps them), stored as jsonb. */
  findings: object[];
}

/** `data_checks`. */
export interface DataChecksTable {
  /** Records a check (its id is the table's sequence). */
  insert(r: DataCheckRecord): Promise<void>;
}

/** One process's beat, as `heartbeats` keeps it (its time is the database's `now()`). */
export interface HeartbeatBeat {
  role: string;
  instance: string;
  pid: number;
  host: string;
  startedAt: Date;
  /** The configuration pin the process started with; null when none was computed. */
  configPin: string | null;
}

/** `heartbeats` (migration 1763800000000, `config_pin` 1765300000009): one row per (role, instance). */
export interface HeartbeatsTable {
  /**
   * Records a beat at the database's `now()`: inserts the (role, instance)
   * row, or updates its pid, host, beat time and pin (its `started_at` stays
   * the one first recorded).
   */
  beat(b: HeartbeatBeat): Promise<void>;
  /** Deletes the (role, instance) row; how many rows went (0 or 1). */
  remove(role: string, instance: string): Promise<number>;
}

/** The tables of the manifests group. */
export interface ManifestsTables {
  readonly runManifests: RunManifestsTable;
  readonly dataChecks: DataChecksTable;
  readonly heartbeats: HeartbeatsTable;
}
