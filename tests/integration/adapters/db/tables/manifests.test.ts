/**
 * The manifests group's typed tables (src/adapters/db/tables/manifests) against a migrated
 * database: run manifests (insert once, find by prefix), data checks (insert) and heartbeats
 * (beat, remove); the types a row comes back with, and a transaction's `tables` joining that
 * transaction. (The reads of data checks and heartbeats /status makes are reviewed SQL on a
 * plain session: see src/trading/data-check/store.ts and src/trading/status/heartbeat.ts.)
 */
import { describe, expect, it } from 'vitest';
import type { DataCheckRecord, HeartbeatBeat, RunManifestRecord } from '../../../../../src/adapters/db/tables/manifests/port.js';
import { useScratchDb } from './scratch-db.js';

const scratch = useScratchDb(['run_manifests', 'data_checks', 'heartbeats']);

/** A 64-hex-digit id starting with `head`. */
const idOf = (head: string) => head.padEnd(64, '0');

function manifest(id: string, over: Partial<RunManifestRecord> = {}): RunManifestRecord {
  return {
    id,
    kind: 'backtest',
    datasetHash: 'd'.repeat(64),
    symbols: [{ symbol: 'AAA', role: 's', bars: 3 }],
    codeVersion: 'test-1',
    params: { window: 20, nested: { a: [1, 2] } },
    seed: 42,
    figures: [['metrics.sharpe', 1.25], ['trades.digest', null]],
    ...over,
  };
}

describe('run manifests', () => {
  it('reads a manifest back with its types: Date, number, null, the jsonb values as written', async () => {
    const t = scratch.uow.tables.manifests.runManifests;
    await t.insertIfAbsent(manifest(idOf('abc1')));
    await t.insertIfAbsent(manifest(idOf('abc2'), { kind: 'incubation', seed: null }));

    const [seeded] = await t.findByIdPrefix(idOf('abc1'), 5);
    expect(seeded).toEqual({ ...manifest(idOf('abc1')), createdAt: expect.any(Date) });
    expect(typeof seeded!.seed).toBe('number');
    expect(Math.abs(seeded!.createdAt.getTime() - Date.now())).toBeLessThan(60_000);

    const [unseeded] = await t.findByIdPrefix('abc2', 5);
    expect(unseeded).toMatchObject({ id: idOf('abc2'), kind: 'incubation', seed: null });
  });

  it('finds by prefix in id order, at most `limit`, the prefix taken literally', async () => {
    const t = scratch.uow.tables.manifests.runManifests;
    for (const head of ['abc3', 'abc1', 'abd0', 'abc2']) await t.insertIfAbsent(manifest(idOf(head)));
    expect((await t.findByIdPrefix('abc', 5)).map((m) => m.id)).toEqual([idOf('abc1'), idOf('abc2'), idOf('abc3')]);
    expect((await t.findByIdPrefix('ab', 2)).map((m) => m.id)).toEqual([idOf('abc1'), idOf('abc2')]);
    expect(await t.findByIdPrefix('abe', 5)).toEqual([]);
    // `_` and `%` are LIKE wildcards in SQL; here they are characters no id has.
    expect(await t.findByIdPrefix('ab_', 5)).toEqual([]);
    expect(await t.findByIdPrefix('%', 5)).toEqual([]);
  });

  it('keeps the first manifest of an id (the same inputs) as it is', async () => {
    const t = scratch.uow.tables.manifests.runManifests;
    await t.insertIfAbsent(manifest(idOf('f00d'), { figures: [['dsr', 0.5]] }));
    await t.insertIfAbsent(manifest(idOf('f00d'), { figures: [['dsr', 0.9]] }));
    const found = await t.findByIdPrefix('f00d', 5);
    expect(found).toHaveLength(1);
    expect(found[0]!.figures).toEqual([['dsr', 0.5]]);
  });

  it("a transaction's tables write in that transaction: a rollback undoes the insert, a commit keeps it", async () => {
    await expect(
      scratch.uow.transaction(async (tx) => {
        await tx.tables.manifests.runManifests.insertIfAbsent(manifest(idOf('dead')));
        // Visible inside the transaction, not outside it yet.
        expect(await tx.tables.manifests.runManifests.findByIdPrefix('dead', 5)).toHaveLength(1);
        expect(await scratch.uow.tables.manifests.runManifests.findByIdPrefix('dead', 5)).toEqual([]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await scratch.uow.tables.manifests.runManifests.findByIdPrefix('dead', 5)).toEqual([]);

    await scratch.uow.transaction((tx) => tx.tables.manifests.runManifests.insertIfAbsent(manifest(idOf('beef'))));
    expect(await scratch.uow.tables.manifests.runManifests.findByIdPrefix('beef', 5)).toHaveLength(1);
  });
});

describe('data checks', () => {
  it('inserts a check: every column as given, ids from the sequence', async () => {
    const check: DataCheckRecord = {
      market: 'US',
      checkedAt: new Date('2026-03-02T21:15:00.250Z'),
      lastCompleted: '2026-03-02',
      symbols: 900,
      symbolsFlagged: 3,
      missingSession: 2,
      missingSessions: 5,
      stale: 1,
      ms: 1234,
      findings: [{ symbol: 'AAA', kind: 'stale', last: '2026-02-20' }],
    };
    await scratch.uow.tables.manifests.dataChecks.insert(check);
    await scratch.uow.tables.manifests.dataChecks.insert({ ...check, checkedAt: new Date('2026-03-03T21:15:00Z'), findings: [] });
    const rows: unknown[] = await scratch.ds.query(
      `SELECT id::text AS id, market, checked_at, to_char(last_completed, 'YYYY-MM-DD') AS last_completed, symbols, symbols_flagged,
              missing_session, missing_sessions, stale, ms, findings
         FROM data_checks ORDER BY id`,
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({
      id: expect.stringMatching(/^\d+$/),
      market: 'US',
      checked_at: check.checkedAt,
      last_completed: '2026-03-02',
      symbols: 900,
      symbols_flagged: 3,
      missing_session: 2,
      missing_sessions: 5,
      stale: 1,
      ms: 1234,
      findings: check.findings,
    });
    expect(rows[1]).toMatchObject({ findings: [] });
  });
});

describe('heartbeats', () => {
  interface BeatRow {
    role: string;
    instance: string;
    pid: number;
    host: string;
    started_at: Date;
    beat_at: Date;
    config_pin: string | null;
    now: Date;
  }
  const rowsNow = async (): Promise<BeatRow[]> => scratch.ds.query(`SELECT h.*, now() AS now FROM heartbeats h ORDER BY role, instance`);
  const first: HeartbeatBeat = { role: 'worker', instance: 'w-1', pid: 100, host: 'h1', startedAt: new Date('2026-03-02T09:00:00Z'), configPin: null };

  it("a beat inserts the row at the server's now(); the next one refreshes pid, host, beat and pin but keeps started_at", async () => {
    const t = scratch.uow.tables.manifests.heartbeats;
    await t.beat(first);
    const [one] = await rowsNow();
    expect(one).toMatchObject({ role: 'worker', instance: 'w-1', pid: 100, host: 'h1', started_at: first.startedAt, config_pin: null });
    expect(one!.beat_at).toBeInstanceOf(Date);
    expect(one!.now.getTime() - one!.beat_at.getTime()).toBeGreaterThanOrEqual(0);
    expect(one!.now.getTime() - one!.beat_at.getTime()).toBeLessThan(10_000);

    await new Promise((r) => setTimeout(r, 20));
    await t.beat({ ...first, pid: 200, host: 'h2', startedAt: new Date('2026-03-02T10:00:00Z'), configPin: 'p'.repeat(64) });
    await t.beat({ ...first, role: 'bot', instance: 'b-1' });
    const rows = await rowsNow();
    expect(rows.map((r) => [r.role, r.instance])).toEqual([['bot', 'b-1'], ['worker', 'w-1']]);
    const two = rows[1]!;
    expect(two).toMatchObject({ pid: 200, host: 'h2', started_at: first.startedAt, config_pin: 'p'.repeat(64) });
    expect(two.beat_at.getTime()).toBeGreaterThan(one!.beat_at.getTime());
  });

  it('remove deletes one (role, instance) row and says how many went', async () => {
    const t = scratch.uow.tables.manifests.heartbeats;
    await t.beat(first);
    await t.beat({ ...first, instance: 'w-2' });
    expect(await t.remove('worker', 'w-1')).toBe(1);
    expect(await t.remove('worker', 'w-1')).toBe(0);
    expect((await rowsNow()).map((r) => r.instance)).toEqual(['w-2']);
  });
});
