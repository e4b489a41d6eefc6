import { describe, expect, it } from 'vitest';
import { ALWAYS_OPEN, EXCHANGE_HOURS } from '../../../../src/engine/market-hours.js';
import { marketClosedReason } from '../../../../src/trading/execution/new-risk-session.js';
import { parseRecordedReason, reasonParam, scrubReason, type RecordedReason } from '../../../../src/trading/execution/recorded-reasons.js';

const at = (iso: string) => () => new Date(iso);

describe('marketClosedReason: the session gate of entries, on an injected clock', () => {
  it('is null in the regular session (the order may go)', () => {
    expect(marketClosedReason({ hours: EXCHANGE_HOURS, now: at('2026-12-11T20:59:59Z') })).toBeNull(); // Fri 15:59:59 ET
    expect(marketClosedReason({ hours: EXCHANGE_HOURS, now: at('2026-12-14T14:30:00Z') })).toBeNull(); // Mon 09:30:00 ET
  });

  it.each([
    ['just after the close, Friday', '2026-12-11T21:00:02Z', '2026-12-14T14:30:00.000Z'],
    ['Saturday', '2026-12-12T17:00:00Z', '2026-12-14T14:30:00.000Z'],
    ['before the open, same day', '2026-12-14T13:00:00Z', '2026-12-14T14:30:00.000Z'],
    ['Thanksgiving (a holiday)', '2026-11-26T16:00:00Z', '2026-11-27T14:30:00.000Z'],
    ['after the early close of the day after Thanksgiving', '2026-11-27T18:30:00Z', '2026-11-30T14:30:00.000Z'],
  ])('outside the session (%s): the reason with the instant and the next open', (_what, iso, nextOpen) => {
    expect(marketClosedReason({ hours: EXCHANGE_HOURS, now: at(iso) })).toEqual({ code: 'market_closed', order: 'entry', at: new Date(iso).toISOString(), nextOpen });
  });

  it('is always null with MARKET_HOURS=always (tests of the fill path)', () => {
    expect(marketClosedReason({ hours: ALWAYS_OPEN, now: at('2026-12-12T17:00:00Z') })).toBeNull();
  });

  it('says "no next open" beyond the calendar instead of guessing', () => {
    const hours = { ...EXCHANGE_HOURS, isOpen: () => false, nextOpen: () => null };
    expect(marketClosedReason({ hours, now: at('2026-12-12T17:00:00Z') })).toEqual({ code: 'market_closed', order: 'entry', at: '2026-12-12T17:00:00.000Z', nextOpen: null });
  });
});

describe('the market_closed recorded reason', () => {
  const r: RecordedReason = { code: 'market_closed', order: 'entry', at: '2026-12-11T21:00:02.000Z', nextOpen: '2026-12-14T14:30:00.000Z' };

  it('reads back what was stored (jsonb round trip), next open or none', () => {
    expect(parseRecordedReason(JSON.parse(reasonParam(r)!))).toEqual(r);
    const none: RecordedReason = { ...r, nextOpen: null };
    expect(parseRecordedReason(JSON.parse(reasonParam(none)!))).toEqual(none);
  });

  it('is kept whole as `recorded` when its figures do not fit (an exit is never refused for the session)', () => {
    expect(parseRecordedReason({ ...r, order: 'exit' })).toMatchObject({ code: 'recorded' });
  });

  it('carries no outside text: scrubbing leaves it as it is', () => {
    expect(scrubReason(r, () => 'SCRUBBED')).toEqual(r);
  });
});
