/**
 * /status: the KIS link per market — the last good call on the Seoul clock with how long ago,
 * and a warning (with what to do) when the last call failed after it. US lines are unchanged.
 */
import { describe, expect, it } from 'vitest';
import { marketsStatusLines } from '../../../../src/bot/views/status-markets-view.js';
import type { BrokerCalls, MarketStatus } from '../../../../src/trading/status/markets.js';

/** Tue 2026-12-08 14:05 KST. */
const NOW = Date.parse('2026-12-08T05:05:00Z');
const KST = (hhmm: string, date = '2026-12-08') => Date.parse(`${date}T${hhmm}:00+09:00`);

const us: MarketStatus = {
  market: 'US',
  at: NOW,
  exchange: 'NYSE',
  session: { open: false, next: { date: '2026-12-08', opensAt: Date.parse('2026-12-08T14:30:00Z'), closesAt: Date.parse('2026-12-08T21:00:00Z'), lateOpen: false, earlyClose: false } },
  overrides: { state: 'applied', count: 0 },
  broker: { name: 'paper' },
  data: { symbols: 0, demoSymbols: 0, newest: null, lastClosed: '2026-12-07', stale: false },
};

function kr(calls: MarketStatus['broker']['calls']): MarketStatus {
  return {
    market: 'KR',
    at: NOW,
    exchange: 'KRX',
    session: { open: true, date: '2026-12-08', closesAt: KST('15:30'), earlyClose: false },
    overrides: { state: 'applied', count: 0 },
    broker: { name: 'kis-live', token: { expiresAt: KST('09:00', '2026-12-09') }, ...(calls === undefined ? {} : { calls }) },
    data: { symbols: 0, demoSymbols: 0, newest: null, lastClosed: '2026-12-07', stale: false },
  };
}

/** The KR broker's lines after the session line, without the data line. */
const krLines = (calls: MarketStatus['broker']['calls']) => marketsStatusLines([kr(calls)]).slice(3, -1);

describe('/status: the last KIS call', () => {
  it('the last good call at its KST time, minutes ago and the endpoint kind', () => {
    const calls: BrokerCalls = { lastGood: { at: KST('14:02'), endpoint: 'balance' }, lastFailure: null };
    expect(krLines(calls)).toEqual(['   KIS token expires 2026-12-09 09:00 KST (in 18h 55m)', '   KIS: last good call 14:02 KST (3 min ago, balance)']);
  });

  it('a failure before the last good call is over: no warning', () => {
    const calls: BrokerCalls = { lastGood: { at: KST('14:02'), endpoint: 'order' }, lastFailure: { at: KST('13:50'), endpoint: 'order', error: 'timeout' } };
    expect(krLines(calls)).toContain('   KIS: last good call 14:02 KST (3 min ago, order)');
    expect(krLines(calls).join('\n')).not.toContain('⚠️');
  });

  it('a failure after the last good call: a warning with the kind, the HTTP status and code, and what to do', () => {
    const calls: BrokerCalls = {
      lastGood: { at: KST('14:02'), endpoint: 'balance' },
      lastFailure: { at: KST('14:04'), endpoint: 'order', error: 'server_error', status: 500, msgCd: 'EGW00002' },
    };
    expect(krLines(calls)).toContain(
      '   ⚠️ KIS: the last call failed 14:04 KST (1 min ago, order: KIS server error, HTTP 500 EGW00002) after the last good call 14:02 KST (3 min ago, balance). Next: an order is never re-sent after an unclear answer: the recovery pass looks it up in KIS\'s daily orders (see /stuck); if it persists check KIS service notices',
    );
  });

  it('refused keys say which variables to check; a call of another day shows its date', () => {
    const calls: BrokerCalls = { lastGood: { at: KST('15:10', '2026-12-07'), endpoint: 'price' }, lastFailure: { at: KST('14:05'), endpoint: 'token', error: 'auth', status: 403 } };
    expect(krLines(calls)).toContain(
      '   ⚠️ KIS: the last call failed 14:05 KST (under a minute ago, token: app key or token refused, HTTP 403) after the last good call 2026-12-07 15:10 KST (22 h ago, price). Next: check KIS_APP_KEY and KIS_APP_SECRET (virtual keys work on the virtual server only)',
    );
  });

  it('nothing recorded yet, only a failure, and a record that cannot be read', () => {
    expect(krLines({ lastGood: null, lastFailure: null })).toContain('   KIS: no call recorded yet');
    expect(krLines({ lastGood: null, lastFailure: { at: KST('14:00'), endpoint: 'token', error: 'network' } })).toContain(
      '   ⚠️ KIS: the last call failed 14:00 KST (5 min ago, token: could not connect) and no good call is recorded. Next: calls are retried; if it persists check KIS_API_URL and the network',
    );
    expect(krLines({ error: 'redis down' })).toContain('   ⚠️ KIS call record unreadable (redis down)');
  });

  it('US lines and a KR market without a call record are unchanged', () => {
    expect(marketsStatusLines([us, kr(undefined)])).toEqual([
      'Markets',
      'US · NYSE: closed — opens 2026-12-08 09:30 ET, closes 16:00 ET',
      '   Broker paper: simulated book in Postgres (no broker account to reach)',
      '   Data: no US bars stored',
      'KR · KRX: open — closes 2026-12-08 15:30 KST',
      '   Broker kis-live',
      '   KIS token expires 2026-12-09 09:00 KST (in 18h 55m)',
      '   Data: no KR bars stored',
    ]);
  });

  it('a failed order POST hidden by a later good call of another kind still warns, naming the last good order call', () => {
    const calls: BrokerCalls = {
      lastGood: { at: KST('14:03'), endpoint: 'daily-orders' },
      lastFailure: { at: KST('14:03'), endpoint: 'order', error: 'server_error', status: 500, msgCd: 'EGW00002' },
      lastGoodOfFailedEndpoint: { at: KST('09:30'), endpoint: 'order' },
    };
    expect(krLines(calls)).toContain(
      '   ⚠️ KIS: the last order call failed 14:03 KST (2 min ago, order: KIS server error, HTTP 500 EGW00002); the last good order call was 09:30 KST (4 h ago), the last good call overall 14:03 KST (2 min ago, daily-orders). Next: an order is never re-sent after an unclear answer: the recovery pass looks it up in KIS\'s daily orders (see /stuck); if it persists check KIS service notices',
    );
  });

  it('a failure older than the last good call of its own kind is over, whatever came after', () => {
    const calls: BrokerCalls = {
      lastGood: { at: KST('14:04'), endpoint: 'price' },
      lastFailure: { at: KST('14:00'), endpoint: 'order', error: 'timeout' },
      lastGoodOfFailedEndpoint: { at: KST('14:01'), endpoint: 'order' },
    };
    expect(krLines(calls)).toContain('   KIS: last good call 14:04 KST (1 min ago, price)');
    expect(krLines(calls).join('\n')).not.toContain('⚠️');
  });

  it('a refusal in a 5xx (OPSQ0002) says to check the server the keys and URL point at', () => {
    const calls: BrokerCalls = { lastGood: { at: KST('14:00'), endpoint: 'token' }, lastFailure: { at: KST('14:01'), endpoint: 'balance', error: 'refused', status: 500, msgCd: 'OPSQ0002' } };
    expect(krLines(calls)).toContain(
      '   ⚠️ KIS: the last call failed 14:01 KST (4 min ago, balance: KIS refused the request (its own code, not an outage), HTTP 500 OPSQ0002) after the last good call 14:00 KST (5 min ago, token). Next: check that BROKER_KR (kis-virtual or kis-live) is the server KIS_API_URL points at: each server takes only its own TR ids and the virtual one lacks some',
    );
  });
});
