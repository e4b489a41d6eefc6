import { z } from 'zod';
import { rsi } from '../indicators/rsi.js';
import { cachedColumn } from './columns.js';
import { defineFamily } from './define.js';

/** RSI-oversold-in-an-uptrend parameters. */
export const rsiOversoldParamsSchema = z.strictObject({
  rsiPeriod: z.number().int().min(1).describe('integer >= 1: Wilder RSI period'),
  maxRsi: z.number().gt(0).lt(100).describe('number in (0, 100): RSI must be below this'),
  smaPeriod: z.number().int().min(1).describe('integer >= 1: trend filter SMA period'),
});

/** RSI-oversold-in-an-uptrend parameters. */
export type RsiOversoldParams = z.output<typeof rsiOversoldParamsSchema>;

/** Figures behind an RSI-oversold signal. */
export interface RsiOversoldWhy {
  readonly family: 'rsi_oversold';
  readonly close: number;
  readonly rsi: number;
  readonly maxRsi: number;
  readonly sma: number;
  readonly smaPeriod: number;
}

/** RSI(2) oversold in an uptrend: RSI(rsiPeriod) < maxRsi and close > SMA(smaPeriod). */
export const RSI_OVERSOLD = defineFamily({
  id: 'rsi_oversold',
  title: 'RSI oversold in an uptrend',
  summary: 'Buy when RSI(rsiPeriod) is below maxRsi while the close is above its SMA.',
  schema: rsiOversoldParamsSchema,
  defaults: Object.freeze({ rsiPeriod: 2, maxRsi: 10, smaPeriod: 200 }),
  firstValidIndex: (p) => Math.max(p.rsiPeriod, p.smaPeriod - 1),
  prepare: (s, p, cache) => ({
    close: s.close,
    rsi: cachedColumn(cache, `rsi:${p.rsiPeriod}`, () => rsi(s.close, p.rsiPeriod)),
    sma: cache.sma(p.smaPeriod),
    p,
  }),
  hit: (c, t) => c.rsi[t]! < c.p.maxRsi && c.close[t]! > c.sma[t]!,
  figures: (c, t): RsiOversoldWhy => ({
    family: 'rsi_oversold',
    close: c.close[t]!,
    rsi: c.rsi[t]!,
    maxRsi: c.p.maxRsi,
    sma: c.sma[t]!,
    smaPeriod: c.p.smaPeriod,
  }),
});
