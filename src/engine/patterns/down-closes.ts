import { z } from 'zod';
import { defineFamily } from './define.js';

/** Down-closes-in-an-uptrend parameters. */
export const downClosesParamsSchema = z.strictObject({
  downCloses: z.number().int().min(1).describe('integer >= 1: consecutive lower closes required'),
  smaPeriod: z.number().int().min(1).describe('integer >= 1: trend filter SMA period'),
});

/** Down-closes-in-an-uptrend parameters. */
export type DownClosesParams = z.output<typeof downClosesParamsSchema>;

/** Figures behind a down-closes signal. */
export interface DownClosesWhy {
  readonly family: 'down_closes';
  readonly close: number;
  readonly sma: number;
  readonly smaPeriod: number;
  /** Closes t-k..t, oldest first: each lower than the one before. */
  readonly closes: readonly number[];
}

/**
 * k down closes in an uptrend: each of the last `downCloses` closes is below
 * the close before it, and the close is still above SMA(smaPeriod). A longer
 * streak keeps qualifying (a deeper pullback is still a pullback).
 */
export const DOWN_CLOSES = defineFamily({
  id: 'down_closes',
  title: 'Down closes in an uptrend',
  summary: 'Buy after downCloses consecutive lower closes while the close is above its SMA.',
  schema: downClosesParamsSchema,
  defaults: Object.freeze({ downCloses: 3, smaPeriod: 200 }),
  firstValidIndex: (p) => Math.max(p.downCloses, p.smaPeriod - 1),
  prepare: (s, p, cache) => ({ close: s.close, sma: cache.sma(p.smaPeriod), p }),
  hit: (c, t) => {
    const close = c.close;
    if (!(close[t]! > c.sma[t]!)) return false;
    for (let i = t - c.p.downCloses + 1; i <= t; i++) if (!(close[i]! < close[i - 1]!)) return false;
    return true;
  },
  figures: (c, t): DownClosesWhy => ({
    family: 'down_closes',
    close: c.close[t]!,
    sma: c.sma[t]!,
    smaPeriod: c.p.smaPeriod,
    closes: Array.from(c.close.subarray(t - c.p.downCloses, t + 1)),
  }),
});
