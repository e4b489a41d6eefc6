import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/app/config/config.js';

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('circuit breaker config', () => {
  it('defaults: trip at a 3 % session loss and after 5 consecutive broker rejections', () => {
    expect(loadConfig({}).circuit).toEqual({ dailyLossPct: 3, rejects: 5 });
  });

  it('takes other values; 0 turns either check off', () => {
    expect(loadConfig({ CIRCUIT_DAILY_LOSS_PCT: '1.5', CIRCUIT_REJECTS: '3' }).circuit).toEqual({ dailyLossPct: 1.5, rejects: 3 });
    expect(loadConfig({ CIRCUIT_DAILY_LOSS_PCT: '0', CIRCUIT_REJECTS: '0' }).circuit).toEqual({ dailyLossPct: null, rejects: null });
    expect(loadConfig({ CIRCUIT_DAILY_LOSS_PCT: '100' }).circuit.dailyLossPct).toBe(100);
  });

  it('refuses values that are not a percentage or a whole count, naming the variable', () => {
    const bad = problems({ CIRCUIT_DAILY_LOSS_PCT: '-1', CIRCUIT_REJECTS: '2.5' });
    expect(bad.some((p) => p.startsWith('CIRCUIT_DAILY_LOSS_PCT'))).toBe(true);
    expect(bad.some((p) => p.startsWith('CIRCUIT_REJECTS'))).toBe(true);
    expect(problems({ CIRCUIT_DAILY_LOSS_PCT: '101' }).some((p) => p.startsWith('CIRCUIT_DAILY_LOSS_PCT'))).toBe(true);
    expect(problems({ CIRCUIT_DAILY_LOSS_PCT: 'off' }).some((p) => p.startsWith('CIRCUIT_DAILY_LOSS_PCT'))).toBe(true);
    expect(problems({ CIRCUIT_REJECTS: '-1' }).some((p) => p.startsWith('CIRCUIT_REJECTS'))).toBe(true);
  });
});
