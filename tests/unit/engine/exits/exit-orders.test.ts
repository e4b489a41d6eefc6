import { describe, expect, it } from 'vitest';
import { isOnTick } from '../../../../src/engine/tick.js';
import { exitClientOrderId } from '../../../../src/trading/execution/exit-ids.js';
import { iocSellLimitFromBid } from '../../../../src/trading/execution/exit-order.js';

describe('iocSellLimitFromBid (the exit order price)', () => {
  it('is bid × (1 − buffer) rounded DOWN to the tick', () => {
    expect(iocSellLimitFromBid(8.95, 0.005)).toBe(8.9); // 8.90525
    expect(iocSellLimitFromBid(100, 0.001)).toBe(99.9);
    expect(iocSellLimitFromBid(10, 0)).toBe(10);
    expect(iocSellLimitFromBid(0.5, 0.005)).toBe(0.4975);
    expect(iocSellLimitFromBid(1.004, 0.005)).toBe(0.9989); // crosses $1: sub-dollar tick
    for (const bid of [0.1234, 1, 3.33, 57.89, 612.05]) {
      const p = iocSellLimitFromBid(bid);
      expect(isOnTick(p)).toBe(true);
      expect(p).toBeLessThanOrEqual(bid);
    }
  });

  it('refuses nonsense', () => {
    expect(() => iocSellLimitFromBid(0)).toThrow(RangeError);
    expect(() => iocSellLimitFromBid(10, 1)).toThrow(RangeError);
    expect(() => iocSellLimitFromBid(Number.NaN)).toThrow(RangeError);
  });
});

describe('exitClientOrderId', () => {
  const k = { symbol: 'ABC', strategy: 'donchian', day: '2025-07-08', reason: 'stop' as const, attempt: 1 };

  it('is deterministic, readable, ≤ 48 characters', () => {
    const id = exitClientOrderId(k);
    expect(id).toBe(exitClientOrderId({ ...k }));
    expect(id).toMatch(/^cx-s-20250708-[0-9a-f]{24}$/);
    expect(id.length).toBeLessThanOrEqual(48);
    expect(exitClientOrderId({ ...k, symbol: 'abc' })).toBe(id);
  });

  it('differs per position, day, reason and attempt', () => {
    const ids = [
      exitClientOrderId(k),
      exitClientOrderId({ ...k, symbol: 'ABD' }),
      exitClientOrderId({ ...k, strategy: 'turtle_soup' }),
      exitClientOrderId({ ...k, day: '2025-07-09' }),
      exitClientOrderId({ ...k, reason: 'time_stop' }),
      exitClientOrderId({ ...k, reason: 'flatten' }),
      exitClientOrderId({ ...k, attempt: 2 }),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses a bad day or attempt', () => {
    expect(() => exitClientOrderId({ ...k, day: '20250708' })).toThrow(RangeError);
    expect(() => exitClientOrderId({ ...k, attempt: 0 })).toThrow(RangeError);
  });
});
