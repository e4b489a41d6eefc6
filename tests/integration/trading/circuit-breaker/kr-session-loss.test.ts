/**
 * The circuit breaker's KR session loss (issue 15): a Korean broker's session is judged on the KR
 * book /pnl shows — in won, on the Seoul session day, from the KR `equity_marks` (market, date) —
 * with the same CIRCUIT_DAILY_LOSS_PCT. A KR trip engages the one kill switch, so new risk stops
 * in both markets; the admin message is in won and says so. The US book is judged apart.
 *
 * Real Postgres (a fresh database per test), the real kill switch, audit chain, alert store and
 * mark-to-market, on a fixed clock: Tue 2026-12-08 10:00 KST = Mon 2026-12-07 20:00 ET, so the
 * Seoul session day (12-08) is not New York's (12-07).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { markToMarket } from '../../../../src/trading/execution/mark-to-market.js';
import { makeWorld, type World } from '../execution/setup.js';
import { ADMIN, auditRows, breakerOn, switchRow } from './setup.js';

const NOW = new Date('2026-12-08T01:00:00Z');
const KR_SESSION = '2026-12-08';
const KR_BASELINE = '2026-12-07';
const US_SESSION = '2026-12-07';
const LIMITS = { dailyLossPct: 3, rejects: 5 };
const KR_CASH = 10_000_000;

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(async () => {
  await w.close();
});

/** A KR mark of `date` (the mark job's use case), with every KR position at `price` won. */
async function markKr(date: string, price?: number): Promise<void> {
  await markToMarket({ db: w.uow(), market: 'KR', startingCash: KR_CASH, now: () => NOW, ...(price !== undefined ? { price: async () => ({ price, date }) } : {}) }, { date });
}

/** 500 shares of 069500 bought at ₩10,000 (₩5,000,000), held in the KR book. */
async function holdKr(): Promise<void> {
  await w.ds.query(
    `INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop, market, currency) VALUES ('069500', 'donchian', 500, 10000, '2026-12-07T01:00:00Z', 9000, 'KR', 'KRW')`,
  );
}

const breaker = () => breakerOn(w, LIMITS, { now: () => NOW });

describe('circuit breaker: the KR session loss', () => {
  it('a KR loss past 3 % of the KR equity trips the one switch, in won on the Seoul day; the message is in won', async () => {
    const { breaker: b, messages } = breaker();
    await markKr(KR_BASELINE); // ₩10,000,000 before the session
    await holdKr();
    await markKr(KR_SESSION, 9_000); // 500 × −₩1,000 = −₩500,000: 5 % of ₩10,000,000

    const res = await b.checkSessionLoss('kis-live', KR_SESSION);
    expect(res).toMatchObject({
      kind: 'tripped',
      epoch: 1,
      alerted: true,
      audited: true,
      trip: { kind: 'session_loss', sessionDate: KR_SESSION, currency: 'KRW', realized: 0, unrealized: -500_000, unpriced: 0, loss: -500_000, equity: KR_CASH, equityAsOf: KR_BASELINE, pct: 3, threshold: -300_000 },
    });
    // One switch for both markets: the US check finds it on, and so does every entry of either market.
    expect(await switchRow(w)).toEqual({ engaged: true, epoch: 1, reason: 'circuit breaker: session_loss' });
    expect(await b.checkSessionLoss('paper', US_SESSION)).toEqual({ kind: 'already_engaged', reason: 'circuit breaker: session_loss' });
    expect(await auditRows(w, 'circuit.tripped')).toMatchObject([{ broker: 'kis-live', trip: { currency: 'KRW', sessionDate: KR_SESSION } }]);

    expect(messages.sent.map((m) => m.chatId)).toEqual([ADMIN]);
    const text = messages.texts[0]!;
    expect(text).toContain(
      'Circuit breaker (kis-live): the loss of KRX session 2026-12-08 (Seoul date) is -₩500,000 (realized ₩0, unrealized -₩500,000), 5.00% of the equity of ₩10,000,000 (2026-12-07): past the 3% limit of -₩300,000.',
    );
    expect(text).toContain('The kill switch is ON for both markets (it is one switch): no new orders go out in US or KR.');
    expect(text).not.toContain('$');
  });

  it('a KR loss under the limit is clear; the US book is judged apart, on its own day', async () => {
    const { breaker: b } = breaker();
    await markKr(KR_BASELINE);
    await holdKr();
    await markKr(KR_SESSION, 9_500); // −₩250,000: 2.5 %
    expect(await b.checkSessionLoss('paper-kr', KR_SESSION)).toEqual({ kind: 'clear', loss: -250_000, equity: KR_CASH, threshold: -300_000 });
    // No US mark: nothing to measure the US session against, whatever the KR book holds.
    expect(await b.checkSessionLoss('paper', US_SESSION)).toEqual({ kind: 'not_judged', why: 'no_equity', sessionDate: US_SESSION });
    expect(await switchRow(w)).toMatchObject({ engaged: false, epoch: 0 });
  });

  it('a KR book with nothing in it is not judged, on the Seoul date; a New York date is not the KR session', async () => {
    const { breaker: b } = breaker();
    expect(await b.checkSessionLoss('kis-virtual')).toEqual({ kind: 'not_judged', why: 'no_equity', sessionDate: KR_SESSION });
    await markKr(KR_BASELINE);
    await holdKr();
    await markKr(KR_SESSION, 8_000);
    expect(await b.checkSessionLoss('kis-virtual', US_SESSION)).toEqual({ kind: 'not_judged', why: 'not_current_session', sessionDate: US_SESSION });
    expect(await switchRow(w)).toMatchObject({ engaged: false, epoch: 0 });
  });

  it('after an admin resumes, the same KR session is not tripped again', async () => {
    const { breaker: b } = breaker();
    await markKr(KR_BASELINE);
    await holdKr();
    await markKr(KR_SESSION, 9_000);
    expect(await b.checkSessionLoss('kis-live', KR_SESSION)).toMatchObject({ kind: 'tripped' });
    await w.killSwitch.resume(7);
    expect(await b.checkSessionLoss('kis-live', KR_SESSION)).toEqual({ kind: 'not_judged', why: 'resumed_this_session', sessionDate: KR_SESSION });
    expect(await switchRow(w)).toMatchObject({ engaged: false });
  });
});
