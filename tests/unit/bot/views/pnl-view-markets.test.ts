/**
 * Issue 15, item 6: /pnl per market, never adding won to dollars. With one market the report reads
 * as before; with two, a section each (US first) on its own sessions and in its own currency. When
 * the books recorded fees, the fee line shows gross − fees = net, so every figure recomputes from
 * the figures shown. Won are whole and the KR section has no "$".
 */
import { describe, expect, it } from 'vitest';
import { pnlView } from '../../../../src/bot/views/pnl-view.js';
import type { MarketPnl, PnlReport } from '../../../../src/trading/portfolio/types.js';
import { covered, pnl } from './fixtures.js';

const US: MarketPnl = {
  market: 'US',
  currency: 'USD',
  range: { period: 'day', from: '2026-12-07', to: '2026-12-07', today: '2026-12-07', baseline: '2026-12-04', sessions: 1 },
  realized: { total: 120, trades: 3, wins: 2, losses: 1 },
  realizedNet: { currency: 'USD', gross: 120, fees: 1.56, net: 118.44, fillsWithFee: 2, fillsFeeUnknown: 0 },
  later: null,
  unrealized: { total: -20, positions: 2, unpriced: 0 },
  equity: {
    points: [
      { date: '2026-12-04', equity: 100_000, live: false },
      { date: '2026-12-07', equity: 100_100, live: false },
    ],
    change: 100,
    since: '2026-12-04',
  },
};

const KR: MarketPnl = {
  market: 'KR',
  currency: 'KRW',
  range: { period: 'day', from: '2026-12-08', to: '2026-12-08', today: '2026-12-08', baseline: '2026-12-07', sessions: 1 },
  realized: { total: 2_100, trades: 1, wins: 1, losses: 0 },
  realizedNet: { currency: 'KRW', gross: 2_100, fees: 104, net: 1_996, fillsWithFee: 2, fillsFeeUnknown: 0 },
  later: null,
  unrealized: { total: -2_150.4, positions: 1, unpriced: 0, origins: [{ kind: 'close', date: '2026-12-07' }] },
  equity: {
    points: [
      { date: '2026-12-07', equity: 10_000_000, live: false },
      { date: '2026-12-08', equity: 10_004_200.6, live: true },
    ],
    change: 4_200.6,
    since: '2026-12-07',
  },
};

/** The report as loadPnl makes it: the top level is the US book. */
const both: PnlReport = { ...US, realizedNet: [KR.realizedNet!, US.realizedNet!], markets: [US, KR] };

/** "+₩2,100" / "-$1.56" / "$0.00" → number (whole won, cents). */
function amount(s: string): number {
  const m = /^([+-]?)[₩$]([\d,]+(?:\.\d\d)?)$/.exec(s.trim());
  if (!m) throw new Error(`not an amount: ${JSON.stringify(s)}`);
  return (m[1] === '-' ? -1 : 1) * Number(m[2]!.replace(/,/g, ''));
}

describe('pnlView with two markets', () => {
  it('a section per market on its own sessions, each in its currency', () => {
    const v = pnlView(both);
    expect(v.text.split('\n')).toEqual([
      '💵 P&L by market',
      '',
      '🇺🇸 US (NYSE, $) · today (2026-12-07)',
      'Realized +$120.00 · 3 closed (2 won, 1 lost)',
      'After fees +$118.44 (fees $1.56 on 2 fills)',
      'Unrealized now -$20.00 · 2 open',
      'Equity $100,100.00 · +$100.00 since 2026-12-04',
      '',
      '🇰🇷 KR (KRX, ₩) · today (2026-12-08)',
      'Realized +₩2,100 · 1 closed (1 won, 0 lost)',
      'After fees +₩1,996 (fees ₩104 on 2 fills)',
      'Unrealized now -₩2,150 · 1 open',
      'Prices: close 2026-12-07',
      'Equity ₩10,004,201 · +₩4,201 since 2026-12-07',
      '(2026-12-08 is live: no mark for it yet)',
    ]);
    expect(covered(v, 'bold')).toEqual(['P&L by market', '🇺🇸 US (NYSE, $)', '+$120.00', '-$20.00', '🇰🇷 KR (KRX, ₩)', '+₩2,100', '-₩2,150']);
    const kr = v.text.slice(v.text.indexOf('🇰🇷'));
    expect(kr).not.toContain('$');
    expect(kr).not.toMatch(/₩[\d,]+\.\d/);
  });

  it('realized − fees = net recomputes from the figures shown, in each section', () => {
    const sections = pnlView(both).text.split('\n\n').slice(1);
    expect(sections).toHaveLength(2);
    for (const section of sections) {
      const gross = amount(/^Realized (\S+) ·/m.exec(section)![1]!);
      const [, net, fees] = /^After fees (\S+) \(fees (\S+) on/m.exec(section)!;
      expect(Math.round((gross - amount(fees!)) * 100)).toBe(Math.round(amount(net!) * 100));
    }
  });

  it('a week: each section names its own sessions', () => {
    const week = (m: MarketPnl, from: string, baseline: string): MarketPnl => ({ ...m, range: { ...m.range, period: 'week', from, baseline, sessions: 5 } });
    const v = pnlView({ ...both, markets: [week(US, '2026-12-01', '2026-11-30'), week(KR, '2026-12-02', '2026-12-01')] });
    expect(v.text.split('\n')[0]).toBe('💵 P&L by market · last 5 sessions');
    expect(v.text).toContain('\n🇺🇸 US (NYSE, $) · 2026-12-01 → 2026-12-07\n');
    expect(v.text).toContain('\n🇰🇷 KR (KRX, ₩) · 2026-12-02 → 2026-12-08\n');
  });
});

describe('pnlView with one market', () => {
  it('only KR: reads as the single report, in won', () => {
    const v = pnlView({ ...KR, realizedNet: [KR.realizedNet!], markets: [KR] });
    expect(v.text.split('\n').slice(0, 3)).toEqual(['💵 P&L today (2026-12-08)', 'Realized +₩2,100 · 1 closed (1 won, 0 lost)', 'After fees +₩1,996 (fees ₩104 on 2 fills)']);
    expect(v.text).not.toContain('$');
  });

  it('only US with fees: the report as before plus the fee line', () => {
    const v = pnlView(pnl({ realizedNet: [{ currency: 'USD', gross: 120, fees: 2.5, net: 117.5, fillsWithFee: 3, fillsFeeUnknown: 1 }] }));
    expect(v.text.split('\n').slice(0, 4)).toEqual([
      '💵 P&L · last 5 sessions (2025-01-03 → 2025-01-10)',
      'Realized +$120.00 · 3 closed (2 won, 1 lost)',
      'After fees +$117.50 (fees $2.50 on 3 fills; 1 fill’s fee unknown)',
      'Unrealized now -$20.00 · 2 open',
    ]);
  });

  it('only US without fees: exactly as before', () => {
    const plain = pnl();
    const us: MarketPnl = { market: 'US', currency: 'USD', range: plain.range, realized: plain.realized, unrealized: plain.unrealized, equity: plain.equity };
    expect(pnlView({ ...plain, markets: [us] }).text).toBe(pnlView(plain).text);
  });
});
