/**
 * The circuit breaker's trip message for a KR trip (issue 15): amounts in whole won (₩, never "$"),
 * the KRX session named as a Seoul date, and that the one kill switch stops both markets. A KR
 * broker's rejection trip says the same about the switch; the US wording is unchanged.
 */
import { describe, expect, it } from 'vitest';
import { alertDetailText } from '../../../../src/bot/views/alert-text.js';

describe('circuit trip text for Korea', () => {
  it('a KR session loss in won on the Seoul date; every figure recomputes (−₩520,000 = −₩120,000 − ₩400,000; 5.20 % of ₩10,000,000)', () => {
    const text = alertDetailText({
      code: 'circuit.tripped',
      broker: 'kis-live',
      epoch: 4,
      trip: { kind: 'session_loss', sessionDate: '2026-03-10', currency: 'KRW', realized: -120_000, unrealized: -400_000, unpriced: 1, loss: -520_000, equity: 10_000_000, equityAsOf: '2026-03-09', pct: 3, threshold: -300_000 },
    });
    expect(text).toBe(
      'Circuit breaker (kis-live): the loss of KRX session 2026-03-10 (Seoul date) is -₩520,000 (realized -₩120,000, unrealized -₩400,000), 5.20% of the equity of ₩10,000,000 (2026-03-09): past the 3% limit of -₩300,000. 1 position without a price is not counted. The kill switch is ON for both markets (it is one switch): no new orders go out in US or KR. Check /pnl and /positions, then /resume when you have decided.',
    );
    expect(text).not.toContain('$');
  });

  it('a KR broker rejection trip says the switch stops both markets', () => {
    expect(
      alertDetailText({ code: 'circuit.tripped', broker: 'paper-kr', epoch: 2, trip: { kind: 'broker_rejections', limit: 2, clientOrderIds: ['cs-a', 'cs-b'], lastBrokerReason: null } }),
    ).toBe(
      'Circuit breaker (paper-kr): the broker rejected 2 orders in a row (cs-a, cs-b; it gave no reason). The kill switch is ON for both markets (it is one switch): no new orders go out in US or KR. Check the account at the broker, then /resume.',
    );
  });
});
