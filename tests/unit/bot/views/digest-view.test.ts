import { describe, expect, it } from 'vitest';
import { closeDigestView, dayLabel, failureDetail, failureTitle, MAX_LIST, morningDigestView, noSessionDigestView, untilText } from '../../../../src/bot/views/digest-view.js';
import { closeDigestChart } from '../../../../src/bot/charts/digest-chart.js';
import { LocalChartRenderer } from '../../../../src/adapters/charts/local-renderer.js';
import { validateSpec } from '../../../../src/adapters/charts/validate.js';
import { MESSAGE_LIMIT } from '../../../../src/bot/format/limits.js';
import type { CloseDigestData, FillLine, MorningDigestData, NoSessionDigestData, OrderFailure, PositionLine } from '../../../../src/trading/digest/types.js';

const NOW = new Date('2026-11-20T08:30:00-05:00');

function morning(over: Partial<MorningDigestData> = {}): MorningDigestData {
  return {
    kind: 'morning',
    generatedAt: NOW,
    sessionDate: '2026-11-20',
    marketOpenToday: true,
    demo: false,
    killSwitch: { engaged: false, reason: null, changedBy: null, changedAt: null },
    positions: [],
    pendingPicks: [],
    openApprovals: [],
    budget: { date: '2026-11-20', limit: 1000, spent: 0, left: 1000 },
    scans: [],
    freshness: { expected: '2026-11-19', sources: [] },
    openAlerts: [],
    auditHead: null,
    ...over,
  };
}

function close(over: Partial<CloseDigestData> = {}): CloseDigestData {
  return {
    kind: 'close',
    generatedAt: new Date('2026-11-20T16:20:00-05:00'),
    sessionDate: '2026-11-20',
    demo: false,
    killSwitch: { engaged: false, reason: null, changedBy: null, changedAt: null },
    pnl: { realized: 0, unrealizedNow: 0, unrealizedPrev: 0, prevMarkDate: null, day: 0, equity: null, prevEquity: null, dayReturn: null, openPositions: 0, unpriced: 0 },
    benchmark: { symbol: 'SPY', close: null, prevClose: null, ret: null, source: null },
    fills: [],
    slippageTotal: 0,
    exits: [],
    failures: [],
    curve: { dates: [], equity: [], benchmark: [] },
    auditHead: null,
    ...over,
  };
}

const position = (i: number): PositionLine => ({
  symbol: `S${String(i).padStart(2, '0')}`,
  strategy: 'donchian',
  qty: 10,
  avgCost: 10,
  stop: 9,
  timeStopDate: null,
  price: 11,
  priceDate: '2026-11-19',
  refPrice: 10.5,
  refDate: '2026-11-18',
  change: 0.5,
  changePct: 0.5 / 10.5,
  changeValue: 5,
  unrealized: 10,
});

describe('morning digest view', () => {
  it('puts the kill switch on the second line whatever else there is', () => {
    const on = morningDigestView(morning({ killSwitch: { engaged: true, reason: 'manual', changedBy: '9', changedAt: null }, positions: [position(1)] }));
    expect(on.text.split('\n').slice(0, 2)).toEqual(['☀️ Morning digest · Fri, Nov 20', '🛑 Kill switch ON — manual (by 9). No orders until /resume.']);
    expect(on.entities?.find((e) => e.type === 'bold' && on.text.slice(e.offset, e.offset + e.length) === 'Kill switch ON')).toBeDefined();
  });

  it('caps long lists at MAX_LIST lines with a count of the rest', () => {
    const t = morningDigestView(morning({ positions: Array.from({ length: MAX_LIST + 4 }, (_, i) => position(i)) })).text;
    expect(t).toContain(`📈 Positions (${MAX_LIST + 4}) · open P&L +$140.00`);
    expect(t.split('\n').filter((l) => l.startsWith('• S'))).toHaveLength(MAX_LIST);
    expect(t).toContain('… and 4 more');
  });

  it('a position without a price says so instead of inventing a move', () => {
    const t = morningDigestView(
      morning({ positions: [{ ...position(1), price: null, priceDate: null, refPrice: null, refDate: null, change: null, changePct: null, changeValue: null, unrealized: null }] }),
    ).text;
    expect(t).toContain('• S01 no earlier close to compare · 10 sh, no price yet (cost 10.00)');
  });

  it('says where the prices are from: once in the heading when all share one, else on each position (issue 19 item 7)', () => {
    const alpaca = { kind: 'broker', broker: 'alpaca-paper', at: new Date('2026-11-19T16:10:00-05:00') } as const;
    const same = morningDigestView(morning({ positions: [{ ...position(1), priceOrigin: alpaca }, { ...position(2), priceOrigin: alpaca }] })).text;
    expect(same).toContain('📈 Positions (2) · open P&L +$20.00 · prices: Alpaca mark 2026-11-19 16:10 ET');
    expect(same).toContain('• S01 +4.76% (+$5.00) vs Nov 18 close 10.50 · 10 sh @ 11.00 · P&L +$10.00');
    const mixed = morningDigestView(
      morning({ positions: [{ ...position(1), priceOrigin: alpaca, refOrigin: { kind: 'close', date: '2026-11-18' } }, { ...position(2), priceOrigin: { kind: 'close', date: '2026-11-19' } }] }),
    ).text;
    expect(mixed).toContain('📈 Positions (2) · open P&L +$20.00\n');
    expect(mixed).toContain('• S01 +4.76% (+$5.00) vs Nov 18 close 10.50 · 10 sh @ 11.00 (Alpaca mark 2026-11-19 16:10 ET) · P&L +$10.00');
    expect(mixed).toContain('• S02 +4.76% (+$5.00) vs Nov 18 close 10.50 · 10 sh @ 11.00 (close 2026-11-19) · P&L +$10.00');
    // A move measured from the broker's mark never calls it a close.
    const fromMark = morningDigestView(morning({ positions: [{ ...position(1), priceOrigin: { kind: 'close', date: '2026-11-19' }, refOrigin: alpaca }] })).text;
    expect(fromMark).toContain('• S01 +4.76% (+$5.00) vs Alpaca mark 2026-11-19 16:10 ET 10.50 · 10 sh @ 11.00 · P&L +$10.00');
  });

  it('labels DEMO data in the title', () => {
    expect(morningDigestView(morning({ demo: true })).text.split('\n')[0]).toBe('☀️ Morning digest · Fri, Nov 20 · DEMO data');
  });

  it('an expiry on another day names the date', () => {
    const t = morningDigestView(
      morning({ pendingPicks: [{ id: 'p', symbol: 'ZZ', strategy: 'donchian', qty: 1, entry: 5, expiresAt: new Date('2026-11-23T09:45:00-05:00') }] }),
    ).text;
    expect(t).toContain('expires Nov 23 09:45 ET (in 73h 15m)');
  });
});

describe('close digest view', () => {
  const fill = (i: number): FillLine => ({
    orderId: `o${i}`,
    symbol: `F${i}`,
    strategy: 'donchian',
    side: 'buy',
    kind: 'entry',
    qty: 100,
    avgPrice: 20.02,
    decisionPrice: 20,
    slippage: 0.02,
    slippageBps: 10,
    slippageCost: 2,
    lastFillAt: new Date('2026-11-20T10:00:00-05:00'),
  });

  it('without a previous equity shows dollars only; with a benchmark return, the difference in points', () => {
    const a = closeDigestView(close({ pnl: { ...close().pnl, day: 25, realized: 25 }, benchmark: { symbol: 'SPY', close: 101, prevClose: 100, ret: 0.01, source: 'bars' } }));
    expect(a.text.split('\n')[1]).toBe('📊 Day P&L +$25.00 · SPY +1.00%');
    const b = closeDigestView(close({ pnl: { ...close().pnl, day: 200, dayReturn: 0.02, prevEquity: 10_000 }, benchmark: { symbol: 'SPY', close: 101, prevClose: 100, ret: 0.01, source: 'bars' } }));
    expect(b.text.split('\n')[1]).toBe('📊 Day P&L +$200.00 (+2.00%) · SPY +1.00% → +1.00 pp vs SPY');
  });

  it('says where the open P&L is priced from (issue 19 item 7)', () => {
    const at = new Date('2026-11-20T16:10:00-05:00');
    const pnl = { ...close().pnl, openPositions: 2, unrealizedNow: 30, origins: [{ kind: 'broker', broker: 'alpaca-live', at } as const, { kind: 'close', date: '2026-11-19' } as const] };
    const lines = closeDigestView(close({ pnl })).text.split('\n');
    expect(lines[3]).toBe('Prices: 1 at Alpaca mark 16:10 ET, 1 at close 2026-11-19');
  });

  it('a fill without a decision price says so', () => {
    const t = closeDigestView(close({ fills: [{ ...fill(1), decisionPrice: null, slippage: null, slippageBps: null, slippageCost: null }] })).text;
    expect(t).toContain('🚪 No exits today.\n💱 Fills (1) · slippage $0.00\n• BUY F1 100 @ 20.02 · no decision price');
  });

  it('stays within one Telegram message on a very busy day', () => {
    const fills = Array.from({ length: 40 }, (_, i) => fill(i));
    const failures = Array.from({ length: 30 }, (_, i) => ({
      source: 'alert' as const,
      severity: 'critical',
      kind: `kind-${i}`,
      detail: { code: 'recorded' as const, recorded: 'x'.repeat(120) },
      at: new Date('2026-11-20T11:00:00-05:00'),
      open: true,
      count: 2,
    }));
    const t = closeDigestView(close({ fills, failures, slippageTotal: 80 })).text;
    expect(t.length).toBeLessThan(MESSAGE_LIMIT);
    expect(t).toContain('… and 30 more');
    expect(t).toContain('… and 22 more');
  });
});

describe('close digest chart', () => {
  const curve = { dates: ['2026-11-18', '2026-11-19', '2026-11-20'], equity: [10_000, 10_200, 10_100], benchmark: [500, 505, null] };

  it('no chart with fewer than two equity marks', () => {
    expect(closeDigestChart({ ...close(), curve: { dates: ['2026-11-20'], equity: [1], benchmark: [null] } })).toBeNull();
  });

  it('equity with a rebased benchmark and a drawdown panel; DEMO watermark on synthetic data', () => {
    const spec = closeDigestChart({ ...close({ demo: true }), curve })!;
    validateSpec(spec);
    expect(spec.title).toBe('Equity to 2026-11-20 vs SPY');
    expect(spec.series.map((s) => s.name)).toEqual(['Equity', 'SPY']);
    expect(Array.from(spec.series[1]!.values)).toEqual([10_000, 10_100, null]);
    expect(spec.lowerPanel?.series[0]!.name).toBe('Drawdown');
    expect(spec.watermark).toBe('DEMO');
  });

  it('leaves the benchmark out when fewer than two of its closes are known', () => {
    const spec = closeDigestChart({ ...close(), curve: { ...curve, benchmark: [null, null, 500] } })!;
    expect(spec.series.map((s) => s.name)).toEqual(['Equity']);
    expect(spec.title).toBe('Equity to 2026-11-20');
  });

  it('renders to a PNG with the in-process renderer', async () => {
    const png = await new LocalChartRenderer().render(closeDigestChart({ ...close(), curve })!);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(800);
  });
});

describe('small formatters', () => {
  it('dayLabel and untilText', () => {
    expect(dayLabel('2026-11-23')).toBe('Mon, Nov 23');
    expect(untilText(30_000)).toBe('under a minute');
    expect(untilText(45 * 60_000)).toBe('45m');
    expect(untilText(75 * 60_000)).toBe('1h 15m');
  });
});

describe('no-session digest view', () => {
  it('says where the open P&L is priced from, as /positions does (issue 19 item 7)', () => {
    const d: NoSessionDigestData = {
      kind: 'no-session',
      generatedAt: new Date('2026-11-21T12:00:00-05:00'),
      date: '2026-11-21',
      lastSession: '2026-11-20',
      nextSession: '2026-11-23',
      demo: false,
      killSwitch: { engaged: false, reason: null, changedBy: null, changedAt: null },
      open: { count: 2, unrealizedPnl: 30, unpriced: 0, marketValue: 1030, origins: [{ kind: 'broker', broker: 'alpaca-paper', at: new Date('2026-11-20T16:10:00-05:00') }, { kind: 'close', date: '2026-11-20' }] },
      equity: null,
      auditHead: null,
    };
    expect(noSessionDigestView(d).text.split('\n')).toContain('Prices: 1 at Alpaca mark 2026-11-20 16:10 ET, 1 at close 2026-11-20');
  });
});

describe('digest failure lines of exits that ended short', () => {
  const exit = (filledQty: number, rejectReason: OrderFailure['rejectReason'], state = 'canceled'): OrderFailure => ({
    source: 'order',
    severity: 'critical',
    symbol: 'XS',
    side: 'sell',
    qty: 10,
    filledQty,
    orderKind: 'exit',
    exitReason: 'stop',
    state,
    rejectReason,
    brokerReason: null,
    at: new Date('2026-11-20T11:00:00-05:00'),
    open: false,
    count: 1,
  });

  it('say who ended the unfilled part: all of it, or the rest of a partial fill', () => {
    const none = exit(0, { code: 'ioc_ended', status: 'canceled', endedBy: 'kill' });
    expect(failureTitle(none)).toBe('XS exit (stop) not filled');
    expect(failureDetail(none)).toBe('cancelled by /kill (the kill switch cancelled every open order) before anything filled');
    const part = exit(4, { code: 'ioc_ended', status: 'canceled', endedBy: 'day_timeout' });
    expect(failureTitle(part)).toBe('XS exit (stop) partly filled (4/10)');
    expect(failureDetail(part)).toBe('the other 6: cancelled by Courtside: the DAY limit order was still partly unfilled after ALPACA_DAY_CANCEL_AFTER_S');
    const ioc = exit(0, { code: 'ioc_ended', status: 'canceled', endedBy: 'ioc' });
    expect(failureDetail(ioc)).toBe('the IOC order ended canceled with nothing filled');
  });

  it('a row booked before the reason was kept says the position is still open', () => {
    expect(failureDetail(exit(0, null))).toBe('the position is still open');
  });
});
