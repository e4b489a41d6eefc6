import { describe, expect, it } from 'vitest';
import { readBrokerAccountStatus } from '../../../../src/trading/status/broker-account.js';
import type { AccountFlags } from '../../../../src/lib/account-flags.js';

const flags = (over: Partial<AccountFlags> = {}): AccountFlags => ({ tradingBlocked: false, accountBlocked: false, tradeSuspendedByUser: false, status: 'ACTIVE', ...over });
const source = (account: () => Promise<{ flags?: AccountFlags }>, scrub?: (t: string) => string) => ({ name: 'alpaca-paper', account, ...(scrub ? { scrub } : {}) });

describe('readBrokerAccountStatus', () => {
  it('an account the broker allows to trade: its status, no blocking flags', async () => {
    expect(await readBrokerAccountStatus(source(async () => ({ flags: flags() })), 1_000)).toEqual({ broker: 'alpaca-paper', readable: true, hasFlags: true, status: 'ACTIVE', blocking: [] });
  });

  it('names every blocking flag in the broker\'s words', async () => {
    const s = await readBrokerAccountStatus(source(async () => ({ flags: flags({ accountBlocked: true, tradeSuspendedByUser: true, status: 'ACCOUNT_UPDATED' }) })), 1_000);
    expect(s).toEqual({ broker: 'alpaca-paper', readable: true, hasFlags: true, status: 'ACCOUNT_UPDATED', blocking: ['account_blocked', 'trade_suspended_by_user'] });
  });

  it('a broker without flags is readable with nothing to report', async () => {
    expect(await readBrokerAccountStatus(source(async () => ({})), 1_000)).toEqual({ broker: 'alpaca-paper', readable: true, hasFlags: false, status: null, blocking: [] });
  });

  it('never throws: a broker that hangs is unreadable after the probe timeout', async () => {
    const t0 = Date.now();
    const s = await readBrokerAccountStatus(source(() => new Promise(() => undefined)), 50);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(s).toEqual({ broker: 'alpaca-paper', readable: false, error: 'alpaca-paper account read timed out after 50 ms' });
  });

  it('never throws: a failing read (thrown at once or rejected) is unreadable with the scrubbed, capped reason', async () => {
    const scrub = (t: string) => t.replace('sekrit', '[redacted]');
    const thrown = await readBrokerAccountStatus(
      source(() => {
        throw new Error('BROKER=alpaca-paper needs APCA_API_KEY_ID');
      }),
      1_000,
    );
    expect(thrown).toEqual({ broker: 'alpaca-paper', readable: false, error: 'BROKER=alpaca-paper needs APCA_API_KEY_ID' });
    const rejected = await readBrokerAccountStatus(source(async () => Promise.reject(new Error(`401 key sekrit ${'x'.repeat(300)}`)), scrub), 1_000);
    expect(rejected.readable).toBe(false);
    const error = rejected.readable ? '' : rejected.error;
    expect(error.startsWith('401 key [redacted] xxx')).toBe(true);
    expect(error).not.toContain('sekrit');
    expect(error).toHaveLength(201);
    expect(error.endsWith('…')).toBe(true);
  });
});
