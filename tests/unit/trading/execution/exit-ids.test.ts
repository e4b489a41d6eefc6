import { describe, expect, it } from 'vitest';
import { closeClientOrderId, legacyCloseClientOrderId } from '../../../../src/trading/execution/exit-ids.js';

describe('closeClientOrderId (issue 19, item 5: carries the installation id)', () => {
  const k = { symbol: 'ABC', strategy: 'donchian', day: '2026-12-14', requestId: 'tok1', installation: 'a1b2c3d4' };

  it('is fixed by the request and the installation: readable prefix, the installation id last, ≤ 48 characters', () => {
    const id = closeClientOrderId(k);
    expect(id).toBe(closeClientOrderId({ ...k, symbol: 'abc' }));
    expect(id).toMatch(/^cx-c-20261214-[0-9a-f]{24}a1b2c3d4$/);
    expect(id.length).toBeLessThanOrEqual(48);
  });

  it('differs per installation, request, position and day, and from the id before the installation was added', () => {
    const ids = [
      closeClientOrderId(k),
      closeClientOrderId({ ...k, installation: 'a1b2c3d5' }),
      closeClientOrderId({ ...k, requestId: 'tok2' }),
      closeClientOrderId({ ...k, symbol: 'ABD' }),
      closeClientOrderId({ ...k, strategy: 'turtle_soup' }),
      closeClientOrderId({ ...k, day: '2026-12-15' }),
      legacyCloseClientOrderId(k),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    // Two installations differ in the hash too, not only in the suffix.
    expect(ids[0]!.slice(0, 38)).not.toBe(ids[1]!.slice(0, 38));
  });

  it('the previous release\'s id: cx-c-<yyyymmdd>-<24 hex>', () => {
    expect(legacyCloseClientOrderId(k)).toMatch(/^cx-c-20261214-[0-9a-f]{24}$/);
  });

  it('refuses a bad day, an empty request or a missing installation id', () => {
    expect(() => closeClientOrderId({ ...k, day: '14.12.2026' })).toThrow(RangeError);
    expect(() => closeClientOrderId({ ...k, requestId: '' })).toThrow(RangeError);
    expect(() => closeClientOrderId({ ...k, installation: '' })).toThrow(/run the migrations/);
  });
});
