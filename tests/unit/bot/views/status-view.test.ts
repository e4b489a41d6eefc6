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
