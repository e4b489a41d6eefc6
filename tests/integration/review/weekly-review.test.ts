/**
 * The weekly review's use case and job handler on a planted week (tests/integration/review/plant-week.ts):
 * the figures match what was planted, every total recomputes from the parts the message shows, a
 * drift read that throws costs one line (not the review), chats that turned the review off get
 * nothing, and each recipient's publish key is stable across retries.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../../src/adapters/db/data-source.js';
import { TypeOrmUnitOfWork } from '../../../src/adapters/db/unit-of-work.js';
import { AuditLog } from '../../../src/trading/audit/audit-log.js';
import { buildWeeklyReview } from '../../../src/trading/review/build.js';
import type { DriftStatus } from '../../../src/trading/risk/drift-status.js';
import { weeklyReviewView } from '../../../src/bot/views/review-view.js';
import { weeklyReviewChart } from '../../../src/bot/charts/review-chart.js';
import { reviewHandlers } from '../../../src/jobs/handlers/review.js';
import type { CommandsDeps } from '../../../src/jobs/handlers/commands.js';
import type { Notice } from '../../../src/trading/notifier.js';
import { UserSettingsRepo } from '../../../src/trading/settings/repo.js';
import { createTestDatabase } from '../../helpers/pg.js';
import { EXPECTED, plantWeek, WEEK } from './plant-week.js';
import { recomputeReview } from './recompute.js';

const log = pino({ level: 'silent' });
const DRIFT: DriftStatus = {
  tests: [
    { kind: 'strategy', subject: 'donchian', liveTrades: 14, statistic: 1.2, threshold: 4.6, state: 'in_band', referenceMeanR: 0.4, referenceSdR: 1.1, referenceTrades: 120, reference: { kind: 'backtest', runId: 'abcdef12-3456-7890-abcd-ef1234567890', finishedOn: '2026-11-20' } },
    { kind: 'strategy', subject: 'turtle_soup', liveTrades: 9, statistic: 5.3, threshold: 4.6, state: 'out_of_band' },
    { kind: 'hypothesis', subject: 'hyp:h1', liveTrades: 2, statistic: 0, threshold: 4.6, state: 'too_few' },
  ],
  execution: [{ market: 'US', fills: 12, medianBps: 8, alertBps: 25, state: 'ok' }],
  falseAlarmBound: 0.05,
};

let drop: () => Promise<void>;
let ds: DataSource;
let uow: TypeOrmUnitOfWork;

beforeEach(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  ds = createDataSource(db.url, { poolSize: 4 });
  await ds.initialize();
  uow = new TypeOrmUnitOfWork(ds);
  await plantWeek({ run: (sql, params = []) => ds.query(sql, params), audit: new AuditLog(uow) });
});

afterEach(async () => {
  if (ds?.isInitialized) await ds.destroy();
  await drop?.();
});

const NOW = new Date('2026-12-04T22:00:00Z');

describe('buildWeeklyReview on a planted week', () => {
  it('counts what was planted, and the message recomputes', async () => {
    // Asked from the Wednesday: the week is still Monday to Friday.
    const r = (await buildWeeklyReview({ db: uow, drift: async () => DRIFT, log }, { market: 'US', sessionDate: '2026-12-02', now: NOW }))!;
    expect(r.sessionDate).toBe(WEEK.last);
    expect(r.sessions).toHaveLength(5);
    const text = weeklyReviewView(r).text;
    const parsed = recomputeReview(text);
    expect(parsed.signals).toBe(EXPECTED.signals);
    expect(parsed.bySource).toEqual(EXPECTED.bySource);
    expect(parsed.cards).toMatchObject(EXPECTED.cards);
    expect(parsed.posted).toMatchObject(EXPECTED.posted);
    expect(parsed.approved).toMatchObject(EXPECTED.approvals);
    expect(parsed.trades).toBe(EXPECTED.trades);
    expect(parsed.realized).toBe(EXPECTED.realized);
    expect(parsed.groups).toEqual([
      { source: 'donchian', trades: 1, pnl: 9.5, meanR: 0.95 },
      { source: 'hyp:h1', trades: 1, pnl: -5, meanR: -1 },
    ]);
    expect(parsed.daily).toEqual([0, 0, 0, 9.5, -5]);
    expect(parsed.slippage).toEqual(EXPECTED.slippageBps);
    expect(parsed.kills).toBe(EXPECTED.kills);
    expect(text).toMatch(/^Gate refusals: 1 \(var 1\)$/m);
    expect(text).toMatch(/^• turtle_soup \(strategy\): OUT OF BAND, statistic 5\.30 vs threshold 4\.60, 9 live trades$/m);
    // The expectation is the drift test's reference (a strategy's latest risk-sized backtest); none stored is said as such.
    expect(text).toMatch(/^• donchian \(strategy\): .*; expected \+0\.40 R \(backtest run abcdef12, 120 trades\)$/m);
    expect(text).toMatch(/^• hyp:h1 \(hypothesis\): .*; expectation: none stored$/m);
    // The chart draws the "By session" figures.
    expect(weeklyReviewChart(r)!.spec.values).toEqual([0, 0, 0, 9.5, -5]);
  });

  it('still builds when the drift tests throw, saying why', async () => {
    const r = (await buildWeeklyReview({ db: uow, drift: async () => Promise.reject(new Error('driftStatus is not built yet')), log }, { market: 'US', sessionDate: WEEK.last, now: NOW }))!;
    const text = weeklyReviewView(r).text;
    expect(text).toMatch(/^Drift tests: could not be read \(driftStatus is not built yet\)\./m);
    expect(recomputeReview(text).signals).toBe(EXPECTED.signals);
  });

  it('is empty but consistent for a quiet week', async () => {
    const r = (await buildWeeklyReview({ db: uow, drift: async () => DRIFT, log }, { market: 'US', sessionDate: '2026-12-18', now: NOW }))!;
    const parsed = recomputeReview(weeklyReviewView(r).text);
    expect(parsed).toMatchObject({ signals: 0, trades: 0, realized: 0, kills: 0 });
    expect(weeklyReviewChart(r)).toBeNull();
  });
});

describe('the review.weekly job', () => {
  function deps(published: { chatId: number; notice: Notice; key: string | undefined }[]): CommandsDeps {
    return {
      db: uow,
      publisher: { publish: async (chatId: number, notice: Notice, opts?: { key?: string }) => void published.push({ chatId, notice, key: opts?.key }) },
      config: { telegram: { allowed: new Map([[1, 'admin'], [2, 'viewer'], [3, 'viewer']] as const) } },
      log,
      now: () => NOW,
    } as unknown as CommandsDeps;
  }
  const run = (id: string) => ({ job: { id }, log }) as never;

  it('goes to every chat except those that turned it off, keyed per market, week and user, the same on a retry', async () => {
    await new UserSettingsRepo(uow).setMode(2, 'review', 'off');
    await new UserSettingsRepo(uow).setMode(3, 'review', 'silent');
    const published: { chatId: number; notice: Notice; key: string | undefined }[] = [];
    const h = reviewHandlers(deps(published), { drift: async () => DRIFT });
    await h['review.weekly']({ market: 'US', sessionDate: WEEK.last }, run('review-weekly-us-2026-12-04'));
    await h['review.weekly']({ market: 'US', sessionDate: WEEK.last }, run('review-weekly-us-2026-12-04'));
    expect(published.map((p) => [p.chatId, p.key])).toEqual([
      [1, 'review-weekly-us-2026-12-04-u1'],
      [3, 'review-weekly-us-2026-12-04-u3'],
      [1, 'review-weekly-us-2026-12-04-u1'],
      [3, 'review-weekly-us-2026-12-04-u3'],
    ]);
    expect(published[0]!.notice.kind).toBe('review.weekly');
  });
});
