import { describe, expect, it } from 'vitest';
import { checkClientOrderId } from '../../../../src/adapters/brokers/port.js';
import { clientOrderIdFor, tradingDay } from '../../../../src/trading/execution/ids.js';

describe('execution ids', () => {
  it('client order id: deterministic from the approval id, ≤ 48 printable characters, accepted by the broker check', () => {
    const a = '3f2b8c1e-9d4a-4f6b-8e2c-1a2b3c4d5e6f';
    expect(clientOrderIdFor(a)).toBe(`cs-${a}`);
    expect(clientOrderIdFor(a.toUpperCase())).toBe(clientOrderIdFor(a));
    expect(clientOrderIdFor(a).length).toBe(39);
    expect(checkClientOrderId('test', clientOrderIdFor(a))).toBe(clientOrderIdFor(a));
    expect(() => clientOrderIdFor('x'.repeat(60))).toThrow(RangeError);
    expect(() => clientOrderIdFor('has space')).toThrow(RangeError);
  });

  it('trading day is the New York calendar date (the daily budget key)', () => {
    expect(tradingDay(new Date('2025-03-10T03:59:00Z'))).toBe('2025-03-09'); // 23:59 EDT
    expect(tradingDay(new Date('2025-03-10T04:00:00Z'))).toBe('2025-03-10');
    expect(tradingDay(new Date('2025-01-02T04:59:00Z'))).toBe('2025-01-01'); // 23:59 EST
  });
});
