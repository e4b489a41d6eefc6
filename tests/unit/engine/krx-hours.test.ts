/**
 * The KRX session as the order path's MarketHours (the paper KR book's clock): open 09:00–15:30
 * Seoul on KRX sessions, closed on KRX holidays, and the `market.hours = always` switch for tests of
 * the fill path.
 */
import { describe, expect, it } from 'vitest';
import { KRX_ALWAYS_OPEN, KRX_HOURS, krxMarketHoursFor } from '../../../src/engine/krx-hours.js';
import { EXCHANGE_HOURS } from '../../../src/engine/market-hours.js';

/** An instant given as Seoul wall time (UTC+09:00 all year). */
const kst = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+09:00`);

describe('KRX_HOURS', () => {
  it('is open inside a KRX session and closed before its open and at its close', () => {
    expect(KRX_HOURS.name).toBe('exchange');
    expect(KRX_HOURS.isOpen(kst('2026-12-07', '08:59'))).toBe(false);
    expect(KRX_HOURS.isOpen(kst('2026-12-07', '09:00'))).toBe(true);
    expect(KRX_HOURS.isOpen(kst('2026-12-07', '15:29'))).toBe(true);
    expect(KRX_HOURS.isOpen(kst('2026-12-07', '15:30'))).toBe(false);
  });

  it('differs from the NYSE hours: 10:00 Seoul is open on KRX while New York is closed', () => {
    const t = kst('2026-12-07', '10:00');
    expect(KRX_HOURS.isOpen(t)).toBe(true);
    expect(EXCHANGE_HOURS.isOpen(t)).toBe(false);
  });

  it('is closed on a KRX holiday (Christmas) and on a weekend', () => {
    expect(KRX_HOURS.isOpen(kst('2026-12-25', '10:00'))).toBe(false);
    expect(KRX_HOURS.isOpen(kst('2026-12-05', '10:00'))).toBe(false);
  });

  it('names the next open: today before the open, else the next KRX session', () => {
    expect(KRX_HOURS.nextOpen(kst('2026-12-07', '08:00'))?.date).toBe('2026-12-07');
    expect(KRX_HOURS.nextOpen(kst('2026-12-07', '16:00'))?.date).toBe('2026-12-08');
    // Friday after the close: Monday.
    expect(KRX_HOURS.nextOpen(kst('2026-12-04', '16:00'))?.open).toBe(kst('2026-12-07', '09:00'));
    expect(KRX_HOURS.nextOpen(kst('2026-12-24', '16:00'))?.date).toBe('2026-12-28');
  });

  it('answers closed / no next open beyond the calendar instead of throwing', () => {
    const far = Date.parse('2051-06-01T01:00:00Z');
    expect(KRX_HOURS.isOpen(far)).toBe(false);
    expect(KRX_HOURS.nextOpen(far)).toBeNull();
  });
});

describe('krxMarketHoursFor', () => {
  it('gives the KRX session unless the configuration asks for always-open hours', () => {
    expect(krxMarketHoursFor({})).toBe(KRX_HOURS);
    expect(krxMarketHoursFor({ market: { hours: 'exchange' } })).toBe(KRX_HOURS);
    expect(krxMarketHoursFor({ market: { hours: 'always' } })).toBe(KRX_ALWAYS_OPEN);
  });

  it('always-open hours are open at any instant but name the KRX next open', () => {
    const sat = kst('2026-12-05', '03:00');
    expect(KRX_ALWAYS_OPEN.isOpen(sat)).toBe(true);
    expect(KRX_ALWAYS_OPEN.nextOpen(sat)?.date).toBe('2026-12-07');
  });
});
