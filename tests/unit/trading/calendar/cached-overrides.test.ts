/**
 * The cached reader of run-time calendar overrides (src/trading/calendar/overrides-source.ts):
 * read at most once per TTL, re-read after it (no restart needed), one read for concurrent
 * callers, the last good read kept when a re-read fails.
 */
import { describe, expect, it } from 'vitest';
import type { CalendarOverride } from '../../../../src/engine/calendar/overrides.js';
import { CachedCalendarOverrides, nyseSessionLookup } from '../../../../src/trading/calendar/overrides-source.js';

const closeNy: CalendarOverride = { exchange: 'XNYS', date: '2026-12-10', kind: 'close', openTime: null, reason: 'Storm' };
const lateKr: CalendarOverride = { exchange: 'XKRX', date: '2026-12-10', kind: 'late_open', openTime: '10:00', reason: 'Outage' };

function source(initial: CalendarOverride[]) {
  const s = { rows: initial, reads: 0, fail: null as Error | null };
  return {
    s,
    list: async () => {
      s.reads++;
      if (s.fail) throw s.fail;
      return [...s.rows];
    },
  };
}

describe('CachedCalendarOverrides', () => {
  it('reads once per TTL, then re-reads: a row added meanwhile is seen without a restart', async () => {
    const src = source([]);
    let t = 1_000;
    const c = new CachedCalendarOverrides({ list: src.list }, { ttlMs: 30_000, clock: () => t });
    expect(await c.forExchange('XNYS')).toEqual([]);
    src.s.rows = [closeNy, lateKr];
    t += 29_999;
    expect(await c.forExchange('XNYS')).toEqual([]);
    expect(src.s.reads).toBe(1);
    t += 1;
    expect(await c.forExchange('XNYS')).toEqual([closeNy]);
    expect(await c.forExchange('XKRX')).toEqual([lateKr]);
    expect(src.s.reads).toBe(2);
  });

  it('re-reads when the clock went backwards rather than trusting a read from the future', async () => {
    const src = source([]);
    let t = 50_000;
    const c = new CachedCalendarOverrides({ list: src.list }, { clock: () => t });
    await c.forExchange('XNYS');
    t = 10_000;
    await c.forExchange('XNYS');
    expect(src.s.reads).toBe(2);
  });

  it('concurrent callers share one read', async () => {
    const src = source([closeNy]);
    const c = new CachedCalendarOverrides({ list: src.list }, { ttlMs: 0 });
    const all = await Promise.all([c.forExchange('XNYS'), c.forExchange('XNYS'), c.forExchange('XKRX')]);
    expect(all).toEqual([[closeNy], [closeNy], []]);
    expect(src.s.reads).toBe(1);
  });

  it('a failed re-read answers with the last good read and says so; with none yet it throws', async () => {
    const src = source([closeNy]);
    const stale: unknown[] = [];
    const c = new CachedCalendarOverrides({ list: src.list }, { ttlMs: 0, onStale: (e) => stale.push(e) });
    await c.forExchange('XNYS');
    src.s.fail = new Error('connection refused');
    expect(await c.forExchange('XNYS')).toEqual([closeNy]);
    expect(stale).toEqual([src.s.fail]);

    const cold = new CachedCalendarOverrides({ list: src.list }, { ttlMs: 0 });
    await expect(cold.forExchange('XNYS')).rejects.toThrow('connection refused');
  });
});

describe('nyseSessionLookup (what the scheduler plans with)', () => {
  it('is undefined without NYSE overrides, so the planner keeps the rule calendar', async () => {
    expect(await nyseSessionLookup({ forExchange: async (x) => (x === 'XKRX' ? [lateKr] : []) })).toBeUndefined();
  });

  it('answers null for a closed day and the rule session for others', async () => {
    const lookup = await nyseSessionLookup({ forExchange: async (x) => (x === 'XNYS' ? [closeNy] : []) });
    expect(lookup!('2026-12-10')).toBeNull();
    expect(lookup!('2026-12-11')).toMatchObject({ date: '2026-12-11', open: Date.parse('2026-12-11T14:30:00Z') });
  });
});
