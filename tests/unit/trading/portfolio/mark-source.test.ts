import { describe, expect, it } from 'vitest';
import { originOf, originsText, originText, sharedOriginText, storedSource, type MarkOrigin } from '../../../../src/trading/portfolio/mark-source.js';

describe('where a mark comes from (issue 19 item 7)', () => {
  const at = new Date('2026-12-04T20:42:00Z'); // 15:42 in New York (EST)
  const alpaca: MarkOrigin = { kind: 'broker', broker: 'alpaca-live', at };

  it("names Alpaca's mark by its New York time (with the date on another day), a close by its date, an old mark as before", () => {
    expect(originText(alpaca, '2026-12-04')).toBe('Alpaca mark 15:42 ET');
    expect(originText(alpaca, '2026-12-05')).toBe('Alpaca mark 2026-12-04 15:42 ET');
    expect(originText(alpaca)).toBe('Alpaca mark 2026-12-04 15:42 ET');
    expect(originText({ kind: 'close', date: '2026-12-04' })).toBe('close 2026-12-04');
    expect(originText({ kind: 'mark', date: '2026-12-03' })).toBe('mark 2026-12-03');
    expect(originText({ kind: 'cost' })).toBe('cost (no price)');
  });

  it('round-trips what is stored; NULL (before sources were kept) is a mark, never a close or a broker price', () => {
    expect(originOf(storedSource(alpaca), at, '2026-12-04')).toEqual(alpaca);
    expect(originOf(storedSource({ kind: 'close', date: '2026-12-04' }), at, '2026-12-04')).toEqual({ kind: 'close', date: '2026-12-04' });
    expect(originOf(null, at, '2026-12-04')).toEqual({ kind: 'mark', date: '2026-12-04' });
    expect(originOf('broker:alpaca-paper', null, '2026-12-04')).toEqual({ kind: 'mark', date: '2026-12-04' }); // no time: not shown as live
  });

  it('says a shared source once, else each with its count', () => {
    expect(originsText([alpaca, alpaca], '2026-12-04')).toBe('Alpaca mark 15:42 ET');
    expect(sharedOriginText([alpaca, alpaca], '2026-12-04')).toBe('Alpaca mark 15:42 ET');
    expect(originsText([alpaca, { kind: 'close', date: '2026-12-03' }, alpaca], '2026-12-04')).toBe('2 at Alpaca mark 15:42 ET, 1 at close 2026-12-03');
    expect(sharedOriginText([alpaca, { kind: 'close', date: '2026-12-03' }], '2026-12-04')).toBeNull();
    expect(originsText([])).toBeNull();
  });
});
