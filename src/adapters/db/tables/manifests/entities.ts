import type { EntitySchema } from 'typeorm';
import { DataCheckSchema } from './data-check.entity.js';
import { HeartbeatSchema } from './heartbeat.entity.js';
import { RunManifestSchema } from './run-manifest.entity.js';

/** The TypeORM entities of run_manifests, data-check gaps and heartbeats (registered with the DataSource). */
export const MANIFESTS_ENTITIES: readonly EntitySchema[] = [RunManifestSchema, DataCheckSchema, HeartbeatSchema];
