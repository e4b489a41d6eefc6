/**
 * The drift checks of LIVE hypotheses (issue 21, part 3) on a real Postgres: a LIVE hypothesis's
 * live closed trades (orders under `hyp:<id>`) judged against its PAPER shadow book's closed R
 * (the latest PAPER snapshot on or before the session), not its LIVE book nor an older PAPER one.
 */
import { describe, expect, it } from 'vitest';
import { TypeOrmUnitOfWork } from '../../../src/adapters/db/unit-of-work.js';
import { nyToday } from '../../../src/lib/dates.js';
import type { Notice } from '../../../src/trading/notifier.js';
import { runDriftCheck, type DriftCheckDeps } from '../../../src/trading/risk/drift-check.js';
import { driftStatus } from '../../../src/trading/risk/drift-status.js';
import { DEFAULT_RISK_SETTINGS } from '../../../src/trading/risk/settings.js';
import { dataSourcePerTest } from '../../helpers/pg.js';
import { drawFrom, plantLiveTrades, referenceR } from './drift-fixtures.js';
import { bookedR, mean, plantLiveHypothesis, sampleSd } from './drift-hypothesis-fixtures.js';

const pg = dataSourcePerTest();
const ADMINS = [1, 2];

/** Fixed sessions of the planted lifecycle: all before today (the live trades are planted two days ago, after LIVE_BOOK). */
const PAPER_SINCE = '2026-09-01';
const OLD_PAPER = '2026-09-30';
const PAPER = '2026-10-14';
const PROMOTED = '2026-10-15';
const LIVE_BOOK = '2026-11-20';

function recorder() {
  const sent: { chatId: number; notice: Notice; key: string | undefined }[] = [];
  const publisher = {
    publish: async (chatId: number, notice: Notice, opts?: { key?: string }) => {
      sent.push({ chatId, notice, key: opts?.key });
    },
  };
  return { sent, publisher };
}

function deps(publisher: DriftCheckDeps['publisher']): DriftCheckDeps {
  return { db: new TypeOrmUnitOfWork(pg.ds()), publisher, settings: DEFAULT_RISK_SETTINGS, admins: () => ADMINS };
}

async function status(asOf = nyToday()) {
  return driftStatus({ db: new TypeOrmUnitOfWork(pg.ds()), settings: DEFAULT_RISK_SETTINGS }, asOf);
}

describe('drift check of a LIVE hypothesis against its PAPER shadow book (Postgres)', () => {
  it('judges in-distribution live trades in band against the latest PAPER book, not the LIVE book or an older PAPER one', async () => {
    const ds = pg.ds();
    const paperR = referenceR(60, 11);
    const oldPaperR = referenceR(45, 12);
    // The LIVE book continues the PAPER one with a run of big winners: a different distribution.
    const liveBookR = [...paperR, ...Array(20).fill(5)];
    const h = await plantLiveHypothesis(ds, {
      tag: 'drift-in',
      paperSince: PAPER_SINCE,
      paperBooks: [
        { session: OLD_PAPER, closedR: oldPaperR },
        { session: PAPER, closedR: paperR },
      ],
      promotedOn: PROMOTED,
      liveBooks: [{ session: LIVE_BOOK, closedR: liveBookR }],
    });
    const live = drawFrom(paperR, 40, 9);
    await plantLiveTrades(ds, h.source, live);

    const { sent, publisher } = recorder();
    const res = await runDriftCheck(deps(publisher), nyToday());
    expect(res).toMatchObject({ breaches: [], opened: [], sent: 0 });
    expect(sent).toEqual([]);

    const line = (await status()).tests.find((t) => t.subject === h.source);
    expect(line).toMatchObject({ kind: 'hypothesis', state: 'in_band', liveTrades: 40, referenceTrades: paperR.length, reference: { kind: 'paper_book', session: PAPER } });
    expect(line!.referenceMeanR).toBeCloseTo(mean(paperR), 9);
    expect(line!.referenceSdR).toBeCloseTo(sampleSd(paperR), 9);
    expect(line!.liveMeanR).toBeCloseTo(mean(live.map(bookedR)), 9);
    expect(line!.statistic).toBeLessThan(line!.threshold);
    expect(line!.firstBreachTrade).toBeNull();

    // As of a session before the latest PAPER snapshot, the older one is the reference (no lookahead).
    const early = (await status('2026-10-01')).tests.find((t) => t.subject === h.source);
    expect(early).toMatchObject({ reference: { kind: 'paper_book', session: OLD_PAPER }, referenceTrades: oldPaperR.length, liveTrades: 0, state: 'too_few' });
    expect(early!.referenceMeanR).toBeCloseTo(mean(oldPaperR), 9);
  });

  it('alerts admins once when the live trades run a losing streak out of the PAPER band', async () => {
    const ds = pg.ds();
    const paperR = referenceR(60, 21);
    const h = await plantLiveHypothesis(ds, { tag: 'drift-out', paperSince: PAPER_SINCE, paperBooks: [{ session: PAPER, closedR: paperR }], promotedOn: PROMOTED });
    await plantLiveTrades(ds, h.source, Array(15).fill(-1));

    const { sent, publisher } = recorder();
    const asOf = nyToday();
    const res = await runDriftCheck(deps(publisher), asOf);
    expect(res).toMatchObject({ breaches: [`test:${h.source}`], opened: [`test:${h.source}`], sent: ADMINS.length });
    expect(sent.map((s) => s.chatId)).toEqual(ADMINS);
    const n = sent[0]!.notice;
    if (n.kind !== 'drift.test-breach') throw new Error(`unexpected ${n.kind}`);
    expect(n.asOf).toBe(asOf);
    expect(n.line).toMatchObject({ kind: 'hypothesis', subject: h.source, state: 'out_of_band', liveTrades: 15, referenceTrades: paperR.length, reference: { kind: 'paper_book', session: PAPER } });
    expect(n.line.liveMeanR).toBeCloseTo(-1, 3);
    expect(n.line.referenceMeanR).toBeCloseTo(mean(paperR), 9);
    expect(n.line.referenceSdR).toBeCloseTo(sampleSd(paperR), 9);
    expect(n.line.statistic).toBeGreaterThanOrEqual(n.line.threshold);
    expect(n.line.firstBreachTrade).toBeGreaterThan(0);
    expect(n.line.firstBreachTrade).toBeLessThanOrEqual(15);
    expect(sent.map((s) => s.key)).toEqual(ADMINS.map((c) => `drift-${sent[0]!.key!.split('-')[1]}-${c}`));
    expect(await ds.query(`SELECT kind, subject, state FROM drift_alerts`)).toEqual([{ kind: 'test', subject: h.source, state: 'open' }]);

    // The next run finds the episode open and told: nothing new.
    const again = await runDriftCheck(deps(publisher), asOf);
    expect(again).toMatchObject({ breaches: [`test:${h.source}`], opened: [], closed: [], sent: 0 });
    expect(sent).toHaveLength(ADMINS.length);
  });

  it('says too_few for a PAPER book under the minimum reference trades, and for no PAPER book at all', async () => {
    const ds = pg.ds();
    const thinR = referenceR(12, 31);
    const thin = await plantLiveHypothesis(ds, { tag: 'drift-thin', paperSince: PAPER_SINCE, paperBooks: [{ session: PAPER, closedR: thinR }], promotedOn: PROMOTED }, 1);
    const bare = await plantLiveHypothesis(ds, { tag: 'drift-bare', paperSince: PAPER_SINCE, paperBooks: [], promotedOn: PROMOTED }, 2);
    // Losing streaks that would breach any band: with no usable reference there is no verdict.
    await plantLiveTrades(ds, thin.source, Array(15).fill(-1));
    await plantLiveTrades(ds, bare.source, Array(15).fill(-1));

    const { sent, publisher } = recorder();
    const res = await runDriftCheck(deps(publisher), nyToday());
    expect(res).toMatchObject({ breaches: [], opened: [], sent: 0 });
    expect(sent).toEqual([]);
    const s = await status();
    expect(s.minReferenceTrades).toBeGreaterThan(thinR.length);
    const bySubject = new Map(s.tests.map((t) => [t.subject, t]));
    expect(bySubject.get(thin.source)).toMatchObject({ kind: 'hypothesis', state: 'too_few', liveTrades: 15, referenceTrades: thinR.length, reference: { kind: 'paper_book', session: PAPER }, referenceMeanR: null });
    expect(bySubject.get(bare.source)).toMatchObject({ kind: 'hypothesis', state: 'too_few', liveTrades: 15, referenceTrades: 0, reference: null });
    expect(await ds.query(`SELECT count(*)::int AS n FROM drift_alerts`)).toEqual([{ n: 0 }]);
  });
});
