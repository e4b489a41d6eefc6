/**
 * Issue 15, item 6: /positions groups the book by market, each with totals in its own currency.
 * Won are whole (₩12,345), never "$" and never decimals; dollars keep cents. Amounts of different
 * currencies are never added into one total.
 */
import { describe, expect, it } from 'vitest';
import { totalsOf } from '../../../../src/trading/portfolio/positions.js';
import { positionsView } from '../../../../src/bot/views/positions-view.js';
import type { MarketPositions, OpenPosition, PositionsSnapshot } from '../../../../src/trading/portfolio/types.js';
import { position } from './fixtures.js';

function book(positions: OpenPosition[]): PositionsSnapshot {
  const markets: MarketPositions[] = (['US', 'KR'] as const).flatMap((m) => {
    const held = positions.filter((p) => (p.market ?? 'US') === m);
    return held.length ? [{ market: m, currency: m === 'US' ? ('USD' as const) : ('KRW' as const), positions: held, totals: totalsOf(held) }] : [];
  });
  return { positions, markets, totals: totalsOf(positions.filter((p) => (p.market ?? 'US') === 'US')) };
}

const kr = (over: Partial<OpenPosition> & { symbol: string }) =>
  position({ market: 'KR', priceSource: 'close', priceAsOf: '2026-12-04', priceOrigin: { kind: 'close', date: '2026-12-04' }, timeStopDate: null, ...over });

describe('positionsView with two markets', () => {
  it('shows a section per market, totals in its currency, won whole and without "$"', () => {
    // KR: 10 × (35,210 − 35,000) = +₩2,100 unrealized on ₩350,000 cost → +0.60%; value ₩352,100.
    const k = kr({ symbol: '069500', qty: 10, avgCost: 35_000, price: 35_210, stop: 33_500 });
    const u = position({ symbol: 'SPY', qty: 2, avgCost: 500, price: 505 }); // +$10.00 on $1,000 → +1.00%
    const v = positionsView(book([k, u]));
    const [usPart, krPart] = v.text.split('🇰🇷');
    expect(usPart).toContain('🇺🇸 US (NYSE, $): 1 open');
    expect(usPart).toContain('Unrealized +$10.00 (+1.00%)');
    expect(usPart).toContain('Value $1,010.00 · cost $1,000.00');
    expect(krPart).toContain('KR (KRX, ₩): 1 open');
    expect(krPart).toContain('Unrealized +₩2,100 (+0.60%)');
    expect(krPart).toContain('Value ₩352,100 · cost ₩350,000');
    expect(krPart).toContain('069500 · 10 sh · +₩2,100 (+0.60%)');
    expect(krPart).toContain('cost ₩35,000 → ₩35,210 (close 2026-12-04)');
    // Stop 33,500 vs price 35,210: −4.86 % away.
    expect(krPart).toContain('stop ₩33,500 (-4.86%)');
    // Nothing in the KR section is in dollars or has won decimals.
    expect(krPart).not.toContain('$');
    expect(krPart).not.toMatch(/₩[\d,]+\.\d/);
  });

  it('reads as before with only US positions, and a KR-only book is all won', () => {
    const u = position({ symbol: 'SPY', qty: 2, avgCost: 500, price: 505 });
    expect(positionsView(book([u])).text.split('\n')[0]).toBe('📊 Open positions: 1');
    const v = positionsView(book([kr({ symbol: '069500', qty: 3, avgCost: 10_005, price: 9_995, stop: null })]));
    expect(v.text.split('\n').slice(0, 3)).toEqual(['📊 Open positions: 1', 'Unrealized -₩30 (-0.10%)', 'Value ₩29,985 · cost ₩30,015']);
    expect(v.text).not.toContain('$');
  });

  it('names a KIS mark in Seoul time', () => {
    const at = new Date('2026-12-04T05:42:00Z'); // 14:42 KST
    const v = positionsView(book([kr({ symbol: '069500', qty: 1, avgCost: 35_000, price: 35_100, priceSource: 'broker', priceOrigin: { kind: 'broker', broker: 'kis-virtual', at } })]));
    expect(v.text).toContain('(KIS mark 2026-12-04 14:42 KST)');
  });
});
