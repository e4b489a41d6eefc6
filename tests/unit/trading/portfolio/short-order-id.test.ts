import { describe, expect, it } from 'vitest';
import { closeClientOrderId, exitClientOrderId } from '../../../../src/trading/execution/exit-ids.js';
import { shortClientOrderId } from '../../../../src/trading/portfolio/orders.js';

describe('shortClientOrderId of exit orders (issue 13, item 13)', () => {
  it('tells apart the flatten orders of one day (each position its own id), and closes too', () => {
    const day = '2026-12-14';
    const ids = ['AAA', 'BBB', 'CCC'].map((symbol) => exitClientOrderId({ symbol, strategy: 'donchian', day, reason: 'flatten', attempt: 1 }));
    ids.push(exitClientOrderId({ symbol: 'AAA', strategy: 'donchian', day, reason: 'flatten', attempt: 2 }));
    ids.push(closeClientOrderId({ symbol: 'AAA', strategy: 'donchian', day, requestId: 'tok1' }), closeClientOrderId({ symbol: 'AAA', strategy: 'donchian', day, requestId: 'tok2' }));
    const short = ids.map(shortClientOrderId);
    expect(new Set(short).size).toBe(ids.length);
    for (const [i, s] of short.entries()) {
      expect(s).not.toMatch(/…/);
      // The short id is the start of the full one: searchable in the broker's dashboard and the audit chain.
      expect(ids[i]!.startsWith(s.slice(0, 5))).toBe(true);
      expect(ids[i]!).toContain(s.slice(5));
    }
  });
});
