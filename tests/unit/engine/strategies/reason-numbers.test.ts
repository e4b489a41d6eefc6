import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cmp, cmpPre, fixedReasonNumbers } from '../../../../src/engine/strategies/format.js';
import { DONCHIAN, TURTLE_SOUP } from '../../../../src/engine/strategies/index.js';
import { flatBars, type Hlc, seriesFromHlc } from './hand-bars.js';

/** Whole won, grouped: what a KR scan passes. */
const WON = fixedReasonNumbers(0, { group: true });

describe('reasons with fixed decimals (whole won)', () => {
  it('writes one figure without a fraction, thousands grouped', () => {
    expect(WON.one(36_500)).toBe('36,500');
    expect(WON.one(35_007.5)).toBe('35,008');
    expect(WON.one(300)).toBe('300');
    expect(WON.one(1_234_567.4)).toBe('1,234,567');
    expect(WON.one(-1_500)).toBe('-1,500');
    expect(fixedReasonNumbers(0).one(36_500)).toBe('36500');
  });

  it('tells two sides apart by rounding the smaller down and the larger up, never by adding decimals', () => {
    expect(WON.pair(36_500, 36_499.7)).toEqual(['36,500', '36,499']);
    expect(WON.pair(36_500.2, 36_500)).toEqual(['36,501', '36,500']);
    expect(WON.pair(99.6, 100)).toEqual(['99', '100']);
    // Sides that print apart keep their nearest rounding; equal sides print equal.
    expect(WON.pair(36_500, 35_007.5)).toEqual(['36,500', '35,008']);
    expect(WON.pair(5, 5)).toEqual(['5', '5']);
    expect(cmp('close', 36_500, '>', 'sma200', 36_499.7, WON)).toBe('close 36,500 > sma200 36,499');
    expect(cmpPre('close ', 36_500, WON.one(36_500), ' > sma200 ', 36_499.7, WON.one(36_499.7), WON)).toBe('close 36,500 > sma200 36,499');
  });

  it('any two different finite figures print different, integer text, in the same order as the values', () => {
    const won = fc.double({ min: 0, max: 1e7, noNaN: true });
    const near = fc.tuple(won, fc.double({ min: -2, max: 2, noNaN: true })).map(([a, d]) => [a, a + d] as const);
    fc.assert(
      fc.property(fc.oneof(fc.tuple(won, won), near), ([a, b]) => {
        const [sa, sb] = WON.pair(a, b);
        expect(sa).toMatch(/^-?\d{1,3}(,\d{3})*$/);
        expect(sb).toMatch(/^-?\d{1,3}(,\d{3})*$/);
        const na = Number(sa.replaceAll(',', ''));
        const nb = Number(sb.replaceAll(',', ''));
        if (a > b) expect(na).toBeGreaterThan(nb);
        if (a < b) expect(na).toBeLessThan(nb);
      }),
      { numRuns: 5_000 },
    );
  });

  it('refuses a precision it cannot print', () => {
    expect(() => fixedReasonNumbers(-1)).toThrow(RangeError);
    expect(() => fixedReasonNumbers(1.5)).toThrow(RangeError);
  });
});

/** 259 flat sessions at 35,000 (high 35,100, low 34,900), then a breakout close at 36,500. */
function wonBreakout(): Hlc[] {
  return [...Array.from({ length: 259 }, () => [35_100, 34_900, 35_000] as const), [36_500, 34_900, 36_500]];
}

describe('strategy reasons in whole won', () => {
  it("Donchian's reasons carry no fraction of a won and no dollar figure", () => {
    const series = seriesFromHlc(wonBreakout());
    const sig = DONCHIAN.latestSignal(series, DONCHIAN.resolveParams({ minPrice: 0 }), WON);
    expect(sig).not.toBeNull();
    // SMA200 = (199 × 35,000 + 36,500) / 200 = 35,007.5; ATR14 = (13 × 200 + 1,600) / 14 = 300.
    expect(sig!.reasons).toEqual([
      'close 36,500 > donchian upper55 (highest high of the prior 55 bars) 35,100',
      'close 36,500 > sma200 35,008',
      'close 36,500 >= minPrice 0',
      'stop 35,900 = close - 2 × atr14 300',
    ]);
    // The levels themselves are untouched: only their text is in won.
    expect(sig!.close).toBe(36_500);
    expect(sig!.stop).toBeCloseTo(35_900, 9);
  });

  it('a target and a fractional ATR are whole won too', () => {
    const bars = wonBreakout();
    bars[bars.length - 1] = [36_500, 34_900.7, 36_500];
    const sig = DONCHIAN.latestSignal(seriesFromHlc(bars), DONCHIAN.resolveParams({ minPrice: 0, targetR: 2 }), WON)!;
    for (const r of sig.reasons) expect(r).not.toMatch(/\d\.\d/);
    expect(sig.reasons.at(-1)).toMatch(/^target [\d,]+ = close \+ 2R$/);
  });

  it("Turtle Soup's reasons are whole won", () => {
    // 200 bars at 50,000 (the SMA), a low of 48,000 eight bars back, then a sweep to 47,500 and a close at 50,500.
    const bars: Hlc[] = [...flatBars(200, 50_000), [50_100, 48_000, 49_000], ...flatBars(7, 50_000), [50_600, 47_500, 50_500]];
    const sig = TURTLE_SOUP.latestSignal(seriesFromHlc(bars), TURTLE_SOUP.resolveParams({ minPrice: 0 }), WON);
    expect(sig).not.toBeNull();
    expect(sig!.reasons.slice(0, 3)).toEqual(['prior 20-bar low 48,000 last set 8 bars ago (>= 4)', 'low 47,500 < prior low 48,000 (swept)', 'close 50,500 > prior low 48,000 (reclaimed)']);
    for (const r of sig!.reasons) expect(r).not.toMatch(/\d\.\d/);
  });

  it('without a formatter the reasons are US prices, as before', () => {
    const sig = DONCHIAN.latestSignal(seriesFromHlc(wonBreakout()), DONCHIAN.resolveParams({ minPrice: 0 }))!;
    expect(sig.reasons[0]).toBe('close 36500.00 > donchian upper55 (highest high of the prior 55 bars) 35100.00');
  });
});
