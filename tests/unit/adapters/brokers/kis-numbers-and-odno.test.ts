import { describe, expect, it } from 'vitest';
import { brokerOrderIdOf, normalBrokerOrderId, normalOdno, parseBrokerOrderId } from '../../../../src/adapters/brokers/kis/orders.js';
import { kisNumber } from '../../../../src/adapters/brokers/kis/schema.js';

/** How the KIS adapter reads numbers KIS writes as text, and the one spelling of an order number. */

describe('kisNumber', () => {
  it.each([
    ['30,000', 30_000],
    [' 2 ', 2],
    ['1,234,567.50', 1_234_567.5],
    ['-1,000', -1000],
    ['', 0],
    [42, 42],
  ])('reads %j as %d', (text, n) => {
    expect(kisNumber.parse(text)).toBe(n);
  });

  it.each(['n/a', '3O,000', '1.2.3'])('refuses %j, naming it', (text) => {
    const r = kisNumber.safeParse(text);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('not a number');
  });
});

describe('ODNO spelling', () => {
  it('pads an ODNO to ten digits, so 1001 and 0000001001 are one order', () => {
    expect(normalOdno('1001')).toBe('0000001001');
    expect(brokerOrderIdOf('20240108', '1001')).toBe(brokerOrderIdOf('20240108', '0000001001'));
    expect(brokerOrderIdOf('20240108', ' 0000001001 ')).toBe('20240108-0000001001');
    expect(parseBrokerOrderId('20240108-1001')).toEqual({ ordDt: '20240108', odno: '0000001001' });
    expect(normalBrokerOrderId('20240108-01001')).toBe('20240108-0000001001');
  });

  it('leaves text that is no ODNO as it is (it matches nothing else)', () => {
    expect(normalOdno('A12')).toBe('A12');
    expect(normalBrokerOrderId('not-an-id')).toBe('not-an-id');
  });
});
