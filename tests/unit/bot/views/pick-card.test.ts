/**
 * The pick card (issue 13): prices at their tick's precision (a sub-dollar stock's 4 decimals),
 * the open queue's offer on a card posted outside the session (item 2: when it would go, open +
 * 1 min, and expire, open + 30 min), and the chart's signal candle (item 13).
 */
import { describe, expect, it } from 'vitest';
import { ALWAYS_OPEN, EXCHANGE_HOURS } from '../../../../src/engine/market-hours.js';
import { toSeries, type Bar } from '../../../../src/engine/bars.js';
import { weekdaySessions } from '../../../../src/adapters/market-data/synthetic/sessions.js';
import { pickCaption, pickChartSpec, queueOfferAt, type PickView } from '../../../../src/bot/views/pick-card.js';

const SATURDAY = Date.parse('2026-12-12T17:00:00Z'); // Sat 12:00 ET
const MONDAY_0800 = Date.parse('2026-12-14T13:00:00Z'); // Mon 08:00 ET, before the open
const MONDAY_1100 = Date.parse('2026-12-14T16:00:00Z'); // Mon 11:00 ET, in session
const MONDAY_OPEN = Date.parse('2026-12-14T14:30:00Z');

function pick(over: Partial<PickView> = {}): PickView {
  return { id: 'pabc123', symbol: 'XLK', strategy: 'donchian', sessionDate: '2026-12-11', entry: 233.15, stop: 219.28, target: null, qty: 36, dollarRisk: 499.32, reasons: ['55-day high'], demo: true, expiresAt: new Date(SATURDAY + 30 * 60_000), ...over };
}

function bars(endDate: string, n: number): Bar[] {
  return weekdaySessions(endDate, n).map((date, i) => ({ date, open: 100 + i / 10, high: 101 + i / 10, low: 99 + i / 10, close: 100.5 + i / 10, volume: 1e6 }));
}

describe('pickCaption', () => {
  it('shows a sub-dollar stock at its 0.0001 tick, so qty × (entry − stop) is the risk shown', () => {
    const text = pickCaption(pick({ entry: 0.4567, stop: 0.4012, target: 0.5123, qty: 1000, dollarRisk: 55.5 }), '12:30 ET').text;
    expect(text).toContain('Entry (limit) 0.4567 · Stop 0.4012 · Target 0.5123');
    expect(text).toContain('Qty 1000 · risk $55.50');
  });

  it('keeps 2 decimals from $1 up', () => {
    expect(pickCaption(pick(), '12:30 ET').text).toContain('Entry (limit) 233.15 · Stop 219.28 · Target —');
  });

  it('outside the session says when Queue for the open would send it and when it would expire', () => {
    const text = pickCaption(pick(), '12:30 ET', queueOfferAt(EXCHANGE_HOURS, SATURDAY)).text;
    expect(text).toMatch(/🕰 Market closed: ⏰ Queue for the open sends it at Mon Dec 14 09:31 ET .*not sent by Mon Dec 14 10:00 ET, it expires\./);
    // Above the stamp line, which still says by when the pick can be decided.
    expect(text.split('\n').at(-1)).toMatch(/approve by 12:30 ET$/);
  });

  it('in session (or without an offer) says nothing about the queue', () => {
    expect(pickCaption(pick(), '12:30 ET').text).not.toMatch(/Queue/);
    expect(pickCaption(pick(), '12:30 ET', queueOfferAt(EXCHANGE_HOURS, MONDAY_1100)).text).not.toMatch(/Queue/);
  });
});

describe('queueOfferAt', () => {
  it('outside the session: the next open + 1 min and + 30 min', () => {
    expect(queueOfferAt(EXCHANGE_HOURS, SATURDAY)).toEqual({ sendAt: new Date(MONDAY_OPEN + 60_000), expiresAt: new Date(MONDAY_OPEN + 30 * 60_000) });
    // Before today's open: today's.
    expect(queueOfferAt(EXCHANGE_HOURS, MONDAY_0800)).toEqual({ sendAt: new Date(MONDAY_OPEN + 60_000), expiresAt: new Date(MONDAY_OPEN + 30 * 60_000) });
  });

  it('no offer in session, with MARKET_HOURS=always, or without hours', () => {
    expect(queueOfferAt(EXCHANGE_HOURS, MONDAY_1100)).toBeNull();
    expect(queueOfferAt(ALWAYS_OPEN, SATURDAY)).toBeNull();
    expect(queueOfferAt(undefined, SATURDAY)).toBeNull();
  });
});

describe('pickChartSpec', () => {
  it('marks the signal candle: the last bar when the signal is on the latest session', () => {
    const spec = pickChartSpec(pick({ sessionDate: '2026-12-11' }), toSeries('XLK', bars('2026-12-11', 200)));
    expect(spec.bars).toHaveLength(120);
    expect(spec.signalIndex).toBe(119);
    expect(spec.bars[spec.signalIndex!]!.date).toBe('2026-12-11');
  });

  it('marks the signal session when newer bars were stored since, and nothing when it is off the chart', () => {
    const series = toSeries('XLK', bars('2026-12-11', 200));
    const spec = pickChartSpec(pick({ sessionDate: '2026-12-09' }), series);
    expect(spec.bars[spec.signalIndex!]!.date).toBe('2026-12-09');
    expect(spec.signalIndex).toBe(117);
    expect(pickChartSpec(pick({ sessionDate: '2025-01-02' }), series).signalIndex).toBeUndefined();
  });
});
