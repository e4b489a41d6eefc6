import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildMorningDigest as gatherMorningDigest, type DigestDeps, type MorningDigestOptions } from '../../../../src/trading/digest/build.js';
import { morningDigestView } from '../../../../src/bot/views/digest-view.js';
import { makeDigestWorld, type DigestWorld } from './fixture.js';

/** The digest's data (the use case) and the message the bot makes of it. */
async function buildMorningDigest(deps: DigestDeps, opts: MorningDigestOptions) {
  const data = await gatherMorningDigest(deps, opts);
  return { data, message: morningDigestView(data) };
}

// Friday 2026-11-20, 08:30 New York (EST, UTC−5).
const DAY = '2026-11-20';
const ET = (hhmm: string, date = DAY) => new Date(`${date}T${hhmm}:00-05:00`);
const NOW = ET('08:30');

let w: DigestWorld;
beforeEach(async () => {
  w = await makeDigestWorld();
});
afterEach(async () => {
  await w.close();
});

async function seedMorning(): Promise<void> {
  await w.killSwitch.engage('flash crash', 1);
  // Two picks waiting (the sooner expiry first), one already expired, one already approved.
  await w.pick({ symbol: 'LATE', qty: 40, entry: 25, expiresAt: ET('09:45') });
  await w.pick({ symbol: 'SOON', strategy: 'turtle_soup', qty: 12, entry: 101.5, expiresAt: ET('09:00') });
  await w.pick({ symbol: 'GONE', expiresAt: ET('08:00') });
  const approved = await w.pick({ symbol: 'APPR', state: 'APPROVED', expiresAt: ET('09:30') });
  await w.approval(approved, { state: 'executing', expiresAt: ET('08:40') });
  // ABC: a pre-market price today against yesterday's close mark.
  await w.mark('2026-11-19', { symbol: 'ABC', qty: 50, avgCost: 10, price: 10.5 });
  await w.position({ symbol: 'ABC', qty: 50, avgCost: 10, lastPrice: 10.8, lastPriceAt: ET('08:00') });
  // DEF: last price is yesterday's close, compared with the close before.
  await w.mark('2026-11-18', { symbol: 'DEF', qty: 20, avgCost: 50, price: 47 });
  await w.mark('2026-11-19', { symbol: 'DEF', qty: 20, avgCost: 50, price: 49 });
  await w.position({ symbol: 'DEF', qty: 20, avgCost: 50, lastPrice: 49, lastPriceAt: ET('16:05', '2026-11-19') });
  // MNO: no marks and no last price, only bars.
  await w.bar('MNO', '2026-11-18', 5.5);
  await w.bar('MNO', '2026-11-19', 5.2);
  await w.position({ symbol: 'MNO', qty: 10, avgCost: 5 });
  // A closed position is not listed.
  await w.position({ symbol: 'SHUT', qty: 0, avgCost: 5 });
  await w.bar('SPY', '2026-11-16', 590, 'synthetic');
  await w.bar('SPY', '2026-11-17', 592, 'synthetic');
  await w.run(`INSERT INTO daily_budget (date, spent) VALUES ($1, 75), ('2026-11-19', 500)`, [DAY]);
  await w.alert({ key: 'deadman.heartbeat:worker', kind: 'heartbeat', severity: 'critical', detail: { code: 'heartbeat.missed', role: 'worker', ageMs: 85 * 60_000, lastBeatAt: ET('07:00').toISOString(), host: 'box-1' }, state: 'open', firstAt: ET('07:00'), lastAt: ET('08:25'), count: 4 });
}

describe('morning digest from stored picks, approvals, positions, marks and bars', () => {
  it('gathers kill switch, approvals with expiry, positions with overnight moves, budget, scans and freshness', async () => {
    await seedMorning();
    const { data } = await buildMorningDigest(w, {
      now: NOW,
      dailyBudget: 1000,
      scheduledScans: [{ at: ET('10:30') }, { at: ET('09:35'), what: 'all' }],
    });
    expect(data.sessionDate).toBe(DAY);
    expect(data.marketOpenToday).toBe(true);
    expect(data.demo).toBe(true);
    expect(data.killSwitch).toMatchObject({ engaged: true, reason: 'flash crash', changedBy: '1' });
    expect(data.pendingPicks.map((p) => p.symbol)).toEqual(['SOON', 'LATE']);
    expect(data.openApprovals.map((a) => [a.symbol, a.state])).toEqual([['APPR', 'executing']]);

    expect(data.positions.map((p) => p.symbol)).toEqual(['DEF', 'ABC', 'MNO']);
    const [def, abc, mno] = data.positions;
    expect(def).toMatchObject({ price: 49, priceDate: '2026-11-19', refPrice: 47, refDate: '2026-11-18', change: 2, changeValue: 40, unrealized: -20 });
    expect(abc).toMatchObject({ price: 10.8, priceDate: DAY, refPrice: 10.5, refDate: '2026-11-19' });
    expect(abc!.changeValue).toBeCloseTo(15, 9);
    expect(abc!.changePct).toBeCloseTo(0.3 / 10.5, 12);
    expect(abc!.unrealized).toBeCloseTo(40, 9);
    expect(mno).toMatchObject({ price: 5.2, priceDate: '2026-11-19', refPrice: 5.5, refDate: '2026-11-18' });
    expect(mno!.changeValue).toBeCloseTo(-3, 9);

    expect(data.budget).toEqual({ date: DAY, limit: 1000, spent: 75, left: 925 });
    expect(data.scans.map((s) => s.at.toISOString())).toEqual([ET('09:35').toISOString(), ET('10:30').toISOString()]);
    expect(data.freshness.expected).toBe('2026-11-19');
    expect(data.freshness.sources).toEqual([
      { source: 'csv', demo: false, symbols: 1, lastDate: '2026-11-19', sessionsBehind: 0 },
      { source: 'synthetic', demo: true, symbols: 1, lastDate: '2026-11-17', sessionsBehind: 2 },
    ]);
    expect(data.openAlerts.map((a) => a.key)).toEqual(['deadman.heartbeat:worker']);
  });

  it('renders the most important first: kill switch, alerts, approvals, positions, then budget, scans, data', async () => {
    await seedMorning();
    const { data, message } = await buildMorningDigest(w, { now: NOW, dailyBudget: 1000, scheduledScans: [{ at: ET('10:30') }, { at: ET('09:35'), what: 'all' }] });
    expect(message.text).toBe(
      [
        '☀️ Morning digest · Fri, Nov 20 · DEMO data',
        '🛑 Kill switch ON — flash crash (by 1). No orders until /resume.',
        '🚨 1 open alert',
        '🔴 heartbeat — The worker role has missed its heartbeat for 85 min (last beat 2026-11-20 07:00 ET from box-1). Is the process down? (×4)',
        '',
        '🕒 Awaiting your approval (2)',
        '• SOON turtle_soup · 12 sh @ 101.50 · expires 09:00 ET (in 30m)',
        '• LATE donchian · 40 sh @ 25.00 · expires 09:45 ET (in 1h 15m)',
        '⏳ Approved, order not done (1)',
        '• APPR donchian · 50 sh · executing · window ends 08:40 ET',
        '',
        // Marks recorded before sources were kept read as marks of their date, as before; a bar close as a close.
        '📈 Positions (3) · open P&L +$22.00',
        '• DEF +4.26% (+$40.00) vs Nov 18 close 47.00 · 20 sh @ 49.00 (mark 2026-11-19) · P&L -$20.00',
        '• ABC +2.86% (+$15.00) vs Nov 19 close 10.50 · 50 sh @ 10.80 (mark 2026-11-20) · P&L +$40.00',
        '• MNO -5.45% (-$3.00) vs Nov 18 close 5.50 · 10 sh @ 5.20 (close 2026-11-19) · P&L +$2.00',
        '',
        '💵 Budget: $925.00 left of $1,000.00 today (spent $75.00)',
        '🔎 Scans today: 09:35 (all), 10:30 ET',
        '🗂 Data (expected Nov 19):',
        '✓ csv to Nov 19, 1 symbol',
        '⚠️ synthetic (DEMO) to Nov 17, 1 symbol — 2 sessions behind',
        `Audit head #${data.auditHead!.seq} · ${data.auditHead!.hash.slice(0, 12)}…`,
      ].join('\n'),
    );
    expect(message.entities?.some((e) => e.type === 'bold')).toBe(true);
  });

  it("says where each price came from: Alpaca's mark with its time, the close with its date (issue 19 item 7)", async () => {
    // LIV: marked at Alpaca's price at 16:10 yesterday, moving from the Alpaca mark of the day before.
    const prevAt = ET('16:10', '2026-11-18');
    const at = ET('16:10', '2026-11-19');
    await w.mark('2026-11-18', { symbol: 'LIV', qty: 10, avgCost: 10, price: 11, priceSource: 'broker:alpaca-paper', priceAt: prevAt });
    await w.mark('2026-11-19', { symbol: 'LIV', qty: 10, avgCost: 10, price: 12, priceSource: 'broker:alpaca-paper', priceAt: at });
    await w.position({ symbol: 'LIV', qty: 10, avgCost: 10, lastPrice: 12, lastPriceAt: at, lastPriceSource: 'broker:alpaca-paper' });
    // CLS: Alpaca gave no price, so yesterday's mark was the bar close.
    await w.bar('CLS', '2026-11-18', 20);
    await w.bar('CLS', '2026-11-19', 21);
    await w.mark('2026-11-19', { symbol: 'CLS', qty: 5, avgCost: 20, price: 21, priceSource: 'close', priceAt: ET('16:00', '2026-11-19') });
    await w.position({ symbol: 'CLS', qty: 5, avgCost: 20, lastPrice: 21, lastPriceAt: ET('16:00', '2026-11-19'), lastPriceSource: 'close' });
    const { data, message } = await buildMorningDigest(w, { now: NOW, dailyBudget: 1000 });
    const liv = data.positions.find((p) => p.symbol === 'LIV')!;
    expect(liv).toMatchObject({ price: 12, priceOrigin: { kind: 'broker', broker: 'alpaca-paper', at }, refPrice: 11, refOrigin: { kind: 'broker', broker: 'alpaca-paper', at: prevAt } });
    expect(data.positions.find((p) => p.symbol === 'CLS')).toMatchObject({ price: 21, priceOrigin: { kind: 'close', date: '2026-11-19' }, refOrigin: { kind: 'close', date: '2026-11-18' } });
    expect(message.text).toContain('• LIV +9.09% (+$10.00) vs Alpaca mark 2026-11-18 16:10 ET 11.00 · 10 sh @ 12.00 (Alpaca mark 2026-11-19 16:10 ET) · P&L +$20.00');
    expect(message.text).toContain('• CLS +5.00% (+$5.00) vs Nov 18 close 20.00 · 5 sh @ 21.00 (close 2026-11-19) · P&L +$5.00');
  });

  it('an empty morning: nothing waiting, no positions, full budget, no scans, no data', async () => {
    const { data, message } = await buildMorningDigest(w, { now: NOW, dailyBudget: 500 });
    expect(data.demo).toBe(false);
    expect(message.text).toBe(
      [
        '☀️ Morning digest · Fri, Nov 20',
        '✅ Kill switch off — trading allowed',
        '',
        '🕒 No picks awaiting approval.',
        '',
        '📈 No open positions.',
        '',
        '💵 Budget: $500.00 left of $500.00 today',
        '🔎 No scans scheduled today; send /scan to run one.',
        '🗂 Data: no bars stored yet.',
        'Audit log empty',
      ].join('\n'),
    );
  });

  it('without a configured budget says so; on a holiday says the market is closed', async () => {
    await w.run(`INSERT INTO daily_budget (date, spent) VALUES ('2026-11-26', 10)`);
    // Thanksgiving 2026-11-26.
    const { data, message } = await buildMorningDigest(w, { now: ET('08:30', '2026-11-26'), dailyBudget: null });
    expect(data.marketOpenToday).toBe(false);
    expect(data.budget).toEqual({ date: '2026-11-26', limit: null, spent: 10, left: null });
    expect(message.text).toContain('📅 The market is closed today.');
    expect(message.text).toContain('💵 Budget: no daily limit configured (spent $10.00 today)');
  });

  it('spending beyond the budget shows nothing left, not a negative amount', async () => {
    await w.run(`INSERT INTO daily_budget (date, spent) VALUES ($1, 1200)`, [DAY]);
    const { data } = await buildMorningDigest(w, { now: NOW, dailyBudget: 1000 });
    expect(data.budget.left).toBe(0);
  });
});
