/**
 * The /close confirm and its "queue for the open" offer say how the sale will rest at the broker:
 * one IOC limit by default, a DAY limit Courtside cancels after ALPACA_DAY_CANCEL_AFTER_S where the
 * account refuses IOC (ALPACA_ENTRY_TIF=day, which exits follow too).
 */
import { describe, expect, it } from 'vitest';
import { closeAskText, closeQueueOfferText } from '../../../../src/bot/views/close-view.js';
import { orderTimeInForce } from '../../../../src/lib/time-in-force.js';

const position = { symbol: 'TIFA', strategy: 'donchian', qty: 10, avgCost: 20, version: 'v1' };
const token = { id: 't1', version: 1, expiresAt: new Date('2026-12-14T16:05:00Z') };
const DAY = { tif: 'day' as const, dayCancelAfterMs: 45_000 };
const ask = (timeInForce: typeof DAY | null) => ({ kind: 'ask' as const, position, qty: 4, underKill: false, killReason: null, token, timeInForce });
const offer = (timeInForce: typeof DAY | null) => ({
  kind: 'market_closed' as const,
  position,
  qty: 10,
  nextOpen: null,
  offer: { token, sendAt: new Date('2026-12-14T14:31:00Z'), expiresAt: new Date('2026-12-14T15:00:00Z') },
  underKill: false,
  killReason: null,
  timeInForce,
});

describe('close confirm: how the sale rests at the broker', () => {
  it('says one IOC sell limit by default', () => {
    expect(closeAskText(ask(null)).text).toMatch(/One IOC sell limit at the bid less the exit buffer; average cost \$20\.00/);
    expect(closeQueueOfferText(offer(null)).text).toMatch(/as one IOC sell limit at the bid less the exit buffer, after a fresh quote/);
  });

  it('says DAY and when Courtside cancels it where the account refuses IOC', () => {
    expect(closeAskText(ask(DAY)).text).toMatch(/One DAY sell limit at the bid less the exit buffer, cancelled by Courtside if still unfilled after 45 s \(ALPACA_ENTRY_TIF=day\); average cost/);
    expect(closeAskText(ask(DAY)).text).not.toMatch(/IOC sell/);
    expect(closeQueueOfferText(offer(DAY)).text).toMatch(/as one DAY sell limit .* after 45 s/);
  });
});

describe('orderTimeInForce', () => {
  it('is IOC (null) for the paper broker and without Alpaca settings; the setting for Alpaca', () => {
    expect(orderTimeInForce(undefined)).toBeNull();
    expect(orderTimeInForce({ kind: 'paper', alpaca: { entryTif: 'day', dayCancelAfterMs: 30_000 } })).toBeNull();
    expect(orderTimeInForce({ kind: 'alpaca-paper', alpaca: null })).toBeNull();
    expect(orderTimeInForce({ kind: 'alpaca-live', alpaca: { entryTif: 'day', dayCancelAfterMs: 30_000 } })).toEqual({ tif: 'day', dayCancelAfterMs: 30_000 });
  });
});
