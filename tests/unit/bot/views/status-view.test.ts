import { describe, expect, it } from 'vitest';
import { statusView } from '../../../../src/bot/views/status-view.js';
import type { SystemStatus } from '../../../../src/trading/status/status.js';

/** 2026-03-10 09:47 ET (EDT, UTC−4). */
const CHANGED = new Date('2026-03-10T13:47:00.000Z');

const status = (over: Partial<SystemStatus> = {}): SystemStatus => ({
  mode: 'telegram (polling) · paper',
  uptimeMs: 60_000,
  killSwitch: { engaged: true, epoch: 7, reason: 'drill', changedBy: '42', changedAt: CHANGED, postgres: true, redis: true },
  cancelOwed: [],
  db: { ok: true, ms: 1 },
  redis: { ok: true, ms: 1 },
  queues: null,
  heartbeats: [],
  alerts: [],
  ...over,
});

describe('/status: the kill epoch and owed cancel-alls', () => {
  it('names the epoch, who changed it last and when', () => {
    const lines = statusView(status()).text.split('\n');
    expect(lines).toContain('Kill epoch 7 · changed by 42 at 2026-03-10 09:47 ET');
    expect(lines.some((l) => l.includes('Cancel-all owed'))).toBe(false);
  });

  it('lists each owed cancel-all with its epoch, since when, and the tries so far', () => {
    const lines = statusView(
      status({
        cancelOwed: [
          { epoch: 7, since: CHANGED, requestedBy: '42', chatId: 42, reason: 'drill', attempts: 0, lastError: null, cancelled: {} },
          { epoch: 9, since: new Date('2026-03-10T14:02:00.000Z'), requestedBy: 'circuit-breaker', chatId: null, reason: 'loss', attempts: 2, lastError: 'orders still open', cancelled: { 'alpaca-paper': 2 } },
        ],
      }),
    ).text.split('\n');
    expect(lines).toContain('⏳ Cancel-all owed for kill epoch 7 since 2026-03-10 09:47 ET: a worker performs it and sends the proof');
    expect(lines).toContain('⏳ Cancel-all owed for kill epoch 9 since 2026-03-10 10:02 ET: a worker performs it and sends the proof — 2 tries so far (orders still open)');
  });

  it('says when the owed cancel-alls cannot be read, and shows no epoch when none is known', () => {
    const lines = statusView(status({ cancelOwed: null, killSwitch: { engaged: true, epoch: null, reason: null, changedBy: null, changedAt: null, postgres: 'unreachable', redis: 'unreachable' } })).text.split('\n');
    expect(lines).toContain('⚠️ Owed cancel-alls cannot be read (Postgres)');
    expect(lines.some((l) => l.startsWith('Kill epoch'))).toBe(false);
  });
});

describe('/status: the broker account', () => {
  const brokerLines = (s: SystemStatus) => statusView(s).text.split('\n').filter((l) => l.includes('Broker '));

  it('says trading is allowed, with the account status', () => {
    expect(brokerLines(status({ brokerAccount: { broker: 'alpaca-paper', readable: true, hasFlags: true, status: 'ACTIVE', blocking: [] } }))).toEqual(['Broker alpaca-paper: account ACTIVE, trading allowed']);
    expect(brokerLines(status({ brokerAccount: { broker: 'alpaca-paper', readable: true, hasFlags: true, status: null, blocking: [] } }))).toEqual(['Broker alpaca-paper: trading allowed']);
  });

  it('warns with the flags set, what is refused and what still runs, just under the kill switch', () => {
    const lines = statusView(status({ brokerAccount: { broker: 'alpaca-live', readable: true, hasFlags: true, status: 'ACTIVE', blocking: ['trading_blocked', 'trade_suspended_by_user'] } })).text.split('\n');
    const i = lines.indexOf('⚠️ Broker alpaca-live: trading_blocked, trade_suspended_by_user — new entries are refused; exits and /kill still run (account status ACTIVE)');
    expect(i).toBeGreaterThan(0);
    expect(lines[i + 1]).toMatch(/^Mode: /);
  });

  it('says the account is unreadable and why, and /status still answers', () => {
    expect(brokerLines(status({ brokerAccount: { broker: 'alpaca-paper', readable: false, error: 'alpaca-paper account read timed out after 1000 ms' } }))).toEqual([
      "⚠️ Broker alpaca-paper: broker account unreadable: alpaca-paper account read timed out after 1000 ms — entries read it again before each order; check the keys and the broker's status page",
    ]);
  });

  it('a broker without flags, and no broker source at all', () => {
    expect(brokerLines(status({ brokerAccount: { broker: 'paper', readable: true, hasFlags: false, status: null, blocking: [] } }))).toEqual(['Broker paper: account readable (this broker reports no trading flags)']);
    expect(brokerLines(status())).toEqual([]);
  });
});
