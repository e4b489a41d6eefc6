import { describe, expect, it } from 'vitest';
import { MemoryRequestBudget } from '../../../../src/adapters/brokers/alpaca/rate-budget.js';

describe('a broker limit below ALPACA_MAX_RPM', () => {
  it('shrinks both shares in proportion: normal requests keep a share, urgent ones the rest', async () => {
    const now = 1_000_000;
    const b = new MemoryRequestBudget({ maxPerMinute: 180, reservedPerMinute: 30, now: () => now });
    await b.observe({ status: 200, limit: 30, remaining: 29 });
    let normal = 0;
    while (b.take('normal', now) === 0) normal++;
    let urgent = 0;
    while (b.take('urgent', now) === 0) urgent++;
    // 30 × 30/180 = 5 reserved: 25 normal, then 5 urgent — never all 30 held back from normal.
    expect(normal).toBe(25);
    expect(urgent).toBe(5);
  });
});
