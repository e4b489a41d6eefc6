import { z } from 'zod';
import { defineFamily } from './define.js';

/** Moving-average-cross parameters. */
export const maCrossParamsSchema = z
  .strictObject({
    fastPeriod: z.number().int().min(1).describe('integer >= 1: fast SMA period, below slowPeriod'),
    slowPeriod: z.number().int().min(2).describe('integer >= 2: slow SMA period'),
  })
  .refine((p) => p.fastPeriod < p.slowPeriod, { message: 'must be below slowPeriod', path: ['fastPeriod'] });

/** Moving-average-cross parameters. */
export type MaCrossParams = z.output<typeof maCrossParamsSchema>;

/** Figures behind a moving-average cross. */
export interface MaCrossWhy {
  readonly family: 'ma_cross';
  readonly close: number;
  readonly fast: number;
  readonly slow: number;
  readonly prevFast: number;
  readonly prevSlow: number;
  readonly fastPeriod: number;
  readonly slowPeriod: number;
}

/** Moving-average cross: SMA(fast) closes above SMA(slow) having been at or below it on the bar before. */
export const MA_CROSS = defineFamily({
  id: 'ma_cross',
  title: 'Moving-average cross',
  summary: 'Buy the close at which SMA(fastPeriod) crosses above SMA(slowPeriod).',
  schema: maCrossParamsSchema,
  defaults: Object.freeze({ fastPeriod: 50, slowPeriod: 200 }),
  // Both averages must be defined on t-1 too.
  firstValidIndex: (p) => p.slowPeriod,
  prepare: (s, p, cache) => ({ close: s.close, fast: cache.sma(p.fastPeriod), slow: cache.sma(p.slowPeriod), p }),
  hit: (c, t) => c.fast[t]! > c.slow[t]! && c.fast[t - 1]! <= c.slow[t - 1]!,
  figures: (c, t): MaCrossWhy => ({
    family: 'ma_cross',
    close: c.close[t]!,
    fast: c.fast[t]!,
    slow: c.slow[t]!,
    prevFast: c.fast[t - 1]!,
    prevSlow: c.slow[t - 1]!,
    fastPeriod: c.p.fastPeriod,
    slowPeriod: c.p.slowPeriod,
  }),
});
