import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCloseDigest as gatherCloseDigest, type CloseDigestOptions, type DigestDeps } from '../../../../src/trading/digest/build.js';
import { validateSpec } from '../../../../src/adapters/charts/validate.js';
import { closeDigestChart } from '../../../../src/bot/charts/digest-chart.js';
import { closeDigestView, failureDetail, failureTitle } from '../../../../src/bot/views/digest-view.js';
import { makeDigestWorld, type DigestWorld } from './fixture.js';
import type { RaisedAlertDetail } from '../../../../src/trading/alerts/details.js';

/** The digest's data (the use case) and the message and chart the bot makes of it. */
async function buildCloseDigest(deps: DigestDeps, opts: CloseDigestOptions) {
  const data = await gatherCloseDigest(deps, opts);
  return { data, message: closeDigestView(data), chart: closeDigestChart(data) };
}

// Friday 2026-11-20; New York is on EST (UTC−5).
const DAY = '2026-11-20';
const ET = (hhmm: string, date = DAY) => new Date(`${date}T${hhmm}:00-05:00`);
const NOW = ET('16:20');
/** The broker's refusal as the broker-rejected alert stores it. */
const rejectedDetail: RaisedAlertDetail = { code: 'broker.rejected', broker: 'paper', symbol: 'JKL', reason: { code: 'broker_rejected', broker: 'paper', brokerReason: 'insufficient buying power' } };

let w: DigestWorld;
beforeEach(async () => {
  w = await makeDigestWorld();
});
afterEach(async () => {
  await w.close();
});

/** A day with an exit on a stop, two entries (one worse, one better than decided), a rejected order and alerts. */
async function seedBusyDay(): Promise<void> {
  // Yesterday's close marks: ABC up 25, XYZ up 30.
  await w.mark('2026-11-19', { symbol: 'ABC', qty: 50, avgCost: 10, price: 10.5 });
  await w.mark('2026-11-19', { symbol: 'XYZ', strategy: 'turtle_soup', qty: 30, avgCost: 20, price: 21 });
  // Today: XYZ stopped out (realized +12), DEF and GHI bought.
  await w.order({ symbol: 'XYZ', strategy: 'turtle_soup', side: 'sell', qty: 30, kind: 'exit', exitReason: 'stop', decisionPrice: 20.5, avgFillPrice: 20.4, realizedPnl: 12, at: ET('10:00') });
  await w.order({ symbol: 'DEF', side: 'buy', qty: 20, decisionPrice: 48.9, avgFillPrice: 49, at: ET('09:35') });
  await w.order({ symbol: 'GHI', side: 'buy', qty: 10, decisionPrice: 30, avgFillPrice: 29.97, at: ET('10:30') });
  // Yesterday's fill is not today's.
  await w.order({ symbol: 'OLD', side: 'buy', qty: 5, decisionPrice: 10, avgFillPrice: 10.5, at: ET('15:00', '2026-11-19') });
  await w.order({
    symbol: 'JKL',
    side: 'buy',
    qty: 7,
    decisionPrice: 12,
    state: 'rejected',
    rejectReason: 'insufficient buying power',
    rejectDetail: { code: 'broker_rejected', broker: 'paper', brokerReason: 'insufficient buying power' },
    at: ET('11:00'),
  });
  await w.position({ symbol: 'ABC', qty: 50, avgCost: 10, lastPrice: 11, lastPriceAt: ET('16:05') });
  await w.position({ symbol: 'DEF', qty: 20, avgCost: 49, lastPrice: 48, lastPriceAt: ET('16:05') });
  await w.position({ symbol: 'GHI', qty: 10, avgCost: 29.97, lastPrice: 30.17, lastPriceAt: ET('16:05') });
  // Today's close marks: ABC +50, DEF −20, GHI +2.
  await w.mark(DAY, { symbol: 'ABC', qty: 50, avgCost: 10, price: 11 });
  await w.mark(DAY, { symbol: 'DEF', qty: 20, avgCost: 49, price: 48 });
  await w.mark(DAY, { symbol: 'GHI', qty: 10, avgCost: 29.97, price: 30.17 });
  await w.equity('2026-11-17', 10_000, 594);
  await w.equity('2026-11-18', 10_100, 597);
  await w.equity('2026-11-19', 10_050, 600, 55);
  await w.equity(DAY, 10_039, 606, 32);
  await w.alert({ key: 'broker.rejected:paper', kind: 'broker-rejected', severity: 'critical', detail: rejectedDetail, state: 'open', firstAt: ET('11:00'), lastAt: ET('11:30'), count: 3 });
  await w.alert({ key: 'data.stale:csv', kind: 'data-stale', severity: 'warning', detail: { code: 'recorded', recorded: 'csv bars are 2 sessions old' }, state: 'resolved', firstAt: ET('08:00'), lastAt: ET('09:00'), resolvedAt: ET('09:10') });
  await w.alert({ key: 'old', kind: 'job-failed', severity: 'info', detail: { code: 'job.failed', job: 'scan.start', jobId: null, queue: 'scans', attempts: 3, error: 'yesterday only' }, state: 'resolved', firstAt: ET('12:00', '2026-11-19'), lastAt: ET('12:00', '2026-11-19'), resolvedAt: ET('13:00', '2026-11-19') });
}

describe('close digest from stored orders, fills, marks and alerts', () => {
  it('computes day P&L (realized + change in unrealized) against SPY close-to-close', async () => {
    await seedBusyDay();
    const { data } = await buildCloseDigest(w, { now: NOW });
    expect(data.sessionDate).toBe(DAY);
    expect(data.pnl.realized).toBeCloseTo(12, 9);
    expect(data.pnl.unrealizedNow).toBeCloseTo(50 - 20 + 2, 9);
    expect(data.pnl.unrealizedPrev).toBeCloseTo(55, 9);
    expect(data.pnl.prevMarkDate).toBe('2026-11-19');
    expect(data.pnl.day).toBeCloseTo(12 + 32 - 55, 9);
    expect(data.pnl.prevEquity).toBe(10_050);
    expect(data.pnl.equity).toBe(10_039);
    expect(data.pnl.dayReturn).toBeCloseTo(-11 / 10_050, 12);
    expect(data.pnl.openPositions).toBe(3);
    expect(data.benchmark).toMatchObject({ symbol: 'SPY', close: 606, prevClose: 600, source: 'equity_marks' });
    expect(data.benchmark.ret).toBeCloseTo(0.01, 12);
  });

  it('lists today’s fills with slippage vs the decision price, worst first, and exits with their reason', async () => {
    await seedBusyDay();
    const { data } = await buildCloseDigest(w, { now: NOW });
    expect(data.fills.map((f) => f.symbol)).toEqual(['XYZ', 'DEF', 'GHI']);
    const [xyz, def, ghi] = data.fills;
    // Sell: decision − fill = 20.50 − 20.40 = +0.10 worse, on 30 shares.
    expect(xyz).toMatchObject({ side: 'sell', kind: 'exit', qty: 30, avgPrice: 20.4, decisionPrice: 20.5 });
    expect(xyz!.slippage).toBeCloseTo(0.1, 9);
    expect(xyz!.slippageCost).toBeCloseTo(3, 9);
    // Buy: fill − decision = 49.00 − 48.90.
    expect(def!.slippage).toBeCloseTo(0.1, 9);
    expect(def!.slippageBps).toBeCloseTo((0.1 / 48.9) * 10_000, 6);
    expect(def!.slippageCost).toBeCloseTo(2, 9);
    // Price improvement is negative slippage.
    expect(ghi!.slippage).toBeCloseTo(-0.03, 9);
    expect(ghi!.slippageCost).toBeCloseTo(-0.3, 9);
    expect(data.slippageTotal).toBeCloseTo(4.7, 9);
    expect(data.exits).toEqual([expect.objectContaining({ symbol: 'XYZ', qty: 30, price: 20.4, reason: 'stop', realizedPnl: 12 })]);
  });

  it('reports what failed today: open alerts first, then by severity; yesterday’s resolved alert is left out', async () => {
    await seedBusyDay();
    const { data } = await buildCloseDigest(w, { now: NOW });
    expect(data.failures.map((f) => [f.source, failureTitle(f)])).toEqual([
      ['alert', 'broker-rejected'],
      ['order', 'JKL buy 7 rejected'],
      ['alert', 'data-stale'],
    ]);
    expect(data.failures[0]).toMatchObject({ open: true, count: 3, detail: rejectedDetail });
    expect(failureDetail(data.failures[0]!)).toBe('paper rejected the JKL order: insufficient buying power');
    // A row from before typed alerts keeps its words.
    expect(failureDetail(data.failures[2]!)).toBe('csv bars are 2 sessions old');
    expect(failureDetail(data.failures[1]!)).toBe('insufficient buying power');
  });

  it('order and approval failures carry the recorded reason and the broker’s words; the digest words them', async () => {
    await w.order({ symbol: 'KIL', side: 'buy', qty: 5, state: 'rejected', rejectDetail: { code: 'kill_switch', order: 'entry', killReason: 'drill' }, at: ET('10:00') });
    await w.order({ symbol: 'EXT', side: 'sell', kind: 'exit', exitReason: 'stop', qty: 3, state: 'rejected', rejectDetail: { code: 'stale_exit', day: '2026-11-19' }, at: ET('10:05') });
    await w.order({ symbol: 'OLD', side: 'buy', qty: 2, state: 'rejected', rejectReason: 'stored text', rejectDetail: { code: 'recorded', recorded: 'stored text' }, at: ET('10:10') });
    await w.order({ symbol: 'CXL', side: 'sell', kind: 'exit', exitReason: 'time_stop', qty: 4, state: 'canceled', at: ET('10:15') });
    const gate = await w.pick({ symbol: 'GAT', state: 'FAILED', expiresAt: ET('10:30') });
    await w.approval(gate, {
      state: 'refused',
      refusedGate: 'policy',
      expiresAt: ET('10:30'),
      updatedAt: ET('10:20'),
      reason: { code: 'gate', gate: 'policy', limit: 'per_order_budget', numbers: { qty: 8, price: 10.01, notional: 80.08, perOrderBudget: 75, maxQty: 7 } },
    });
    const gaveUp = await w.pick({ symbol: 'GUP', state: 'FAILED', expiresAt: ET('10:40') });
    await w.approval(gaveUp, { state: 'failed', expiresAt: ET('10:40'), updatedAt: ET('10:25'), reason: { code: 'gave_up', tries: 5, error: 'Redis went away' } });
    const bare = await w.pick({ symbol: 'NON', state: 'FAILED', expiresAt: ET('10:50') });
    await w.approval(bare, { state: 'failed', expiresAt: ET('10:50'), updatedAt: ET('10:26') });

    const { data, message } = await buildCloseDigest(w, { now: NOW });
    const bySymbol = new Map(data.failures.map((f) => [f.source === 'alert' ? f.kind : f.symbol, f]));
    expect(bySymbol.get('KIL')).toMatchObject({ source: 'order', rejectReason: { code: 'kill_switch', order: 'entry', killReason: 'drill' }, brokerReason: null });
    expect(bySymbol.get('GAT')).toMatchObject({ source: 'approval', refusedGate: 'policy', reason: { code: 'gate', limit: 'per_order_budget', numbers: { maxQty: 7 } } });
    expect(bySymbol.get('GUP')).toMatchObject({ source: 'approval', reason: { code: 'gave_up', tries: 5, error: 'Redis went away' } });
    const detail = (s: string) => failureDetail(bySymbol.get(s)!);
    expect(detail('KIL')).toBe('Kill switch is ON (drill): nothing was sent to the broker. Resume with /resume and approve a fresh pick.');
    expect(detail('EXT')).toBe("never sent on 2026-11-19 (the run stopped before submission); today's run decides afresh");
    expect(detail('OLD')).toBe('stored text');
    expect(detail('CXL')).toBe('the position is still open');
    expect(detail('GAT')).toBe('Order refused by PolicyGate: 8 × $10.01 = $80.08 exceeds the per-order budget of $75.00 (at most 7 shares fit).');
    expect(detail('GUP')).toBe('gave up after 5 tries: Redis went away');
    expect(detail('NON')).toBe('no reason given');
    expect(message.text).toContain('GAT refused by policy — Order refused by PolicyGate: 8 × $10.01');
  });

  it('an exit that ended short says who ended the unfilled part: all of it, or the rest of a partial fill', async () => {
    await w.order({ symbol: 'KXN', side: 'sell', kind: 'exit', exitReason: 'stop', qty: 6, state: 'canceled', rejectDetail: { code: 'ioc_ended', status: 'canceled', endedBy: 'kill' }, at: ET('10:00') });
    await w.order({
      symbol: 'DXP',
      side: 'sell',
      kind: 'exit',
      exitReason: 'flatten',
      qty: 10,
      filledQty: 4,
      avgFillPrice: 20,
      realizedPnl: 1,
      state: 'canceled',
      rejectDetail: { code: 'ioc_ended', status: 'canceled', endedBy: 'day_timeout' },
      at: ET('10:05'),
    });
    // A full fill is no failure.
    await w.order({ symbol: 'FUL', side: 'sell', kind: 'exit', exitReason: 'stop', qty: 5, avgFillPrice: 20, realizedPnl: 1, state: 'filled', at: ET('10:10') });
    const { data, message } = await buildCloseDigest(w, { now: NOW });
    const orders = data.failures.filter((f) => f.source === 'order');
    expect(orders.map((f) => f.symbol).sort()).toEqual(['DXP', 'KXN']);
    expect(message.text).toContain('KXN exit (stop) not filled — cancelled by /kill (the kill switch cancelled every open order) before anything filled');
    expect(message.text).toContain('DXP exit (flatten) partly filled (4/10) — the other 6: cancelled by Courtside: the DAY limit order was still partly unfilled after ALPACA_DAY_CANCEL_AFTER_S');
  });

  it('renders a phone-sized message, most important first, and an equity chart with SPY rebased', async () => {
    await seedBusyDay();
    const { message, chart } = await buildCloseDigest(w, { now: NOW });
    const t = message.text;
    const lines = t.split('\n');
    expect(lines[0]).toBe('🌙 Close digest · Fri, Nov 20');
    expect(lines[1]).toBe('📊 Day P&L -$11.00 (-0.11%) · SPY +1.00% → -1.11 pp vs SPY');
    expect(lines[2]).toBe('Realized +$12.00 · unrealized -$23.00 since Nov 19 · open P&L +$32.00 on 3 positions');
    // Today's marks were recorded before sources were kept: said as marks, never as Alpaca's or as closes.
    expect(lines[3]).toBe('Prices: mark 2026-11-20');
    expect(lines[4]).toBe('Equity $10,039.00');
    expect(t).toContain('⚠️ Failed today (3)');
    expect(t).toContain('🔴 broker-rejected — paper rejected the JKL order: insufficient buying power (×3, still open, 11:30 ET)');
    expect(t).toContain('🚪 Exits (1)\n• XYZ sold 30 @ 20.40 · stop hit · +$12.00');
    expect(t).toContain('💱 Fills (3) · slippage +$4.70');
    expect(t).toContain('• SELL XYZ 30 @ 20.40 (exit) · decided 20.50 · slip +0.10/sh (+48.8 bps) = +$3.00');
    expect(t).toContain('• BUY GHI 10 @ 29.97 · decided 30.00 · slip -0.03/sh (-10.0 bps) = -$0.30');
    // Order on the page: P&L, failures, exits, fills.
    expect(t.indexOf('Day P&L')).toBeLessThan(t.indexOf('Failed today'));
    expect(t.indexOf('Failed today')).toBeLessThan(t.indexOf('Exits'));
    expect(t.indexOf('Exits')).toBeLessThan(t.indexOf('Fills'));
    expect(t).not.toContain('OLD');
    expect(t).not.toContain('DEMO');
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThan(120);

    expect(chart).not.toBeNull();
    validateSpec(chart!);
    expect(chart!.labels).toEqual(['2026-11-17', '2026-11-18', '2026-11-19', DAY]);
    expect(chart!.series[0]!.values).toEqual([10_000, 10_100, 10_050, 10_039]);
    const spy = Array.from(chart!.series[1]!.values as ArrayLike<number>);
    expect(spy[0]).toBeCloseTo(10_000, 9);
    expect(spy[3]).toBeCloseTo((10_000 * 606) / 594, 9);
  });

  it('falls back to SPY bars when the equity marks carry no benchmark, and labels synthetic data DEMO', async () => {
    await w.equity('2026-11-19', 10_000, null);
    await w.equity(DAY, 10_100, null);
    await w.bar('SPY', '2026-11-18', 500, 'synthetic');
    await w.bar('SPY', '2026-11-19', 500, 'synthetic');
    await w.bar('SPY', DAY, 495, 'synthetic');
    const { data, message, chart } = await buildCloseDigest(w, { now: NOW });
    expect(data.benchmark).toMatchObject({ close: 495, prevClose: 500, source: 'bars' });
    expect(data.benchmark.ret).toBeCloseTo(-0.01, 12);
    expect(data.demo).toBe(true);
    expect(message.text.split('\n')[0]).toBe('🌙 Close digest · Fri, Nov 20 · DEMO data');
    expect(chart!.watermark).toBe('DEMO');
    expect(Array.from(chart!.series[1]!.values as ArrayLike<number>)).toEqual([10_000, 9_900]);
  });

  it('an empty day says so in a few short lines, with no chart', async () => {
    const { data, message, chart } = await buildCloseDigest(w, { now: NOW });
    expect(data.fills).toEqual([]);
    expect(data.exits).toEqual([]);
    expect(data.failures).toEqual([]);
    expect(data.pnl).toMatchObject({ realized: 0, unrealizedNow: 0, day: 0, openPositions: 0, prevEquity: null, dayReturn: null });
    expect(chart).toBeNull();
    expect(message.text).toBe(
      [
        '🌙 Close digest · Fri, Nov 20',
        '📊 Day P&L $0.00 · SPY: no close for Nov 20 yet',
        'Realized $0.00 · unrealized $0.00 · open P&L $0.00 on 0 positions',
        '',
        '✅ Nothing failed today.',
        '',
        '💱 No fills or exits today.',
        'Audit log empty',
      ].join('\n'),
    );
  });

  it('without today’s marks, values open positions at their last price and flags unpriced ones', async () => {
    await w.mark('2026-11-19', { symbol: 'ABC', qty: 10, avgCost: 10, price: 10 });
    await w.position({ symbol: 'ABC', qty: 10, avgCost: 10, lastPrice: 12, lastPriceAt: ET('15:59') });
    await w.position({ symbol: 'NOP', qty: 5, avgCost: 7 });
    const { data, message } = await buildCloseDigest(w, { now: NOW });
    expect(data.pnl.unrealizedNow).toBeCloseTo(20, 9);
    expect(data.pnl.unpriced).toBe(1);
    expect(data.pnl.day).toBeCloseTo(20, 9);
    expect(message.text).toContain('⚠️ 1 position has no price yet (valued at cost).');
  });

  it('before today’s mark-to-market has run, values positions at today’s bar close when there is one', async () => {
    await w.mark('2026-11-19', { symbol: 'ABC', qty: 10, avgCost: 10, price: 11 });
    await w.position({ symbol: 'ABC', qty: 10, avgCost: 10, lastPrice: 11, lastPriceAt: ET('16:00', '2026-11-19') });
    await w.bar('ABC', DAY, 12.5);
    const { data } = await buildCloseDigest(w, { now: NOW });
    expect(data.pnl.unrealizedNow).toBeCloseTo(25, 9);
    expect(data.pnl.unrealizedPrev).toBeCloseTo(10, 9);
    expect(data.pnl.day).toBeCloseTo(15, 9);
    expect(data.pnl.unpriced).toBe(0);
  });

  it("says where the open P&L's prices came from: today's marks, or before them the prices /positions uses (issue 19 item 7)", async () => {
    const at = ET('16:10');
    await w.position({ symbol: 'LIV', qty: 10, avgCost: 10, lastPrice: 12, lastPriceAt: at, lastPriceSource: 'broker:alpaca-paper' });
    await w.position({ symbol: 'CLS', qty: 5, avgCost: 20, lastPrice: 21, lastPriceAt: ET('16:00', '2026-11-19'), lastPriceSource: 'close' });
    // Before today's mark: LIV at its Alpaca mark, CLS at today's bar close.
    await w.bar('CLS', DAY, 22);
    const before = await buildCloseDigest(w, { now: NOW });
    expect(before.data.pnl.unrealizedNow).toBeCloseTo(20 + 10, 9);
    expect(before.data.pnl.origins).toEqual([{ kind: 'close', date: DAY }, { kind: 'broker', broker: 'alpaca-paper', at }]);
    expect(before.message.text.split('\n')).toContain('Prices: 1 at close 2026-11-20, 1 at Alpaca mark 16:10 ET');
    // Today's marks, both from Alpaca.
    await w.mark(DAY, { symbol: 'LIV', qty: 10, avgCost: 10, price: 12, priceSource: 'broker:alpaca-paper', priceAt: at });
    await w.mark(DAY, { symbol: 'CLS', qty: 5, avgCost: 20, price: 22.5, priceSource: 'broker:alpaca-paper', priceAt: at });
    const after = await buildCloseDigest(w, { now: NOW });
    expect(after.data.pnl.unrealizedNow).toBeCloseTo(20 + 12.5, 9);
    expect(after.message.text.split('\n')).toContain('Prices: Alpaca mark 16:10 ET');
  });

  it('realized P&L counts orders booked today, not yesterday’s', async () => {
    await w.order({ symbol: 'OLD', side: 'sell', qty: 5, kind: 'exit', exitReason: 'time_stop', decisionPrice: 10, avgFillPrice: 10, realizedPnl: 99, at: ET('15:00', '2026-11-19') });
    await w.order({ symbol: 'NEW', side: 'sell', qty: 5, kind: 'exit', exitReason: 'flatten', decisionPrice: 10, avgFillPrice: 9.9, realizedPnl: -4.5, at: ET('15:00') });
    const { data, message } = await buildCloseDigest(w, { now: NOW });
    expect(data.pnl.realized).toBeCloseTo(-4.5, 9);
    expect(data.exits.map((e) => [e.symbol, e.reason])).toEqual([['NEW', 'flatten']]);
    expect(message.text).toContain('• NEW sold 5 @ 9.90 · flattened · -$4.50');
  });

  it('shows an engaged kill switch right under the P&L', async () => {
    await w.killSwitch.engage('broker outage', 1);
    const { message } = await buildCloseDigest(w, { now: NOW });
    expect(message.text.split('\n')[3]).toBe('🛑 Kill switch ON — broker outage (by 1). No orders until /resume.');
  });
});
