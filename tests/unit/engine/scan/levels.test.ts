import { describe, expect, it } from 'vitest';
import { levelsOnTick, suggestSize } from '../../../../src/engine/scan/index.js';

describe('pick levels on the tick and sizes in cents', () => {
  it('an ATR stop (close − 2 × ATR) is rounded to the nearest tick; the close and target too', () => {
    expect(levelsOnTick({ close: 131.6, stop: 131.6 - 2 * 6.0553, target: 150.123456 })).toEqual({ close: 131.6, stop: 119.49, target: 150.12 });
    expect(levelsOnTick({ close: 0.98765, stop: 0.912345, target: null })).toEqual({ close: 0.9877, stop: 0.9123, target: null });
  });
  it('a level that is not a positive price has no tick and is left as it is', () => {
    expect(levelsOnTick({ close: 3, stop: -0.5, target: null }).stop).toBe(-0.5);
  });
  it('risk and notional are whole cents of the levels the card shows', () => {
    const s = suggestSize({ close: 131.6, stop: 119.49 }, { equity: 100_000, riskFraction: 0.005, maxPositionFraction: 0.1 });
    expect(s.qty).toBe(41);
    expect(s.dollarRisk).toBe(496.51);
    expect(s.notional).toBe(5395.6);
  });
});
