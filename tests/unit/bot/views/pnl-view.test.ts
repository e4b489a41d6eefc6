import { describe, expect, it } from 'vitest';
import { pnlView } from '../../../../src/bot/views/pnl-view.js';
import { covered, pnl } from './fixtures.js';

describe('pnlView', () => {
  it('period, realized, unrealized, equity and its change, in that order', () => {
    const v = pnlView(pnl());
    expect(v.text.split('\n')).toEqual([
      '💵 P&L · last 5 sessions (2025-01-03 → 2025-01-10)',
      'Realized +$120.00 · 3 closed (2 won, 1 lost)',
      'Unrealized now -$20.00 · 2 open',
      'Equity $100,100.00 · +$100.00 since 2025-01-02',
      '(2025-01-10 is live: no mark for it yet)',
    ]);
    expect(covered(v, 'bold')).toEqual(['P&L · last 5 sessions', '+$120.00', '-$20.00']);
  });

  it('says where the unrealized P&L is priced from: once when all share a source, else each with its count (issue 19 item 7)', () => {
    const at = new Date('2025-01-10T20:42:00Z'); // 15:42 ET on "today"
    const alpaca = { kind: 'broker', broker: 'alpaca-paper', at } as const;
    const one = pnl({ unrealized: { total: -20, positions: 2, unpriced: 0, origins: [alpaca, alpaca] } });
    expect(pnlView(one).text.split('\n')).toContain('Prices: Alpaca mark 15:42 ET');
    const mixed = pnl({ unrealized: { total: -20, positions: 3, unpriced: 1, origins: [alpaca, { kind: 'close', date: '2025-01-08' }] } });
    expect(pnlView(mixed).text.split('\n')).toContain('Prices: 1 at Alpaca mark 15:42 ET, 1 at close 2025-01-08');
  });

  it('day: "today" on a session, "last session" on a weekend', () => {
    const day = pnl({ range: { period: 'day', from: '2025-01-10', to: '2025-01-10', today: '2025-01-10', baseline: '2025-01-08', sessions: 1 } });
    expect(pnlView(day).text.split('\n')[0]).toBe('💵 P&L today (2025-01-10)');
    const sat = pnl({ range: { period: 'day', from: '2025-01-10', to: '2025-01-10', today: '2025-01-11', baseline: '2025-01-08', sessions: 1 } });
    expect(pnlView(sat).text.split('\n')[0]).toBe('💵 P&L last session (2025-01-10)');
  });

  it('empty book: no trades, no positions, no marks yet', () => {
    const v = pnlView(
      pnl({
        realized: { total: 0, trades: 0, wins: 0, losses: 0 },
        unrealized: { total: 0, positions: 0, unpriced: 0 },
        equity: { points: [], change: null, since: null },
      }),
    );
    expect(v.text).toContain('Realized $0.00 · no closed trades');
    expect(v.text).toContain('Unrealized now $0.00 · no open positions');
    expect(v.text).toContain('Equity: not marked yet');
  });

  it('a single marked point: equity without a change; unpriced positions are mentioned', () => {
    const v = pnlView(pnl({ unrealized: { total: 5, positions: 3, unpriced: 1 }, equity: { points: [{ date: '2025-01-10', equity: 5000, live: false }], change: null, since: '2025-01-10' } }));
    expect(v.text).toContain('Unrealized now +$5.00 · 3 open, 1 without a price');
    expect(v.text.split('\n').at(-1)).toBe('Equity $5,000.00');
    expect(v.text).not.toContain('since');
    expect(v.text).not.toContain('live');
  });
});
