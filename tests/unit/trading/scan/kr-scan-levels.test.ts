/**
 * A KR chunk of a scan (issue 15): levels on the KRX ETF tick rounded from the strategies' raw
 * values (not from cents), reasons in whole won, and no dollar minimum price.
 */
import { describe, expect, it } from 'vitest';
import { toSeries, type BarSeries } from '../../../../src/engine/bars.js';
import { XKRX_CALENDAR, XNYS_CALENDAR } from '../../../../src/engine/calendar/exchange.js';
import { DONCHIAN } from '../../../../src/engine/strategies/index.js';
import type { ScanData } from '../../../../src/trading/scan/data-port.js';
import { scanChunk } from '../../../../src/trading/scan/scan-run.js';

const CODE = '069500';
const AS_OF = '2025-10-02';

/** 259 flat sessions of `calendar` at 35,000 (high 35,100, low 34,900), then a breakout close at 36,500 with the given low; ₩3.5 bn traded a day. */
function krSeries(lastLow: number, calendar = XKRX_CALENDAR, symbol = CODE): BarSeries {
  const dates: string[] = [];
  for (let d = AS_OF; dates.length < 260; d = calendar.previousSession(d)) dates.unshift(d);
  return toSeries(
    symbol,
    dates.map((date, i) => (i === dates.length - 1 ? { date, open: 35_000, high: 36_500, low: lastLow, close: 36_500, volume: 100_000 } : { date, open: 35_000, high: 35_100, low: 34_900, close: 35_000, volume: 100_000 })),
  );
}

function dataOf(series: BarSeries): ScanData {
  return {
    members: async () => [{ symbol: CODE, demo: false, lastDate: AS_OF, leverage: 1 }],
    load: async () => new Map([[CODE, series]]),
  };
}

describe('a KR scan chunk', () => {
  it('rounds a stop a hair above a won step up to the next step, from the raw level', async () => {
    // Last true range 1,599.972 → ATR14 = (13 × 200 + 1,599.972) / 14 = 299.998 → stop = 36,500 − 599.996 = 35,900.004.
    const series = krSeries(34_900.028);
    const raw = DONCHIAN.latestSignal(series, DONCHIAN.resolveParams({ minPrice: 0 }))!;
    expect(raw.stop).toBeGreaterThan(35_900);
    expect(raw.stop - 35_900).toBeLessThan(0.005);
    const out = await scanChunk(dataOf(series), [CODE], AS_OF, ['donchian'], [], { market: 'KR' });
    expect(out.signals).toHaveLength(1);
    // A sell level rounds up on the 5-won ETF tick: 35,900.004 → 35,905. Rounded to cents first it would be 35,900.00 → 35,900.
    expect(out.signals[0]).toMatchObject({ symbol: CODE, close: 36_500, stop: 35_905, target: null });
  });

  it('writes the reasons in whole won with no dollar minimum price', async () => {
    const out = await scanChunk(dataOf(krSeries(34_900)), [CODE], AS_OF, ['donchian', 'turtle_soup'], [], { market: 'KR' });
    expect(out.signals.map((s) => s.reasons)).toEqual([
      ['close 36,500 > donchian upper55 (highest high of the prior 55 bars) 35,100', 'close 36,500 > sma200 35,008', 'close 36,500 >= minPrice 0', 'stop 35,900 = close - 2 × atr14 300'],
    ]);
  });

  it('uses the won minimum price when one is set (EXEC_MIN_PRICE_KR)', async () => {
    const data = dataOf(krSeries(34_900));
    expect((await scanChunk(data, [CODE], AS_OF, ['donchian'], [], { market: 'KR', kr: { minPrice: 40_000 } })).signals).toEqual([]);
    const [sig] = (await scanChunk(data, [CODE], AS_OF, ['donchian'], [], { market: 'KR', kr: { minPrice: 30_000 } })).signals;
    expect(sig!.reasons[2]).toBe('close 36,500 >= minPrice 30,000');
  });

  it('leaves a US chunk as it was: cents, two decimals, the dollar minimum price', async () => {
    const us = krSeries(34_900.028, XNYS_CALENDAR, 'ABC');
    const data: ScanData = { members: async () => [{ symbol: 'ABC', demo: false, lastDate: AS_OF }], load: async () => new Map([['ABC', us]]) };
    const raw = DONCHIAN.latestSignal(us, DONCHIAN.resolveParams({}))!;
    const out = await scanChunk(data, ['ABC'], AS_OF, ['donchian'], [], { market: 'US' });
    expect(out.signals).toHaveLength(1);
    expect(out.signals[0]!.stop).toBe(35_900);
    expect(out.signals[0]!.stop).toBe(Math.round(raw.stop * 100) / 100);
    expect(out.signals[0]!.reasons).toEqual(raw.reasons);
    expect(out.signals[0]!.reasons[2]).toBe('close 36500.00 >= minPrice 5.00');
  });
});
