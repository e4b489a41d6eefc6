import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reproducible results (issue 21 part 6): one manifest per distinct set of
 * run inputs, and the backtest runs that point at theirs.
 *
 * `id` is the SHA-256 of the canonical inputs (kind, dataset hash, code
 * version, parameters, seed), so an identical re-run finds its manifest
 * instead of adding one; cards show its first 12 hex digits and
 * `courtside backtest --replay` accepts any unique prefix (hence the
 * `text_pattern_ops` index: prefix LIKE under any collation). `symbols` holds
 * the per-series digests (symbol, role, first/last date, bar count, hash,
 * block checks) that let a replay name the series and dates that changed;
 * `figures` the result's key figures as ordered [name, value] pairs.
 */
export class RunManifests1765300000014 implements MigrationInterface {
  name = 'RunManifests1765300000014';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE run_manifests (
        id           text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
        kind         text NOT NULL CHECK (kind IN ('backtest', 'walk_forward', 'incubation')),
        dataset_hash text NOT NULL CHECK (dataset_hash ~ '^[0-9a-f]{64}$'),
        symbols      jsonb NOT NULL CHECK (jsonb_typeof(symbols) = 'array'),
        code_version text NOT NULL CHECK (length(code_version) BETWEEN 1 AND 200),
        params       jsonb NOT NULL CHECK (jsonb_typeof(params) = 'object'),
        seed         bigint,
        figures      jsonb NOT NULL CHECK (jsonb_typeof(figures) = 'array'),
        created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX run_manifests_prefix_idx ON run_manifests (id text_pattern_ops)`);
    await q.query(`ALTER TABLE backtest_runs ADD COLUMN manifest_id text REFERENCES run_manifests (id)`);
    await q.query(`CREATE INDEX backtest_runs_manifest_idx ON backtest_runs (manifest_id) WHERE manifest_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE backtest_runs DROP COLUMN manifest_id');
    await q.query('DROP TABLE run_manifests');
  }
}
