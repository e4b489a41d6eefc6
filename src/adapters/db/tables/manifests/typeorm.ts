import { Like, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { pgNumber, pgText, pgTimestamp } from '../../../../lib/sql-columns.js';
import { pgJsonArray, pgJsonObject } from '../../../../lib/sql-json.js';
import { parseRows } from '../../../../lib/sql-rows.js';
import { DataCheckSchema } from './data-check.entity.js';
import { HeartbeatSchema } from './heartbeat.entity.js';
import type { DataChecksTable, HeartbeatsTable, ManifestsTables, RunManifestsTable, StoredRunManifestRecord } from './port.js';
import { RunManifestSchema } from './run-manifest.entity.js';

/**
 * A `run_manifests` entity as read: the kind and the jsonb columns' kinds are
 * checked (a row a migration or a hand edit changed stops as a RowShapeError),
 * the bigint seed becomes a number.
 */
function storedManifest<S extends object, F extends object>() {
  return z.object({
    id: pgText,
    kind: z.enum(['backtest', 'walk_forward', 'incubation']),
    datasetHash: pgText,
    symbols: pgJsonArray<S>(),
    codeVersion: pgText,
    params: pgJsonObject<Record<string, unknown>>(),
    seed: pgNumber.nullable(),
    figures: pgJsonArray<F>(),
    createdAt: pgTimestamp,
  });
}

/** Names the read in a RowShapeError, as a statement's first words would. */
const FIND_BY_PREFIX = 'run_manifests: find by id prefix';

/** `LIKE` reads `%`, `_` and the escape character `\` specially: a prefix is matched literally. */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function runManifests(m: EntityManager): RunManifestsTable {
  return {
    async insertIfAbsent(r) {
      // updateEntity(false): no `RETURNING created_at` for the defaulted column; nothing reads it back, and a duplicate returns no row.
      await m
        .createQueryBuilder()
        .insert()
        .into(RunManifestSchema)
        .values({ id: r.id, kind: r.kind, datasetHash: r.datasetHash, symbols: r.symbols, codeVersion: r.codeVersion, params: r.params, seed: r.seed === null ? null : String(r.seed), figures: r.figures })
        .orIgnore()
        .updateEntity(false)
        .execute();
    },
    async findByIdPrefix<S extends object, F extends object>(prefix: string, limit: number): Promise<StoredRunManifestRecord<S, F>[]> {
      const rows = await m.getRepository(RunManifestSchema).find({ where: { id: Like(`${likeLiteral(prefix)}%`) }, order: { id: 'ASC' }, take: limit });
      return parseRows(storedManifest<S, F>(), rows, FIND_BY_PREFIX);
    },
  };
}

function dataChecks(m: EntityManager): DataChecksTable {
  return {
    async insert(r) {
      await m.getRepository(DataCheckSchema).insert({
        market: r.market,
        checkedAt: r.checkedAt,
        lastCompleted: r.lastCompleted,
        symbols: r.symbols,
        symbolsFlagged: r.symbolsFlagged,
        missingSession: r.missingSession,
        missingSessions: r.missingSessions,
        stale: r.stale,
        ms: r.ms,
        findings: r.findings,
      });
    },
  };
}

function heartbeats(m: EntityManager): HeartbeatsTable {
  return {
    async beat(b) {
      // On a second beat of the same (role, instance) everything but started_at is refreshed; beat_at is the server's now().
      await m
        .createQueryBuilder()
        .insert()
        .into(HeartbeatSchema)
        .values({ role: b.role, instance: b.instance, pid: b.pid, host: b.host, startedAt: b.startedAt, beatAt: () => 'now()', configPin: b.configPin })
        .orUpdate(['pid', 'host', 'beat_at', 'config_pin'], ['role', 'instance'])
        .updateEntity(false)
        .execute();
    },
    async remove(role, instance) {
      return (await m.getRepository(HeartbeatSchema).delete({ role, instance })).affected ?? 0;
    },
  };
}

/** ManifestsTables on a TypeORM EntityManager (the pool's, or a transaction's). */
export function manifestsTables(m: EntityManager): ManifestsTables {
  return { runManifests: runManifests(m), dataChecks: dataChecks(m), heartbeats: heartbeats(m) };
}
