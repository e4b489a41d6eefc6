/**
 * The KR digests (issue 15, item 6): the same use case as the US digest, given market KR, reads
 * the KR book only — KR picks, positions and marks, the KR budget of the Seoul day, KR fills and
 * realized P&L filed under the Seoul session — and the view writes whole won with ₩ and Seoul
 * times (KST). US rows on the same dates never leak in, and the US digest of the same world has
 * no won in it.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCloseDigestForDay, buildMorningDigest } from '../../../../src/trading/digest/build.js';
import { closeDigestView, morningDigestView, noSessionDigestView } from '../../../../src/bot/views/digest-view.js';
import { makeDigestWorld, type DigestWorld } from './fixture.js';

// Tue 2026-12-08 in Seoul (UTC+9): a KRX session. 08:00 KST is still Mon 2026-12-07 in New York.
const DAY = '2026-12-08';
const KST = (hhmm: string, date = DAY) => new Date(`${date}T${hhmm}:00+09:00`);

let w: DigestWorld;
beforeEach(async () => {
  w = await makeDigestWorld();
});
afterEach(async () => {
  await w.close();
});

/** A KR row names its market and currency (a six-digit code filed as US is refused). */
async function krPosition(symbol: string, qty: number, avgCost: number, lastPrice: number, lastPriceAt: Date): Promise<void> {
  await w.run(
    `INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, last_price, last_price_at, market, currency) VALUES ($1, 'donchian', $2, $3, '2026-12-01T01:00:00Z', $4, $5, 'KR', 'KRW')`,
    [symbol, qty, avgCost, lastPrice, lastPriceAt],
  );
}

async function krMark(date: string, symbol: string, qty: number, avgCost: number, price: number): Promise<void> {
  await w.run(
    `INSERT INTO position_marks (date, symbol, strategy, qty, avg_cost, price, unrealized_pnl, market, currency) VALUES ($1, $2, 'donchian', $3, $4, $5, $6, 'KR', 'KRW')`,
    [date, symbol, qty, avgCost, price, (price - avgCost) * qty],
  );
}

async function krOrder(o: { symbol: string; side: 'buy' | 'sell'; kind: 'entry' | 'exit'; qty: number; price: number; decision: number; realized: number | null; at: Date }): Promise<void> {
  const id = randomUUID();
  let approvalId: string | null = null;
  if (o.kind === 'entry') {
    // An entry order comes from an approved KR pick.
    const pickId = `kr-pick-${id.slice(0, 8)}`;
    await w.run(
      `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, target, atr, score, qty, dollar_risk, reasons, demo, state, expires_at, market, currency)
       VALUES ($1, 'run-1', $2, $3, 'donchian', $4, $4, NULL, 300, 1, $5, 0, '[]', false, 'EXECUTED', $6, 'KR', 'KRW')`,
      [pickId, DAY, o.symbol, o.decision, o.qty, o.at],
    );
    approvalId = await w.approval(pickId, { state: 'filled', expiresAt: o.at, updatedAt: o.at });
  }
  await w.run(
    `INSERT INTO orders (approval_id, id, kind, exit_reason, decision_price, realized_pnl, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force,
                         state, filled_qty, avg_fill_price, budget_date, reserved_amount, booked_at, created_at, updated_at, market, currency)
     VALUES ($13, $1, $2, $3, $4, $5, $12, 'paper-kr', $6, 'donchian', $7, $8, $9, 'ioc', 'filled', $8, $9, $10::date, 0, $11, $11, $11, 'KR', 'KRW')`,
    [id, o.kind, o.kind === 'exit' ? 'stop' : null, o.decision, o.realized, o.symbol, o.side, o.qty, o.price, DAY, o.at, `cs-${id}`, approvalId],
  );
  await w.run(`INSERT INTO fills (order_id, symbol, side, qty, price, filled_at, seq, market, currency) VALUES ($1, $2, $3, $4, $5, $6, 0, 'KR', 'KRW')`, [id, o.symbol, o.side, o.qty, o.price, o.at]);
}

async function krEquity(date: string, equity: number, unrealized: number): Promise<void> {
  await w.run(
    `INSERT INTO equity_marks (date, equity, cash, market_value, realized_pnl, unrealized_pnl, benchmark_close, marked_at, market, currency) VALUES ($1, $2, $2, 0, 0, $3, NULL, now(), 'KR', 'KRW')`,
    [date, equity, unrealized],
  );
}

async function seedKrMorning(): Promise<void> {
  await w.run(
    `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, target, atr, score, qty, dollar_risk, reasons, demo, state, expires_at, market, currency)
     VALUES ('kr-pick-1', 'run-1', $1, '069500', 'donchian', 36500, 35000, NULL, 300, 1, 10, 15000, '[]', false, 'PENDING', $2, 'KR', 'KRW')`,
    [DAY, KST('15:20')],
  );
  // A US pick waiting at the same time is not in the KR digest.
  await w.pick({ symbol: 'AAPL', qty: 3, entry: 190.25, expiresAt: KST('23:50') });
  await krMark('2026-12-04', '069500', 10, 35000, 35500);
  await krPosition('069500', 10, 35000, 36000, KST('15:30', '2026-12-07'));
  await w.position({ symbol: 'AAPL', qty: 2, avgCost: 180, lastPrice: 190.5, lastPriceAt: KST('06:00') });
  await w.run(`INSERT INTO daily_budget (date, spent, market, currency) VALUES ($1, 73000, 'KR', 'KRW'), ($1, 75, 'US', 'USD')`, [DAY]);
}

describe('the KR morning digest', () => {
  it('reads the KR book of the Seoul day: KR picks, positions against the KR close before, the KR budget in won', async () => {
    await seedKrMorning();
    const data = await buildMorningDigest(w, { now: KST('08:00'), market: 'KR', dailyBudget: 1_000_000, scheduledScans: [{ at: KST('08:10') }] });
    expect(data.market).toBe('KR');
    // The Seoul date, although New York is still on Dec 7.
    expect(data.sessionDate).toBe(DAY);
    expect(data.marketOpenToday).toBe(true);
    expect(data.pendingPicks.map((p) => p.symbol)).toEqual(['069500']);
    expect(data.positions.map((p) => p.symbol)).toEqual(['069500']);
    expect(data.positions[0]).toMatchObject({ price: 36000, priceDate: '2026-12-07', refPrice: 35500, refDate: '2026-12-04', change: 500, changeValue: 5000, unrealized: 10000 });
    expect(data.budget).toEqual({ date: DAY, limit: 1_000_000, spent: 73000, left: 927_000 });

    const text = morningDigestView(data).text;
    expect(text).toContain('KR morning digest · Tue, Dec 8 · KRX, ₩, KST');
    expect(text).toContain('• 069500 donchian · 10 sh @ ₩36,500 · expires 15:20 KST (in 7h 20m)');
    // 10 sh × (36,000 − 35,500) = 5,000; 10 × (36,000 − 35,000) = 10,000.
    expect(text).toContain('Positions (1) · open P&L +₩10,000');
    expect(text).toContain('• 069500 +1.41% (+₩5,000) vs Dec 4 close ₩35,500 · 10 sh @ ₩36,000');
    // 1,000,000 − 73,000 = 927,000.
    expect(text).toContain('💵 Budget: ₩927,000 left of ₩1,000,000 today (spent ₩73,000)');
    expect(text).toContain('🔎 Scans today: 08:10 KST');
    expect(text).not.toContain('$');
    expect(text).not.toContain('AAPL');
    expect(text).not.toMatch(/₩[\d,]+\.\d/);
    expect(text).not.toMatch(/\bET\b/);
  });

  it('on a KRX holiday it says KRX is closed (Seoul calendar, not New York’s)', async () => {
    // 2026-12-25: both closed; 2026-11-26 (US Thanksgiving) is a KRX session.
    const thanksgiving = await buildMorningDigest(w, { now: KST('08:00', '2026-11-26'), market: 'KR', dailyBudget: null });
    expect(thanksgiving.marketOpenToday).toBe(true);
    const xmas = await buildMorningDigest(w, { now: KST('08:00', '2026-12-25'), market: 'KR', dailyBudget: null });
    expect(morningDigestView(xmas).text).toContain('📅 KRX is closed today.');
    expect(morningDigestView(xmas).text).toContain('send /scan kr to run one');
  });
});

describe('the KR close digest', () => {
  async function seedKrClose(): Promise<void> {
    await krOrder({ symbol: '069500', side: 'buy', kind: 'entry', qty: 5, price: 36100, decision: 36000, realized: null, at: KST('10:05') });
    await krOrder({ symbol: '102110', side: 'sell', kind: 'exit', qty: 3, price: 41000, decision: 41000, realized: 6000, at: KST('14:00') });
    await krPosition('069500', 10, 35000, 36200, KST('15:31'));
    await krMark('2026-12-07', '069500', 10, 35000, 36000);
    await krEquity('2026-12-07', 10_000_000, 10_000);
    await krEquity(DAY, 10_008_000, 12_000);
    // US rows of the same dates stay out.
    await w.equity('2026-12-07', 50_000, 600);
    await w.equity(DAY, 51_000, 606);
    await w.order({ symbol: 'AAPL', side: 'buy', qty: 2, decisionPrice: 190, avgFillPrice: 190.5, at: KST('23:40', '2026-12-07') });
  }

  it('day P&L, fills, exits and equity of the KR book of the Seoul session, in whole won', async () => {
    await seedKrClose();
    const data = await buildCloseDigestForDay(w, { now: KST('15:45'), market: 'KR' });
    expect(data.kind).toBe('close');
    if (data.kind !== 'close') return;
    expect(data.market).toBe('KR');
    expect(data.sessionDate).toBe(DAY);
    expect(data.pnl).toMatchObject({ realized: 6000, unrealizedNow: 12000, unrealizedPrev: 10000, prevMarkDate: '2026-12-07', day: 8000, equity: 10_008_000, prevEquity: 10_000_000, openPositions: 1 });
    expect(data.fills.map((f) => [f.symbol, f.side, f.qty, f.avgPrice])).toEqual([
      ['069500', 'buy', 5, 36100],
      ['102110', 'sell', 3, 41000],
    ]);
    expect(data.benchmark.symbol).toBe('');
    expect(data.hypotheses).toBeUndefined();
    expect(data.curve.dates).toEqual(['2026-12-07', DAY]);

    const text = closeDigestView(data).text;
    expect(text).toContain('KR close digest · Tue, Dec 8 · KRX, ₩, KST');
    // 6,000 realized + (12,000 − 10,000) unrealized = 8,000; 8,000 / 10,000,000 = 0.08 %.
    expect(text).toContain('Day P&L +₩8,000 (+0.08%)');
    expect(text).toContain('Realized +₩6,000 · unrealized +₩2,000 since Dec 7 · open P&L +₩12,000 on 1 position');
    expect(text).toContain('Equity ₩10,008,000');
    expect(text).toContain('• 102110 sold 3 @ ₩41,000 · stop hit · +₩6,000');
    // 5 × (36,100 − 36,000) = 500; 100 / 36,000 = 27.8 bps.
    expect(text).toContain('• BUY 069500 5 @ ₩36,100 · decided ₩36,000 · slip +₩100/sh (+27.8 bps) = +₩500');
    expect(text).toContain('Fills (2) · slippage +₩500');
    expect(text).not.toContain('$');
    expect(text).not.toContain('SPY');
    expect(text).not.toContain('AAPL');
    expect(text).not.toMatch(/₩[\d,]+\.\d/);
  });

  it('the US close digest of the same world stays dollars and US rows only', async () => {
    await seedKrClose();
    const us = await buildCloseDigestForDay(w, { now: new Date('2026-12-07T16:30:00-05:00') });
    expect(us.kind === 'close' && us.market).toBeUndefined();
    const text = us.kind === 'close' ? closeDigestView(us).text : '';
    expect(text.startsWith('🌙 Close digest · Mon, Dec 7')).toBe(true);
    expect(text).not.toContain('₩');
    expect(text).not.toContain('069500');
    expect(text).toContain('Equity $50,000.00');
  });

  it('on a day without a KRX session: the KR positions in won, the KRX sessions before and after', async () => {
    await krPosition('069500', 10, 35000, 36200, KST('15:31', '2026-12-24'));
    await krEquity('2026-12-24', 10_012_000, 12_000);
    const data = await buildCloseDigestForDay(w, { now: KST('16:00', '2026-12-25'), market: 'KR' });
    expect(data.kind).toBe('no-session');
    if (data.kind !== 'no-session') return;
    expect(data).toMatchObject({ market: 'KR', date: '2026-12-25', lastSession: '2026-12-24', nextSession: '2026-12-28' });
    const text = noSessionDigestView(data).text;
    // 10 × (36,200 − 35,000) = 12,000; value 10 × 36,200 = 362,000.
    expect(text).toContain('📈 Open P&L +₩12,000 on 1 position · value ₩362,000');
    expect(text).toContain('Equity ₩10,012,000 at the Dec 24 mark');
    expect(text).not.toContain('$');
  });
});
