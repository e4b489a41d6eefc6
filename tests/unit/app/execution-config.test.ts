import { describe, expect, it } from 'vitest';
import { ConfigError, LOCAL_DEMO_BUDGETS, loadConfig } from '../../../src/app/config/config.js';
import { pickExpiry } from '../../../src/trading/market-clock.js';

const TOKEN = '123456789:AAbbccddeeffgghhiijjkkllmmnnoopp';

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('execution config', () => {
  it("keeps Kobe's $75 / $1,000 budgets with a real bot; local paper mode uses the demo budgets unless set", () => {
    const real = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_ALLOWED_USER_IDS: '42:admin' });
    expect(real.execution.perOrderBudget).toBe(75);
    expect(real.execution.dailyBudget).toBe(1_000);
    expect(real.broker.kind).toBe('paper');
    const local = loadConfig({});
    expect(local.execution.perOrderBudget).toBe(LOCAL_DEMO_BUDGETS.perOrder);
    expect(local.execution.dailyBudget).toBe(LOCAL_DEMO_BUDGETS.daily);
    const localSet = loadConfig({ EXEC_PER_ORDER_BUDGET: '75', EXEC_DAILY_BUDGET: '500' });
    expect(localSet.execution.perOrderBudget).toBe(75);
    expect(localSet.execution.dailyBudget).toBe(500);
  });

  it('percent variables become fractions; blank optional price bounds are absent, bad ones are listed', () => {
    const c = loadConfig({ EXEC_LIMIT_BUFFER_PCT: '0.2', EXIT_LIMIT_BUFFER_PCT: '1', EXEC_MIN_PRICE: '', EXEC_MAX_PRICE: '' });
    expect(c.execution.limitBuffer).toBeCloseTo(0.002, 10);
    expect(c.exits.limitBuffer).toBeCloseTo(0.01, 10);
    expect(c.execution.minPrice).toBeUndefined();
    expect(c.execution.maxPrice).toBeUndefined();
    expect(loadConfig({ EXEC_MIN_PRICE: '5' }).execution.minPrice).toBe(5);
    const bad = problems({ EXEC_MIN_PRICE: 'cheap', EXEC_DAILY_BUDGET: '-1', BROKER: 'robinhood' });
    expect(bad.some((p) => p.startsWith('EXEC_MIN_PRICE'))).toBe(true);
    expect(bad.some((p) => p.startsWith('EXEC_DAILY_BUDGET'))).toBe(true);
    expect(bad.some((p) => p.startsWith('BROKER'))).toBe(true);
  });

  it('Alpaca needs keys; live trading also needs ALPACA_LIVE_CONFIRM=real-money; keys are treated as secrets', () => {
    expect(problems({ BROKER: 'alpaca-paper' }).some((p) => p.startsWith('APCA_API_KEY_ID'))).toBe(true);
    const keys = { APCA_API_KEY_ID: 'PKTESTKEY123', APCA_API_SECRET_KEY: 'secret-abcdef-123456' };
    expect(problems({ BROKER: 'alpaca-paper', ...keys })).toEqual([]);
    expect(problems({ BROKER: 'alpaca-live', ...keys }).some((p) => p.startsWith('ALPACA_LIVE_CONFIRM'))).toBe(true);
    const live = loadConfig({ BROKER: 'alpaca-live', ALPACA_LIVE_CONFIRM: 'real-money', ...keys });
    expect(live.broker.kind).toBe('alpaca-live');
    expect(live.secrets).toEqual(expect.arrayContaining([keys.APCA_API_KEY_ID, keys.APCA_API_SECRET_KEY]));
    // Budgets are never the demo ones with a real broker, even in local mode.
    expect(live.execution.perOrderBudget).toBe(75);
  });
});

describe('pickExpiry: 30 minutes, never past the session the pick was made for', () => {
  const ttl = 30 * 60_000;
  it('mid-session: now + TTL', () => {
    const now = Date.parse('2026-11-20T15:00:00Z'); // 10:00 ET, Friday
    expect(pickExpiry(now, ttl).toISOString()).toBe('2026-11-20T15:30:00.000Z');
  });
  it('15:50 ET: capped at the 16:00 close', () => {
    const now = Date.parse('2026-11-20T20:50:00Z');
    expect(pickExpiry(now, ttl).toISOString()).toBe('2026-11-20T21:00:00.000Z');
  });
  it('the day after Thanksgiving closes at 13:00 ET: a 12:45 pick expires at 13:00', () => {
    const now = Date.parse('2026-11-27T17:45:00Z');
    expect(pickExpiry(now, ttl).toISOString()).toBe('2026-11-27T18:00:00.000Z');
  });
  it('after the close or on a weekend the pick is for the next session: TTL applies', () => {
    const sunday = Date.parse('2026-11-22T23:00:00Z');
    expect(pickExpiry(sunday, ttl).toISOString()).toBe('2026-11-22T23:30:00.000Z');
    const long = pickExpiry(sunday, 3 * 24 * 3600_000);
    expect(long.toISOString()).toBe('2026-11-23T21:00:00.000Z'); // Monday's close
  });
});
