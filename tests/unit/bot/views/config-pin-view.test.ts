import { describe, expect, it } from 'vitest';
import { configChangedView, configPinLines } from '../../../../src/bot/views/config-pin-view.js';
import { closeDigestView, morningDigestView } from '../../../../src/bot/views/digest-view.js';
import { statusView } from '../../../../src/bot/views/status-view.js';
import type { CloseDigestData, MorningDigestData } from '../../../../src/trading/digest/types.js';
import type { HeartbeatView } from '../../../../src/trading/status/heartbeat.js';
import type { SystemStatus } from '../../../../src/trading/status/status.js';

const A = '1a2b3c4d5e6f'.padEnd(64, '0');
const B = '9f8e7d6c5b4a'.padEnd(64, '1');
const beat = (role: string, pin: string | null, stale = false): HeartbeatView => ({ role, instance: `${role}-1`, pid: 1, host: 'h', ageMs: 1000, stale, pin });

describe('configuration pin views', () => {
  it('the admins\' message names changed settings, values for non-secrets only, and says restart-only', () => {
    const text = configChangedView({
      pin: B,
      previous: A,
      roles: ['bot', 'worker'],
      changed: [
        { name: 'CALLBACK_SECRET', secret: true, from: null, to: null, fromSource: 'environment', toSource: 'environment' },
        { name: 'DATABASE_URL', secret: true, from: 'postgres://u:***@h/db', to: 'postgres://u:***@h/db', fromSource: 'environment', toSource: 'environment' },
        { name: 'SCAN_TOP_N', secret: false, from: '5', to: '7', fromSource: 'default', toSource: 'file /srv/.env, line 2' },
      ],
    });
    expect(text).toContain('pin 9f8e7d6c5b4a (was 1a2b3c4d5e6f)');
    expect(text).toContain('• CALLBACK_SECRET (secret, value not shown) changed\n');
    expect(text).toContain('• DATABASE_URL (secret, value not shown) changed\n');
    expect(text).toContain('• SCAN_TOP_N: 5 → 7 (from default → file /srv/.env, line 2)');
    expect(text).toContain('no hot reload');
  });

  it('/status shows this process\'s pin, and warns when live roles run different pins (stale ones aside)', () => {
    expect(configPinLines(A, [beat('bot', A), beat('worker', A)])).toEqual(['Config pin: 1a2b3c4d5e6f (settings apply at start-up only)']);
    expect(configPinLines(A, [beat('bot', A), beat('worker', B, true)])).toHaveLength(1);
    const lines = configPinLines(A, [beat('bot', A), beat('worker', B)]);
    expect(lines[1]).toBe('⚠️ Roles run with different configurations: bot 1a2b3c4d5e6f, worker 9f8e7d6c5b4a — restart them with the same settings (courtside config show)');
    const status = { mode: 'local · paper', uptimeMs: 1000, killSwitch: { engaged: false, reason: null, changedBy: null, changedAt: null, epoch: null, postgres: false, redis: false }, cancelOwed: [], db: { ok: true, ms: 1 }, redis: { ok: true, ms: 1 }, queues: null, heartbeats: [beat('bot', A)], alerts: [], configPin: A } as unknown as SystemStatus;
    expect(statusView(status).text).toContain('Config pin: 1a2b3c4d5e6f');
  });

  it('the morning and close digests show the pin, or each role\'s when they differ', () => {
    const morning = { kind: 'morning', generatedAt: new Date('2026-11-20T13:30:00Z'), sessionDate: '2026-11-20', marketOpenToday: true, demo: false, killSwitch: { engaged: false, reason: null, changedBy: null, changedAt: null }, positions: [], pendingPicks: [], openApprovals: [], budget: { date: '2026-11-20', limit: 1000, spent: 0, left: 1000 }, scans: [], freshness: { expected: '2026-11-19', sources: [] }, openAlerts: [], auditHead: null, configPins: [{ role: 'bot', pin: A }, { role: 'worker', pin: A }] } satisfies MorningDigestData;
    expect(morningDigestView(morning).text).toContain('Config pin 1a2b3c4d5e6f');
    const close = { kind: 'close', generatedAt: new Date('2026-11-20T21:20:00Z'), sessionDate: '2026-11-20', demo: false, killSwitch: { engaged: false, reason: null, changedBy: null, changedAt: null }, pnl: { realized: 0, unrealizedNow: 0, unrealizedPrev: 0, prevMarkDate: null, day: 0, equity: null, prevEquity: null, dayReturn: null, openPositions: 0, unpriced: 0 }, benchmark: { symbol: 'SPY', close: null, prevClose: null, ret: null, source: null }, fills: [], slippageTotal: 0, exits: [], failures: [], curve: { dates: [], equity: [], benchmark: [] }, auditHead: null, configPins: [{ role: 'bot', pin: A }, { role: 'worker', pin: B }] } satisfies CloseDigestData;
    expect(closeDigestView(close).text).toContain('⚠️ Config pins differ: bot 1a2b3c4d5e6f, worker 9f8e7d6c5b4a');
    expect(closeDigestView({ ...close, configPins: undefined as never }).text).not.toContain('Config pin');
  });
});
