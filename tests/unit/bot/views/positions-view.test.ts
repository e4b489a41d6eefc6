import { describe, expect, it } from 'vitest';
import { MESSAGE_LIMIT } from '../../../../src/bot/format/limits.js';
import { splitFormatted } from '../../../../src/bot/format/split.js';
import { NO_POSITIONS, positionsView } from '../../../../src/bot/views/positions-view.js';
import { covered, position, snapshot } from './fixtures.js';

describe('positionsView', () => {
  it('says "No open positions." when nothing is held', () => {
    const v = positionsView(snapshot([]));
    expect(v.text.startsWith(NO_POSITIONS)).toBe(true);
    expect(NO_POSITIONS).toBe('No open positions.');
  });

  it('leads with the count and total unrealized P&L, then one block per position in the given order', () => {
    const s = snapshot([
      position({ symbol: 'LOSE', qty: 20, avgCost: 50, price: 45 }), // -100.00, -10%
      position({ symbol: 'WIN', qty: 10, avgCost: 100, price: 108 }), // +80.00, +8%
    ]);
    const v = positionsView(s);
    const lines = v.text.split('\n');
    expect(lines[0]).toBe('📊 Open positions: 2');
    // -100 + 80 = -20 on a priced cost of 1000 + 1000 = 2000 → -1.00%
    expect(lines[1]).toBe('Unrealized -$20.00 (-1.00%)');
    expect(lines[2]).toBe('Value $1,980.00 · cost $2,000.00');
    expect(v.text.indexOf('LOSE')).toBeLessThan(v.text.indexOf('WIN'));
    expect(v.text).toContain('🔴 LOSE · 20 sh · -$100.00 (-10.00%)');
    expect(v.text).toContain('🟢 WIN · 10 sh · +$80.00 (+8.00%)');
    expect(v.text).toContain('cost 100.00 → 108.00 (mark 2025-01-09)');
    // Stop 95 vs price 108: -12.04% away.
    expect(v.text).toContain('stop 95.00 (-12.04%) · time stop 2025-01-13 · Donchian Breakout');
    expect(covered(v, 'bold')).toEqual(['Open positions: 2', '-$20.00', 'LOSE', 'WIN']);
  });

  it("says where each price is from: Alpaca's mark with its New York time, a bar close with its date (issue 19 item 7)", () => {
    const at = new Date('2026-12-04T20:42:00Z'); // 15:42 ET
    const v = positionsView(
      snapshot([
        position({ symbol: 'LIVE', price: 104, priceSource: 'broker', priceAsOf: '2026-12-04', priceOrigin: { kind: 'broker', broker: 'alpaca-paper', at } }),
        position({ symbol: 'BARS', price: 103, priceSource: 'close', priceAsOf: '2026-12-03', priceOrigin: { kind: 'close', date: '2026-12-03' } }),
      ]),
    );
    expect(v.text).toContain('cost 100.00 → 104.00 (Alpaca mark 2026-12-04 15:42 ET)');
    expect(v.text).toContain('cost 100.00 → 103.00 (close 2026-12-03)');
  });

  it('flags positions without a price: counted at cost, left out of the P&L', () => {
    const v = positionsView(snapshot([position({ symbol: 'AAA', price: 110 }), position({ symbol: 'NOPX', price: null, stop: null, timeStopDate: null, strategy: 'retired_strategy' })]));
    expect(v.text).toContain('Unrealized +$100.00 (+10.00%)');
    expect(v.text).toContain('Value $2,100.00 · cost $2,000.00');
    expect(v.text).toContain('⚠️ 1 without a price (counted at cost, P&L unknown)');
    expect(v.text).toContain('⚪ NOPX · 10 sh · P&L unknown (no price)');
    expect(v.text).toContain('cost 100.00 → — (no price)');
    // An unknown strategy id still renders (old rows outlive strategies).
    expect(v.text).toContain('no stop · retired_strategy');
  });

  it("shows a LIVE hypothesis position's target with its distance from the price, and no target line where there is none", () => {
    const v = positionsView(snapshot([position({ symbol: 'HYP', price: 110, stop: 95, target: 121, strategy: 'h:rsi_oversold:abc' }), position({ symbol: 'KOBE', price: 100 })]));
    // Target 121 vs price 110: +10.00% away; stop 95 vs 110: -13.64%.
    expect(v.text).toContain('stop 95.00 (-13.64%) · target 121.00 (+10.00%) · time stop 2025-01-13');
    expect(v.text).toContain('stop 95.00 (-5.00%) · time stop 2025-01-13 · Donchian Breakout');
  });

  it('shows where a close-sourced price comes from and sub-dollar prices with 4 decimals', () => {
    const v = positionsView(snapshot([position({ symbol: 'PENNY', qty: 1000, avgCost: 0.5, price: 0.5125, priceSource: 'close', priceAsOf: '2025-01-08', stop: 0.45 })]));
    expect(v.text).toContain('cost 0.5000 → 0.5125 (close 2025-01-08)');
    expect(v.text).toContain('+$12.50 (+2.50%)');
  });

  it('a long book splits into messages at position boundaries with the bold symbols intact', () => {
    const many = Array.from({ length: 60 }, (_, i) => position({ symbol: `S${String(i).padStart(3, '0')}`, price: 100 + (60 - i) }));
    const v = positionsView(snapshot(many));
    expect(v.text.length).toBeGreaterThan(MESSAGE_LIMIT);
    const chunks = splitFormatted(v);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks.slice(1)) expect(c.text).toMatch(/^🟢 S\d{3} · 10 sh · /u);
    const symbols = chunks.flatMap((c) => covered(c, 'bold')).filter((t) => /^S\d{3}$/.test(t));
    expect(symbols).toEqual(many.map((p) => p.symbol));
  });
});
