/**
 * The KR pick card (issue 15): levels, size and risk in whole won (₩12,345), the ETF's name next
 * to its code, DEMO said, the deadline in KST, no dollar sign in the caption or the chart, and the
 * risk recomputes from the numbers shown: qty × (entry − stop).
 */
import { describe, expect, it } from 'vitest';
import { toSeries, type Bar } from '../../../../src/engine/bars.js';
import { krDemoSessions } from '../../../../src/adapters/market-data/synthetic/generate-kr-universe.js';
import { candlesConfig } from '../../../../src/adapters/charts/candles-config.js';
import { pickCaption, pickChartSpec, type PickView } from '../../../../src/bot/views/pick-card.js';
import { picksView } from '../../../../src/bot/views/picks-view.js';
import type { PickSource } from '../../../../src/engine/scan/pick-sources.js';

// 2025-10-02 06:20 UTC = 15:20 KST, the KRX close.
const CLOSE = new Date('2025-10-02T06:20:00Z');

function pick(over: Partial<PickView> = {}): PickView {
  return { id: 'pkr1234', symbol: '069500', name: 'KODEX 200', strategy: 'donchian', sessionDate: '2025-10-02', entry: 42445, stop: 41170, target: 44995, qty: 392, dollarRisk: 499_800, reasons: ['close 42445.00 > donchian upper55 42300.00'], demo: true, expiresAt: CLOSE, ...over };
}

const num = (re: RegExp, text: string) => Number(re.exec(text)![1]!.replace(/,/g, ''));

describe('KR pickCaption', () => {
  it('shows levels and risk in whole won with the name, DEMO and a KST deadline, and no dollar sign', () => {
    // The renderer passes a New York label; a KR card says Korea time instead.
    const text = pickCaption(pick(), '02:20 ET').text;
    expect(text).toContain('📈 069500 KODEX 200 · Donchian');
    expect(text).toContain('DEMO');
    expect(text).toContain('Entry (limit) ₩42,445 · Stop ₩41,170 · Target ₩44,995');
    expect(text).toContain('Qty 392 · risk ₩499,800 if the stop fills');
    expect(text).toMatch(/approve by 15:20 KST$/);
    expect(text).not.toContain('$');
    expect(text).not.toContain(' ET');
    // No won amount with decimals: every ₩ figure is whole.
    expect(text).not.toMatch(/₩[\d,]+\.\d/);
    // The risk recomputes from what the card shows.
    const entry = num(/Entry \(limit\) ₩([\d,]+)/, text);
    const stop = num(/Stop ₩([\d,]+)/, text);
    expect(num(/Qty (\d+)/, text) * (entry - stop)).toBe(num(/risk ₩([\d,]+)/, text));
  });

  it('shows several sources in won, each size recomputable', () => {
    const fixed = (source: string, stop: number, qty: number): PickSource =>
      ({ source, entry: 42445, stop, target: null, reasons: [], qty, dollarRisk: qty * (42445 - stop), notional: qty * 42445, sizing: { method: 'fixed', equity: 100_000_000, riskFraction: 0.005, maxPositionFraction: 0.1, limitedBy: 'risk' } }) as unknown as PickSource;
    const text = pickCaption(pick({ sources: [fixed('donchian', 41170, 392), fixed('turtle_soup', 40945, 333)] }), '02:20 ET').text;
    expect(text).toContain('• Donchian Breakout: stop ₩41,170 · 392 sh — fixed 0.50% risk of ₩100,000,000 = ₩500,000 ÷ ₩1,275/sh = 392 sh');
    expect(text).toContain('stop ₩40,945 · 333 sh — fixed 0.50% risk of ₩100,000,000 = ₩500,000 ÷ ₩1,500/sh = 333 sh');
    expect(text).not.toContain('$');
  });

  it('a US card is unchanged: dollars and the renderer\'s ET label', () => {
    const us = pickCaption(pick({ symbol: 'XLK', name: undefined, entry: 233.15, stop: 219.28, target: null, qty: 36, dollarRisk: 499.32 }), '12:30 ET').text;
    expect(us).toContain('Entry (limit) 233.15 · Stop 219.28');
    expect(us).toContain('risk $499.32');
    expect(us).toMatch(/approve by 12:30 ET$/);
  });
});

describe('KR pick chart and /picks', () => {
  it('labels the levels in whole won; the chart config has no dollar sign', () => {
    const bars: Bar[] = krDemoSessions('2025-10-02', 250).map((date, i) => ({ date, open: 40000 + i * 10, high: 40100 + i * 10, low: 39900 + i * 10, close: 40050 + i * 10, volume: 1e5 }));
    const spec = pickChartSpec(pick(), toSeries('069500', bars));
    expect(spec.title).toBe('069500 KODEX 200 · Donchian Breakout · 2025-10-02');
    expect(spec.levels?.map((l) => l.label)).toEqual(['Entry ₩42,445', 'Stop ₩41,170', 'Target ₩44,995']);
    expect(JSON.stringify(candlesConfig(spec, 'financial'))).not.toContain('$');
  });

  it('/picks lists a KR pick in won', () => {
    const text = picksView('2025-10-02', [{ ...pick(), state: 'PENDING' }]).text;
    expect(text).toContain('069500 DB · ₩42,445 stop ₩41,170 · 392 sh');
    expect(text).not.toContain('$');
  });
});
