/**
 * Issue 15, item 6: /orders grouped by market. With one market the list reads as before; with two,
 * a section each (US first), its orders newest first, its realized P&L in its own currency. KR
 * prices and amounts are whole won with ₩ and KR times are Seoul time: no "$" and no won decimals
 * in the KR part.
 */
import { describe, expect, it } from 'vitest';
import { ordersView } from '../../../../src/bot/views/orders-view.js';
import { covered, order } from './fixtures.js';

// 23:30Z Monday Dec 7, 2026 = 08:30 Tuesday Dec 8 in Seoul.
const krExit = order({
  symbol: '069500',
  market: 'KR',
  kind: 'exit',
  exitReason: 'stop',
  side: 'sell',
  qty: 10,
  filledQty: 10,
  avgFillPrice: 35_210,
  limitPrice: 35_200,
  realizedPnl: 2_100,
  shortId: 'cx-s-0a1b2c3d4e',
  createdAt: new Date('2026-12-07T23:30:00Z'),
});
const krEntry = order({ symbol: '069500', market: 'KR', qty: 10, filledQty: 10, avgFillPrice: 35_000, limitPrice: 35_005, createdAt: new Date('2026-12-07T01:00:00Z') });
const krLoss = order({ symbol: '114800', market: 'KR', kind: 'exit', exitReason: 'close', side: 'sell', qty: 3, filledQty: 3, avgFillPrice: 4_995, limitPrice: 4_990, realizedPnl: -45 });
const usExit = order({ symbol: 'SPY', kind: 'exit', exitReason: 'target', side: 'sell', avgFillPrice: 505, limitPrice: 504.9, realizedPnl: 37.5, shortId: 'cx-p-9f8e7d6c5b' });

describe('ordersView with two markets', () => {
  it('a section per market, US first, realized per currency; KR in whole won, Seoul time, no "$"', () => {
    const v = ordersView([krExit, usExit, krLoss, krEntry]);
    const [head, us, kr] = v.text.split(/\n\n(?=🇺🇸|🇰🇷)/);
    expect(head).toBe('🧾 Last 4 orders (newest first)');
    expect(us!.split('\n')).toEqual([
      '🇺🇸 US (NYSE, $): 1 order · realized +$37.50',
      '',
      '✅ SELL SPY 10/10 @ 505.00 · filled · +$37.50',
      '   exit (profit target) · limit 504.90 · Jan 10 14:05 ET · cx-p-9f8e7d6c5b',
    ]);
    // 2,100 − 45 = 2,055.
    expect(kr!.split('\n')).toEqual([
      '🇰🇷 KR (KRX, ₩): 3 orders · realized +₩2,055',
      '',
      '✅ SELL 069500 10/10 @ ₩35,210 · filled · +₩2,100',
      '   exit (stop) · limit ₩35,200 · Dec 8 08:30 KST · cx-s-0a1b2c3d4e',
      '',
      '✅ SELL 114800 3/3 @ ₩4,995 · filled · -₩45',
      '   exit (close) · limit ₩4,990 · Jan 11 04:05 KST · cs-1a2b3c4d',
      '',
      '✅ BUY 069500 10/10 @ ₩35,000 · filled',
      '   entry · limit ₩35,005 · Dec 7 10:00 KST · cs-1a2b3c4d',
    ]);
    expect(kr).not.toContain('$');
    expect(kr).not.toMatch(/₩[\d,]+\.\d/);
    expect(covered(v, 'bold')).toEqual(['Last 4 orders', '🇺🇸 US (NYSE, $)', 'SPY', '🇰🇷 KR (KRX, ₩)', '069500', '114800', '069500']);
  });

  it('a section without realized P&L says only its count', () => {
    const v = ordersView([usExit, krEntry]);
    expect(v.text).toContain('🇰🇷 KR (KRX, ₩): 1 order\n');
  });

  it('only KR orders: one list as before, in won', () => {
    const v = ordersView([krExit, krEntry]);
    expect(v.text.split('\n').slice(0, 4)).toEqual([
      '🧾 Last 2 orders (newest first)',
      '',
      '✅ SELL 069500 10/10 @ ₩35,210 · filled · +₩2,100',
      '   exit (stop) · limit ₩35,200 · Dec 8 08:30 KST · cx-s-0a1b2c3d4e',
    ]);
    expect(v.text).not.toContain('$');
  });

  it('only US orders (or orders without a market) read exactly as before', () => {
    const v = ordersView([usExit, order({ symbol: 'ENTRY', market: 'US' })]);
    expect(v.text.split('\n')).toEqual([
      '🧾 Last 2 orders (newest first)',
      '',
      '✅ SELL SPY 10/10 @ 505.00 · filled · +$37.50',
      '   exit (profit target) · limit 504.90 · Jan 10 14:05 ET · cx-p-9f8e7d6c5b',
      '',
      '✅ BUY ENTRY 10/10 @ 100.25 · filled',
      '   entry · limit 100.50 · Jan 10 14:05 ET · cs-1a2b3c4d',
    ]);
  });
});
