import { describe, expect, it } from 'vitest';
import { DELIVERY_ALERT_AFTER_MS, DeliveryFailures, deliveryAlertKey } from '../../../../src/bot/outbox/delivery-failures.js';

/** The three Redis commands the clock uses, in memory. */
function fakeRedis() {
  const m = new Map<string, string>();
  return {
    m,
    async set(key: string, value: string, ..._rest: unknown[]) {
      if (m.has(key)) return null;
      m.set(key, value);
      return 'OK';
    },
    async get(key: string) {
      return m.get(key) ?? null;
    },
    async del(key: string) {
      return m.delete(key) ? 1 : 0;
    },
  };
}

function rig() {
  let now = Date.parse('2026-03-10T13:35:00.000Z');
  const raised: unknown[] = [];
  const resolved: unknown[] = [];
  const redis = fakeRedis();
  const f = new DeliveryFailures(redis as never, 'p', { raise: async (a) => (raised.push(a), { opened: true, notified: true, count: 1 }), resolve: async (k, d) => (resolved.push([k, d]), { resolved: true, notified: true }) }, { now: () => now });
  return { f, raised, resolved, redis, advance: (ms: number) => (now += ms) };
}

describe('delivery failures per chat', () => {
  it('alerts admins only once failures to a chat have lasted 10 minutes, with when they began', async () => {
    const r = rig();
    await r.f.failed(42, 'rate_limited (retry after 30 s)');
    r.advance(DELIVERY_ALERT_AFTER_MS - 1);
    await r.f.failed(42, 'rate_limited (retry after 30 s)');
    expect(r.raised).toEqual([]);
    r.advance(1);
    await r.f.failed(42, 'transient: Bad Gateway');
    expect(r.raised).toEqual([
      {
        key: deliveryAlertKey(42),
        kind: 'delivery-failing',
        severity: 'warning',
        detail: { code: 'delivery.failing', chatId: 42, since: '2026-03-10T13:35:00.000Z', failingMs: DELIVERY_ALERT_AFTER_MS, lastError: 'transient: Bad Gateway' },
      },
    ]);
  });

  it('a success stops the clock and resolves the alert; a chat that never failed costs no resolve', async () => {
    const r = rig();
    await r.f.delivered(42);
    expect(r.resolved).toEqual([]);
    await r.f.failed(42, 'x');
    r.advance(DELIVERY_ALERT_AFTER_MS);
    await r.f.delivered(42);
    expect(r.resolved).toEqual([[deliveryAlertKey(42), { code: 'delivery.recovered', chatId: 42 }]]);
    // The clock starts afresh: a failure right after is not 10 minutes old.
    await r.f.failed(42, 'x');
    expect(r.raised).toEqual([]);
  });

  it('each chat has its own clock', async () => {
    const r = rig();
    await r.f.failed(1, 'x');
    r.advance(DELIVERY_ALERT_AFTER_MS);
    await r.f.failed(2, 'y');
    expect(r.raised).toEqual([]);
    await r.f.failed(1, 'x');
    expect(r.raised).toHaveLength(1);
  });
});
