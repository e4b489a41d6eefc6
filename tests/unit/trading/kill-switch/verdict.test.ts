/** The pure rule that combines the kill switch's copies: the higher epoch wins, an unreadable store fails closed. */
import { describe, expect, it } from 'vitest';
import { parseRecord } from '../../../../src/adapters/redis/kill-switch-mirror.js';
import { decideKillSwitch, UNREADABLE_REASON, type NumberedRecord } from '../../../../src/trading/kill-switch/verdict.js';

const rec = (epoch: number, engaged: boolean, reason: string | null = engaged ? 'drill' : 'resumed'): NumberedRecord => ({ engaged, epoch, reason, by: '1', at: '2025-07-08T17:00:00.000Z' });

describe('decideKillSwitch', () => {
  it('the higher epoch wins whichever store holds it, and the store behind is marked for repair', () => {
    expect(decideKillSwitch({ postgres: rec(2, false), redis: rec(3, true), memory: null })).toMatchObject({ state: { engaged: true, epoch: 3 }, source: 'redis', repairPostgres: true, repairRedis: false });
    expect(decideKillSwitch({ postgres: rec(4, false), redis: rec(3, true), memory: null })).toMatchObject({ state: { engaged: false, epoch: 4 }, source: 'postgres', repairPostgres: false, repairRedis: true });
    expect(decideKillSwitch({ postgres: rec(2, false), redis: rec(2, false), memory: rec(3, true) })).toMatchObject({ state: { engaged: true, epoch: 3 }, source: 'memory', repairPostgres: true, repairRedis: true });
  });

  it('an "off" that is not Postgres\'s own, at a newer epoch than Postgres, fails closed and is never written to Postgres', () => {
    // A genuine resume reaches Postgres first, so a newer "off" only in Redis (or memory) is not one.
    expect(decideKillSwitch({ postgres: rec(7, true), redis: rec(999_999, false), memory: null })).toMatchObject({ state: { engaged: true }, repairPostgres: false });
    expect(decideKillSwitch({ postgres: rec(7, false), redis: rec(9, false), memory: null })).toMatchObject({ state: { engaged: true }, repairPostgres: false });
    // Newer kills from Redis still win and reach Postgres.
    expect(decideKillSwitch({ postgres: rec(7, false), redis: rec(8, true), memory: null })).toMatchObject({ state: { engaged: true, epoch: 8 }, repairPostgres: true });
  });

  it('on an equal epoch an engaged copy wins', () => {
    expect(decideKillSwitch({ postgres: rec(5, false), redis: rec(5, true), memory: null }).state.engaged).toBe(true);
  });

  it('an empty mirror is unknown: it never says "off" by itself, and is re-seeded from the winner', () => {
    expect(decideKillSwitch({ postgres: 'unreachable', redis: null, memory: null }).state).toMatchObject({ engaged: true, epoch: null, reason: UNREADABLE_REASON });
    expect(decideKillSwitch({ postgres: rec(2, false), redis: null, memory: null })).toMatchObject({ state: { engaged: false, epoch: 2 }, repairRedis: true });
  });

  it('a store that does not answer makes the verdict engaged, whatever the winner says', () => {
    expect(decideKillSwitch({ postgres: rec(2, false), redis: 'unreachable', memory: null }).state).toMatchObject({ engaged: true, epoch: 2, redis: 'unreachable', reason: UNREADABLE_REASON });
    expect(decideKillSwitch({ postgres: 'unreachable', redis: rec(2, false), memory: null }).state).toMatchObject({ engaged: true, postgres: 'unreachable' });
  });

  it('a record from before epochs counts as engaged and one newer than anything known', () => {
    const legacy = parseRecord(JSON.stringify({ reason: 'old', by: '1', at: '2025-01-01T00:00:00.000Z' }));
    expect(legacy).toMatchObject({ engaged: true, epoch: null, reason: 'old' });
    expect(decideKillSwitch({ postgres: rec(7, false), redis: legacy, memory: null })).toMatchObject({ state: { engaged: true, epoch: 8, reason: 'old' }, repairPostgres: true, repairRedis: true });
    expect(parseRecord('not json')).toMatchObject({ engaged: true, epoch: null });
  });
});
