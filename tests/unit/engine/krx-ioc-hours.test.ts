/** Issue 15 (review): the KR order path sends IOC orders in KRX's continuous session only, never in its auctions. */
import { describe, expect, it } from 'vitest';
import { KRX_ALWAYS_OPEN, KRX_HOURS, KRX_IOC_HOURS, krxOrderHoursFor } from '../../../src/engine/krx-hours.js';

const kst = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+09:00`);

describe('KRX_IOC_HOURS', () => {
  it('is open 09:00–15:20 on a regular day and closed in the opening and closing auctions', () => {
    expect(KRX_IOC_HOURS.isOpen(kst('2026-12-08', '08:45'))).toBe(false);
    expect(KRX_IOC_HOURS.isOpen(kst('2026-12-08', '09:00'))).toBe(true);
    expect(KRX_IOC_HOURS.isOpen(kst('2026-12-08', '15:19'))).toBe(true);
    // The closing auction: KRX is in session, but takes no IOC order.
    expect(KRX_HOURS.isOpen(kst('2026-12-08', '15:25'))).toBe(true);
    expect(KRX_IOC_HOURS.isOpen(kst('2026-12-08', '15:20'))).toBe(false);
    expect(KRX_IOC_HOURS.isOpen(kst('2026-12-08', '15:25'))).toBe(false);
  });

  it('moves with the CSAT day hours (10:00–16:30, auction from 16:20)', () => {
    expect(KRX_IOC_HOURS.isOpen(kst('2026-11-19', '09:30'))).toBe(false);
    expect(KRX_IOC_HOURS.isOpen(kst('2026-11-19', '16:10'))).toBe(true);
    expect(KRX_IOC_HOURS.isOpen(kst('2026-11-19', '16:25'))).toBe(false);
  });

  it('names the next KRX open, and MARKET_HOURS=always keeps tests of the fill path open', () => {
    expect(KRX_IOC_HOURS.nextOpen(kst('2026-12-08', '15:25'))?.date).toBe('2026-12-09');
    expect(krxOrderHoursFor({ market: { hours: 'always' } })).toBe(KRX_ALWAYS_OPEN);
    expect(krxOrderHoursFor({})).toBe(KRX_IOC_HOURS);
  });
});
