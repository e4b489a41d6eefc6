import { describe, expect, it } from 'vitest';
import type { CalendarOverridesPort } from '../../../../src/trading/calendar/overrides-source.js';
import { collectMarketsStatus, type MarketsStatusSources } from '../../../../src/trading/status/markets.js';

/** Tue 2026-12-08 08:00 KST (23:00Z Mon): KRX not open yet; NYSE Mon 18:00 ET, closed. */
const NOW = Date.parse('2026-12-07T23:00:00Z');

/** A bar_symbols aggregate per market, as the collector's query returns it. */
function fakeDb(rows: Record<string, { symbols: number; demo: number; newest: string | null }>, opts: { fail?: boolean } = {}) {
  return {
    async rows<T>(_sql: string, params?: readonly unknown[]): Promise<T[]> {
      if (opts.fail) throw new Error('connection refused');
      const r = rows[String(params?.[0])] ?? { symbols: 0, demo: 0, newest: null };
      return [r as T];
    },
    async exec() {
      return 0;
    },
  };
}

const noOverrides: CalendarOverridesPort = { forExchange: async () => [] };

function sources(over: Partial<MarketsStatusSources> = {}): MarketsStatusSources {
  return {
    db: fakeDb({ US: { symbols: 503, demo: 0, newest: '2026-12-07' }, KR: { symbols: 61, demo: 61, newest: '2026-12-04' } }),
    calendarOverrides: noOverrides,
    now: () => NOW,
    markets: [
      { market: 'US', broker: { name: 'paper' } },
      {
        market: 'KR',
        broker: {
          name: 'kis-virtual',
          account: { read: async () => ({ cash: 7_500_000, equity: 7_600_000 }) },
          tokenExpiry: async () => NOW + 20 * 3_600_000,
        },
      },
    ],
    ...over,
  };
}

describe('collectMarketsStatus', () => {
  it('per market: the session on its calendar, the broker, the data against the last closed session', async () => {
    const [us, kr] = await collectMarketsStatus(sources(), 1_000);
    expect(us).toMatchObject({
      market: 'US',
      exchange: 'NYSE',
      session: { open: false, next: { date: '2026-12-08', opensAt: Date.parse('2026-12-08T14:30:00Z') } },
      broker: { name: 'paper' },
      data: { symbols: 503, demoSymbols: 0, newest: '2026-12-07', lastClosed: '2026-12-07', stale: false },
    });
    expect(us!.broker.account).toBeUndefined();
    expect(kr).toMatchObject({
      market: 'KR',
      exchange: 'KRX',
      session: { open: false, next: { date: '2026-12-08', opensAt: Date.parse('2026-12-08T00:00:00Z') } },
      broker: { name: 'kis-virtual', account: { readable: true }, amounts: { cash: 7_500_000, equity: 7_600_000 }, token: { expiresAt: NOW + 20 * 3_600_000 } },
      // Mon 2026-12-07 closed at 15:30 KST: a Friday bar is one session old.
      data: { symbols: 61, demoSymbols: 61, newest: '2026-12-04', lastClosed: '2026-12-07', stale: true },
    });
  });

  it('a KIS account that hangs is unreadable within the timeout, and the token is still read', async () => {
    const t0 = Date.now();
    const [only] = await collectMarketsStatus(
      sources({ markets: [{ market: 'KR', broker: { name: 'kis-virtual', account: { read: () => new Promise(() => undefined) }, tokenExpiry: async () => null } }] }),
      100,
    );
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(only!.broker).toEqual({ name: 'kis-virtual', account: { broker: 'kis-virtual', readable: false, error: 'kis-virtual account read timed out after 100 ms' }, token: { expiresAt: null } });
  });

  it('a run-time KRX close is honoured; unreadable overrides fall back to the rules and say so', async () => {
    const closed: CalendarOverridesPort = { forExchange: async (ex) => (ex === 'XKRX' ? [{ exchange: 'XKRX', date: '2026-12-08', kind: 'close', openTime: null, reason: 'drill' }] : []) };
    const [, kr] = await collectMarketsStatus(sources({ calendarOverrides: closed }), 1_000);
    expect(kr!.session).toMatchObject({ open: false, next: { date: '2026-12-09' } });
    expect(kr!.overrides).toEqual({ state: 'applied', count: 1 });
    const broken: CalendarOverridesPort = { forExchange: async () => Promise.reject(new Error('db down')) };
    const [, kr2] = await collectMarketsStatus(sources({ calendarOverrides: broken }), 1_000);
    expect(kr2!.session).toMatchObject({ open: false, next: { date: '2026-12-08' } });
    expect(kr2!.overrides).toEqual({ state: 'unreadable', error: 'db down' });
  });

  it('stored data that cannot be read is reported, never thrown', async () => {
    const [us] = await collectMarketsStatus(sources({ db: fakeDb({}, { fail: true }) }), 1_000);
    expect(us!.data).toEqual({ error: 'connection refused' });
  });

  it('no bars stored: not stale, nothing newest', async () => {
    const [, kr] = await collectMarketsStatus(sources({ db: fakeDb({}) }), 1_000);
    expect(kr!.data).toEqual({ symbols: 0, demoSymbols: 0, newest: null, lastClosed: '2026-12-07', stale: false });
  });
});

describe('collectMarketsStatus: sources that throw at once', () => {
  it('a token source that cannot be built is reported, not thrown', async () => {
    const [kr] = await collectMarketsStatus(
      sources({
        markets: [
          {
            market: 'KR',
            broker: {
              name: 'kis-live',
              account: { read: () => { throw new Error('KIS_ACCOUNT is malformed'); } },
              tokenExpiry: () => { throw new Error('KIS_ACCOUNT is malformed'); },
            },
          },
        ],
      }),
      1_000,
    );
    expect(kr!.broker).toEqual({ name: 'kis-live', account: { broker: 'kis-live', readable: false, error: 'KIS_ACCOUNT is malformed' }, token: { error: 'KIS_ACCOUNT is malformed' } });
  });
});
