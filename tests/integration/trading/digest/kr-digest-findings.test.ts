/**
 * Review findings on the KR digests (task F1): KR hypotheses' won shadow books stay out of the US
 * close digest; a KR digest words its failures in won and KST; a scheduled KR digest of an empty
 * KR book is not sent when the wiring asks for it (/digest kr still answers); the weekly review
 * job names who quiet hours held back.
 */
import { createHash } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Role } from '../../../../src/lib/roles.js';
import { buildCloseDigestForDay } from '../../../../src/trading/digest/build.js';
import { closeDigestView } from '../../../../src/bot/views/digest-view.js';
import { recordedReasonText } from '../../../../src/bot/views/recorded-reasons.js';
import { digestHandlers, type DigestApp } from '../../../../src/jobs/handlers/digest.js';
import { reviewHandlers, type ReviewWeeklyResult } from '../../../../src/jobs/handlers/review.js';
import type { CommandsDeps } from '../../../../src/jobs/handlers/commands.js';
import type { RecordedReason } from '../../../../src/trading/execution/recorded-reasons.js';
import { UserSettingsRepo } from '../../../../src/trading/settings/repo.js';
import { makeDigestWorld, type DigestWorld } from './fixture.js';

const DAY = '2026-12-08';
const KST = (hhmm: string, date = DAY) => new Date(`${date}T${hhmm}:00+09:00`);
const ET = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00-05:00`);

let w: DigestWorld;
beforeEach(async () => {
  w = await makeDigestWorld();
});
afterEach(async () => {
  await w.close();
});

async function krPick(id: string, state = 'PENDING', expiresAt = KST('15:20')): Promise<void> {
  await w.run(
    `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, target, atr, score, qty, dollar_risk, reasons, demo, state, expires_at, market, currency, created_at)
     VALUES ($1, 'run-1', $2, '069500', $1, 36500, 35000, NULL, 300, 1, 10, 15000, '[]', false, $3, $4, 'KR', 'KRW', $5)`,
    [id, DAY, state, expiresAt, KST('08:10')],
  );
}

async function hypothesis(id: string, market: 'US' | 'KR', startEquity: number, endEquity: number): Promise<void> {
  await w.run(
    `INSERT INTO hypotheses (id, hash, market, family, definition, canonical, state, proposed_session, state_since_session)
     VALUES ($1, $3, $2, 'momentum', '{}', $1, 'PAPER', '2026-11-02', '2026-11-02')`,
    [id, market, createHash('sha256').update(id).digest('hex')],
  );
  await w.run(
    `INSERT INTO hypothesis_books (hypothesis_id, session, state, version, book_from, book_from_source, sessions, start_equity, figures, review, equity, trades, closed_r, demo)
     VALUES ($1, '2026-12-04', 'PAPER', 2, '2026-11-02', 'state_since', 2, $2, '{"paper":{"sharpe":1.2,"maxDrawdown":0.03}}', '{}', $3, '{"closed":1,"open":0}', '[]', false)`,
    [id, startEquity, JSON.stringify({ dates: ['2026-12-03', '2026-12-04'], values: [startEquity, endEquity] })],
  );
}

describe('finding 1: the US close digest shows US hypotheses only', () => {
  it('a KR hypothesis with a won shadow book is not in the US digest, whose US section is unchanged', async () => {
    await hypothesis('hyp-us-1', 'US', 100_000, 101_000);
    await hypothesis('hyp-kr-1', 'KR', 100_000_000, 101_500_000);
    const data = await buildCloseDigestForDay(w, { now: ET('2026-12-07', '16:15'), sessionDate: '2026-12-07' });
    expect(data.kind).toBe('close');
    if (data.kind !== 'close') return;
    expect(data.hypotheses?.books.map((b) => [b.hypothesisId, b.market])).toEqual([['hyp-us-1', 'US']]);
    const text = closeDigestView(data).text;
    expect(text).toContain('hyp-us-1');
    expect(text).not.toContain('hyp-kr-1');
    // The won figures never turn into dollars: 100,000,000 is nowhere in the US digest.
    expect(text).not.toContain('100,000,000');

    // The KR close digest has no hypotheses section (not yet built for KR).
    const kr = await buildCloseDigestForDay(w, { now: KST('15:45'), market: 'KR' });
    expect(kr.kind === 'close' && kr.hypotheses).toBeUndefined();
  });
});

describe('finding 2: a KR digest words its failures in won and KST', () => {
  const budget: RecordedReason = { code: 'budget_used_up', dailyBudget: 1_000_000 };
  const drift: RecordedReason = { code: 'gate', gate: 'drift', limit: 'max_drift', numbers: { quoteIsBid: 0, live: 37_000, driftPct: 1.37, entry: 36_500, maxDriftPct: 1 } };
  const caps: RecordedReason = {
    code: 'gate',
    gate: 'position',
    limit: 'max_position_pct',
    numbers: { positionNotional: 3_650_000, existingNotional: 0, orderNotional: 3_650_000, positionPct: 36.5, equity: 10_000_000, maxPositionPct: 20 },
  };
  const liquidity: RecordedReason = { code: 'gate', gate: 'liquidity', limit: 'min_dollar_adv', numbers: { dollarAdv: 400_000_000, minDollarAdv: 1_000_000_000 } };
  const closed: RecordedReason = { code: 'market_closed', order: 'entry', at: KST('15:25').toISOString(), nextOpen: KST('09:00', '2026-12-09').toISOString() };

  it('the KR close digest lists refused KR approvals with ₩ amounts and KST times, no "$" and no "ET"', async () => {
    const reasons: [string, RecordedReason, string][] = [
      ['kr-a', budget, 'policy'],
      ['kr-b', drift, 'drift'],
      ['kr-c', caps, 'position'],
      ['kr-d', liquidity, 'liquidity'],
      ['kr-e', closed, 'session'],
    ];
    for (const [id, reason, gate] of reasons) {
      await krPick(id, 'REJECTED');
      await w.approval(id, { state: 'refused', expiresAt: KST('15:20'), updatedAt: KST('10:00'), reason, refusedGate: gate });
    }
    const data = await buildCloseDigestForDay(w, { now: KST('15:45'), market: 'KR' });
    expect(data.kind).toBe('close');
    if (data.kind !== 'close') return;
    expect(data.failures).toHaveLength(5);
    const text = closeDigestView(data).text;
    expect(text).toContain('the daily budget of ₩1,000,000 was used up by another order.');
    expect(text).toContain("the live ask ₩37,000 is 1.37% from the pick's entry ₩36,500");
    // 0 held + 3,650,000 = 3,650,000, 36.5 % of 10,000,000.
    expect(text).toContain('the position would be ₩3,650,000 (₩0 held + ₩3,650,000), 36.5% of equity ₩10,000,000');
    expect(text).toContain('average daily traded value ₩400,000,000 is below the minimum ₩1,000,000,000');
    expect(text).toContain('KRX was closed when this order was due to go (Tue Dec 8 15:25 KST)');
    expect(text).toContain('The next session opens Wed Dec 9 09:00 KST.');
    expect(text).not.toContain('$');
    expect(text).not.toMatch(/\bET\b/);
    expect(text).not.toMatch(/dollar/);
  });

  it('US words are unchanged: dollars and New York times', () => {
    expect(recordedReasonText(budget)).toBe(recordedReasonText(budget, 'US'));
    expect(recordedReasonText(budget)).toContain('the daily budget of $1,000,000');
    expect(recordedReasonText(drift)).toContain("the live ask $37,000");
    expect(recordedReasonText(liquidity)).toContain('average daily dollar volume $400,000,000');
    expect(recordedReasonText(closed)).toMatch(/\(Tue Dec 8 01:25 ET\)/);
  });
});

describe('finding 3: a scheduled KR digest of an empty KR book is not sent', () => {
  let sent: { chatId: number; key: string }[];
  function app(): DigestApp {
    return {
      db: w.db,
      killSwitch: w.killSwitch,
      publisher: {
        async publish(chatId, _notice, opts) {
          sent.push({ chatId, key: opts?.key ?? '' });
        },
      },
      config: { telegram: { allowed: new Map([[1, 'viewer'] as [number, Role]]) }, kr: { execution: { dailyBudget: 1_000_000 } } },
      log: pino({ level: 'silent' }),
    };
  }
  beforeEach(() => {
    sent = [];
  });

  it('nothing in the KR book that Seoul day (US rows only): the scheduled close and morning digests are skipped', async () => {
    await w.position({ symbol: 'AAPL', qty: 2, avgCost: 180, lastPrice: 190.5, lastPriceAt: KST('06:00') });
    const h = digestHandlers(app(), { now: () => KST('15:45'), skipEmptyBooks: ['KR'] });
    const close = await h['digest.send']({ kind: 'close', market: 'KR', sessionDate: DAY }, { job: { id: 'sched-kr-digest-close-1545-2026-12-08' } });
    expect(close).toEqual({ kind: 'close', market: 'KR', sessionDate: DAY, sent: 0, silent: 0, emptyBook: true });
    const morning = await h['digest.send']({ kind: 'morning', market: 'KR', sessionDate: DAY }, { job: { id: 'sched-kr-digest-morning-0800-2026-12-08' } });
    expect(morning.sent).toBe(0);
    expect(sent).toEqual([]);
  });

  it('/digest kr asked for by hand still answers on an empty KR book; the US digest is never skipped', async () => {
    const h = digestHandlers(app(), { now: () => KST('15:45'), skipEmptyBooks: ['KR'] });
    const r = await h['digest.send']({ kind: 'close', market: 'KR', chatId: 1, userId: 1, role: 'viewer', updateId: 3 }, { job: { id: 'tg-3' } });
    expect(r.sent).toBe(1);
    const us = await h['digest.send']({ kind: 'close', sessionDate: '2026-12-07' }, { job: { id: 'j' } });
    expect(us.sent).toBe(1);
    expect(sent.map((s) => s.key)).toEqual(['tg-3-reply', 'digest-close-2026-12-07-u1']);
  });

  it('a KR position, a KR pick of the day or a KR failure of the day is something to report', async () => {
    const h = digestHandlers(app(), { now: () => KST('15:45'), skipEmptyBooks: ['KR'] });
    const send = () => h['digest.send']({ kind: 'close', market: 'KR', sessionDate: DAY }, { job: { id: 'j' } });

    await krPick('kr-old', 'EXPIRED', KST('15:20', '2026-12-01'));
    await w.run(`UPDATE picks SET created_at = $1 WHERE id = 'kr-old'`, [KST('08:10', '2026-12-01')]);
    // A pick of another Seoul day is not news today.
    expect((await send()).sent).toBe(0);

    await krPick('kr-today', 'REJECTED');
    expect((await send()).sent).toBe(1);

    await w.run(`DELETE FROM picks WHERE id = 'kr-today'`);
    await w.run(
      `INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, last_price, last_price_at, market, currency) VALUES ('069500', 'donchian', 10, 35000, '2026-12-01T01:00:00Z', 36000, $1, 'KR', 'KRW')`,
      [KST('15:30', '2026-12-07')],
    );
    expect((await send()).sent).toBe(1);
  });

  it('without skipEmptyBooks every scheduled KR digest is sent, as before', async () => {
    const h = digestHandlers(app(), { now: () => KST('15:45') });
    const r = await h['digest.send']({ kind: 'close', market: 'KR', sessionDate: DAY }, { job: { id: 'j' } });
    expect(r.sent).toBe(1);
    expect(r.emptyBook).toBeUndefined();
  });
});

describe('finding 4: the weekly review job names who quiet hours held back', () => {
  it('logs the quiet user ids, and not "all turned it off", when quiet hours held everyone back', async () => {
    const repo = new UserSettingsRepo(w.db);
    await repo.setQuiet(1, { from: '22:00', to: '07:00', zone: 'Asia/Seoul' });
    const info = vi.fn();
    const log = { info, warn: vi.fn(), error: vi.fn(), debug: vi.fn() };
    const deps = {
      db: w.db,
      publisher: { publish: vi.fn() },
      config: { telegram: { allowed: new Map([[1, 'viewer']] as const) } },
      log,
      // 10:00 ET on Fri Dec 4 is 00:00 KST on Sat Dec 5: inside the Seoul chat's quiet hours.
      now: () => ET('2026-12-04', '10:00'),
    } as unknown as CommandsDeps;
    const h = reviewHandlers(deps, { drift: async () => ({ tests: [], execution: [], falseAlarmBound: 0.05 }) });
    const r = (await h['review.weekly']({ market: 'US', sessionDate: '2026-12-04' }, { job: { id: 'review-weekly-us-2026-12-04' }, log } as never)) as ReviewWeeklyResult;
    expect(r.sent).toBe(0);
    expect(deps.publisher.publish).not.toHaveBeenCalled();
    const messages = info.mock.calls.map((c) => c[1] as string);
    expect(info).toHaveBeenCalledWith(expect.objectContaining({ users: [1] }), 'weekly review held back by quiet hours');
    expect(messages).toContain('nobody receives the weekly review (off, or inside quiet hours)');
    expect(messages).not.toContain('nobody receives the weekly review (all turned it off)');
  });
});
