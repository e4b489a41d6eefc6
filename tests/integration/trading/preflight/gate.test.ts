import { describe, expect, it } from 'vitest';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { Alerts } from '../../../../src/trading/alerts/alerts.js';
import { latestPreflight, preflightBlock, preflightBlockLine, recordPreflight } from '../../../../src/trading/preflight/gate.js';
import type { PreflightReport, PreflightResult } from '../../../../src/trading/preflight/types.js';
import { dataSourcePerTest } from '../../../helpers/pg.js';

const db = dataSourcePerTest();

const result = (id: string, level: PreflightResult['level'], saw = 'saw it'): PreflightResult => ({ id, title: `Title ${id}`, level, saw, fix: level === 'pass' ? null : `fix ${id}`, ms: 3 });
const report = (results: PreflightResult[], at = '2026-12-07T14:31:00.000Z'): PreflightReport => ({
  at,
  level: results.some((r) => r.level === 'fail') ? 'fail' : results.some((r) => r.level === 'warn') ? 'warn' : 'pass',
  results,
  ms: 42,
});

describe('the preflight entry gate', () => {
  it('only a live broker is gated; it is blocked until a run without ✗ is recorded, and blocked again by a later ✗', async () => {
    const uow = new TypeOrmUnitOfWork(db.ds());
    expect(await preflightBlock(uow, 'paper')).toBeNull();
    expect(await preflightBlock(uow, 'alpaca-paper')).toBeNull();
    expect(await preflightBlock(uow, 'alpaca-live')).toEqual({ kind: 'never_ran', broker: 'alpaca-live' });

    await recordPreflight(uow, report([result('a', 'pass'), result('broker.alpaca-live.clock-skew', 'fail', '+5.0 s'), result('c', 'warn')]), 'startup:worker:w1');
    const block = await preflightBlock(uow, 'alpaca-live');
    expect(block).toMatchObject({ kind: 'failed', broker: 'alpaca-live', run: { by: 'startup:worker:w1', level: 'fail', at: '2026-12-07T14:31:00.000Z' } });
    expect(block?.kind === 'failed' ? block.failing.map((f) => f.id) : null).toEqual(['broker.alpaca-live.clock-skew']);
    expect(preflightBlockLine(block!)).toBe(
      'new entries are blocked (BROKER=alpaca-live): the last preflight (startup:worker:w1) failed — Title broker.alpaca-live.clock-skew (+5.0 s); run /preflight or `courtside preflight` after fixing',
    );
    // Paper brokers record runs too, but are never gated.
    expect(await preflightBlock(uow, 'alpaca-paper')).toBeNull();

    // A ⚠ is not a ✗: it lifts the block. The newest recorded run decides, whatever its start time.
    await recordPreflight(uow, report([result('a', 'pass'), result('c', 'warn')], '2026-12-07T14:30:00.000Z'), 'cli');
    expect(await preflightBlock(uow, 'alpaca-live')).toBeNull();
    expect(await latestPreflight(uow)).toMatchObject({ by: 'cli', level: 'warn' });

    await recordPreflight(uow, report([result('a', 'fail')]), 'telegram:1');
    expect(await preflightBlock(uow, 'alpaca-live')).toMatchObject({ kind: 'failed', run: { by: 'telegram:1' } });
    expect(await db.ds().query(`SELECT count(*)::int AS n FROM preflight_runs`)).toEqual([{ n: 3 }]);
  });

  it('with alerts: a ✗ opens one alert (critical when live), a run without one resolves it', async () => {
    const uow = new TypeOrmUnitOfWork(db.ds());
    const sent: unknown[] = [];
    const alerts = new Alerts({ db: uow, notifier: { publish: async (_chat, notice) => void sent.push(notice) }, admins: [7] });
    await recordPreflight(uow, report([result('x', 'fail', 'the broker refused the keys (HTTP 403)')]), 'startup:worker:w1', { alerts, broker: 'alpaca-live' });
    await recordPreflight(uow, report([result('x', 'fail')]), 'cli', { alerts, broker: 'alpaca-live' });
    const open = (await db.ds().query(`SELECT severity, count, detail FROM alerts WHERE key = 'preflight.failed' AND state = 'open'`)) as { severity: string; count: number; detail: Record<string, unknown> }[];
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ severity: 'critical', count: 2, detail: { code: 'preflight.failed', broker: 'alpaca-live', blocksEntries: true, by: 'cli', failCount: 1 } });
    expect(sent).toHaveLength(1);

    await recordPreflight(uow, report([result('x', 'pass')]), 'telegram:7', { alerts, broker: 'alpaca-live' });
    const resolved = (await db.ds().query(`SELECT state, resolve_detail FROM alerts WHERE key = 'preflight.failed'`)) as { state: string; resolve_detail: unknown }[];
    expect(resolved).toEqual([{ state: 'resolved', resolve_detail: { code: 'preflight.passed', at: '2026-12-07T14:31:00.000Z', by: 'telegram:7', level: 'pass' } }]);
    expect(sent).toHaveLength(2);
  });
});
