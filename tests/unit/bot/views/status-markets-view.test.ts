import { describe, expect, it } from 'vitest';
import { marketsStatusLines } from '../../../../src/bot/views/status-markets-view.js';
import { statusView } from '../../../../src/bot/views/status-view.js';
import type { MarketStatus } from '../../../../src/trading/status/markets.js';
import type { SystemStatus } from '../../../../src/trading/status/status.js';

/** Mon 2026-12-07 18:00 ET = Tue 2026-12-08 08:00 KST. */
const NOW = Date.parse('2026-12-07T23:00:00Z');
const T = (iso: string) => Date.parse(iso);

const us: MarketStatus = {
  market: 'US',
  at: NOW,
  exchange: 'NYSE',
  session: { open: false, next: { date: '2026-12-08', opensAt: T('2026-12-08T14:30:00Z'), closesAt: T('2026-12-08T21:00:00Z'), lateOpen: false, earlyClose: false } },
  overrides: { state: 'applied', count: 0 },
  broker: { name: 'alpaca-paper', account: { broker: 'alpaca-paper', readable: true, hasFlags: true, status: 'ACTIVE', blocking: [] } },
  data: { symbols: 503, demoSymbols: 0, newest: '2026-12-07', lastClosed: '2026-12-07', stale: false },
};

const kr: MarketStatus = {
  market: 'KR',
  at: NOW,
  exchange: 'KRX',
  session: { open: false, next: { date: '2026-12-08', opensAt: T('2026-12-08T00:00:00Z'), closesAt: T('2026-12-08T06:30:00Z'), lateOpen: false, earlyClose: false } },
  overrides: { state: 'applied', count: 1 },
  broker: {
    name: 'kis-virtual',
    account: { broker: 'kis-virtual', readable: true, hasFlags: false, status: null, blocking: [] },
    amounts: { cash: 7_500_000, equity: 7_612_345.4 },
    token: { expiresAt: T('2026-12-08T19:12:00Z') },
  },
  data: { symbols: 61, demoSymbols: 61, newest: '2026-12-04', lastClosed: '2026-12-07', stale: true },
};

describe('/status per market', () => {
  it('two markets: each session in its own zone, the broker, the token expiry in KST, stale KR data flagged', () => {
    expect(marketsStatusLines([us, kr])).toEqual([
      'Markets',
      'US · NYSE: closed — opens 2026-12-08 09:30 ET, closes 16:00 ET',
      '   Broker alpaca-paper: account reachable',
      '   Data: 503 symbols, newest bar 2026-12-07, current (last closed NYSE session 2026-12-07)',
      'KR · KRX: closed — opens 2026-12-08 09:00 KST, closes 15:30 KST',
      '   Broker kis-virtual: account reachable · cash ₩7,500,000 · equity ₩7,612,345',
      '   KIS token expires 2026-12-09 04:12 KST (in 20h 12m)',
      '   ⚠️ Data: 61 symbols (DEMO), newest bar 2026-12-04 — STALE: the last closed KRX session is 2026-12-07',
    ]);
  });

  it('an open session closes in its zone; a late open and unreadable overrides are said', () => {
    const open: MarketStatus = { ...kr, session: { open: true, date: '2026-12-08', closesAt: T('2026-12-08T06:30:00Z'), earlyClose: false } };
    expect(marketsStatusLines([open])[1]).toBe('KR · KRX: open — closes 2026-12-08 15:30 KST');
    const late: MarketStatus = {
      ...kr,
      session: { open: false, next: { date: '2026-11-19', opensAt: T('2026-11-19T01:00:00Z'), closesAt: T('2026-11-19T07:30:00Z'), lateOpen: true, earlyClose: false } },
      overrides: { state: 'unreadable', error: 'db down' },
    };
    const lines = marketsStatusLines([late]);
    expect(lines[1]).toBe('KR · KRX: closed — opens 2026-11-19 10:00 KST (late open), closes 16:30 KST');
    expect(lines).toContain('   ⚠️ Calendar overrides unreadable (db down): session times by the KRX rules');
  });

  it('the broker and token when they cannot be read, a paper book, an expired or missing token', () => {
    const down: MarketStatus = { ...kr, broker: { name: 'kis-virtual', account: { broker: 'kis-virtual', readable: false, error: 'kis-virtual account read timed out after 1000 ms' }, token: { error: 'redis down' } } };
    const lines = marketsStatusLines([down]);
    expect(lines).toContain('   ⚠️ Broker kis-virtual: account unreachable: kis-virtual account read timed out after 1000 ms');
    expect(lines).toContain('   ⚠️ KIS token unreadable (redis down)');
    expect(marketsStatusLines([{ ...kr, broker: { name: 'paper' } }])).toContain('   Broker paper: simulated book in Postgres (no broker account to reach)');
    expect(marketsStatusLines([{ ...kr, broker: { name: 'kis-live', token: { expiresAt: NOW - 60_000 } } }])).toContain('   ⚠️ KIS token expired 2026-12-08 07:59 KST; the next KIS call asks for a new one');
    expect(marketsStatusLines([{ ...kr, broker: { name: 'kis-live', token: { expiresAt: null } } }])).toContain('   KIS token: none stored yet (the next KIS call asks for one)');
  });

  it('data: none stored, some DEMO, unreadable', () => {
    expect(marketsStatusLines([{ ...kr, data: { symbols: 0, demoSymbols: 0, newest: null, lastClosed: '2026-12-07', stale: false } }])).toContain('   Data: no KR bars stored');
    expect(marketsStatusLines([{ ...us, data: { symbols: 10, demoSymbols: 3, newest: '2026-12-07', lastClosed: '2026-12-07', stale: false } }])).toContain(
      '   Data: 10 symbols (3 DEMO), newest bar 2026-12-07, current (last closed NYSE session 2026-12-07)',
    );
    expect(marketsStatusLines([{ ...us, data: { error: 'connection refused' } }])).toContain('   ⚠️ Data: the stored bars cannot be read (connection refused)');
  });

  it('in /status after the data line; no markets, no section; the US lines above are unchanged', () => {
    const base: SystemStatus = {
      mode: 'telegram (polling) · paper',
      uptimeMs: 60_000,
      killSwitch: { engaged: false, epoch: null, reason: null, changedBy: null, changedAt: null, postgres: false, redis: false },
      cancelOwed: [],
      db: { ok: true, ms: 1 },
      redis: { ok: true, ms: 1 },
      queues: null,
      heartbeats: [],
      alerts: [],
      brokerAccount: { broker: 'alpaca-paper', readable: true, hasFlags: true, status: 'ACTIVE', blocking: [] },
      dataCheck: { last: null },
    };
    const without = statusView(base).text.split('\n');
    expect(without).not.toContain('Markets');
    const withMarkets = statusView({ ...base, markets: [us, kr] }).text.split('\n');
    const i = withMarkets.indexOf('Markets');
    expect(withMarkets[i - 1]).toBe('Data: not checked against the calendar yet — run courtside data check');
    expect(withMarkets.slice(0, i)).toEqual(without.slice(0, i));
    expect(withMarkets.filter((l) => /^(⚠️ )?Broker /.test(l))).toEqual(['Broker alpaca-paper: account ACTIVE, trading allowed']);
  });
});
