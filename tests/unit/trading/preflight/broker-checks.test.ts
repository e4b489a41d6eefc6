import { describe, expect, it } from 'vitest';
import { BrokerError } from '../../../../src/lib/broker-errors.js';
import type { BrokerAccount, BrokerClock } from '../../../../src/adapters/brokers/port.js';
import { ALWAYS_OPEN, EXCHANGE_HOURS } from '../../../../src/engine/market-hours.js';
import { brokerChecks, type BrokerCheckDeps } from '../../../../src/trading/preflight/broker-checks.js';
import { runPreflight } from '../../../../src/trading/preflight/run.js';
import type { PreflightResult } from '../../../../src/trading/preflight/types.js';

const NOW = Date.parse('2026-12-07T15:00:00Z'); // Monday 10:00 ET: a session is open
const OPEN_ACCOUNT: BrokerAccount = { cash: 50_000, equity: 60_000, buyingPower: 50_000, flags: { tradingBlocked: false, accountBlocked: false, tradeSuspendedByUser: false, status: 'ACTIVE' } };
const clockAt = (ms: number, isOpen = true): BrokerClock => ({ isOpen, nextOpen: '2026-12-08T09:30:00-05:00', nextClose: '2026-12-07T16:00:00-05:00', at: new Date(ms).toISOString() });

function alpaca(over: { account?: () => Promise<BrokerAccount>; clock?: () => Promise<BrokerClock>; budget?: number; hours?: BrokerCheckDeps['hours']; now?: () => number; kind?: 'alpaca-paper' | 'alpaca-live' } = {}): BrokerCheckDeps {
  const kind = over.kind ?? 'alpaca-live';
  return {
    kind,
    baseUrl: 'https://api.alpaca.markets',
    perOrderBudget: over.budget ?? 5_000,
    hours: over.hours ?? ALWAYS_OPEN,
    now: over.now ?? (() => NOW),
    broker: () => ({ name: kind, account: over.account ?? (async () => OPEN_ACCOUNT), clock: over.clock ?? (async () => clockAt(NOW)) }),
  };
}

async function results(deps: BrokerCheckDeps): Promise<Record<string, PreflightResult>> {
  const r = await runPreflight(brokerChecks(deps));
  return Object.fromEntries(r.results.map((x) => [x.id.split('.').at(-1)!, x]));
}

describe('broker checks', () => {
  it('paper: one pass that says there is nothing at a broker to check', async () => {
    const r = await runPreflight(brokerChecks({ kind: 'paper', perOrderBudget: 75, hours: EXCHANGE_HOURS, now: () => NOW, broker: null, baseUrl: null }));
    expect(r.results).toHaveLength(1);
    expect(r.results[0]).toMatchObject({ id: 'broker.paper', level: 'pass', market: 'us' });
    expect(r.results[0]!.saw).toMatch(/simulated paper broker/);
  });

  it('a healthy Alpaca account: every check passes, with what it saw', async () => {
    const r = await results(alpaca());
    expect(Object.keys(r)).toEqual(['credentials', 'account-flags', 'buying-power', 'clock', 'clock-skew']);
    for (const x of Object.values(r)) expect(x.level, `${x.id}: ${x.saw}`).toBe('pass');
    expect(r['credentials']!.saw).toContain('alpaca-live accepted the keys');
    expect(r['buying-power']!.saw).toContain('$50,000.00');
  });

  it('credentials refused (401/403): ✗ "the broker refused the keys", the fix names both variables and paper vs live', async () => {
    const refused = new BrokerError({ broker: 'alpaca-live', kind: 'auth', detail: 'GET /v2/account returned HTTP 403 (broker says: "forbidden")', status: 403 });
    const r = await results(alpaca({ account: async () => Promise.reject(refused) }));
    expect(r['credentials']!.level).toBe('fail');
    expect(r['credentials']!.saw).toMatch(/^the broker refused the keys \(HTTP 403\)/);
    expect(r['credentials']!.fix).toMatch(/APCA_API_KEY_ID/);
    expect(r['credentials']!.fix).toMatch(/APCA_API_SECRET_KEY/);
    expect(r['credentials']!.fix).toMatch(/paper-api\.alpaca\.markets/);
    expect(r['credentials']!.fix).toMatch(/BROKER=alpaca-live/);
    // The checks that need the account say so instead of guessing.
    expect(r['account-flags']!.level).toBe('fail');
    expect(r['account-flags']!.saw).toMatch(/not checked/);
  });

  it('the broker unreachable is a ✗ that is not about the keys', async () => {
    const down = new BrokerError({ broker: 'alpaca-live', kind: 'unavailable', detail: 'GET /v2/account failed: network error: ECONNREFUSED' });
    const r = await results(alpaca({ account: async () => Promise.reject(down) }));
    expect(r['credentials']!.level).toBe('fail');
    expect(r['credentials']!.saw).not.toMatch(/refused the keys/);
    expect(r['credentials']!.saw).toMatch(/ECONNREFUSED/);
  });

  it('an account flag set: ✗ naming the flag', async () => {
    const r = await results(alpaca({ account: async () => ({ ...OPEN_ACCOUNT, flags: { ...OPEN_ACCOUNT.flags!, tradingBlocked: true } }) }));
    expect(r['account-flags']!.level).toBe('fail');
    expect(r['account-flags']!.saw).toContain('trading_blocked');
    expect(r['account-flags']!.fix).toMatch(/Alpaca dashboard/);
    expect(r['credentials']!.level).toBe('pass');
  });

  it('buying power: ✗ at or below 0, ⚠ below the per-order budget, with figures', async () => {
    const zero = await results(alpaca({ account: async () => ({ ...OPEN_ACCOUNT, buyingPower: 0 }) }));
    expect(zero['buying-power']!.level).toBe('fail');
    expect(zero['buying-power']!.saw).toContain('$0.00');
    const low = await results(alpaca({ budget: 5_000, account: async () => ({ ...OPEN_ACCOUNT, buyingPower: 1_234.5 }) }));
    expect(low['buying-power']!.level).toBe('warn');
    expect(low['buying-power']!.saw).toContain('$1,234.50');
    expect(low['buying-power']!.saw).toContain('$5,000.00');
    expect(low['buying-power']!.fix).toMatch(/EXEC_PER_ORDER_BUDGET/);
  });

  it("the broker's clock against our calendar: a disagreement is a ⚠ naming both", async () => {
    // Our exchange calendar says open at NOW (Monday 10:00 ET); the broker says closed.
    const r = await results(alpaca({ hours: EXCHANGE_HOURS, clock: async () => clockAt(NOW, false) }));
    expect(r['clock']!.level).toBe('warn');
    expect(r['clock']!.saw).toMatch(/alpaca-live says closed/);
    expect(r['clock']!.saw).toMatch(/our calendar .*says open/);
    const agree = await results(alpaca({ hours: EXCHANGE_HOURS }));
    expect(agree['clock']!.level).toBe('pass');
  });

  it('clock skew: ✗ above 2 s with the measured skew, a pass within', async () => {
    const ahead = await results(alpaca({ clock: async () => clockAt(NOW + 5_000) }));
    expect(ahead['clock-skew']!.level).toBe('fail');
    expect(ahead['clock-skew']!.saw).toMatch(/\+5\.0 s/);
    expect(ahead['clock-skew']!.fix).toMatch(/NTP|time sync/i);
    const behind = await results(alpaca({ clock: async () => clockAt(NOW - 3_200) }));
    expect(behind['clock-skew']!.level).toBe('fail');
    expect(behind['clock-skew']!.saw).toMatch(/-3\.2 s/);
    const small = await results(alpaca({ clock: async () => clockAt(NOW + 800) }));
    expect(small['clock-skew']!.level).toBe('pass');
  });

  it('reads the account and the clock once per run, however many checks use them', async () => {
    let accounts = 0;
    let clocks = 0;
    await results(alpaca({ account: async () => (accounts++, OPEN_ACCOUNT), clock: async () => (clocks++, clockAt(NOW)) }));
    expect(accounts).toBe(1);
    expect(clocks).toBe(1);
  });
});
