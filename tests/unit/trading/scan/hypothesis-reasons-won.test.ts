/** Issue 15 (review): a LIVE hypothesis's reasons on a KR card read in whole won; US reasons are unchanged. */
import { describe, expect, it } from 'vitest';
import { describeWhy } from '../../../../src/engine/hypotheses/signals.js';
import { KR_REASON_NUMBERS } from '../../../../src/trading/scan/kr-scan.js';

describe('describeWhy with the market\'s numbers', () => {
  const why = { family: 'rsi_oversold', rsi: 4.123, maxRsi: 10, close: 36_500.4, sma: 36_499.7, smaPeriod: 200 } as const;

  it('prints prices in whole won, the comparison still true, and keeps the RSI figure', () => {
    const lines = describeWhy(why as never, { rsiPeriod: 2 }, KR_REASON_NUMBERS);
    expect(lines).toEqual(['RSI(2) 4.1 < 10', 'close 36,501 > SMA(200) 36,499']);
    for (const l of lines.slice(1)) expect(l).not.toMatch(/\d\.\d/);
  });

  it('reads as before without them', () => {
    expect(describeWhy(why as never, { rsiPeriod: 2 })).toEqual(['RSI(2) 4.1 < 10', 'close 36500.4 > SMA(200) 36499.7']);
  });
});
