import { describe, expect, it } from 'vitest';
import { positionLine, type PositionInput } from '../../../../src/trading/digest/compute.js';

/** A position's move counts each share only from when it was held (issue 13, item 8). */
const pos = (p: Partial<PositionInput> = {}): PositionInput => ({ symbol: 'TOL', strategy: 'donchian', qty: 100, avgCost: 103.99, stop: 98.5, timeStopDate: null, lastPrice: null, lastPriceDate: null, ...p });
const bars = [
  { date: '2026-12-03', price: 100 },
  { date: '2026-12-04', price: 103.77 },
];
const ET = (iso: string) => Date.parse(`${iso}-05:00`);

describe('positionLine: moves from the fill onward', () => {
  it('held through Thursday’s close: the Thu → Fri move, from the close', () => {
    const l = positionLine(pos({ avgCost: 99 }), [], bars, '2026-12-05', [{ at: ET('2026-12-01T10:00:00'), side: 'buy', qty: 100, price: 99 }]);
    expect(l).toMatchObject({ refKind: 'close', refPrice: 100, refDate: '2026-12-03', changeValue: 377, unrealized: 477 });
  });
  it('bought on Saturday: the move is since the fill, equal to the P&L', () => {
    const l = positionLine(pos(), [], bars, '2026-12-05', [{ at: ET('2026-12-05T10:00:00'), side: 'buy', qty: 100, price: 103.99 }]);
    expect(l).toMatchObject({ refKind: 'fill', refPrice: 103.99, refDate: '2026-12-05', changeValue: -22, unrealized: -22 });
  });
  it('half held, half added after the close: each half from its own reference', () => {
    const fills = [
      { at: ET('2026-12-01T10:00:00'), side: 'buy' as const, qty: 50, price: 99 },
      { at: ET('2026-12-04T10:00:00'), side: 'buy' as const, qty: 50, price: 102 },
    ];
    const l = positionLine(pos({ avgCost: 100.5 }), [], bars, '2026-12-05', fills);
    expect(l.refKind).toBe('mixed');
    expect(l.changeValue).toBeCloseTo(50 * 3.77 + 50 * 1.77, 9);
    expect(l.change! * 100).toBeCloseTo(l.changeValue!, 6);
  });
  it('no fills on record: a position opened after the close counts from its average cost', () => {
    const l = positionLine(pos({ openedAt: ET('2026-12-05T10:00:00') }), [], bars, '2026-12-05');
    expect(l).toMatchObject({ refKind: 'fill', changeValue: -22 });
  });
});
