/**
 * A failed re-read of the calendar overrides is answered with the last good read only while that
 * read is younger than OVERRIDES_MAX_STALE_MS; past it the reader throws, so the entry gate stops
 * new risk instead of trusting a closure list that may be minutes or hours out of date.
 */
import { describe, expect, it } from 'vitest';
import type { CalendarOverride } from '../../../../src/engine/calendar/overrides.js';
import { CachedCalendarOverrides, OVERRIDES_MAX_STALE_MS, OVERRIDES_TTL_MS } from '../../../../src/trading/calendar/overrides-source.js';

const closeNy: CalendarOverride = { exchange: 'XNYS', date: '2026-12-10', kind: 'close', openTime: null, reason: 'Storm' };

describe('CachedCalendarOverrides: the last good read has a maximum age', () => {
  it('is a named bound a few TTLs long', () => {
    expect(OVERRIDES_MAX_STALE_MS).toBe(120_000);
    expect(OVERRIDES_MAX_STALE_MS).toBeGreaterThan(OVERRIDES_TTL_MS);
  });

  it('answers a failed re-read with the last good read up to the bound, then throws saying how old it is', async () => {
    let t = 5_000;
    let fail: Error | null = null;
    const stale: unknown[] = [];
    const c = new CachedCalendarOverrides(
      {
        list: async () => {
          if (fail) throw fail;
          return [closeNy];
        },
      },
      { ttlMs: 30_000, clock: () => t, onStale: (e) => stale.push(e) },
    );
    expect(await c.forExchange('XNYS')).toEqual([closeNy]);
    fail = new Error('connection refused');
    t += OVERRIDES_MAX_STALE_MS; // exactly at the bound: still usable
    expect(await c.forExchange('XNYS')).toEqual([closeNy]);
    expect(stale).toEqual([fail]);
    t += 1;
    await expect(c.forExchange('XNYS')).rejects.toThrow(/calendar overrides could not be read \(connection refused\); the last good read is 120\.001 s old/);

    // A read that succeeds again is used again.
    fail = null;
    expect(await c.forExchange('XNYS')).toEqual([closeNy]);
  });

  it('takes the bound as an option', async () => {
    let t = 0;
    let fail = false;
    const c = new CachedCalendarOverrides(
      {
        list: async () => {
          if (fail) throw new Error('down');
          return [];
        },
      },
      { ttlMs: 0, maxStaleMs: 10, clock: () => t },
    );
    await c.forExchange('XNYS');
    fail = true;
    t = 10;
    expect(await c.forExchange('XNYS')).toEqual([]);
    t = 11;
    await expect(c.forExchange('XNYS')).rejects.toThrow(/down/);
  });
});
