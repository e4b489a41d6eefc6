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
  const k = { day: '2025-07-08', reason: 'stop' as const, orderId: '3f2a9c1e-4b5d-4e7f-8a9b-0c1d2e3f4a5b', installation: 'a1b2c3d4' };

  it('is the order row\'s id plus the installation id behind a readable prefix, ≤ 48 characters', () => {
    const id = exitClientOrderId(k);
    expect(id).toBe('cx-s-20250708-3f2a9c1e4b5d4e7f8a9b0c1d' + 'a1b2c3d4');
    expect(id.length).toBeLessThanOrEqual(48);
    expect(exitClientOrderId({ ...k, orderId: k.orderId.toUpperCase() })).toBe(id);
  });

  it('differs per order row, installation, day and reason (no counter: a new row is a new id)', () => {
    const ids = [
      exitClientOrderId(k),
      exitClientOrderId({ ...k, orderId: '3f2a9c1e-4b5d-4e7f-8a9b-0c1e2e3f4a5b' }), // differs in the 24th hex digit, the last one kept
      exitClientOrderId({ ...k, installation: 'a1b2c3d5' }),
      exitClientOrderId({ ...k, day: '2025-07-09' }),
      exitClientOrderId({ ...k, reason: 'time_stop' }),
      exitClientOrderId({ ...k, reason: 'target' }),
      exitClientOrderId({ ...k, reason: 'flatten' }),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.map((i) => i.slice(0, 5))).toEqual(['cx-s-', 'cx-s-', 'cx-s-', 'cx-s-', 'cx-t-', 'cx-p-', 'cx-f-']);
  });

  it('refuses a bad day, row id or installation id', () => {
    expect(() => exitClientOrderId({ ...k, day: '20250708' })).toThrow(RangeError);
    expect(() => exitClientOrderId({ ...k, orderId: '1' })).toThrow(RangeError);
    expect(() => exitClientOrderId({ ...k, installation: '' })).toThrow(/run the migrations/);
    expect(() => exitClientOrderId({ ...k, installation: 'A1B2C3D4' })).toThrow(RangeError);
  });
});
