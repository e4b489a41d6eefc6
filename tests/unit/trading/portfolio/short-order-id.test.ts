import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { closeClientOrderId, exitClientOrderId } from '../../../../src/trading/execution/exit-ids.js';
import { shortClientOrderId } from '../../../../src/trading/portfolio/orders.js';

describe('shortClientOrderId of exit orders (issue 13, item 13)', () => {
  it('tells apart the flatten orders of one day (each position its own id), and closes too', () => {
    const day = '2026-12-14';
    const installation = 'a1b2c3d4';
    // Each flatten order's id comes from its own orders row's random uuid.
    const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()].map((orderId) => exitClientOrderId({ day, reason: 'flatten', orderId, installation }));
    ids.push(closeClientOrderId({ symbol: 'AAA', strategy: 'donchian', day, requestId: 'tok1', installation }), closeClientOrderId({ symbol: 'AAA', strategy: 'donchian', day, requestId: 'tok2', installation }));
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
