import { describe, expect, it } from 'vitest';
import { TypeOrmUnitOfWork } from '../../../src/adapters/db/unit-of-work.js';
import { nyToday } from '../../../src/lib/dates.js';
import type { Notice } from '../../../src/trading/notifier.js';
import { runDriftCheck, type DriftCheckDeps } from '../../../src/trading/risk/drift-check.js';
import { driftStatus } from '../../../src/trading/risk/drift-status.js';
import { DEFAULT_RISK_SETTINGS } from '../../../src/trading/risk/settings.js';
import { dataSourcePerTest } from '../../helpers/pg.js';
import { drawFrom, plantBacktest, plantLiveTrades, plantRoundTrip, referenceR } from './drift-fixtures.js';

const pg = dataSourcePerTest();
const ADMINS = [1, 2];

function recorder(failFirst = 0) {
  const sent: { chatId: number; notice: Notice; key: string | undefined }[] = [];
  let failures = failFirst;
  const publisher = {
    publish: async (chatId: number, notice: Notice, opts?: { key?: string }) => {
      if (failures > 0) {
        failures--;
        throw new Error('redis down');
      }
      sent.push({ chatId, notice, key: opts?.key });
    },
  };
  return { sent, publisher };
}

function deps(publisher: DriftCheckDeps['publisher']): DriftCheckDeps {
  return { db: new TypeOrmUnitOfWork(pg.ds()), publisher, settings: DEFAULT_RISK_SETTINGS, admins: () => ADMINS };
}

/** A day's NY date `days` before today. */
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

describe('drift check (Postgres)', () => {
  it('alerts admins once for a losing streak outside the backtest band, not for an in-distribution run', async () => {
    const ds = pg.ds();
    const donRef = referenceR(300, 1);
    const soupRef = referenceR(300, 2);
    await plantBacktest(ds, 'donchian', donRef);
    await plantBacktest(ds, 'turtle_soup', soupRef);
    await plantLiveTrades(ds, 'donchian', Array(15).fill(-1));
    await plantLiveTrades(ds, 'turtle_soup', drawFrom(soupRef, 40, 9));

    const { sent, publisher } = recorder();
    const asOf = nyToday();
    const res = await runDriftCheck(deps(publisher), asOf);
    expect(res.breaches).toEqual(['test:donchian']);
    expect(res.opened).toEqual(['test:donchian']);
    expect(sent.map((s) => s.chatId)).toEqual(ADMINS);
    const n = sent[0]!.notice;
    if (n.kind !== 'drift.test-breach') throw new Error(`unexpected ${n.kind}`);
    expect(n.line).toMatchObject({ subject: 'donchian', liveTrades: 15, state: 'out_of_band', referenceTrades: 300 });
    expect(n.line.liveMeanR).toBeCloseTo(-1, 3);
    expect(n.line.referenceMeanR).toBeCloseTo(donRef.reduce((a, b) => a + b, 0) / 300, 9);
    expect(n.line.statistic).toBeGreaterThanOrEqual(n.line.threshold);
    expect(n.bound).toEqual({ falseAlarmBound: 0.05, horizon: 100, k: 0.5 });

    const status = await driftStatus({ db: new TypeOrmUnitOfWork(ds), settings: DEFAULT_RISK_SETTINGS }, asOf);
    expect(status.tests.find((t) => t.subject === 'turtle_soup')).toMatchObject({ state: 'in_band', liveTrades: 40, referenceTrades: 300 });

    // The next day's run (and a retried job) finds the episode open and told: nothing new.
    const again = await runDriftCheck(deps(publisher), asOf);
    expect(again).toMatchObject({ breaches: ['test:donchian'], opened: [], sent: 0 });
    expect(sent).toHaveLength(2);
  });

  it('sees nothing after asOf: trades closed and backtests finished later are left out', async () => {
    const ds = pg.ds();
    await plantBacktest(ds, 'donchian', referenceR(300, 1), new Date(Date.now() - 10 * 86_400_000));
    await plantLiveTrades(ds, 'donchian', Array(6).fill(-1), new Date(Date.now() - 8 * 86_400_000));
    await plantLiveTrades(ds, 'donchian', Array(9).fill(-1), new Date(Date.now() - 2 * 86_400_000));
    // A later backtest (finished after the earlier asOf) of another shape.
    await plantBacktest(ds, 'donchian', referenceR(50, 3), new Date(Date.now() - 5 * 86_400_000));
    const db = new TypeOrmUnitOfWork(ds);
    const early = (await driftStatus({ db, settings: DEFAULT_RISK_SETTINGS }, daysAgo(7))).tests.find((t) => t.subject === 'donchian')!;
    expect(early.liveTrades).toBe(6);
    expect(early.referenceTrades).toBe(300);
    const now = (await driftStatus({ db, settings: DEFAULT_RISK_SETTINGS }, nyToday())).tests.find((t) => t.subject === 'donchian')!;
    expect(now.liveTrades).toBe(15);
    expect(now.referenceTrades).toBe(50);
  });

  it('says too_few without a reference or with too few live trades', async () => {
    const ds = pg.ds();
    await plantLiveTrades(ds, 'donchian', Array(20).fill(-1));
    await plantBacktest(ds, 'turtle_soup', referenceR(300, 2));
    await plantLiveTrades(ds, 'turtle_soup', [-1, -1]);
    const { sent, publisher } = recorder();
    const res = await runDriftCheck(deps(publisher), nyToday());
    expect(res.breaches).toEqual([]);
    expect(sent).toEqual([]);
    const s = await driftStatus({ db: new TypeOrmUnitOfWork(ds), settings: DEFAULT_RISK_SETTINGS }, nyToday());
    expect(s.tests.map((t) => [t.subject, t.state, t.liveTrades, t.referenceTrades])).toEqual([
      ['donchian', 'too_few', 20, 0],
      ['turtle_soup', 'too_few', 2, 300],
    ]);
  });

  it('alerts on execution drift when the rolling median slippage passes EXEC_SLIPPAGE_ALERT_BPS, once', async () => {
    const ds = pg.ds();
    // Old fills were clean; the last 20 paid 40 bps over the card: the window only sees these.
    await plantLiveTrades(ds, 'donchian', Array(10).fill(0.5), new Date(Date.now() - 6 * 86_400_000), 0);
    await plantLiveTrades(ds, 'turtle_soup', Array(20).fill(0.5), new Date(Date.now() - 2 * 86_400_000), 40);
    const { sent, publisher } = recorder();
    const res = await runDriftCheck(deps(publisher), nyToday());
    expect(res.breaches).toEqual(['execution:US']);
    const n = sent[0]!.notice;
    if (n.kind !== 'drift.execution-wide') throw new Error(`unexpected ${n.kind}`);
    expect(n.line).toMatchObject({ market: 'US', fills: 20, alertBps: 25, state: 'wide', medianVsCloseBps: null });
    expect(n.line.medianBps).toBeCloseTo(40, 6);
    await runDriftCheck(deps(publisher), nyToday());
    expect(sent).toHaveLength(2);
    // At a wider alert level the same fills are fine, and the episode closes.
    const wide = await runDriftCheck({ ...deps(publisher), settings: { ...DEFAULT_RISK_SETTINGS, slippageAlertBps: 50 } }, nyToday());
    expect(wide).toMatchObject({ breaches: [], closed: ['execution:US'] });
  });

  it('a failed send is released and sent by the next run; back in band closes the episode', async () => {
    const ds = pg.ds();
    await plantBacktest(ds, 'donchian', referenceR(300, 1));
    await plantLiveTrades(ds, 'donchian', Array(15).fill(-1), new Date(Date.now() - 3 * 86_400_000));
    const failing = recorder(1);
    await expect(runDriftCheck(deps(failing.publisher), nyToday())).rejects.toThrow('redis down');
    const res = await runDriftCheck(deps(failing.publisher), nyToday());
    expect(res.opened).toEqual([]); // opened by the failed run
    // Admin 2's message went out in the failed run; the retry publishes both under the same keys (the notify queue keeps one per key).
    const keys = failing.sent.map((s) => s.key);
    expect(keys).toHaveLength(3);
    expect([...new Set(keys)].sort()).toEqual(ADMINS.map((c) => `drift-${keys[0]!.split('-')[1]}-${c}`));
    // A run of big winners drains the CUSUM: back in band.
    for (let i = 0; i < 10; i++) await plantRoundTrip(ds, { strategy: 'donchian', symbol: `W${i}`, r: 6, at: new Date(Date.now() - 2 * 86_400_000 + i * 60_000) });
    const back = await runDriftCheck(deps(failing.publisher), nyToday());
    expect(back.closed).toEqual(['test:donchian']);
    expect(await ds.query(`SELECT kind, subject, state FROM drift_alerts`)).toEqual([{ kind: 'test', subject: 'donchian', state: 'closed' }]);
  });

  it('closes the open episode of a subject no longer tested (a hypothesis retired or demoted), so a later breach alerts again', async () => {
    const ds = pg.ds();
    await ds.query(`INSERT INTO drift_alerts (kind, subject, opened_session, figures, notified_at) VALUES ('test', 'hyp:hgone', $1::date, '{}'::jsonb, now())`, [daysAgo(7)]);
    const { publisher, sent } = recorder();
    const res = await runDriftCheck(deps(publisher), nyToday());
    expect(res.closed).toEqual(['test:hyp:hgone']);
    expect(await ds.query(`SELECT subject, state FROM drift_alerts`)).toEqual([{ subject: 'hyp:hgone', state: 'closed' }]);
    expect(sent).toEqual([]);
  });
});
