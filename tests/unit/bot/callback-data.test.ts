import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CALLBACK_ACTIONS, signCallback, verifyCallback } from '../../../src/bot/callback-data.js';

const key = randomBytes(32);
const now = 1_700_000_000_000;

describe('signed callback data', () => {
  it('round-trips and fits the 64-byte limit', () => {
    const data = signCallback(key, CALLBACK_ACTIONS.resumeConfirm, 'abcDEF123456789012345678', now + 60_000);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(verifyCallback(key, data, now)).toEqual({ ok: true, payload: { action: 'rs', arg: 'abcDEF123456789012345678', expiresAt: Math.ceil((now + 60_000) / 1000) } });
  });

  it('rejects expired, forged and garbage data', () => {
    const data = signCallback(key, CALLBACK_ACTIONS.resumeConfirm, 'x', now + 1_000);
    expect(verifyCallback(key, data, now + 5_000)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyCallback(randomBytes(32), data, now)).toEqual({ ok: false, reason: 'bad_signature' });
    const [a, arg, exp, mac] = data.split('.');
    expect(verifyCallback(key, [a, 'y', exp, mac].join('.'), now).ok).toBe(false);
    expect(verifyCallback(key, [a, arg, (parseInt(exp!, 36) + 1000).toString(36), mac].join('.'), now).ok).toBe(false);
    expect(verifyCallback(key, undefined, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('never accepts arbitrary strings (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        expect(verifyCallback(key, s, now).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
