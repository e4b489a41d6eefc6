import { z } from 'zod';
import { defineFamily } from './define.js';

/** Gap-down-reversal parameters. */
export const gapDownReversalParamsSchema = z.strictObject({
  minGapPct: z.number().positive().describe('number > 0: the open must be at least this many percent under the prior close'),
});

/** Gap-down-reversal parameters. */
export type GapDownReversalParams = z.output<typeof gapDownReversalParamsSchema>;

/** Figures behind a gap-down reversal. */
export interface GapDownReversalWhy {
  readonly family: 'gap_down_reversal';
  readonly open: number;
  readonly prevClose: number;
  readonly close: number;
  /** How far the open sat under the prior close, in percent. */
  readonly gapPct: number;
  readonly minGapPct: number;
}

/**
 * Gap-down reversal: bar t opens at least `minGapPct` percent under the
 * prior close (open[t] <= close[t-1]·(1 - minGapPct/100), an exact gap
 * counts) and closes above its open: the gap was bought.
 */
export const GAP_DOWN_REVERSAL = defineFamily({
  id: 'gap_down_reversal',
  title: 'Gap-down reversal',
  summary: 'Buy an up close (close above open) on a bar that opened at least minGapPct percent under the prior close.',
  schema: gapDownReversalParamsSchema,
  defaults: Object.freeze({ minGapPct: 2 }),
  firstValidIndex: () => 1,
  prepare: (s, p) => ({ s, factor: 1 - p.minGapPct / 100, p }),
  hit: (c, t) => c.s.open[t]! <= c.s.close[t - 1]! * c.factor && c.s.close[t]! > c.s.open[t]!,
  figures: (c, t): GapDownReversalWhy => {
    const open = c.s.open[t]!;
    const prevClose = c.s.close[t - 1]!;
    return {
      family: 'gap_down_reversal',
      open,
      prevClose,
      close: c.s.close[t]!,
      gapPct: ((prevClose - open) / prevClose) * 100,
      minGapPct: c.p.minGapPct,
    };
  },
});
