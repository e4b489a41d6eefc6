import { EntitySchema } from 'typeorm';
import type { RunManifestKind } from './port.js';

/**
 * A `run_manifests` row as the driver returns it (bigint comes back as a string, jsonb parsed). The
 * jsonb columns are typed `object` here (what TypeORM's insert typing accepts); reads check them (./typeorm.ts).
 */
export interface RunManifestEntity {
  id: string;
  kind: RunManifestKind;
  datasetHash: string;
  symbols: object[];
  codeVersion: string;
  params: object;
  seed: string | null;
  figures: object[];
  createdAt: Date;
}

/** `run_manifests` as migration 1765300000014 creates it. */
export const RunManifestSchema = new EntitySchema<RunManifestEntity>({
  name: 'RunManifest',
  tableName: 'run_manifests',
  columns: {
    id: { type: 'text', primary: true },
    kind: { type: 'text' },
    datasetHash: { name: 'dataset_hash', type: 'text' },
    symbols: { type: 'jsonb' },
    codeVersion: { name: 'code_version', type: 'text' },
    params: { type: 'jsonb' },
    seed: { type: 'bigint', nullable: true },
    figures: { type: 'jsonb' },
    createdAt: { name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' },
  },
});
