import { describe, expect, it } from 'vitest';
import { decideExit, inTimeStopWindow, isMarketOpen, type ExitDecisionInput } from '../../../../src/engine/exits/index.js';

const base: ExitDecisionInput = {
  position: { qty: 7, stop: 9, timeStopDate: '2025-07-08' },
  bid: 9.5,
  today: '2025-07-07',
  inTimeStopWindow: false,
};
const at = (iso: string) => Date.parse(iso);

describe('decideExit', () => {
  it('holds above the stop and before the time stop, saying why', () => {
    const d = decideExit(base);
    expect(d).toEqual({ exit: null, price: 9.5, reason: 'hold: bid 9.50 above the stop 9.00; time stop on 2025-07-08' });
  });

  it('exits on the stop when the bid is at or below it', () => {
    expect(decideExit({ ...base, bid: 9 })).toMatchObject({ exit: 'stop', price: 9, reason: 'bid 9.00 is at or below the stop 9.00' });
    expect(decideExit({ ...base, bid: 8.12 })).toMatchObject({ exit: 'stop', price: 8.12 });
    expect(decideExit({ ...base, bid: 9.01 }).exit).toBeNull();
  });

  it('uses the last price only when there is no bid', () => {
    expect(decideExit({ ...base, bid: 0, lastPrice: 8.5 })).toMatchObject({ exit: 'stop', price: 8.5, reason: 'last price 8.50 is at or below the stop 9.00' });
    expect(decideExit({ ...base, bid: 9.5, lastPrice: 8.5 }).exit).toBeNull(); // the bid wins
    expect(decideExit({ ...base, bid: null, lastPrice: null })).toMatchObject({ exit: null, price: null, reason: expect.stringContaining('no price to check the stop 9.00 against') });
  });

  it('time stop: on its date only inside the window; overdue any time after', () => {
    const onDay = { ...base, today: '2025-07-08' };
    expect(decideExit(onDay)).toMatchObject({ exit: null, reason: expect.stringContaining("time stop at today's close") });
    expect(decideExit({ ...onDay, inTimeStopWindow: true })).toMatchObject({ exit: 'time_stop', reason: 'time stop: 2025-07-08 is the last bar of the trade' });
    expect(decideExit({ ...base, today: '2025-07-09' })).toMatchObject({ exit: 'time_stop', reason: expect.stringContaining('overdue') });
    expect(decideExit({ ...base, inTimeStopWindow: true }).exit).toBeNull(); // window, but not the date yet
  });

  it('the stop wins over a due time stop; no shares or no levels mean hold', () => {
    expect(decideExit({ ...base, today: '2025-07-08', inTimeStopWindow: true, bid: 8 }).exit).toBe('stop');
    expect(decideExit({ ...base, position: { ...base.position, qty: 0 }, bid: 1 })).toMatchObject({ exit: null, reason: 'no shares held' });
    expect(decideExit({ ...base, position: { qty: 7, stop: null, timeStopDate: null }, bid: 1 })).toMatchObject({ exit: null, reason: 'hold: no stop set; no time stop' });
  });
});

describe('inTimeStopWindow / isMarketOpen (New York sessions, early closes, holidays)', () => {
  it('opens N minutes before a regular 16:00 close and ends at the close', () => {
    expect(inTimeStopWindow(at('2025-07-08T19:44:59Z'), 15)).toBe(false); // 15:44:59 EDT
    expect(inTimeStopWindow(at('2025-07-08T19:45:00Z'), 15)).toBe(true);
    expect(inTimeStopWindow(at('2025-07-08T19:59:59Z'), 15)).toBe(true);
    expect(inTimeStopWindow(at('2025-07-08T20:00:00Z'), 15)).toBe(false); // closed
  });

  it('follows the 13:00 early close and skips holidays and winter time correctly', () => {
    expect(inTimeStopWindow(at('2025-07-03T16:50:00Z'), 15)).toBe(true); // 12:50 EDT, close 13:00
    expect(inTimeStopWindow(at('2025-07-03T19:50:00Z'), 15)).toBe(false); // 15:50 EDT: already closed
    expect(inTimeStopWindow(at('2025-07-04T19:50:00Z'), 15)).toBe(false); // holiday
    expect(inTimeStopWindow(at('2025-12-09T20:50:00Z'), 15)).toBe(true); // 15:50 EST
  });

  it('isMarketOpen is the regular session only', () => {
    expect(isMarketOpen(at('2025-07-08T13:29:59Z'))).toBe(false);
    expect(isMarketOpen(at('2025-07-08T13:30:00Z'))).toBe(true);
    expect(isMarketOpen(at('2025-07-05T15:00:00Z'))).toBe(false);
  });
});

describe('decideExit with a profit target (a LIVE hypothesis position)', () => {
  // Entry 10, stop 9, target 12; the time stop is tomorrow unless a case moves `today`.
  const withTarget: ExitDecisionInput = { ...base, position: { qty: 7, stop: 9, target: 12, timeStopDate: '2025-07-08' }, bid: 11.5 };

  it('holds while the bid is below the target, saying so', () => {
    expect(decideExit({ ...withTarget, bid: 11.99 })).toEqual({
      exit: null,
      price: 11.99,
      reason: 'hold: bid 11.99 above the stop 9.00; bid 11.99 below the target 12.00; time stop on 2025-07-08',
    });
  });

  it('takes profit when the bid is at or above the target', () => {
    expect(decideExit({ ...withTarget, bid: 12 })).toEqual({ exit: 'target', price: 12, reason: 'profit target: bid 12.00 is at or above the target 12.00' });
    expect(decideExit({ ...withTarget, bid: 12.4 })).toMatchObject({ exit: 'target', price: 12.4 });
  });

  it('needs a live bid: a last price above the target is not a sale at the target', () => {
    expect(decideExit({ ...withTarget, bid: null, lastPrice: 12.5 })).toMatchObject({ exit: null, reason: expect.stringContaining('no bid to check the target 12.00 against') });
    expect(decideExit({ ...withTarget, bid: 0, lastPrice: 12.5 }).exit).toBeNull();
  });

  it('the stop wins if both somehow hold (a target at or below the stop)', () => {
    const odd = { ...withTarget, position: { qty: 7, stop: 9, target: 8.5, timeStopDate: null } };
    expect(decideExit({ ...odd, bid: 8.8 }).exit).toBe('stop');
    expect(decideExit({ ...odd, bid: 9.2 }).exit).toBe('target');
  });

  it('a due time stop wins over the target (same sale, and it is never held up by a used-up target attempt)', () => {
    expect(decideExit({ ...withTarget, bid: 12.5, today: '2025-07-08', inTimeStopWindow: true }).exit).toBe('time_stop');
    expect(decideExit({ ...withTarget, bid: 12.5, today: '2025-07-09' }).exit).toBe('time_stop');
    // On the time-stop day but before its window, the target still takes profit.
    expect(decideExit({ ...withTarget, bid: 12.5, today: '2025-07-08', inTimeStopWindow: false }).exit).toBe('target');
  });

  it('no target (a Kobe pick, or null) never takes profit, however high the bid', () => {
    expect(decideExit({ ...base, bid: 1000 }).exit).toBeNull();
    expect(decideExit({ ...withTarget, position: { ...withTarget.position, target: null }, bid: 1000 })).toMatchObject({ exit: null, reason: 'hold: bid 1000.00 above the stop 9.00; time stop on 2025-07-08' });
  });

  it('no shares: nothing to take profit on', () => {
    expect(decideExit({ ...withTarget, position: { ...withTarget.position, qty: 0 }, bid: 13 })).toMatchObject({ exit: null, reason: 'no shares held' });
  });
});
